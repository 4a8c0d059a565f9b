// Working days a party held any of its steps: the union of the steps' spans, so steps held in
// parallel count each working day once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { isWorkingDay, workingDaysBetween, workingDaysInAny, type HeldInterval } from '../../domain/calendar';
import { addDays } from '../../domain/dates';

const calendar = calendarForYears(2023, 2025);
const FIRST = '2023-01-01';
const day = (offset: number) => addDays(FIRST, offset);

/** Reference: the set of days after some interval's `since` up to its `until`, counted day by day. */
function bruteForce(intervals: HeldInterval[]): number {
  const days = new Set<string>();
  for (const i of intervals) for (let d = addDays(i.since, 1); d <= i.until; d = addDays(d, 1)) days.add(d);
  return [...days].filter((d) => isWorkingDay(d, calendar)).length;
}

const interval = fc
  .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 120 }))
  .map(([start, length]): HeldInterval => ({ since: day(start), until: day(start + length) }));

describe('working days holding any step', () => {
  it('counts a checkpoint and a tranche missed on the same day once (National Day 2023 in between)', () => {
    const checkpoint = { since: '2023-09-28', until: '2023-10-13' };
    const tranche = { since: '2023-09-28', until: '2023-10-20' };
    // 29 Sep – 6 Oct are days off; 7 and 8 Oct (weekend) are worked.
    expect(workingDaysBetween(checkpoint.since, checkpoint.until, calendar)).toBe(7);
    expect(workingDaysBetween(tranche.since, tranche.until, calendar)).toBe(12);
    expect(workingDaysInAny([checkpoint, tranche], calendar)).toBe(12);
    // A later, separate step adds its own days; one inside another adds none; an empty one nothing.
    expect(workingDaysInAny([checkpoint, tranche, { since: '2023-11-01', until: '2023-11-03' }], calendar)).toBe(14);
    expect(workingDaysInAny([tranche, { since: '2023-10-09', until: '2023-10-10' }], calendar)).toBe(12);
    expect(workingDaysInAny([{ since: '2023-10-10', until: '2023-10-10' }], calendar)).toBe(0);
    expect(workingDaysInAny([], calendar)).toBe(0);
  });

  it('joins spans that touch: (a, b] and (b, c] are (a, c]', () => {
    expect(
      workingDaysInAny(
        [
          { since: '2023-03-06', until: '2023-03-08' },
          { since: '2023-03-08', until: '2023-03-10' },
        ],
        calendar,
      ),
    ).toBe(workingDaysBetween('2023-03-06', '2023-03-10', calendar));
  });

  it('property: the day-by-day union; ≤ the sum, ≥ the largest, ≤ the whole span', () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 8 }), (intervals) => {
        const union = workingDaysInAny(intervals, calendar);
        const each = intervals.map((i) => workingDaysBetween(i.since, i.until, calendar));
        expect(union).toBe(bruteForce(intervals));
        expect(union).toBeLessThanOrEqual(each.reduce((s, n) => s + n, 0));
        expect(union).toBeGreaterThanOrEqual(Math.max(...each));
        const first = intervals.map((i) => i.since).sort()[0]!;
        const last = intervals
          .map((i) => i.until)
          .sort()
          .at(-1)!;
        expect(union).toBeLessThanOrEqual(workingDaysBetween(first, last, calendar));
      }),
      { numRuns: 300 },
    );
  });

  it('property: disjoint spans add up, in any order', () => {
    const disjoint = fc
      .uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 12 })
      .chain((cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const spans: HeldInterval[] = [];
        for (let k = 0; k + 1 < sorted.length; k += 2)
          spans.push({ since: day(sorted[k]!), until: day(sorted[k + 1]!) });
        return fc.shuffledSubarray(spans, { minLength: spans.length, maxLength: spans.length });
      });
    fc.assert(
      fc.property(disjoint, (spans) => {
        const sum = spans.reduce((s, i) => s + workingDaysBetween(i.since, i.until, calendar), 0);
        expect(workingDaysInAny(spans, calendar)).toBe(sum);
      }),
      { numRuns: 300 },
    );
  });
});
