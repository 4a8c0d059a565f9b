// A year of the official calendar as data: the State Council publishes each year's public holidays
// and adjusted working weekends (调休) late in the year before, and an administrator publishes them
// here. The rules a publication must satisfy, how published years combine with the packaged data,
// and what is said about a contract whose term reaches into a year nobody has published yet.
import { DAY_LISTS, type WorkingCalendar } from './calendar';
import { dayNumber, type IsoDate } from './dates';
import { problem, type Problem } from './problems';
import type { NoticeText, Text } from './languages';

/** Years a publication may name: far around any contract term; every date column holds them. */
export const MIN_CALENDAR_YEAR = 2000;
export const MAX_CALENDAR_YEAR = 2199;
/** Days off, and adjusted working days, in one year's publication (a real year has ~30 and ~10). */
export const MAX_CALENDAR_YEAR_DAYS = 60;

/** What an administrator publishes for one year. Dates YYYY-MM-DD. */
export interface CalendarYearInput {
  /** Days off (public holidays, weekends inside a holiday included). */
  holidays: string[];
  /** Saturdays and Sundays that are working days (调休). */
  workdays: string[];
  /** The notice the days come from: its title and the day it was issued. */
  source: { title: string; date: string };
}

/** A publication that passed `validateCalendarYear`: days sorted ascending, each once, title trimmed. */
export interface CalendarYearPublication {
  year: number;
  holidays: IsoDate[];
  workdays: IsoDate[];
  source: { title: string; date: IsoDate };
}

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** True when `text` is YYYY-MM-DD naming a day that exists (no 2027-02-30). */
export function isRealDate(text: string): boolean {
  const found = DATE.exec(text);
  if (!found) return false;
  const [y, m, d] = [Number(found[1]), Number(found[2]), Number(found[3])];
  if (m < 1 || m > 12 || d < 1) return false;
  const monthLength = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= monthLength;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Day of the week of a real date: 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(day: IsoDate): number {
  return (((dayNumber(day) + 4) % 7) + 7) % 7;
}

/**
 * Checks one year's publication. Every problem is named by its field (`holidays.3`, `workdays.0`,
 * `source.date`): a date that is not a real YYYY-MM-DD, a date outside `year`, a day listed twice,
 * a day both off and working, an adjusted working day that is not a Saturday or Sunday, a year
 * without any day off. Holidays may fall on weekends (a holiday spans them). Returns the publication
 * normalized (sorted, trimmed) or the problems.
 */
export function validateCalendarYear(
  year: number,
  input: CalendarYearInput,
): { ok: true; value: CalendarYearPublication } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!Number.isInteger(year) || year < MIN_CALENDAR_YEAR || year > MAX_CALENDAR_YEAR) {
    problems.push(problem('year', 'calendar_year_range', { from: MIN_CALENDAR_YEAR, to: MAX_CALENDAR_YEAR }));
  }
  const valid = { holidays: new Map<string, number>(), workdays: new Map<string, number>() };
  for (const list of DAY_LISTS) {
    if (input[list].length > MAX_CALENDAR_YEAR_DAYS) {
      problems.push(problem(list, 'at_most_days', { limit: MAX_CALENDAR_YEAR_DAYS }));
    }
    input[list].forEach((day, i) => {
      const field = `${list}.${i}`;
      if (!isRealDate(day)) {
        problems.push(problem(field, 'real_day_required'));
        return;
      }
      if (Number(day.slice(0, 4)) !== year) {
        problems.push(problem(field, 'day_not_in_year', { day, year }));
        return;
      }
      const earlier = valid[list].get(day);
      if (earlier !== undefined) {
        problems.push(problem(field, 'day_repeats', { day, other: `${list}.${earlier}` }));
        return;
      }
      valid[list].set(day, i);
    });
  }
  for (const [day, i] of valid.workdays) {
    const off = valid.holidays.get(day);
    if (off !== undefined) {
      problems.push(problem(`workdays.${i}`, 'day_off_and_working', { day, other: `holidays.${off}` }));
      continue;
    }
    const dow = dayOfWeek(day);
    if (dow !== 0 && dow !== 6) {
      problems.push(problem(`workdays.${i}`, 'workday_on_weekend_only', { day, weekday: WEEKDAYS[dow] ?? '' }));
    }
  }
  if (input.holidays.length === 0) problems.push(problem('holidays', 'holidays_required'));
  const title = input.source.title.trim();
  if (title.length === 0) problems.push(problem('source.title', 'notice_title_required'));
  if (!isRealDate(input.source.date)) problems.push(problem('source.date', 'real_day_required'));
  // The State Council publishes a year's schedule late in the year before (a correction may come
  // within the year): a notice dated outside those two years is a typing mistake.
  else if (
    !problems.some((p) => p.field === 'year') &&
    (input.source.date < `${year - 1}-01-01` || input.source.date > `${year}-12-31`)
  ) {
    problems.push(problem('source.date', 'notice_year', { year }));
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      year,
      holidays: [...valid.holidays.keys()].sort(),
      workdays: [...valid.workdays.keys()].sort(),
      source: { title, date: input.source.date },
    },
  };
}

