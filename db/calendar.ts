// The official calendar data: the chinese-days package (public holidays and adjusted working
// weekends, 2004 through the last year its release carries), overlaid with the years an
// administrator published here (table calendar_years, the latest version of each year wins; see
// domain/calendar-years.ts). Read by the API and by the calendar activity (activities/calendar.ts);
// workflows receive it through that activity, recorded in their history, so a later publication
// reaches contracts started after it.
import { createRequire } from 'node:module';
import { desc } from 'drizzle-orm';
import type { WorkingCalendar } from '../domain/calendar';
import { mergeCalendar } from '../domain/calendar-years';
import type { Database } from './client';
import { calendarYears } from './schema';

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
