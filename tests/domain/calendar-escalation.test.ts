import { describe, expect, it } from 'vitest';
import { calendarForYears, officialCalendar } from '../../activities/calendar';
import { addWorkingDays, isCovered, isWorkingDay, withOverrides, workingDaysBetween } from '../../domain/calendar';
import { validateContractDefinition } from '../../domain/contract';
import { DEFAULT_LADDERS, ladderFor, levelFiresAt } from '../../domain/escalation';
import { parseInstant } from '../../domain/dates';
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
    expect(ladderFor('reviewOverdue', { reviewOverdue: { levels: [{ afterDays: 1, notify: ['purchaser'], severity: 'info' }] } }).levels).toHaveLength(1);
  });

  it('fires a level at once, or at 09:00 Shanghai on the nth working day after the due day', () => {
    const calendar = calendarForYears(2024, 2024);
    const due = parseInstant('2024-09-27')!;
    expect(levelFiresAt(due, { afterWorkingDays: 0, notify: ['payer'], severity: 'warning' }, calendar)).toBe(due);
    expect(new Date(levelFiresAt(due, { afterWorkingDays: 5, notify: ['payer'], severity: 'warning' }, calendar)).toISOString()).toBe(
      '2024-10-10T01:00:00.000Z',
    );
    expect(new Date(levelFiresAt(due, { afterDays: 5, notify: ['payer'], severity: 'warning' }, calendar)).toISOString()).toBe(
      '2024-10-02T01:00:00.000Z',
    );
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
    expect(result.problems).toEqual([
      { field: 'escalationPolicies.paymentShortfall.levels.1', reason: 'must give exactly one of afterWorkingDays or afterDays' },
      { field: 'escalationPolicies.paymentShortfall.levels.2', reason: 'must not come before the level above it' },
      { field: 'escalationPolicies.paymentShortfall.levels.2.notify', reason: 'must name at least one party' },
      { field: 'calendar.holidays.0', reason: 'must be a date (YYYY-MM-DD)' },
    ]);
  });
});
