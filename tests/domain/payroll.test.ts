// The payroll card adds up (issue 16 item 7): months covered plus months without money never
// exceed the term's months, whatever the term, payroll, payments and day it is read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateContractDefinition, type Contract } from '../../domain/contract';
import { addDays, completedMonths, startOfShanghaiDay } from '../../domain/dates';
import type { LedgerEntry } from '../../domain/ledger';
import { payrollStatus } from '../../domain/status';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

function base(): Contract {
  const result = validateContractDefinition(sCountyContract(sCountyOrgIds), (id) => sCountyKinds[id]);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

const ORIGIN = '2020-01-01';

function contractWith(startOffset: number, days: number, monthlyPayrollFen: number): Contract {
  const start = addDays(ORIGIN, startOffset);
  const end = addDays(start, days - 1);
  const c = base();
  return {
    ...c,
    term: { start, end, startAt: startOfShanghaiDay(start), endAt: startOfShanghaiDay(addDays(end, 1)) - 1 },
    // No budget lines: every payment is personnel money, so any amount reaches the payroll.
    budgetLines: [],
    staffing: { headcount: 4, monthlyPayrollFen },
  };
}

const payment = (i: number, amountFen: number, receivedOn: string): LedgerEntry => ({
  reference: `p${i}`,
  kind: 'payment',
  amountFen,
  receivedOn,
  fundingSource: 'fiscal',
  recordedBy: 'usr_f',
  recordedAt: `${receivedOn}T10:00:00Z`,
});

describe('payroll coverage', () => {
  it('never counts more months covered plus months without money than the term has', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 1200 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        // Each payment up to 200 months of payroll (a payment is bounded by the contract's value).
        fc.array(fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: -40, max: 1500 })), { maxLength: 6 }),
        fc.integer({ min: -40, max: 1600 }),
        (startOffset, days, monthlyPayrollFen, payments, readOffset) => {
          const c = contractWith(startOffset, days, monthlyPayrollFen);
          const ledger = payments.map(([hundredths, offset], i) =>
            payment(i, Math.max(1, Math.floor((monthlyPayrollFen * hundredths) / 100)), addDays(c.term.start, offset)),
          );
          const now = startOfShanghaiDay(addDays(c.term.start, readOffset)) + 12 * 3_600_000;
          const p = payrollStatus(c, ledger, now)!;
          expect(p.termMonths).toBe(Math.max(1, completedMonths(c.term.start, addDays(c.term.end, 1))));
          expect(p.monthsCovered + p.monthsUnfunded).toBeLessThanOrEqual(p.termMonths);
          expect(p.monthsCovered).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(p.monthsUnfunded) && p.monthsUnfunded >= 0).toBe(true);
          // Money received is never without effect: with any personnel money, the first month has some.
          if (p.personnelReceivedFen > 0) expect(p.monthsUnfunded).toBeLessThan(Math.max(1, p.termMonths));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts a month paid in part as neither fully covered nor without money', () => {
    // A 12-month term from 1 Sep 2022, 10,000.00 a month; 25,000.00 received; read on 15 June 2023.
    const c = contractWith(0, 1, 1);
    const term = contractWith(0, 1, 1).term;
    const contract: Contract = {
      ...c,
      term: {
        ...term,
        start: '2022-09-01',
        end: '2023-08-31',
        startAt: startOfShanghaiDay('2022-09-01'),
        endAt: startOfShanghaiDay('2023-09-01') - 1,
      },
      staffing: { headcount: 2, monthlyPayrollFen: 1_000_000 },
    };
    const p = payrollStatus(contract, [payment(1, 2_500_000, '2022-09-05')], startOfShanghaiDay('2023-06-15'))!;
    // Nine months elapsed: two paid, the third paid half, six without money.
    expect(p).toMatchObject({ monthsCovered: 2.5, monthsUnfunded: 6, termMonths: 12, runOutDate: '2022-11-16' });
    // More money than the term's payroll covers the term, not more.
    const rich = payrollStatus(contract, [payment(1, 20_000_000, '2022-09-05')], startOfShanghaiDay('2023-06-15'))!;
    expect(rich).toMatchObject({ monthsCovered: 12, monthsUnfunded: 0 });
  });
});
