// The payer's clock per application (issue 18, after review): each application owes its own layer
// of the tranche from its own deadline; a return after the window does not undo a deemed
// acceptance; an LPR of 0 % cannot waive the statute's interest; a base that does not change is
// one segment, rounded once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { addDays, dayNumber } from '../../domain/dates';
import { parseMoney } from '../../domain/money';
import { render } from '../../domain/messages';
import {
  applicableFen,
  applicationClock,
  applicationLayers,
  lateInterest,
  lateReturnRefusal,
  STATUTE_RULES,
  trancheClock,
  validatePaymentTerms,
  type PaymentTerms,
  type Receipt,
  type TrancheApplication,
} from '../../domain/payment-terms';
import type { Problem } from '../../domain/problems';

const calendar = calendarForYears(2023, 2025);
const terms: PaymentTerms = {
  basis: 'acceptance',
  payWithinDays: 30,
  dayCount: 'calendar',
  acceptanceWorkingDays: 10,
  lateInterest: { kind: 'statutory_daily' },
  statute: 'sme_payment_2025',
};
const T = { id: 't2', dueOn: '2023-06-30', amountFen: parseMoney('100000.00') };
const accepted = (on: string) => ({ outcome: 'accept' as const, on });

describe('each application has its own clock', () => {
  it('an application for what is left after an earlier payment bears interest on all of it when paid late', () => {
    // 40,000.00 arrived on 2023-05-10; the contractor applies for the remaining 60,000.00 on 2023-06-01, accepted 2023-06-08 → due 2023-07-08.
    const receipts = [{ on: '2023-05-10', fen: parseMoney('40000.00') }];
    expect(applicableFen(T.amountFen, 0, parseMoney('40000.00'))).toBe(parseMoney('60000.00'));
    const apps = [
      { id: 'a1', filedOn: '2023-06-01', amountFen: parseMoney('60000.00'), decision: accepted('2023-06-08') },
    ];
    const clock = trancheClock({ paymentTerms: terms }, T, apps, receipts, null, calendar, '2023-08-14');
    expect(clock.paymentDueOn).toBe('2023-07-08');
    expect(clock.owedOutstandingFen).toBe(parseMoney('60000.00'));
    expect(clock.overdueFen).toBe(parseMoney('60000.00'));
    // 60,000.00 × 37 days × 0.05 % = 1,110.00
    expect(clock.daysOverdue).toBe(37);
    expect(clock.interestFen).toBe(parseMoney('1110.00'));
    // Paid on 2023-08-14: nothing more after it.
    const paid = trancheClock(
      { paymentTerms: terms },
      T,
      apps,
      [...receipts, { on: '2023-08-14', fen: parseMoney('60000.00') }],
      null,
      calendar,
      '2023-12-31',
    );
    expect(paid.interestFen).toBe(parseMoney('1110.00'));
    expect(paid.owedOutstandingFen).toBe(0);
  });

  it('a second application filed later is charged nothing before its own deadline, then only on itself', () => {
    const receipts = [{ on: '2023-07-01', fen: parseMoney('60000.00') }];
    const apps = [
      { id: 'a1', filedOn: '2023-06-01', amountFen: parseMoney('60000.00'), decision: accepted('2023-06-08') },
      { id: 'a2', filedOn: '2023-11-01', amountFen: parseMoney('40000.00') },
    ];
    expect(trancheClock({ paymentTerms: terms }, T, apps, receipts, null, calendar, '2023-10-31').interestFen).toBe(0);
    const pending = trancheClock({ paymentTerms: terms }, T, apps, receipts, null, calendar, '2023-11-02');
    expect(pending).toMatchObject({
      daysOverdue: 0,
      interestFen: 0,
      overdueFen: 0,
      owedOutstandingFen: parseMoney('40000.00'),
    });
    // a2: window of 10 working days from 2023-11-01 ends 2023-11-15, deemed accepted; due 2023-12-15.
    const late = trancheClock({ paymentTerms: terms }, T, apps, receipts, null, calendar, '2023-12-25');
    const a2 = late.applications.find((a) => a.id === 'a2')!;
    expect(a2).toMatchObject({
      acceptanceDueOn: '2023-11-15',
      deemed: true,
      paymentDueOn: '2023-12-15',
      daysOverdue: 10,
    });
    // 40,000.00 × 10 days × 0.05 % = 200.00; a1 owes nothing.
    expect(late.interestFen).toBe(parseMoney('200.00'));
    expect(late.paymentDueOn).toBe('2023-12-15');
  });

  it('the window fixed at filing stands whatever the terms say later', () => {
    const app = { filedOn: '2023-06-01', acceptanceDueOn: '2023-06-08' };
    const wider = { acceptanceWorkingDays: 60 };
    expect(applicationClock(app, { paymentTerms: wider }, calendar, '2023-06-20')).toMatchObject({
      acceptanceDueOn: '2023-06-08',
      startOn: '2023-06-08',
      deemed: true,
    });
  });
});

