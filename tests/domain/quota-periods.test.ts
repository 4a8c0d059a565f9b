// The quota workflow walks periods one at a time (periodWindowAt, periodsEndingIn, nextPeriodEnd);
// they must agree with the whole term's enumeration (quotaPeriods), which only the API uses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, parseInstant } from '../../domain/dates';
import { nextPeriodEnd, periodsEndingIn, periodWindowAt, quotaPeriods, type QuotaPeriod } from '../../domain/quotas';

const DAY = 24 * 3600 * 1000;

const termArbitrary = fc
  .record({ offset: fc.integer({ min: 0, max: 365 * 30 }), length: fc.integer({ min: 0, max: 3652 }) })
  .map(({ offset, length }) => {
    const start = addDays('2000-01-01', offset);
    return { start, end: addDays(start, length) };
  });

describe('quota periods one at a time', () => {
  it('periodsEndingIn and nextPeriodEnd agree with the whole term enumerated', () => {
    fc.assert(
      fc.property(
        termArbitrary,
        fc.constantFrom<QuotaPeriod>('month', 'quarter'),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: -40, max: 3700 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: DAY - 1 }),
        (term, period, target, fromDay, span, ms) => {
          const quota = { period, target };
          const all = quotaPeriods(quota, term.start, term.end);
          const after = parseInstant(addDays(term.start, fromDay))! + ms;
          const upTo = after + span * DAY;
          expect(periodsEndingIn(quota, term, after, upTo)).toEqual(
            all.filter((w) => w.endsAt > after && w.endsAt <= upTo),
          );
          const next = all.map((w) => w.endsAt).filter((t) => t > after);
          expect(nextPeriodEnd([quota], term, after)).toBe(next.length > 0 ? Math.min(...next) : undefined);
          for (const w of all.slice(0, 3)) expect(periodWindowAt(quota, term, w.to)).toEqual(w);
        },
      ),
      { numRuns: 300 },
    );
  });
});
