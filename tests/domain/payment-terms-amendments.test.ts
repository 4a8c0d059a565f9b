// Amendments of the payment terms (issue 18, after review): a clock that has started runs on the
// terms in force on the day it started; an amendment takes effect the day after it was recorded
// (a clock started earlier that day keeps the old terms). Exact values of the source case, the history's bound, and a property:
// amendments recorded after a clock's start never move its deadline or change its interest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { addDays } from '../../domain/dates';
import { MAX_PAYMENT_TERMS_CHANGES } from '../../domain/limits';
import { formatMoney, parseMoney } from '../../domain/money';
import {
  amendPaymentTerms,
  applicationClock,
  paymentTermsOn,
  trancheClock,
  type LateInterest,
  type PaymentTerms,
  type PaymentTermsRecord,
  type TrancheApplication,
  type TrancheRelease,
} from '../../domain/payment-terms';

const calendar = calendarForYears(2023, 2025);
const STATUTORY: LateInterest = { kind: 'statutory_daily' };
const AGREED: LateInterest = { kind: 'agreed', annualRatePercent: 7.3, lprAtSigningPercent: 3.45 };
const terms: PaymentTerms = {
  basis: 'acceptance',
  payWithinDays: 30,
  dayCount: 'calendar',
  acceptanceWorkingDays: 10,
  lateInterest: STATUTORY,
  statute: 'sme_payment_2025',
};
const TRANCHE = parseMoney('393200.00');
const june = { id: 'june', dueOn: '2023-06-30', amountFen: TRANCHE };
const december = { id: 'december', dueOn: '2023-12-31', amountFen: TRANCHE };
const acceptedOn = (id: string, filedOn: string, on: string): TrancheApplication => ({
  id,
  filedOn,
  amountFen: TRANCHE,
  decision: { outcome: 'accept', on },
});

/** The record after amending `record` to each of `changes` in turn, on its day. */
function amended(
  record: PaymentTermsRecord,
  ...changes: Array<{ on: string; terms: PaymentTerms }>
): PaymentTermsRecord {
  let current = record;
  for (const change of changes) {
    const result = amendPaymentTerms(current, change.terms, change.on);
    if (!result.ok) throw new Error(result.problem.reason);
    current = result.value;
  }
  return current;
}

