// The payer's legal clock (issue 18 item 6): exact values of the source case, and invariants of
// the interest rule and the acceptance window.
import fc from 'fast-check';
import { render, type Said } from '../../domain/messages';
import { describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { isWorkingDay, workingDaysBetween } from '../../domain/calendar';
import { addDays } from '../../domain/dates';
import { formatMoney, parseMoney } from '../../domain/money';
import {
  acceptanceWindowEnd,
  applicableFen,
  applicationClock,
  applicationNotYetAllowed,
  DEFAULT_PAYMENT_TERMS,
  STATUTE_RULES,
  interestFor,
  lateInterest,
  trancheClock,
  trancheReceipts,
  validatePaymentTerms,
  validateRelease,
  type LateInterest,
  type PaymentTerms,
  type Receipt,
} from '../../domain/payment-terms';
import type { Problem } from '../../domain/problems';
import { validateContractDefinition } from '../../domain/contract';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

const calendar = calendarForYears(2023, 2025);
const STATUTORY: LateInterest = { kind: 'statutory_daily' };
const terms: PaymentTerms = {
  basis: 'acceptance',
  payWithinDays: 30,
  dayCount: 'calendar',
  acceptanceWorkingDays: 10,
  lateInterest: STATUTORY,
  statute: 'sme_payment_2025',
};
const TRANCHE = parseMoney('393200.00');
const tranche = { id: 'june', dueOn: '2023-06-30', amountFen: TRANCHE };

describe('the source case (issue 18 item 6)', () => {
  it('accepted on 2023-06-08, due 2023-07-08; paid in full 2023-08-14: 37 days, 7,274.20', () => {
    const app = {
      id: 'a1',
      filedOn: '2023-06-01',
      amountFen: TRANCHE,
      decision: { outcome: 'accept' as const, on: '2023-06-08' },
    };
    const clock = trancheClock(
      { paymentTerms: terms },
      tranche,
      [app],
      [{ on: '2023-08-14', fen: TRANCHE }],
      null,
      calendar,
      '2023-09-01',
    );
    expect(clock.acceptedOn).toBe('2023-06-08');
    expect(clock.deemedAcceptedOn).toBeNull();
    expect(clock.paymentDueOn).toBe('2023-07-08');
    expect(clock.daysOverdue).toBe(37);
    expect(formatMoney(clock.interestFen)).toBe('7274.20');
    expect(clock.outstandingFen).toBe(0);
  });

  it('paid 200,000.00 on 2023-07-28 and 193,200.00 on 2023-08-14: 3,932.00 + 1,642.20 = 5,574.20', () => {
    const receipts = [
      { on: '2023-07-28', fen: parseMoney('200000.00') },
      { on: '2023-08-14', fen: parseMoney('193200.00') },
    ];
    const late = lateInterest(TRANCHE, receipts, '2023-07-08', '2023-12-31', STATUTORY);
    expect(late.segments.map((s) => [s.from, s.to, s.days, formatMoney(s.interestFen)])).toEqual([
      ['2023-07-09', '2023-07-28', 20, '3932.00'],
      ['2023-07-29', '2023-08-14', 17, '1642.20'],
    ]);
    expect(formatMoney(late.interestFen)).toBe('5574.20');
    expect(late.daysOverdue).toBe(37);
  });

  it('5 working days to accept, accepted only on 2023-06-20: window ends 2023-06-08, deadline 2023-07-08, purchaser 8 working days late', () => {
    const five = { ...terms, acceptanceWorkingDays: 5 };
    expect(acceptanceWindowEnd('2023-06-01', five, calendar)).toBe('2023-06-08');
    const app = {
      id: 'a1',
      filedOn: '2023-06-01',
      amountFen: TRANCHE,
      decision: { outcome: 'accept' as const, on: '2023-06-20' },
    };
    const clock = trancheClock({ paymentTerms: five }, tranche, [app], [], null, calendar, '2023-06-30');
    expect(clock.deemedAcceptedOn).toBe('2023-06-08');
    expect(clock.acceptedOn).toBeNull();
    expect(clock.paymentDueOn).toBe('2023-07-08');
    expect(clock.purchaserLateWorkingDays).toBe(8);
    // Still pending on 2023-06-15: deemed accepted from 2023-06-08 already, 5 working days late so far.
    const pending = applicationClock({ filedOn: '2023-06-01' }, { paymentTerms: five }, calendar, '2023-06-15');
    expect(pending).toMatchObject({ startOn: '2023-06-08', deemed: true, purchaserLateWorkingDays: 5 });
  });

  it('a tranche released after a milestone’s approval becomes payable only once it is approved', () => {
    const release = { afterApproval: 'mid-term' };
    expect(applicationNotYetAllowed(release, '2023-06-30', null, '2023-07-15')).toEqual({
      code: 'released_after_approval',
      params: { milestone: 'mid-term' },
    });
    expect(applicationNotYetAllowed(release, '2023-06-30', '2023-07-10', '2023-07-15')).toBeUndefined();
    const dueDate: PaymentTerms = { ...terms, basis: 'due_date' };
    const t = { ...tranche, release };
    const before = trancheClock({ paymentTerms: dueDate }, t, [], [], null, calendar, '2023-12-31');
    expect(before).toMatchObject({ releasedOn: null, paymentDueOn: null, daysOverdue: 0, interestFen: 0 });
    const after = trancheClock({ paymentTerms: dueDate }, t, [], [], '2023-07-10', calendar, '2023-08-20');
    expect(after.releasedOn).toBe('2023-07-10');
    expect(after.paymentDueOn).toBe('2023-08-09');
    expect(after.daysOverdue).toBe(11);
  });
});

describe('payment terms under the statute', () => {
  const problems = (input: Parameters<typeof validatePaymentTerms>[0]) => {
    const list: Problem[] = [];
    validatePaymentTerms(input, list);
    return list;
  };
  it('refuses a period above 60 days and a rate below the LPR at signing, naming the rule', () => {
    expect(problems({ statute: 'sme_payment_2025', payWithinDays: 61, lateInterest: STATUTORY })[0]).toMatchObject({
      field: 'paymentTerms.payWithinDays',
      reason: expect.stringContaining('sme_payment_2025.max_60_days'),
    });
    expect(problems({ statute: 'sme_payment_2025', payWithinDays: 60, lateInterest: STATUTORY })).toEqual([]);
    expect(problems({ statute: 'none', payWithinDays: 90 })).toEqual([]);
    const below = problems({
      statute: 'sme_payment_2025',
      lateInterest: { kind: 'agreed', annualRatePercent: 3.4, lprAtSigningPercent: 3.45 },
    });
    expect(below).toEqual([
      expect.objectContaining({
        field: 'paymentTerms.lateInterest.annualRatePercent',
        reason: expect.stringContaining('sme_payment_2025.rate_not_below_lpr'),
        code: 'statute_rate_below_lpr',
      }),
    ]);
    // The reader's language: the same rule in Chinese.
    expect(render({ code: below[0]!.code!, params: below[0]!.params } as Said, 'zh-CN')).toMatch(
      /不得低于签约时的一年期贷款市场报价利率（3\.45%）/,
    );
    expect(
      problems({
        statute: 'sme_payment_2025',
        lateInterest: { kind: 'agreed', annualRatePercent: 3.45, lprAtSigningPercent: 3.45 },
      }),
    ).toEqual([]);
    expect(problems({ statute: 'sme_payment_2025', lateInterest: { kind: 'none' } })[0]!.reason).toContain(
      'sme_payment_2025.interest_not_waived',
    );
  });
  it('defaults keep today’s behaviour; under the statute, interest not given is the statute’s', () => {
    expect(problems({})).toEqual([]);
    expect(validatePaymentTerms({ statute: 'sme_payment_2025' }, [])).toMatchObject({
      lateInterest: { kind: 'statutory_daily' },
    });
    expect(problems({ statute: 'sme_payment_2025' })).toEqual([]);
    expect(DEFAULT_PAYMENT_TERMS).toMatchObject({
      basis: 'due_date',
      payWithinDays: 30,
      acceptanceWorkingDays: 10,
      statute: 'none',
    });
  });
  it('a release names a milestone of the contract', () => {
    const list: Problem[] = [];
    validateRelease({ afterApproval: 'nope' }, 'tranches.0.release', new Set(['mid']), list);
    validateRelease('sometime' as never, 'tranches.1.release', new Set(['mid']), list);
    validateRelease({ afterApproval: 'mid' }, 'tranches.2.release', new Set(['mid']), list);
    expect(list.map((p) => p.field)).toEqual(['tranches.0.release.afterApproval', 'tranches.1.release']);
  });
});

const FIRST = '2023-01-01';
const dayAt = (offset: number) => addDays(FIRST, offset);
const receiptsArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 50_000_000 })), { maxLength: 6 })
  .map((list) => list.map(([d, fen]): Receipt => ({ on: dayAt(d), fen })));

