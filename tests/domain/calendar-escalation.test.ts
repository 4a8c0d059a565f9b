import { describe, expect, it } from 'vitest';
import { calendarForYears, officialCalendar } from '../../db/calendar';
import { addWorkingDays, isCovered, isWorkingDay, withOverrides, workingDaysBetween } from '../../domain/calendar';
import { validateContractDefinition } from '../../domain/contract';
import fc from 'fast-check';
import { DEFAULT_LADDERS, ladderFor, levelFiresAt, stepDueAt, stepDueDay } from '../../domain/escalation';
import { addDays, parseInstant, shanghaiDate, startOfShanghaiDay } from '../../domain/dates';
import { quotaPeriods } from '../../domain/quotas';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

describe('the mainland China working-day calendar', () => {
  const calendar = calendarForYears(2023, 2025);

  it('knows public holidays and adjusted working weekends (National Day 2024)', () => {
    expect(isWorkingDay('2024-10-01', calendar)).toBe(false); // National Day
    expect(isWorkingDay('2024-10-07', calendar)).toBe(false); // Monday, still the holiday
    expect(isWorkingDay('2024-09-29', calendar)).toBe(true); // Sunday, worked in lieu
    expect(isWorkingDay('2024-10-12', calendar)).toBe(true); // Saturday, worked in lieu
    expect(isWorkingDay('2024-10-13', calendar)).toBe(false); // an ordinary Sunday
  });

  it('counts working days across them', () => {
    // Friday 27 Sep + 5: Sun 29 (worked), Mon 30, then Tue 8, Wed 9, Thu 10 October.
    expect(addWorkingDays('2024-09-27', 5, calendar)).toBe('2024-10-10');
    expect(workingDaysBetween('2024-09-30', '2024-10-14', calendar)).toBe(6);
    expect(workingDaysBetween('2024-10-14', '2024-09-30', calendar)).toBe(0);
  });

  it('covers the years its data has, and treats later years as plain Monday–Friday', () => {
    const all = officialCalendar();
    expect(all.coveredYears.from).toBe(2004);
    expect(all.coveredYears.to).toBeGreaterThanOrEqual(2026);
    expect(isCovered(all, '2024-01-01', '2026-12-31')).toBe(all.coveredYears.to >= 2026);
    const beyond = calendarForYears(all.coveredYears.to + 1, all.coveredYears.to + 1);
    expect(beyond.holidays).toEqual([]);
    expect(isCovered(beyond, `${all.coveredYears.to + 1}-01-01`, `${all.coveredYears.to + 1}-12-31`)).toBe(false);
  });

  it('lets a contract add its own days off and working days', () => {
    const own = withOverrides(calendar, { holidays: ['2024-10-10'], workdays: ['2024-10-13'] });
    expect(isWorkingDay('2024-10-10', own)).toBe(false);
    expect(isWorkingDay('2024-10-13', own)).toBe(true);
    expect(isWorkingDay('2024-10-10', calendar)).toBe(true);
  });
});