describe('an amendment does not move a clock that has started', () => {
  const before: PaymentTermsRecord = { paymentTerms: terms };
  const sixty = amended(before, { on: '2023-07-20', terms: { ...terms, payWithinDays: 60 } });
  const paidInFull = [{ on: '2023-08-14', fen: TRANCHE }];

  it('accepted on 2023-06-08 under 30 days → due 2023-07-08; 60 days from 2023-07-20 leave the deadline and the 7,274.20 of interest', () => {
    for (const record of [before, sixty]) {
      const clock = trancheClock(
        record,
        june,
        [acceptedOn('a1', '2023-06-01', '2023-06-08')],
        paidInFull,
        null,
        calendar,
        '2023-09-01',
      );
      expect(clock).toMatchObject({ startedOn: '2023-06-08', paymentDueOn: '2023-07-08', daysOverdue: 37 });
      expect(clock.terms.payWithinDays).toBe(30);
      expect(formatMoney(clock.interestFen)).toBe('7274.20');
    }
  });

  it('an application accepted after the amendment gets 60 days', () => {
    const clock = trancheClock(
      sixty,
      december,
      [acceptedOn('a2', '2023-07-25', '2023-08-01')],
      [],
      null,
      calendar,
      '2023-12-31',
    );
    expect(clock).toMatchObject({ startedOn: '2023-08-01', paymentDueOn: '2023-09-30' });
    expect(clock.terms.payWithinDays).toBe(60);
    // One accepted the day after the amendment was recorded gets it too.
    expect(
      trancheClock(sixty, december, [acceptedOn('a3', '2023-07-18', '2023-07-21')], [], null, calendar, '2023-12-31')
        .paymentDueOn,
    ).toBe('2023-09-19');
    // One accepted on the day it was recorded (before or after it: a day has no order) keeps 30.
    expect(
      trancheClock(sixty, december, [acceptedOn('a4', '2023-07-18', '2023-07-20')], [], null, calendar, '2023-12-31')
        .paymentDueOn,
    ).toBe('2023-08-19');
  });

  it('a second application of the same tranche accepted after the amendment runs on 60 days, the first on 30', () => {
    const half = TRANCHE / 2;
    const apps: TrancheApplication[] = [
      { id: 'a1', filedOn: '2023-06-01', amountFen: half, decision: { outcome: 'accept', on: '2023-06-08' } },
      { id: 'a2', filedOn: '2023-07-25', amountFen: half, decision: { outcome: 'accept', on: '2023-08-01' } },
    ];
    const clock = trancheClock(sixty, june, apps, [], null, calendar, '2023-12-31');
    expect(clock.applications.map((a) => [a.id, a.paymentDueOn])).toEqual([
      ['a1', '2023-07-08'],
      ['a2', '2023-09-30'],
    ]);
  });

  it('the late-interest rate amended after the clock started leaves that tranche’s rate as it was', () => {
    const agreed = amended(before, { on: '2023-07-20', terms: { ...terms, lateInterest: AGREED } });
    const clock = trancheClock(
      agreed,
      june,
      [acceptedOn('a1', '2023-06-01', '2023-06-08')],
      paidInFull,
      null,
      calendar,
      '2023-09-01',
    );
    expect(clock.terms.lateInterest).toEqual(STATUTORY);
    expect(formatMoney(clock.interestFen)).toBe('7274.20');
    // A clock that starts after it: 393,200.00 × 7.3 % / 365 = 78.64 a day.
    const later = trancheClock(
      agreed,
      december,
      [acceptedOn('a2', '2023-07-25', '2023-08-01')],
      [{ on: '2023-09-05', fen: TRANCHE }],
      null,
      calendar,
      '2023-12-31',
    );
    expect(later).toMatchObject({ paymentDueOn: '2023-08-31', daysOverdue: 5 });
    expect(formatMoney(later.interestFen)).toBe('393.20');
  });

  it('under basis due_date the clock starts on the due day: an amendment on it or after leaves its interest, one the day before applies', () => {
    const dueDate: PaymentTerms = { ...terms, basis: 'due_date' };
    const paid = [{ on: '2023-07-10', fen: TRANCHE }];
    // 393,200.00 × 10 days × 0.05 % = 1,966.00
    const base = trancheClock({ paymentTerms: dueDate }, june, [], paid, null, calendar, '2023-08-01');
    expect(base).toMatchObject({ startedOn: '2023-06-30', paymentDueOn: '2023-06-30', daysOverdue: 10 });
    expect(formatMoney(base.interestFen)).toBe('1966.00');
    const after = amended({ paymentTerms: dueDate }, { on: '2023-07-01', terms: { ...dueDate, lateInterest: AGREED } });
    expect(formatMoney(trancheClock(after, june, [], paid, null, calendar, '2023-08-01').interestFen)).toBe('1966.00');
    const onTheDay = amended(
      { paymentTerms: dueDate },
      { on: '2023-06-30', terms: { ...dueDate, lateInterest: AGREED } },
    );
    expect(formatMoney(trancheClock(onTheDay, june, [], paid, null, calendar, '2023-08-01').interestFen)).toBe(
      '1966.00',
    );
    const dayBefore = amended(
      { paymentTerms: dueDate },
      { on: '2023-06-29', terms: { ...dueDate, lateInterest: AGREED } },
    );
    expect(formatMoney(trancheClock(dayBefore, june, [], paid, null, calendar, '2023-08-01').interestFen)).toBe(
      '786.40',
    );
  });

  it('a change of basis after the clock started leaves the tranche on the basis it started on', () => {
    const toDueDate = amended(before, { on: '2023-07-20', terms: { ...terms, basis: 'due_date' } });
    const clock = trancheClock(
      toDueDate,
      june,
      [acceptedOn('a1', '2023-06-01', '2023-06-08')],
      paidInFull,
      null,
      calendar,
      '2023-09-01',
    );
    expect(clock).toMatchObject({ paymentDueOn: '2023-07-08', daysOverdue: 37 });
    expect(clock.terms.basis).toBe('acceptance');
    // A tranche whose due day passed under basis acceptance, with no application, owes from the
    // day basis due_date took effect (2023-07-21), as if released then: 30 days, never a day before.
    const idle = (asOf: string) => trancheClock(toDueDate, { ...june, id: 'idle' }, [], [], null, calendar, asOf);
    expect(idle('2023-07-20')).toMatchObject({ startedOn: null, overdueFen: 0, interestFen: 0 });
    expect(idle('2023-07-25')).toMatchObject({
      startedOn: '2023-07-21',
      paymentDueOn: '2023-08-20',
      overdueFen: 0,
      interestFen: 0,
    });
    // 393,200.00 × 10 days × 0.05 % = 1,966.00
    expect(idle('2023-08-30')).toMatchObject({
      paymentDueOn: '2023-08-20',
      daysOverdue: 10,
      interestFen: parseMoney('1966.00'),
    });
  });

  it('an application’s window is the one the terms in force on its filing day give, whatever is amended later', () => {
    // 10 working days from 2023-06-01 end on 2023-06-15; the window widened to 60 on 2023-06-05 (from the 6th).
    const wider = amended(before, { on: '2023-06-05', terms: { ...terms, acceptanceWorkingDays: 60 } });
    expect(applicationClock({ filedOn: '2023-06-01' }, wider, calendar, '2023-06-20')).toMatchObject({
      acceptanceDueOn: '2023-06-15',
      deemed: true,
    });
    expect(applicationClock({ filedOn: '2023-06-05' }, wider, calendar, '2023-06-20')).toMatchObject({ deemed: true });
    expect(
      applicationClock({ filedOn: '2023-06-06' }, wider, calendar, '2023-06-20').acceptanceDueOn > '2023-08-01',
    ).toBe(true);
  });
});