describe('a return after the window', () => {
  it('is refused, naming the window, and where one was recorded the deemed acceptance and its interest stand', () => {
    expect(lateReturnRefusal('pa_1', '2023-06-15', '2023-06-15')).toBeUndefined();
    expect(lateReturnRefusal('pa_1', '2023-06-15', '2023-06-16')).toEqual({
      code: 'application_deemed_accepted',
      params: { id: 'pa_1', day: '2023-06-15' },
    });
    expect(render(lateReturnRefusal('pa_1', '2023-06-15', '2023-06-16')!, 'zh-CN')).toMatch(
      /2023年6月15日.*视为已验收/,
    );
    // Filed 2023-06-01, window ends 2023-06-15, deemed accepted, due 2023-07-15; "returned" only on 2023-09-01.
    const apps = [
      {
        id: 'a1',
        filedOn: '2023-06-01',
        amountFen: T.amountFen,
        decision: { outcome: 'return' as const, on: '2023-09-01' },
      },
    ];
    const aug31 = trancheClock({ paymentTerms: terms }, T, apps, [], null, calendar, '2023-08-31');
    expect(aug31.paymentDueOn).toBe('2023-07-15');
    expect(aug31.interestFen).toBeGreaterThan(0);
    const sep2 = trancheClock({ paymentTerms: terms }, T, apps, [], null, calendar, '2023-09-02');
    expect(sep2.interestFen).toBeGreaterThan(aug31.interestFen);
    expect(sep2.deemedAcceptedOn).toBe('2023-06-15');
  });
  it('a return within the window stops the clock', () => {
    const apps = [
      {
        id: 'a1',
        filedOn: '2023-06-01',
        amountFen: T.amountFen,
        decision: { outcome: 'return' as const, on: '2023-06-15' },
      },
    ];
    expect(trancheClock({ paymentTerms: terms }, T, apps, [], null, calendar, '2023-12-31')).toMatchObject({
      appliedFen: 0,
      paymentDueOn: null,
      interestFen: 0,
    });
  });
});

describe('the LPR at signing under the statute', () => {
  const problems = (lpr: number, rate: number) => {
    const list: Problem[] = [];
    validatePaymentTerms(
      {
        statute: 'sme_payment_2025',
        lateInterest: { kind: 'agreed', annualRatePercent: rate, lprAtSigningPercent: lpr },
      },
      list,
    );
    return list;
  };
  it('must be above 0 (an agreed 0 % at an "LPR" of 0 % would waive the interest) and plausible, naming the rule', () => {
    expect(problems(0, 0)).toEqual([
      expect.objectContaining({
        field: 'paymentTerms.lateInterest.lprAtSigningPercent',
        reason: expect.stringContaining(STATUTE_RULES.lprPlausible),
        code: 'statute_lpr_plausible',
      }),
    ]);
    expect(problems(34.5, 40)[0]!.reason).toContain(STATUTE_RULES.lprPlausible);
    expect(problems(3.45, 3.45)).toEqual([]);
    // Without the statute an agreed rate stands as agreed.
    const none: Problem[] = [];
    validatePaymentTerms(
      { statute: 'none', lateInterest: { kind: 'agreed', annualRatePercent: 0, lprAtSigningPercent: 0 } },
      none,
    );
    expect(none).toEqual([]);
  });
});

const FIRST = '2023-12-01';
const dayArb = (span: number) => fc.integer({ min: 0, max: span }).map((n) => addDays(FIRST, n));