describe('escalation ladders', () => {
  it('defaults the payment shortfall ladder: payer at once, payer after 5, purchaser after 10, oversight after 20 working days', () => {
    expect(DEFAULT_LADDERS.paymentShortfall.levels.map((l) => [l.afterWorkingDays, l.notify])).toEqual([
      [0, ['payer']],
      [5, ['payer']],
      [10, ['purchaser']],
      [20, ['oversight']],
    ]);
    expect(
      ladderFor('reviewOverdue', {
        reviewOverdue: { levels: [{ afterDays: 1, notify: ['purchaser'], severity: 'info' }] },
      }).levels,
    ).toHaveLength(1);
  });

  it('fires a level at once, or at 09:00 Shanghai on the nth working day after the due day', () => {
    const calendar = calendarForYears(2024, 2024);
    const due = parseInstant('2024-09-27')!;
    expect(levelFiresAt(due, { afterWorkingDays: 0, notify: ['payer'], severity: 'warning' }, calendar)).toBe(due);
    expect(
      new Date(
        levelFiresAt(due, { afterWorkingDays: 5, notify: ['payer'], severity: 'warning' }, calendar),
      ).toISOString(),
    ).toBe('2024-10-10T01:00:00.000Z');
    expect(
      new Date(levelFiresAt(due, { afterDays: 5, notify: ['payer'], severity: 'warning' }, calendar)).toISOString(),
    ).toBe('2024-10-02T01:00:00.000Z');
  });

  it('validates ladders given in a contract', () => {
    const result = validateContractDefinition(
      sCountyContract(sCountyOrgIds, {
        escalationPolicies: {
          paymentShortfall: {
            levels: [
              { afterWorkingDays: 5, notify: ['payer'], severity: 'warning' },
              { afterWorkingDays: 2, afterDays: 3, notify: ['purchaser'], severity: 'critical' },
              { afterWorkingDays: 1, notify: [], severity: 'critical' },
            ],
          },
        },
        calendar: { holidays: ['2023-13-01'] },
      }),
      (id) => sCountyKinds[id],
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toMatchObject([
      {
        field: 'escalationPolicies.paymentShortfall.levels.1',
        reason: 'must give exactly one of afterWorkingDays or afterDays',
      },
      { field: 'escalationPolicies.paymentShortfall.levels.2', reason: 'must not come before the level above it' },
      { field: 'escalationPolicies.paymentShortfall.levels.2.notify', reason: 'must name at least one party' },
      { field: 'calendar.holidays.0', reason: 'must be a date (YYYY-MM-DD)' },
    ]);
  });
});

describe("a step's due day: the last day it was on time", () => {
  const calendar = calendarForYears(2020, 2026);
  const HOUR = 3600 * 1000;
  const DAY = 24 * HOUR;
  const at9 = (day: string) => startOfShanghaiDay(day) + 9 * HOUR;

  it("anchors a monthly quota on the month's last day, as a checkpoint by that day (July 2024)", () => {
    const [july] = quotaPeriods({ period: 'month', target: 8 }, '2024-07-15', '2024-08-31');
    const quotaDue = stepDueAt(july!.endsAt); // judged at midnight on 1 August
    const checkpointDue = stepDueAt(parseInstant('2024-07-31')!);
    expect(stepDueDay(july!.endsAt)).toBe('2024-07-31');
    const purchaser = DEFAULT_LADDERS.quotaShortfall.levels[1]!;
    expect(levelFiresAt(quotaDue, purchaser, calendar)).toBe(at9('2024-08-07'));
    expect(levelFiresAt(checkpointDue, purchaser, calendar)).toBe(at9('2024-08-07'));
    // Progress recorded late on 9 August: 1, 2, 5, 6, 7, 8, 9 August are held.
    expect(workingDaysBetween(shanghaiDate(quotaDue), '2024-08-09', calendar)).toBe(7);
    // A quarter judged at midnight on 1 October 2024: due 30 September; the National Day holiday
    // and the worked Saturday 12 October count as the calendar says.
    const [q3] = quotaPeriods({ period: 'quarter', target: 30 }, '2024-07-01', '2024-12-31');
    expect(stepDueDay(q3!.endsAt)).toBe('2024-09-30');
    expect(levelFiresAt(stepDueAt(q3!.endsAt), purchaser, calendar)).toBe(at9('2024-10-12')); // 8, 9, 10, 11, Sat 12 Oct
    // A due date-time of 00:00 is the day before's deadline too.
    expect(stepDueDay(parseInstant('2024-07-01T00:00')!)).toBe('2024-06-30');
    expect(stepDueDay(parseInstant('2024-07-01T00:00:01')!)).toBe('2024-07-01');
  });

  it('fires level N at 09:00 of the N-th working day after the due day, however the deadline is written', () => {
    const days = fc.integer({ min: 0, max: 6 * 365 }).map((n) => addDays('2020-01-01', n));
    // The same last on-time day as a date, as the next midnight, or as a moment inside it.
    const deadline = (day: string, form: number, offset: number) =>
      form === 0
        ? parseInstant(day)!
        : form === 1
          ? startOfShanghaiDay(addDays(day, 1))
          : startOfShanghaiDay(day) + 1 + (offset % (DAY - 1));
    fc.assert(
      fc.property(
        days,
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        fc.integer({ min: 1, max: 25 }),
        (day, form, offset, n) => {
          const due = stepDueAt(deadline(day, form, offset));
          expect(stepDueAt(due)).toBe(due);
          expect(shanghaiDate(due)).toBe(day);
          expect(stepDueDay(deadline(day, form, offset))).toBe(day);
          const fires = levelFiresAt(due, { afterWorkingDays: n, notify: ['payer'], severity: 'warning' }, calendar);
          const fireDay = shanghaiDate(fires);
          expect(fires).toBe(at9(fireDay));
          expect(isWorkingDay(fireDay, calendar)).toBe(true);
          expect(workingDaysBetween(day, fireDay, calendar)).toBe(n);
          expect(workingDaysBetween(day, addDays(fireDay, -1), calendar)).toBe(n - 1);
          // Resolved on or before the due day: nothing held; on the day level N fires: N held.
          expect(workingDaysBetween(shanghaiDate(due), day, calendar)).toBe(0);
          expect(workingDaysBetween(shanghaiDate(due), addDays(day, -offset % 40), calendar)).toBe(0);
          expect(workingDaysBetween(shanghaiDate(due), fireDay, calendar)).toBe(n);
        },
      ),
    );
  });
});