describe('the history of the terms', () => {
  it('keeps the terms each change replaced with the day the next took effect; the same day twice keeps one; the same terms keep none', () => {
    const record = amended(
      {},
      { on: '2023-03-01', terms: { ...terms, payWithinDays: 45 } },
      { on: '2023-03-01', terms: { ...terms, payWithinDays: 50 } },
      { on: '2023-05-01', terms: { ...terms, payWithinDays: 50 } },
      { on: '2023-06-01', terms: { ...terms, payWithinDays: 60 } },
    );
    // Each `until` is the day after the change was recorded: the day its successor took effect.
    expect(record.paymentTermsHistory?.map((h) => [h.until, h.terms.payWithinDays, h.terms.basis])).toEqual([
      ['2023-03-02', 30, 'due_date'],
      ['2023-06-02', 50, 'acceptance'],
    ]);
    expect(paymentTermsOn(record, '2023-03-01').basis).toBe('due_date');
    expect(paymentTermsOn(record, '2023-03-02').payWithinDays).toBe(50);
    expect(paymentTermsOn(record, '2023-06-01').payWithinDays).toBe(50);
    expect(paymentTermsOn(record, '2023-06-02').payWithinDays).toBe(60);
  });

  it(`is bounded: past ${MAX_PAYMENT_TERMS_CHANGES} changes the next is refused, naming the limit`, () => {
    const changes = Array.from({ length: MAX_PAYMENT_TERMS_CHANGES }, (_, i) => ({
      on: addDays('2023-01-01', i),
      terms: { ...terms, payWithinDays: 31 + i },
    }));
    const full = amended({ paymentTerms: terms }, ...changes);
    expect(full.paymentTermsHistory).toHaveLength(MAX_PAYMENT_TERMS_CHANGES);
    const refused = amendPaymentTerms(full, { ...terms, payWithinDays: 10 }, '2023-03-01');
    expect(refused).toMatchObject({
      ok: false,
      problem: { field: 'paymentTerms', code: 'too_many_terms_changes', params: { limit: MAX_PAYMENT_TERMS_CHANGES } },
    });
    // The same terms again, or another change on the day of the last one, add nothing and pass.
    expect(amendPaymentTerms(full, full.paymentTerms as PaymentTerms, '2023-03-01').ok).toBe(true);
    expect(amendPaymentTerms(full, { ...terms, payWithinDays: 10 }, changes.at(-1)!.on).ok).toBe(true);
  });
});

