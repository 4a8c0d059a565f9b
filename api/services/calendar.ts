// The official calendar's years: read (the package's, or published here) and published by an
// administrator. A publication is validated by domain/calendar-years.ts, stored as a new version
// (calendar_years is append-only) with its audit event in the same transaction, and from then on
// used wherever the calendar is read (db/calendar.ts). The administrators' inbox is told,
// from 1 November, while next year has no schedule.
import { desc, eq } from 'drizzle-orm';
import {
  calendarInForce,
  coveredYearTest,
  officialCalendar,
  PACKAGE_SOURCE,
  publishedYears,
  type PublishedYearRow,
} from '../../db/calendar';
import type { Database } from '../../db/client';
import { appendEvent } from '../../db/events';
import { insertNotifications } from '../../db/notifications';
import { calendarYears } from '../../db/schema';
import {
  calendarYearEventKey,
  missingYearNotice,
  missingYearNoticeKey,
  samePublication,
  validateCalendarYear,
  yearToAnnounceMissing,
  type CalendarYearInput,
  type CalendarYearPublication,
} from '../../domain/calendar-years';
import { shanghaiDate } from '../../domain/dates';
import type { Actor } from '../../domain/organizations';
import { notFound, unprocessable } from '../errors';
import type { StoredResponse } from './idempotency';
import type { ReachRunningContracts } from './calendar-reach';
import { ADMINISTRATORS_INBOX } from './inbox';
import { say } from '../../domain/messages';
import { firstProblemMessage } from '../errors';

/** Versions of one year shown with it, newest first (a year is republished a handful of times). */
export const MAX_VERSIONS_SHOWN = 100;

const publicationOf = (row: PublishedYearRow): CalendarYearPublication => ({
  year: row.year,
  holidays: row.holidays,
  workdays: row.workdays,
  source: { title: row.sourceTitle, date: row.sourceDate },
});

const versionView = (row: PublishedYearRow) => ({
  version: row.version,
  notice: { title: row.sourceTitle, date: row.sourceDate },
  publishedBy: row.publishedBy,
  publishedAt: row.publishedAt.toISOString(),
  holidays: row.holidays,
  workdays: row.workdays,
});

/** A year as read: where its days come from, and the days. */
function yearView(year: number, row: PublishedYearRow | undefined) {
  if (row) {
    return { year, source: 'published' as const, package: null, ...versionView(row) };
  }
  const packaged = officialCalendar();
  const inYear = (d: string) => d.startsWith(`${year}-`);
  return {
    year,
    source: 'package' as const,
    package: PACKAGE_SOURCE,
    version: null,
    notice: null,
    publishedBy: null,
    publishedAt: null,
    holidays: packaged.holidays.filter(inYear),
    workdays: packaged.workdays.filter(inYear),
  };
}

