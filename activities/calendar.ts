// The official calendar data: the chinese-days package (public holidays and adjusted working
// weekends, 2004 through the last year its release carries), overlaid with the years an
// administrator published here (table calendar_years, the latest version of each year wins; see
// domain/calendar-years.ts). Only activities and the API read it; workflows receive it through an
// activity, recorded in their history, so a later publication reaches contracts started after it.
import { createRequire } from 'node:module';
import { and, asc, desc, eq, gt, gte } from 'drizzle-orm';
import type { Database } from '../db/client';
import { calendarYears, contracts } from '../db/schema';
import type { WorkingCalendar } from '../domain/calendar';
import { mergeCalendar } from '../domain/calendar-years';

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let loaded: WorkingCalendar | undefined;

/** The name and version of the package the packaged years come from, e.g. "chinese-days 1.5.7". */
export const PACKAGE_SOURCE = (() => {
  const { name, version } = createRequire(__filename)('chinese-days/package.json') as { name: string; version: string };
  return `${name} ${version}`;
})();

/** The whole calendar the package carries (no published years). */
export function officialCalendar(): WorkingCalendar {
  if (!loaded) {
    const data = createRequire(__filename)('chinese-days/dist/chinese-days.json') as ChineseDaysData;
    const holidays = Object.keys(data.holidays).sort();
    const workdays = Object.keys(data.workdays).sort();
    const years = holidays.map((d) => Number(d.slice(0, 4)));
    loaded = { holidays, workdays, coveredYears: { from: Math.min(...years), to: Math.max(...years) } };
  }
  return loaded;
}

export type PublishedYearRow = typeof calendarYears.$inferSelect;

/** The version in force of every published year (the highest version of each), by year. */
export async function publishedYears(db: Database): Promise<PublishedYearRow[]> {
  return db
    .selectDistinctOn([calendarYears.year])
    .from(calendarYears)
    .orderBy(calendarYears.year, desc(calendarYears.version));
}

/** Which years have an official schedule: the package's span or a publication. */
export async function coveredYearTest(db: Database): Promise<(year: number) => boolean> {
  const { coveredYears } = officialCalendar();
  // Only which years: every read of a contract's detail asks this.
  const rows = await db.selectDistinct({ year: calendarYears.year }).from(calendarYears);
  const published = new Set(rows.map((r) => r.year));
  return (year) => published.has(year) || (year >= coveredYears.from && year <= coveredYears.to);
}

/**
 * The part of the calendar between two years (inclusive), published years over the package's:
 * what a contract's workflow needs, and what the API counts held days with.
 */
export async function calendarInForce(db: Database, fromYear: number, toYear: number): Promise<WorkingCalendar> {
  return mergeCalendar(officialCalendar(), await publishedYears(db), fromYear, toYear);
}

/** The packaged data alone between two years (inclusive), for tests and fixtures that need no database. */
export function calendarForYears(fromYear: number, toYear: number): WorkingCalendar {
  return mergeCalendar(officialCalendar(), [], fromYear, toYear);
}

export function createCalendarActivities(deps: { db: Database }) {
  return {
    /** Calendar data for a span of years; its result is recorded in the calling workflow's history. */
    async workingCalendar(input: { fromYear: number; toYear: number }): Promise<WorkingCalendar> {
      return calendarInForce(deps.db, input.fromYear, input.toYear);
    },
    /**
     * One page of the ids of active contracts (the read model), ascending, after `afterId`
     * (keyset): what a publication's fan-out signals. At most `limit` ids (1..500). With
     * `createdSince` (ISO instant), only contracts registered since then.
     */
    async openContractIds(input: { afterId?: string; limit: number; createdSince?: string }): Promise<string[]> {
      const limit = Math.min(Math.max(1, Math.trunc(input.limit)), 500);
      const rows = await deps.db
        .select({ id: contracts.id })
        .from(contracts)
        .where(
          and(
            eq(contracts.status, 'active'),
            input.afterId === undefined ? undefined : gt(contracts.id, input.afterId),
            input.createdSince === undefined ? undefined : gte(contracts.createdAt, new Date(input.createdSince)),
          ),
        )
        .orderBy(asc(contracts.id))
        .limit(limit);
      return rows.map((r) => r.id);
    },
  };
}