describe('amendments recorded after a clock started (property)', () => {
  const termsArb: fc.Arbitrary<PaymentTerms> = fc.record({
    basis: fc.constantFrom('acceptance' as const, 'due_date' as const),
    payWithinDays: fc.integer({ min: 0, max: 60 }),
    dayCount: fc.constantFrom('calendar' as const, 'working' as const),
    acceptanceWorkingDays: fc.integer({ min: 1, max: 30 }),
    lateInterest: fc.oneof(
      fc.constant(STATUTORY),
      fc.constant({ kind: 'none' } as LateInterest),
      fc
        .integer({ min: 1, max: 2000 })
        .map((bp): LateInterest => ({ kind: 'agreed', annualRatePercent: bp / 100, lprAtSigningPercent: 3.45 })),
    ),
    statute: fc.constantFrom('sme_payment_2025' as const, 'none' as const),
  });
  const releaseArb: fc.Arbitrary<TrancheRelease> = fc.constantFrom<TrancheRelease>('on_due_date', 'on_application', {
    afterApproval: 'm1',
  });

  it('never move that tranche’s due day or change its interest', () => {
    fc.assert(
      fc.property(
        termsArb,
        releaseArb,
        fc.integer({ min: 0, max: 200 }), // due day
        fc.integer({ min: 0, max: 200 }), // filing (and approval) day
        fc.integer({ min: 0, max: 20 }), // days to the decision
        fc.boolean(), // decided (accepted), or left to be deemed accepted
        fc.array(fc.record({ after: fc.integer({ min: 1, max: 120 }), terms: termsArb }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.record({ on: fc.integer({ min: 0, max: 500 }), fen: fc.integer({ min: 1, max: TRANCHE }) }), {
          maxLength: 3,
        }),
        (initial, release, due, filed, decideAfter, decided, changes, paid) => {
          const day = (n: number) => addDays('2023-01-02', n);
          const tranche = { id: 't', dueOn: day(due), amountFen: TRANCHE, release };
          const app: TrancheApplication = {
            id: 'a1',
            filedOn: day(filed),
            amountFen: TRANCHE,
            ...(decided ? { decision: { outcome: 'accept' as const, on: day(filed + decideAfter) } } : {}),
          };
          const receipts = paid.map((r) => ({ on: day(r.on), fen: r.fen }));
          const asOf = day(600);
          const approvedOn = typeof release === 'object' ? day(filed) : null;
          const record: PaymentTermsRecord = { paymentTerms: initial };
          const first = trancheClock(record, tranche, [app], receipts, approvedOn, calendar, asOf);
          fc.pre(first.startedOn !== null);
          // Amendments on days after the clock started (and after the application's own start).
          const started = [first.startedOn!, ...first.applications.flatMap((a) => (a.startOn ? [a.startOn] : []))]
            .sort()
            .at(-1)!;
          let on = started;
          const later = amended(
            record,
            ...changes.map((c) => {
              on = addDays(on, c.after);
              return { on, terms: c.terms };
            }),
          );
          const again = trancheClock(later, tranche, [app], receipts, approvedOn, calendar, asOf);
          expect(again.paymentDueOn).toBe(first.paymentDueOn);
          expect(again.interestFen).toBe(first.interestFen);
          expect(again.daysOverdue).toBe(first.daysOverdue);
          expect(again.terms).toEqual(first.terms);
        },
      ),
      { numRuns: 500 },
    );
  });
});
