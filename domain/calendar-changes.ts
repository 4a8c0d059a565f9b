// A running contract's calendar changes (issue 17): an official year is published, or the
// purchaser amends the contract's own days. What travels to the workflows that count working days
// is a patch of whole years (the years whose days changed, each with all its days), so a message
// is bounded by the years that changed, not by the contract's term. The rules a contract's own
// days must satisfy (at registration and on each amendment) are here too.
import { isBlankText, type FreeText } from './free-text';
import { DAY_LISTS, type CalendarOverrides, type WorkingCalendar } from './calendar';
import { isRealDate } from './calendar-years';
import type { IsoDate } from './dates';
import { TERM_FIRST_YEAR, TERM_LAST_YEAR } from './limits';
import { problem, type Problem } from './problems';

/** Years past a term's last a contract may still count (its close grace, at most 3,650 days, and a year's margin). */
const MAX_CLOSE_GRACE_YEARS = 11;

/** Days of each list of a contract's own calendar (holidays, workdays): the API's schema cap too. */
export const MAX_CONTRACT_CALENDAR_DAYS = 400;

/**
 * Checks a contract's own days (`calendar` of its definition, or the body of an amendment), each
 * problem named under `prefix` (`calendar.holidays.3`; no prefix: `holidays.3`): a date that is not a real YYYY-MM-DD, more
 * than MAX_CONTRACT_CALENDAR_DAYS days in a list, a day outside `years` (the contract's calendar
 * years, contractCalendarYears; by default the years any contract may count), a day both off and working. A day listed twice
 * in one list is harmless (it is one day). Returns the overrides normalized: each list sorted,
 * each day once.
 */
export function validateCalendarOverrides(
  input: CalendarOverrides,
  problems: Problem[],
  prefix = 'calendar',
  years: { fromYear: number; toYear: number } = {
    fromYear: TERM_FIRST_YEAR,
    toYear: TERM_LAST_YEAR + MAX_CLOSE_GRACE_YEARS,
  },
): Required<CalendarOverrides> {
  const lists = { holidays: new Map<string, number>(), workdays: new Map<string, number>() };
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  for (const list of DAY_LISTS) {
    const days = input[list] ?? [];
    if (days.length > MAX_CONTRACT_CALENDAR_DAYS) {
      problems.push(problem(field(list), 'at_most_days', { limit: MAX_CONTRACT_CALENDAR_DAYS }));
    }
    days.forEach((day, i) => {
      if (!isRealDate(day)) problems.push(problem(field(`${list}.${i}`), 'day_required'));
      else if (Number(day.slice(0, 4)) < years.fromYear || Number(day.slice(0, 4)) > years.toYear) {
        // Only the contract's years are ever counted: a day outside them could only bloat the calendar its workflows carry.
        problems.push(
          problem(field(`${list}.${i}`), 'within_contract_years', { from: years.fromYear, to: years.toYear }),
        );
      } else if (!lists[list].has(day)) lists[list].set(day, i);
    });
  }
  for (const [day, i] of lists.workdays) {
    const off = lists.holidays.get(day);
    if (off !== undefined) {
      problems.push(problem(field(`workdays.${i}`), 'day_off_and_working', { day, other: field(`holidays.${off}`) }));
    }
  }
  return { holidays: [...lists.holidays.keys()].sort(), workdays: [...lists.workdays.keys()].sort() };
}

/**
 * Checks an amendment of a running contract's own days (POST /v1/contracts/:id/calendar): the
 * rules of validateCalendarOverrides, fields named as the body names them (`holidays.3`), a
 * reason that is not blank, and — given the days in force (`current`) and `today` (Asia/Shanghai)
 * — no day before today changed: what was a working day stays one, or the working days already
 * counted (an acceptance window, a payer's deadline in working days, the days a party held a
 * step) would be counted again differently, and a breach could be declared away. Today and later
 * may change. Returns the days normalized and the reason trimmed, or the problems.
 */
export function validateCalendarAmendment<R extends FreeText>(
  input: {
    holidays?: string[];
    workdays?: string[];
    reason: R;
  },
  years: { fromYear: number; toYear: number },
  past?: { current: CalendarOverrides | undefined; today: IsoDate },
): { ok: true; value: Required<CalendarOverrides> & { reason: R } } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const days = validateCalendarOverrides(
    { holidays: input.holidays ?? [], workdays: input.workdays ?? [] },
    problems,
    '',
    years,
  );
  if (past) {
    for (const list of ['holidays', 'workdays'] as const) {
      const was = new Set(past.current?.[list] ?? []);
      const is = new Set(days[list]);
      const changed = [...new Set([...was, ...is])]
        .filter((day) => day < past.today && was.has(day) !== is.has(day))
        .sort();
      for (const day of changed) problems.push(problem(list, 'calendar_day_past', { day, today: past.today }));
    }
  }
  // The text at the API (trimmed); its stored reference in the workflow (stored trimmed, never blank).
  const reason = (typeof input.reason === 'string' ? input.reason.trim() : input.reason) as R;
  if (isBlankText(reason)) problems.push(problem('reason', 'say_why_days_change'));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { ...days, reason } };
}

