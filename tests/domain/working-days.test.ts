// Working days counted, not walked (domain/calendar workingDaysBetween): the same count as walking
// the days one by one with isWorkingDay, for any span and any calendar (a span of centuries, the
// payer's yearly list drawn up for 2199, no longer walks 64,000 days a call).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { isWorkingDay, workingDaysBetween, withOverrides, type WorkingCalendar } from '../../domain/calendar';
import { addDays, type IsoDate } from '../../domain/dates';

function walked(from: IsoDate, to: IsoDate, calendar: WorkingCalendar): number {
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isWorkingDay(day, calendar)) count += 1;
  return count;
}

const day = (offset: number) => addDays('2023-01-01', offset);

describe('workingDaysBetween', () => {
  it('counts what walking the days counts, for any span and any days off and working weekends', () => {
    const official = calendarForYears(2023, 2026);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1400 }),
        fc.integer({ min: -10, max: 400 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 1500 }), { maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 1500 }), { maxLength: 40 }),
        (start, length, off, on) => {
          const calendar = withOverrides(official, { holidays: off.map(day), workdays: on.map(day) });
          const from = day(start);
          const to = day(start + length);
          expect(workingDaysBetween(from, to, calendar)).toBe(walked(from, to, calendar));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('known spans: the 2023 National Day week; spans to 2199', () => {
    const calendar = calendarForYears(2023, 2023);
    // 2023-09-29 to 10-06 off, 10-07 and 10-08 worked (调休): from 09-28 to 10-08, two working days.
    expect(workingDaysBetween('2023-09-28', '2023-10-08', calendar)).toBe(2);
    expect(workingDaysBetween('2023-10-08', '2023-09-28', calendar)).toBe(0);
    expect(workingDaysBetween('2023-01-01', '2199-12-31', calendar)).toBe(walked('2023-01-01', '2199-12-31', calendar));
  });
});