export class CalendarService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => number = Date.now,
    /** Tells the running contracts of a version (api/services/calendar-reach.ts); none: only contracts started later use it. */
    private readonly reach?: ReachRunningContracts,
  ) {}

  /** Every year with an official schedule, oldest first, each with its source (days counted, not listed). */
  async list() {
    const published = new Map((await publishedYears(this.db)).map((r) => [r.year, r]));
    const { coveredYears } = officialCalendar();
    const years = new Set(published.keys());
    for (let y = coveredYears.from; y <= coveredYears.to; y++) years.add(y);
    const sorted = [...years].sort((a, b) => a - b);
    const first = sorted[0] ?? coveredYears.from;
    const last = sorted.at(-1) ?? coveredYears.to;
    return {
      coveredYears: (await calendarInForce(this.db, first, last)).coveredYears,
      items: sorted.map((year) => {
        const { holidays, workdays, ...rest } = yearView(year, published.get(year));
        return { ...rest, holidayCount: holidays.length, workdayCount: workdays.length };
      }),
    };
  }

  /** One year: the days in force, their source, and every published version (newest first). 404 when none. */
  async year(year: number) {
    const rows = await this.db
      .select()
      .from(calendarYears)
      .where(eq(calendarYears.year, year))
      .orderBy(desc(calendarYears.version))
      .limit(MAX_VERSIONS_SHOWN);
    const { coveredYears } = officialCalendar();
    if (rows.length === 0 && (year < coveredYears.from || year > coveredYears.to)) {
      throw notFound(say('no_official_schedule', { year, to: coveredYears.to }));
    }
    return { ...yearView(year, rows[0]), versions: rows.map(versionView) };
  }

  /**
   * Publishes a year (admin; the route checks the role): 201 with the new version, or 200 with the
   * version in force when it already says exactly this (so a repeated PUT adds nothing). 422 naming
   * each problem when the days break a rule of domain/calendar-years.ts. Either way the running
   * contracts are told of the version in force (`reach`); 503 when Temporal cannot be reached then
   * (the version is kept; repeating the PUT tells them).
   */
  async publish(actor: Actor, year: number, input: CalendarYearInput): Promise<StoredResponse> {
    const checked = validateCalendarYear(year, input);
    if (!checked.ok) {
      throw unprocessable(firstProblemMessage(checked.problems, say('invalid_request')), checked.problems);
    }
    const publication = checked.value;
    // Two administrators publishing the same year at once both read version n; the unique index
    // on (year, version) lets one insert n + 1 and the other tries again with n + 2.
    for (let attempt = 0; attempt < 10; attempt++) {
      const [current] = await this.db
        .select()
        .from(calendarYears)
        .where(eq(calendarYears.year, year))
        .orderBy(desc(calendarYears.version))
        .limit(1);
      if (current && samePublication(publicationOf(current), publication)) {
        // Again, in case the first attempt's fan-out could not start (it starts once per version).
        await this.reach?.(year, current.version);
        return { statusCode: 200, body: yearView(year, current) };
      }
      const version = (current?.version ?? 0) + 1;
      const publishedAt = new Date(this.clock());
      const inserted = await this.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(calendarYears)
          .values({
            year,
            version,
            holidays: publication.holidays,
            workdays: publication.workdays,
            sourceTitle: publication.source.title,
            sourceDate: publication.source.date,
            publishedBy: actor.userId,
            publishedAt,
          })
          .onConflictDoNothing()
          .returning();
        if (!row) return undefined;
        await appendEvent(tx, {
          idempotencyKey: calendarYearEventKey(year, version),
          kind: 'calendar_year.published',
          actorId: actor.userId,
          occurredAt: publishedAt.toISOString(),
          payload: {
            year,
            version,
            source: publication.source,
            holidays: publication.holidays,
            workdays: publication.workdays,
          },
        });
        return row;
      });
      if (inserted) {
        // Committed first: a fan-out that cannot start now (503) starts when the PUT is repeated.
        await this.reach?.(year, version);
        return { statusCode: 201, body: yearView(year, inserted) };
      }
    }
    throw new Error(`Could not publish ${year}: its version kept changing`);
  }

  /**
   * From 1 November (Shanghai), while next year has no official schedule, one notice to the
   * administrators' inbox per missing year (its idempotency key makes a repeat a no-op, whichever
   * API process runs the check). Returns the year announced, if any.
   */
  async announceMissingYear(): Promise<number | undefined> {
    const now = this.clock();
    const year = yearToAnnounceMissing(shanghaiDate(now), await coveredYearTest(this.db));
    if (year === undefined) return undefined;
    const { subject, body } = missingYearNotice(year);
    await insertNotifications(this.db, null, [
      {
        idempotencyKey: missingYearNoticeKey(year),
        organizationIds: [ADMINISTRATORS_INBOX],
        kind: 'calendar.year_missing',
        severity: 'warning',
        subject,
        body,
        at: new Date(now).toISOString(),
      },
    ]);
    return year;
  }

  /** Which years of the calendar have an official schedule (package or publication). */
  isPublished() {
    return coveredYearTest(this.db);
  }
}
