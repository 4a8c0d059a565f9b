import { describe, expect, it } from 'vitest';
import { validateContractDefinition, type Contract } from '../../domain/contract';
import fc from 'fast-check';
import { addDays, parseInstant, startOfShanghaiDay } from '../../domain/dates';
import { checkPayment, checkReversal, summarize, type LedgerEntry } from '../../domain/ledger';
import {
  arrears,
  arrearsFrom,
  CONTRACT_STATUSES,
  contractFigures,
  endedWithTerm,
  moneyStepHeldUntil,
} from '../../domain/status';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

function contract(): Contract {
  const result = validateContractDefinition(sCountyContract(sCountyOrgIds), (id) => sCountyKinds[id]);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function payment(reference: string, amountFen: number, receivedOn: string): LedgerEntry {
  return {
    reference,
    kind: 'payment',
    amountFen,
    receivedOn,
    fundingSource: 'fiscal',
    recordedBy: 'usr_f',
    recordedAt: `${receivedOn}T10:00:00Z`,
  };
}

const at = (date: string) => parseInstant(date)!;
// 530,000.00 had arrived by June 2023 in the source case.
const sourceLedger = [payment('p1', 30_000_000, '2022-11-20'), payment('p2', 23_000_000, '2023-03-10')];

describe('contract figures', () => {
  it('reproduces the source case at 30 June 2023: 923,200.00 required, 530,000.00 received, 393,200.00 short', () => {
    const figures = contractFigures(contract(), sourceLedger, at('2023-06-30'));
    expect(figures.receivedFen).toBe(53_000_000);
    expect(figures.dueToDateFen).toBe(92_320_000);
    expect(figures.arrearsFen).toBe(39_320_000);
    expect(figures.checkpoints).toEqual([
      {
        id: 'june-80',
        by: '2023-06-30',
        minPercent: 80,
        requiredFen: 92_320_000,
        receivedByFen: 53_000_000,
        status: 'missed',
        shortfallFen: 39_320_000,
        outstandingFen: 39_320_000,
        recoveredOn: null,
        coveredOn: null,
        daysLate: 0,
      },
    ]);
    expect(figures.tranches.map((t) => [t.id, t.status, t.outstandingFen])).toEqual([
      ['t1', 'paid', 0],
      ['t2', 'overdue', 39_320_000],
      ['t3', 'upcoming', 23_080_000],
    ]);
  });

  it('is pending before the checkpoint and met when the share arrived in time', () => {
    expect(contractFigures(contract(), sourceLedger, at('2023-05-01')).checkpoints[0]!.status).toBe('pending');
    const paid = [...sourceLedger, payment('p3', 39_320_000, '2023-06-30')];
    expect(contractFigures(contract(), paid, at('2023-07-02')).checkpoints[0]).toMatchObject({
      status: 'met',
      shortfallFen: 0,
      coveredOn: '2023-06-30',
    });
    // Entered a year late, dated on time: still met, covered on the receipt's day.
    expect(contractFigures(contract(), paid, at('2024-07-02')).checkpoints[0]).toMatchObject({
      status: 'met',
      coveredOn: '2023-06-30',
    });
    // Covered by money that came before the checkpoint's day: the day the total reached the share.
    const early = [...sourceLedger, payment('p3', 39_320_000, '2023-05-08'), payment('p4', 5_000_000, '2023-06-20')];
    expect(contractFigures(contract(), early, at('2023-07-02')).checkpoints[0]).toMatchObject({
      status: 'met',
      coveredOn: '2023-05-08',
    });
  });

  it('stops holding a money step on the day its amount was reached, whenever that money was entered', () => {
    // Every checkpoint and tranche covered by receipts of given dates: the day it stopped being
    // held is the day the dated total first reached its amount, never the day of entry (now).
    const c = contract();
    const days = fc.integer({ min: 0, max: 420 }).map((n) => addDays('2022-09-01', n));
    const receipts = fc.array(fc.tuple(days, fc.integer({ min: 1, max: 40_000_000 })), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(receipts, fc.integer({ min: 0, max: 900 }), (list, enteredAfter) => {
        const ledger = list.map(([day, fen], i) => payment(`p${i}`, fen, day));
        const lastDay = list
          .map(([day]) => day)
          .sort()
          .at(-1)!;
        const now = at(addDays(lastDay, enteredAfter));
        const figures = contractFigures(c, ledger, now);
        const reached = (amount: number) =>
          [...list]
            .sort((a, b) => (a[0] < b[0] ? -1 : 1))
            .reduce<{ sum: number; day: string | null }>(
              (acc, [day, fen]) => (acc.day ? acc : { sum: acc.sum + fen, day: acc.sum + fen >= amount ? day : null }),
              { sum: 0, day: null },
            ).day;
        for (const cp of figures.checkpoints) {
          if (cp.status !== 'met' && cp.status !== 'recovered') continue;
          expect(cp.coveredOn).toBe(reached(cp.requiredFen));
          if (cp.status === 'met') expect(cp.coveredOn! <= cp.by).toBe(true);
          expect(moneyStepHeldUntil(cp.coveredOn!, now)).toBe(startOfShanghaiDay(cp.coveredOn!));
        }
        let cumulative = 0;
        for (const t of [...figures.tranches].sort((a, b) => (a.due < b.due ? -1 : 1))) {
          cumulative += t.amountFen;
          if (t.status === 'paid') expect(t.paidOn).toBe(reached(cumulative));
        }
      }),
    );
  });

  it('marks a missed checkpoint recovered, with the day and the days late', () => {
    const ledger = [...sourceLedger, payment('p3', 39_320_000, '2023-08-14')];
    const figures = contractFigures(contract(), ledger, at('2023-08-20'));
    expect(figures.checkpoints[0]).toMatchObject({
      status: 'recovered',
      shortfallFen: 39_320_000,
      outstandingFen: 0,
      recoveredOn: '2023-08-14',
      daysLate: 45,
    });
    // Seen from before the late payment arrived, it was still missed.
    expect(contractFigures(contract(), ledger, at('2023-08-01')).checkpoints[0]).toMatchObject({
      status: 'missed',
      daysLate: 32,
    });
  });

  it('counts a reversal as of the reversed payment, undoing a recovery', () => {
    const ledger: LedgerEntry[] = [
      ...sourceLedger,
      payment('p3', 39_320_000, '2023-08-14'),
      { ...payment('p3~reversal', -39_320_000, '2023-08-14'), kind: 'reversal', reverses: 'p3', reason: 'bounced' },
    ];
    const figures = contractFigures(contract(), ledger, at('2023-08-20'));
    expect(figures.receivedFen).toBe(53_000_000);
    expect(figures.checkpoints[0]!.status).toBe('missed');
  });

  it('shows how much payroll the personnel money covers', () => {
    const payroll = contractFigures(contract(), sourceLedger, at('2023-06-30')).payroll!;
    // 530,000.00 × 900,000 / 1,154,000 = 413,344.88 (floored per payment) for personnel at 75,000.00 a month.
    expect(payroll.personnelReceivedFen).toBe(41_334_488);
    expect(payroll.monthsCovered).toBe(5.51);
    // Nine months elapsed; six have money (the sixth in part), so three are without any.
    expect(payroll.monthsUnfunded).toBe(3);
    expect(payroll.termMonths).toBe(12);
    expect(payroll.runOutDate).toBe('2023-02-15');
  });
});

describe('arrears from', () => {
  it('is at or before an instant exactly when the contract is in arrears then (the read model stores it for "overdue")', () => {
    const tranches = fc.array(
      fc.record({
        dueAt: fc.integer({ min: 0, max: 20 }).map((d) => at('2023-01-01') + d * 86_400_000),
        amountFen: fc.integer({ min: 0, max: 1_000_000 }),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(
        tranches,
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: -2, max: 23 }),
        fc.integer({ min: -1, max: 1 }),
        (list, received, day, nudge) => {
          const schedule = {
            tranches: list.map((t, i) => ({ ...t, id: `t${i}`, label: '', due: '', fundingSource: 'fiscal' as const })),
          } as unknown as Contract;
          const now = at('2023-01-01') + day * 86_400_000 + nudge;
          const from = arrearsFrom(schedule, received);
          expect(from !== null && from <= now).toBe(arrears(schedule, received, now) > 0);
        },
      ),
    );
  });

  it('in the source case: the first instant the tranches due outrun 530,000.00; never once the whole value arrived', () => {
    const from = arrearsFrom(contract(), 53_000_000)!;
    expect(arrears(contract(), 53_000_000, from)).toBeGreaterThan(0);
    expect(arrears(contract(), 53_000_000, from - 1)).toBe(0);
    expect(arrearsFrom(contract(), contract().valueFen)).toBeNull();
  });
});

describe('payment checks', () => {
  const now = at('2023-06-30');
  const summary = (ledger: LedgerEntry[]) => summarize(contract(), ledger);
  const request = {
    reference: 'CZ-2023-001',
    amount: '100000.00',
    receivedOn: '2023-06-01',
    fundingSource: 'fiscal' as const,
  };

  it('accepts a new payment in fen', () => {
    expect(checkPayment(contract(), summary(sourceLedger), request, now)).toEqual({
      outcome: 'new',
      amountFen: 10_000_000,
    });
  });

  it('returns the original for the same reference and content, and refuses other content', () => {
    const recorded = { ...payment('CZ-2023-001', 10_000_000, '2023-06-01') };
    expect(checkPayment(contract(), summary([recorded]), request, now)).toEqual({ outcome: 'duplicate' });
    // "100000.0" is the same amount in fen: the same payment.
    expect(checkPayment(contract(), summary([recorded]), { ...request, amount: '100000.0' }, now)).toEqual({
      outcome: 'duplicate',
    });
    expect(checkPayment(contract(), summary([recorded]), { ...request, amount: '100000.01' }, now).outcome).toBe(
      'conflict',
    );
    expect(checkPayment(contract(), summary([recorded]), { ...request, note: 'x' }, now).outcome).toBe('conflict');
    expect(checkPayment(contract(), summary([recorded]), { ...request, amount: 'abc' }, now).outcome).toBe('conflict');
  });

  it('names each invalid field', () => {
    const check = (overrides: object) =>
      checkPayment(contract(), summary(sourceLedger), { ...request, ...overrides }, now);
    expect(check({ amount: '0' })).toMatchObject({
      outcome: 'invalid',
      problems: [{ field: 'amount', reason: 'must be greater than zero' }],
    });
    expect(check({ amount: '-1' })).toMatchObject({ problems: [{ field: 'amount', reason: 'must not be negative' }] });
    expect(check({ amount: '1.234' })).toMatchObject({
      problems: [{ field: 'amount', reason: 'must have at most two decimals (fen)' }],
    });
    expect(check({ amount: '624000.01' })).toMatchObject({
      problems: [{ field: 'amount', reason: 'exceeds what is still unpaid (624000.00)' }],
    });
    expect(check({ receivedOn: '2023-07-01' })).toMatchObject({
      problems: [{ field: 'receivedOn', reason: 'is in the future (today is 2023-06-30 in Asia/Shanghai)' }],
    });
    expect(check({ budgetLine: 'travel' })).toMatchObject({ problems: [{ field: 'budgetLine' }] });
  });

  it('reverses a payment once', () => {
    expect(checkReversal(contract(), summary(sourceLedger), 'p1', 'wrong amount')).toMatchObject({
      outcome: 'new',
      original: { amountFen: 30_000_000, receivedOn: '2022-11-20' },
    });
    expect(checkReversal(contract(), summary(sourceLedger), 'nope', 'x')).toEqual({ outcome: 'not_found' });
    const reversed = [
      ...sourceLedger,
      {
        ...payment('p1~reversal', -30_000_000, '2022-11-20'),
        kind: 'reversal' as const,
        reverses: 'p1',
        reason: 'wrong amount',
      },
    ];
    expect(checkReversal(contract(), summary(reversed), 'p1', 'wrong amount').outcome).toBe('duplicate');
    expect(checkReversal(contract(), summary(reversed), 'p1', 'other').outcome).toBe('conflict');
  });
});

describe('how a contract ends', () => {
  it('by its term (completed, or closed with arrears), not by the purchaser’s termination', () => {
    expect(CONTRACT_STATUSES.filter(endedWithTerm)).toEqual(['completed', 'closed']);
    expect(endedWithTerm(undefined)).toBe(false);
  });
});