/** Reference: each day after the due day up to asOf, charged on what was outstanding at its start, summed in rationals per run. */
function bruteForce(
  amount: number,
  receipts: Receipt[],
  dueOn: string,
  asOf: string,
): { days: number; bases: number[] } {
  const bases: number[] = [];
  for (let d = addDays(dueOn, 1); d <= asOf; d = addDays(d, 1)) {
    const paidBefore = receipts.filter((r) => r.on < d).reduce((s, r) => s + r.fen, 0);
    const base = Math.min(amount, Math.max(0, amount - paidBefore));
    if (base > 0) bases.push(base);
  }
  return { days: bases.length, bases };
}

describe('interest on late money (invariants)', () => {
  it('charges each day after the due day on what was outstanding at its start; each segment rounded once, half up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        receiptsArb,
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 200 }),
        (amount, receipts, due, span) => {
          const dueOn = dayAt(due);
          const asOf = dayAt(due + span);
          const late = lateInterest(amount, receipts, dueOn, asOf, STATUTORY);
          const reference = bruteForce(amount, receipts, dueOn, asOf);
          expect(late.daysOverdue).toBe(reference.days);
          expect(late.segments.reduce((s, x) => s + x.days, 0)).toBe(reference.days);
          // Segment by segment, the exact interest is base × days × 5 / 10000; the rounding differs by at most half a fen.
          for (const s of late.segments)
            expect(Math.abs(s.interestFen * 10000 - s.baseFen * s.days * 5)).toBeLessThanOrEqual(5000);
          // The bases the segments charge are the days' bases in order.
          expect(late.segments.flatMap((s) => Array<number>(s.days).fill(s.baseFen))).toEqual(reference.bases);
        },
      ),
    );
  });

  it('never decreases as the day it is computed for moves on, and stops once paid in full', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        receiptsArb,
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 200 }),
        (amount, receipts, due, span) => {
          const dueOn = dayAt(due);
          const a = lateInterest(amount, receipts, dueOn, dayAt(due + span), STATUTORY);
          const b = lateInterest(amount, receipts, dueOn, dayAt(due + span + 1), STATUTORY);
          expect(b.interestFen).toBeGreaterThanOrEqual(a.interestFen);
          if (a.outstandingFen === 0) expect(b.interestFen).toBe(a.interestFen);
        },
      ),
    );
  });

  it('an agreed annual rate is charged per day as 1/365 of it, half up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 3650 }),
        fc.integer({ min: 0, max: 2000 }),
        (base, days, bp) => {
          const fen = interestFor(base, days, { kind: 'agreed', annualRatePercent: bp / 100, lprAtSigningPercent: 0 });
          // |fen − base × days × bp / D| ≤ ½, and exactly half a fen goes up: in integers, 2·fen·D − 2·base·days·bp ∈ (−D, D].
          const D = 10000n * 365n;
          const diff = 2n * BigInt(fen) * D - 2n * BigInt(base) * BigInt(days) * BigInt(bp);
          expect(diff > -D && diff <= D).toBe(true);
        },
      ),
    );
    expect(
      interestFor(parseMoney('393200.00'), 37, { kind: 'agreed', annualRatePercent: 3.65, lprAtSigningPercent: 3.55 }),
    ).toBe(145484);
  });
});