/** True when two sets of a contract's own days say the same (order and repeats aside). */
export function sameOverrides(a: CalendarOverrides | undefined, b: CalendarOverrides | undefined): boolean {
  const same = (x: readonly string[] = [], y: readonly string[] = []) => {
    const xs = [...new Set(x)].sort();
    const ys = [...new Set(y)].sort();
    return xs.length === ys.length && xs.every((d, i) => d === ys[i]);
  };
  return same(a?.holidays, b?.holidays) && same(a?.workdays, b?.workdays);
}

/** One year's days of a calendar: all its days off and adjusted working days, sorted. */
export interface CalendarYearDays {
  year: number;
  holidays: IsoDate[];
  workdays: IsoDate[];
}

/**
 * What changed in a calendar: the years whose days differ, each with all its days as they are now,
 * and the covered years now. Applied with applyCalendarPatch. Its size is bounded by the years that
 * changed (an official year: at most 2 × MAX_CALENDAR_YEAR_DAYS days, plus the contract's own days
 * in that year).
 */
export interface CalendarPatch {
  years: CalendarYearDays[];
  coveredYears: { from: number; to: number };
}

const yearOf = (day: string) => Number(day.slice(0, 4));

function byYear(calendar: WorkingCalendar): Map<number, CalendarYearDays> {
  const years = new Map<number, CalendarYearDays>();
  const at = (year: number) => {
    let found = years.get(year);
    if (!found) years.set(year, (found = { year, holidays: [], workdays: [] }));
    return found;
  };
  for (const day of new Set(calendar.holidays)) at(yearOf(day)).holidays.push(day);
  for (const day of new Set(calendar.workdays)) at(yearOf(day)).workdays.push(day);
  for (const y of years.values()) {
    y.holidays.sort();
    y.workdays.sort();
  }
  return years;
}

const sameDays = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The patch that turns `before` into `after` (as isWorkingDay sees them), or undefined when they
 * say the same: every year whose days off or working days differ, with `after`'s days of it.
 */
export function calendarPatch(before: WorkingCalendar, after: WorkingCalendar): CalendarPatch | undefined {
  const old = byYear(before);
  const now = byYear(after);
  const years: CalendarYearDays[] = [];
  for (const year of [...new Set([...old.keys(), ...now.keys()])].sort((a, b) => a - b)) {
    const o = old.get(year) ?? { year, holidays: [], workdays: [] };
    const n = now.get(year) ?? { year, holidays: [], workdays: [] };
    if (!sameDays(o.holidays, n.holidays) || !sameDays(o.workdays, n.workdays)) years.push(n);
  }
  const sameCover =
    before.coveredYears.from === after.coveredYears.from && before.coveredYears.to === after.coveredYears.to;
  if (years.length === 0 && sameCover) return undefined;
  return { years, coveredYears: { ...after.coveredYears } };
}

/** `calendar` with each year of the patch replaced by the patch's days of it (other years kept). */
export function applyCalendarPatch(calendar: WorkingCalendar, patch: CalendarPatch): WorkingCalendar {
  const replaced = new Set(patch.years.map((y) => y.year));
  const kept = (day: string) => !replaced.has(yearOf(day));
  return {
    holidays: [...calendar.holidays.filter(kept), ...patch.years.flatMap((y) => y.holidays)].sort(),
    workdays: [...calendar.workdays.filter(kept), ...patch.years.flatMap((y) => y.workdays)].sort(),
    coveredYears: { ...patch.coveredYears },
  };
}

/**
 * The part of a patch about the years `fromYear`..`toYear` (inclusive), for a receiver that holds
 * only those (a quota step holds its due year and the two after), or undefined when nothing of it
 * is left.
 */
export function patchForYears(patch: CalendarPatch, fromYear: number, toYear: number): CalendarPatch | undefined {
  const years = patch.years.filter((y) => y.year >= fromYear && y.year <= toYear);
  return years.length > 0 ? { years, coveredYears: patch.coveredYears } : undefined;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The years of the calendar a contract's workflow holds (inclusive): from its term's first year
 * to a year past its close (end, grace days, and a year for ladders still climbing).
 */
export function contractCalendarYears(contract: { term: { start: string; endAt: number }; closeGraceDays: number }): {
  fromYear: number;
  toYear: number;
} {
  const fromYear = Number(contract.term.start.slice(0, 4));
  const toYear = new Date(contract.term.endAt + (contract.closeGraceDays + 366) * DAY_MS).getUTCFullYear();
  return { fromYear, toYear };
}