/** Reference: each day after the due day charged on clamp(amount − receipts before it); equal consecutive bases one run, rounded once. */
function reference(amount: number, receipts: Receipt[], due: string, asOf: string) {
  let total = 0n;
  let days = 0;
  let runBase = -1;
  let runDays = 0;
  const flush = () => {
    if (runBase > 0 && runDays > 0) total += (2n * BigInt(runBase) * BigInt(runDays) * 5n + 10000n) / 20000n;
  };
  for (let d = dayNumber(due) + 1; d <= dayNumber(asOf); d++) {
    const paid = receipts.filter((r) => dayNumber(r.on) < d).reduce((s, r) => s + r.fen, 0);
    const base = Math.min(amount, Math.max(0, amount - paid));
    if (base > 0) days++;
    if (base !== runBase) {
      flush();
      runBase = base;
      runDays = 0;
    }
    runDays++;
  }
  flush();
  return { interest: Number(total), days };
}

describe('interest on late money (invariants)', () => {
  it('a receipt that leaves the base unchanged (0 fen, or clipped by the clamp) does not split a segment: it equals the day-by-day reference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.array(fc.record({ on: dayArb(120), fen: fc.integer({ min: -20_000_000, max: 20_000_000 }) }), {
          maxLength: 6,
        }),
        dayArb(120),
        dayArb(120),
        (amount, receipts, a, b) => {
          const [due, asOf] = a <= b ? [a, b] : [b, a];
          const got = lateInterest(amount, receipts, due, asOf, { kind: 'statutory_daily' });
          const ref = reference(amount, receipts, due, asOf);
          expect(got.daysOverdue).toBe(ref.days);
          expect(got.interestFen).toBe(ref.interest);
          for (let i = 1; i < got.segments.length; i++) {
            const [p, s] = [got.segments[i - 1]!, got.segments[i]!];
            if (addDays(p.to, 1) === s.from) expect(s.baseFen).not.toBe(p.baseFen);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  const appsArb = fc.array(
    fc.record({
      filed: fc.integer({ min: 0, max: 200 }),
      fen: fc.integer({ min: 1, max: 5_000_000 }),
      decided: fc.option(
        fc.tuple(fc.constantFrom('accept' as const, 'return' as const), fc.integer({ min: 0, max: 30 })),
        { nil: undefined },
      ),
    }),
    { minLength: 1, maxLength: 4 },
  );
  const toApps = (
    list: Array<{ filed: number; fen: number; decided?: ['accept' | 'return', number] }>,
  ): TrancheApplication[] =>
    list.map((a, i) => ({
      id: `a${i}`,
      filedOn: addDays(FIRST, a.filed),
      amountFen: a.fen,
      ...(a.decided ? { decision: { outcome: a.decided[0], on: addDays(FIRST, a.filed + a.decided[1]) } } : {}),
    }));
  const receiptsArb = fc.array(fc.record({ on: dayArb(300), fen: fc.integer({ min: 1, max: 5_000_000 }) }), {
    maxLength: 5,
  });

  it('the applications’ layers lie within the tranche, in filing order, without overlap; what they still owe never exceeds what is left of the tranche', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        appsArb,
        receiptsArb,
        fc.integer({ min: 0, max: 400 }),
        (amount, raw, receipts, at) => {
          const tranche = { id: 't', dueOn: FIRST, amountFen: amount };
          const apps = toApps(raw);
          const layers = applicationLayers(amount, apps, receipts);
          let end = 0;
          for (const l of layers) {
            expect(l.startFen).toBeGreaterThanOrEqual(end);
            expect(l.endFen).toBeGreaterThanOrEqual(l.startFen);
            expect(l.endFen).toBeLessThanOrEqual(amount);
            end = l.endFen;
          }
          const asOf = addDays(FIRST, at);
          const clock = trancheClock({ paymentTerms: terms }, tranche, apps, receipts, null, calendar, asOf);
          expect(clock.owedOutstandingFen).toBeLessThanOrEqual(clock.outstandingFen);
          expect(clock.overdueFen).toBeLessThanOrEqual(clock.owedOutstandingFen);
          expect(clock.interestFen).toBe(clock.applications.reduce((s, a) => s + a.interestFen, 0));
          // No application is charged for a day on or before its own deadline.
          for (const a of clock.applications) for (const s of a.segments) expect(s.from > a.paymentDueOn!).toBe(true);
          // Interest never decreases as the day moves on.
          expect(
            trancheClock({ paymentTerms: terms }, tranche, apps, receipts, null, calendar, addDays(asOf, 1))
              .interestFen,
          ).toBeGreaterThanOrEqual(clock.interestFen);
        },
      ),
      { numRuns: 300 },
    );
  });
});