describe('the acceptance window and what may still be applied for (invariants)', () => {
  it('ends on a working day exactly acceptanceWorkingDays working days after filing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 900 }), fc.integer({ min: 1, max: 60 }), (offset, n) => {
        const filedOn = dayAt(offset);
        const end = acceptanceWindowEnd(filedOn, { acceptanceWorkingDays: n }, calendar);
        expect(isWorkingDay(end, calendar)).toBe(true);
        expect(workingDaysBetween(filedOn, end, calendar)).toBe(n);
      }),
    );
  });
  it('a deemed acceptance never moves the payer’s deadline later than the window allows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 20 }),
        (offset, after, n) => {
          const filedOn = dayAt(offset);
          const t = { ...terms, acceptanceWorkingDays: n };
          const decidedOn = addDays(filedOn, after);
          const clock = applicationClock(
            { filedOn, decision: { outcome: 'accept', on: decidedOn } },
            { paymentTerms: t },
            calendar,
            addDays(decidedOn, 1),
          );
          expect(clock.startOn! <= clock.acceptanceDueOn).toBe(true);
          expect(clock.deemed).toBe(decidedOn > clock.acceptanceDueOn);
          expect(clock.purchaserLateWorkingDays).toBe(workingDaysBetween(clock.acceptanceDueOn, decidedOn, calendar));
        },
      ),
    );
  });
  it('applications and receipts never let a tranche be asked for beyond its amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        (t, applied, received) => {
          const left = applicableFen(t, applied, received);
          expect(left).toBeGreaterThanOrEqual(0);
          expect(left + Math.max(applied, received)).toBeGreaterThanOrEqual(t);
          if (Math.max(applied, received) <= t) expect(left + Math.max(applied, received)).toBe(t);
        },
      ),
    );
  });
  it('tranche receipts split the contract’s receipts in due order and add up to them (up to the tranches’ total)', () => {
    const tranches = [
      { id: 'b', dueAt: 2, amountFen: 300 },
      { id: 'a', dueAt: 1, amountFen: 500 },
    ];
    const split = trancheReceipts(tranches, {
      '2023-01-05': 400,
      '2023-01-06': 300,
      '2023-01-07': -100,
      '2023-01-08': 200,
    });
    expect(split.get('a')).toEqual([
      { on: '2023-01-05', fen: 400 },
      { on: '2023-01-06', fen: 100 },
    ]);
    expect(split.get('b')).toEqual([
      { on: '2023-01-06', fen: 200 },
      { on: '2023-01-07', fen: -100 },
      { on: '2023-01-08', fen: 200 },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 8 }),
        (amounts, receipts) => {
          const ts = amounts.map((amountFen, i) => ({ id: `t${i}`, dueAt: i, amountFen }));
          const days = Object.fromEntries(receipts.map((fen, i) => [dayAt(i), fen]));
          const total = Math.min(
            receipts.reduce((s, x) => s + x, 0),
            amounts.reduce((s, x) => s + x, 0),
          );
          const split = trancheReceipts(ts, days);
          const sum = [...split.values()].flat().reduce((s, r) => s + r.fen, 0);
          expect(sum).toBe(total);
        },
      ),
    );
  });
});

