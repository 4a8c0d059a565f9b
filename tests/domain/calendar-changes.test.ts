// Calendar patches (issue 17): applying the patch between two calendars yields the second, as
// isWorkingDay sees it, whatever the days; the rules of a contract's own days name each field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkingDay, type WorkingCalendar } from '../../domain/calendar';
import {
  applyCalendarPatch,
  calendarPatch,
  patchForYears,
  validateCalendarAmendment,
} from '../../domain/calendar-changes';
import { addDays } from '../../domain/dates';

const day = fc.integer({ min: 0, max: 3 * 365 }).map((n) => addDays('2026-01-01', n));
const calendar = fc
  .record({
    holidays: fc.array(day, { maxLength: 40 }),
    workdays: fc.array(day, { maxLength: 15 }),
    to: fc.integer({ min: 2026, max: 2028 }),
  })
  .map(({ holidays, workdays, to }): WorkingCalendar => ({
    holidays,
    workdays: workdays.filter((d) => !holidays.includes(d)),
    coveredYears: { from: 2004, to },
  }));

describe('calendar patches', () => {
  it('turn the calendar before into the one after, day by day', () => {
    fc.assert(
      fc.property(calendar, calendar, (before, after) => {
        const patch = calendarPatch(before, after);
        const patched = patch ? applyCalendarPatch(before, patch) : before;
        for (let d = '2026-01-01'; d <= '2028-12-31'; d = addDays(d, 7 * 3 + 1)) {
          expect(isWorkingDay(d, patched)).toBe(isWorkingDay(d, after));
        }
        if (patch) expect(patched.coveredYears).toEqual(after.coveredYears);
      }),
      { numRuns: 200 },
    );
  });

  it('are idempotent and carry only the years that changed', () => {
    fc.assert(
      fc.property(calendar, day, (before, extra) => {
        const after: WorkingCalendar = {
          ...before,
          holidays: [...before.holidays, extra],
          workdays: before.workdays.filter((d) => d !== extra),
        };
        const patch = calendarPatch(before, after);
        const once = patch ? applyCalendarPatch(before, patch) : before;
        if (patch) {
          expect(applyCalendarPatch(once, patch)).toEqual(once);
          expect(patch.years.map((y) => y.year)).toEqual(
            before.holidays.includes(extra) && !before.workdays.includes(extra) ? [] : [Number(extra.slice(0, 4))],
          );
        }
      }),
    );
    const same: WorkingCalendar = { holidays: ['2027-02-05'], workdays: [], coveredYears: { from: 2004, to: 2027 } };
    expect(calendarPatch(same, { ...same, holidays: ['2027-02-05', '2027-02-05'] })).toBeUndefined();
  });

  it('keep to the years a receiver holds', () => {
    const patch = {
      years: [2026, 2027, 2030].map((year) => ({ year, holidays: [`${year}-02-05`], workdays: [] })),
      coveredYears: { from: 2004, to: 2027 },
    };
    expect(patchForYears(patch, 2027, 2029)!.years.map((y) => y.year)).toEqual([2027]);
    expect(patchForYears(patch, 2028, 2029)).toBeUndefined();
  });
});

const YEARS = { fromYear: 2026, toYear: 2028 };

describe("a contract's own days", () => {
  it("keep to the contract's years: no day of 0050, 1999 or 9999, nor of a year it never counts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const day = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
        const checked = validateCalendarAmendment({ holidays: [day], reason: 'x' }, YEARS);
        expect(checked.ok).toBe(year >= YEARS.fromYear && year <= YEARS.toYear);
        if (!checked.ok)
          expect(checked.problems).toMatchObject([
            {
              field: 'holidays.0',
              reason: "must fall within the contract's years (2026–2028)",
              code: 'within_contract_years',
            },
          ]);
      }),
    );
  });

  it('name each problem by the field the body names', () => {
    const checked = validateCalendarAmendment(
      { holidays: ['2027-02-30', '2027-02-22'], workdays: ['2027-02-22'], reason: '  ' },
      YEARS,
    );
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.problems.map((p) => p.field)).toEqual(['holidays.0', 'workdays.0', 'reason']);
    }
    expect(validateCalendarAmendment({ holidays: ['2027-02-22', '2027-02-22'], reason: ' festival ' }, YEARS)).toEqual({
      ok: true,
      value: { holidays: ['2027-02-22'], workdays: [], reason: 'festival' },
    });
  });
});
