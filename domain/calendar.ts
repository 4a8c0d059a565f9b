// Working days on the mainland China calendar: Monday to Friday, less public holidays, plus the
// adjusted working weekends (调休). Pure arithmetic over calendar data handed in, so a workflow
// that received the data once (from an activity) replays the same whatever the data becomes later.
import { addDays, dayNumber, utcInstant, type IsoDate } from './dates';

export interface WorkingCalendar {
  /** Days off (public holidays), YYYY-MM-DD. */
  holidays: IsoDate[];
  /** Weekend days that are working days (调休), YYYY-MM-DD. */
  workdays: IsoDate[];
  /** Years the official data covers; outside them only weekends are days off (plus overrides). */
  coveredYears: { from: number; to: number };
}

export interface CalendarOverrides {
  holidays?: IsoDate[];
  workdays?: IsoDate[];
}

/** The two lists of days a calendar (its official data or a contract's own) sets: days off and working weekends. */
export const DAY_LISTS = ['holidays', 'workdays'] as const satisfies readonly (keyof CalendarOverrides &
  keyof WorkingCalendar)[];

const indexes = new WeakMap<WorkingCalendar, { off: Set<string>; on: Set<string> }>();

function index(calendar: WorkingCalendar) {
  let found = indexes.get(calendar);
  if (!found) {
    found = { off: new Set(calendar.holidays), on: new Set(calendar.workdays) };
    indexes.set(calendar, found);
  }
  return found;
}

/** The calendar with a contract's own additions: its holidays and workdays win over the data. */
export function withOverrides(calendar: WorkingCalendar, overrides: CalendarOverrides | undefined): WorkingCalendar {
  if (!overrides || (!overrides.holidays?.length && !overrides.workdays?.length)) return calendar;
  const extraOff = new Set(overrides.holidays ?? []);
  const extraOn = new Set(overrides.workdays ?? []);
  return {
    holidays: [...calendar.holidays.filter((d) => !extraOn.has(d)), ...extraOff],
    workdays: [...calendar.workdays.filter((d) => !extraOff.has(d)), ...extraOn],
    coveredYears: calendar.coveredYears,
  };
}

function weekday(day: IsoDate): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(utcInstant(y, m - 1, d)).getUTCDay();
}

export function isWorkingDay(day: IsoDate, calendar: WorkingCalendar): boolean {
  const { off, on } = index(calendar);
  if (off.has(day)) return false;
  if (on.has(day)) return true;
  const dow = weekday(day);
  return dow !== 0 && dow !== 6;
}

/** The day `n` working days after `day` (n = 0: `day` itself). */
export function addWorkingDays(day: IsoDate, n: number, calendar: WorkingCalendar): IsoDate {
  let current = day;
  let left = n;
  while (left > 0) {
    current = addDays(current, 1);
    if (isWorkingDay(current, calendar)) left -= 1;
  }
  return current;
}

/** The last working day before `day`. */
export function previousWorkingDay(day: IsoDate, calendar: WorkingCalendar): IsoDate {
  let current = addDays(day, -1);
  while (!isWorkingDay(current, calendar)) current = addDays(current, -1);
  return current;
}

/**
 * Working days after `from` up to and including `to` (0 when `to` is not after `from`). Counted,
 * not walked: Monday to Friday by arithmetic, then the calendar's days off and working weekends
 * within the span — a span of centuries (a yearly list drawn up for 2199) costs what a week does.
 */
export function workingDaysBetween(from: IsoDate, to: IsoDate, calendar: WorkingCalendar): number {
  if (to <= from) return 0;
  const first = dayNumber(from) + 1;
  const last = dayNumber(to);
  let count = weekdaysIn(first, last);
  const { off, on } = index(calendar);
  for (const day of off) if (day > from && day <= to && isWeekday(dayNumber(day))) count -= 1;
  for (const day of on) if (day > from && day <= to && !off.has(day) && !isWeekday(dayNumber(day))) count += 1;
  return count;
}

/** Monday to Friday, by day number (domain/dates dayNumber: 0 is 1970-01-01, a Thursday). */
const isWeekday = (n: number): boolean => {
  const dow = (((n + 4) % 7) + 7) % 7;
  return dow !== 0 && dow !== 6;
};

/** Mondays to Fridays among the days numbered `first` to `last`, inclusive. */
function weekdaysIn(first: number, last: number): number {
  const weeks = Math.floor((last - first + 1) / 7);
  let count = weeks * 5;
  for (let n = first + weeks * 7; n <= last; n++) if (isWeekday(n)) count += 1;
  return count;
}

/** True when every year from `fromDay` to `toDay` has official holiday data. */
export function isCovered(calendar: WorkingCalendar, fromDay: IsoDate, toDay: IsoDate): boolean {
  return (
    Number(fromDay.slice(0, 4)) >= calendar.coveredYears.from && Number(toDay.slice(0, 4)) <= calendar.coveredYears.to
  );
}

/** A span a step was held: from `since`'s day (exclusive) up to `until`'s day (inclusive). */
export interface HeldInterval {
  since: IsoDate;
  until: IsoDate;
}

/**
 * Working days on which at least one of the intervals was held: the union of the intervals, each
 * counted as `workingDaysBetween` counts (after `since`'s day, up to and including `until`'s day),
 * so steps held in parallel count each working day once. Empty intervals (`until` ≤ `since`) add
 * nothing. A count of days (integer).
 */
export function workingDaysInAny(intervals: readonly HeldInterval[], calendar: WorkingCalendar): number {
  const sorted = intervals
    .filter((i) => i.until > i.since)
    .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  let count = 0;
  let current: HeldInterval | undefined;
  for (const interval of sorted) {
    // (a, b] and (c, d] with c ≤ b overlap or touch: one span (a, max(b, d)].
    if (current && interval.since <= current.until) {
      if (interval.until > current.until) current = { since: current.since, until: interval.until };
      continue;
    }
    if (current) count += workingDaysBetween(current.since, current.until, calendar);
    current = interval;
  }
  if (current) count += workingDaysBetween(current.since, current.until, calendar);
  return count;
}