describe('the contract definition carries the terms and releases (issue 18 item 1)', () => {
  const lookup = (id: string) => sCountyKinds[id];
  const base = sCountyContract(sCountyOrgIds);
  it('keeps a definition without terms as it was, and fills in the defaults of terms given in part', () => {
    const plain = validateContractDefinition(base, lookup);
    expect(plain.ok && plain.value.paymentTerms).toBe(undefined);
    const given = validateContractDefinition(
      { ...base, paymentTerms: { basis: 'acceptance', statute: 'sme_payment_2025', lateInterest: STATUTORY } },
      lookup,
    );
    expect(given.ok && given.value.paymentTerms).toEqual({ ...terms });
  });
  it('refuses statute breaches (naming the rule) and releases after unknown milestones', () => {
    const result = validateContractDefinition(
      {
        ...base,
        paymentTerms: { statute: 'sme_payment_2025', payWithinDays: 90, lateInterest: STATUTORY },
        tranches: base.tranches.map((t, i) =>
          i === 0 ? { ...t, release: { afterApproval: 'no-such-milestone' } } : t,
        ),
      },
      lookup,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({
        field: 'paymentTerms.payWithinDays',
        reason: expect.stringContaining(STATUTE_RULES.maxPayWithin),
        code: 'statute_pay_within',
      }),
      expect.objectContaining({
        field: 'tranches.0.release.afterApproval',
        reason: expect.stringContaining('no-such-milestone'),
        code: 'not_a_milestone',
      }),
    ]);
  });
});