/** True when two publications of a year say the same (days and source): republishing it adds no version. */
export function samePublication(a: CalendarYearPublication, b: CalendarYearPublication): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((d, i) => d === y[i]);
  return (
    a.year === b.year &&
    same(a.holidays, b.holidays) &&
    same(a.workdays, b.workdays) &&
    a.source.title === b.source.title &&
    a.source.date === b.source.date
  );
}

/** The idempotency key of the audit event of a year's version. */
export function calendarYearEventKey(year: number, version: number): string {
  return `calendar-year:${year}:v${version}`;
}

/** The idempotency key of the administrators' notice that `year` is not published yet. */
export function missingYearNoticeKey(year: number): string {
  return `calendar-year-missing:${year}`;
}

/**
 * The calendar for `fromYear`..`toYear` from the packaged data and the published years (the latest
 * version of each): a published year replaces the package's days of that year entirely. Covered
 * years: the package's span, extended year by year while the next year is published (a gap ends
 * it, so `isCovered` never claims a year nobody published).
 */
export function mergeCalendar(
  packaged: WorkingCalendar,
  published: ReadonlyArray<Pick<CalendarYearPublication, 'year' | 'holidays' | 'workdays'>>,
  fromYear: number,
  toYear: number,
): WorkingCalendar {
  const byYear = new Map(published.map((p) => [p.year, p]));
  const inRange = (d: string) => {
    const y = Number(d.slice(0, 4));
    return y >= fromYear && y <= toYear && !byYear.has(y);
  };
  const holidays = packaged.holidays.filter(inRange);
  const workdays = packaged.workdays.filter(inRange);
  for (const p of published) {
    if (p.year < fromYear || p.year > toYear) continue;
    holidays.push(...p.holidays);
    workdays.push(...p.workdays);
  }
  return {
    holidays: holidays.sort(),
    workdays: workdays.sort(),
    coveredYears: coveredYears(packaged.coveredYears, byYear),
  };
}

function coveredYears(packaged: { from: number; to: number }, published: ReadonlyMap<number, unknown>) {
  let { from, to } = packaged;
  while (published.has(to + 1)) to += 1;
  while (published.has(from - 1)) from -= 1;
  return { from, to };
}

/** Years of a term (inclusive) that no official schedule covers. */
export function unpublishedYears(
  term: { start: string; end: string },
  isPublished: (year: number) => boolean,
): number[] {
  const first = Number(term.start.slice(0, 4));
  const last = Number(term.end.slice(0, 4));
  const missing: number[] = [];
  // Bounded by the years a publication can name, whatever the term says.
  for (let y = Math.max(first, MIN_CALENDAR_YEAR - 1); y <= Math.min(last, MAX_CALENDAR_YEAR + 1); y++)
    if (!isPublished(y)) missing.push(y);
  return missing;
}

export interface CalendarWarning {
  year: number;
  message: Text;
}

/** What a contract says about each year of its term without an official schedule. */
export function calendarWarnings(
  term: { start: string; end: string },
  isPublished: (year: number) => boolean,
): CalendarWarning[] {
  return unpublishedYears(term, isPublished).map((year) => ({
    year,
    message: {
      en: `${year}: the official schedule is not published yet; only weekends are days off`,
      'zh-CN': `${year} 年：官方节假日安排尚未发布，暂只按周末计休息日`,
    },
  }));
}

/**
 * The day from which administrators are told that next year is missing: 1 November (the State
 * Council's notice usually comes in late October to December). Returns the missing year to announce
 * on `today`, or undefined.
 */
export function yearToAnnounceMissing(today: IsoDate, isPublished: (year: number) => boolean): number | undefined {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  if (month < 11) return undefined;
  return isPublished(year + 1) ? undefined : year + 1;
}

/** The administrators' notice that `year` has no official schedule yet. */
export function missingYearNotice(year: number): NoticeText {
  return {
    subject: {
      en: `The official calendar for ${year} is not published yet`,
      'zh-CN': `${year} 年官方节假日安排尚未发布`,
    },
    body: {
      en:
        `Contracts running into ${year} count only weekends as days off until its holidays and adjusted working days are published. ` +
        `When the State Council's notice is out, publish it with PUT /v1/calendar/years/${year}.`,
      'zh-CN': `在发布 ${year} 年的节假日和调休安排之前，跨入 ${year} 年的合同只把周末计为休息日。国务院通知发布后，请通过 PUT /v1/calendar/years/${year} 录入。`,
    },
  };
}
