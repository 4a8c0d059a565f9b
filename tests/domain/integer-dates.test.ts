// Money and days in integers: payroll coverage, pro rata personnel money, day counts and quota
// proration are computed without a float deciding a date or an amount.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateContractDefinition, type Contract, type ContractDefinitionInput } from '../../domain/contract';
import { addDays, addMonths, calendarDaysBetween, dayNumber, parseInstant } from '../../domain/dates';
import { divCeil, divFloor, mulDivFloor, mulDivRoundHalfUp } from '../../domain/integers';
import type { LedgerEntry } from '../../domain/ledger';
import { formatMoney, parseMoney } from '../../domain/money';
import { quotaPeriods } from '../../domain/quotas';
import { contractFigures, personnelReceived } from '../../domain/status';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

const at = (date: string) => parseInstant(date)!;

function payment(reference: string, amountFen: number, receivedOn: string, budgetLine?: string): LedgerEntry {
  return {
    reference,
    kind: 'payment',
    amountFen,
    receivedOn,
    fundingSource: 'fiscal',
    ...(budgetLine ? { budgetLine } : {}),
    recordedBy: 'usr_f',
    recordedAt: `${receivedOn}T10:00:00Z`,
  };
}

function define(overrides: Partial<ContractDefinitionInput>): Contract {
  const result = validateContractDefinition(sCountyContract(sCountyOrgIds, overrides), (id) => sCountyKinds[id]);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

/** A one-year contract from `start` paying `monthlyPayroll` a month, with no budget lines (all money is personnel money). */
function payrollContract(start: string, monthlyPayroll: string): Contract {
  return define({
    term: { start, end: addDays(addMonths(start, 12), -1) },
    value: '100000000.00',
    budgetLines: undefined,
    staffing: { headcount: 3, monthlyPayroll },
    tranches: [
      { id: 't', label: 'all', due: addDays(addMonths(start, 12), -1), percent: 100, fundingSource: 'fiscal' },
    ],
    checkpoints: [],
  });
}

describe('payroll coverage in integers', () => {
  it('10000.00 a month from 2023-09-01 and 23000.00 received: runs out on 2023-11-10', () => {
    const contract = payrollContract('2023-09-01', '10000.00');
    const { payroll } = contractFigures(
      contract,
      [payment('p', parseMoney('23000.00'), '2023-09-01')],
      at('2023-09-30'),
    );
    // September, October, then 9 of November's 30 days: 0.3 × 30 = 9 exactly, not 8.9999….
    expect(payroll).toMatchObject({ monthsCovered: 2.3, runOutDate: '2023-11-10', personnelReceivedFen: 2_300_000 });
  });

  it('10000.00 a month from 2023-08-01 and 14000.00 received: runs out on 2023-09-13 (0.4 × 30 = 12 days)', () => {
    const contract = payrollContract('2023-08-01', '10000.00');
    const { payroll } = contractFigures(
      contract,
      [payment('p', parseMoney('14000.00'), '2023-08-01')],
      at('2023-08-02'),
    );
    expect(payroll).toMatchObject({ monthsCovered: 1.4, runOutDate: '2023-09-13' });
  });

  it('shares unassigned money pro rata to the personnel budget exactly, even past 2^53', () => {
    // 5,922,008,350.54 × 8,836,137,171.50 has 24 digits: a float product rounds the share up by a fen.
    const contract = define({
      value: '10150835508.44',
      budgetLines: [
        { id: 'personnel', kind: 'personnel', amount: '8836137171.50' },
        { id: 'other', kind: 'activities', amount: '1314698336.94' },
      ],
      tranches: [{ id: 't', label: 'all', due: '2023-08-31', percent: 100, fundingSource: 'fiscal' }],
      checkpoints: [],
    });
    const ledger = [payment('p', parseMoney('5922008350.54'), '2022-10-01')];
    expect(personnelReceived(contract, ledger, at('2022-10-02'))).toBe(515_501_192_710);
    const reversal = {
      ...payment('p~reversal', -parseMoney('5922008350.54'), '2022-10-01'),
      kind: 'reversal' as const,
    };
    expect(personnelReceived(contract, [...ledger, reversal], at('2022-10-02'))).toBe(0);
  });

  /** Reference: count whole months by subtracting the payroll, then days one by one, each costing payroll/length of its month. */
  function referenceRunOut(start: string, fundedFen: number, monthlyFen: number): { months: number; runOut: string } {
    let months = 0;
    let rest = BigInt(fundedFen);
    while (rest >= BigInt(monthlyFen)) {
      rest -= BigInt(monthlyFen);
      months += 1;
    }
    const monthStart = addMonths(start, months);
    const nextStart = addMonths(start, months + 1);
    let length = 0;
    for (let day = monthStart; day < nextStart; day = addDays(day, 1)) length += 1;
    let covered = 0;
    // Day k of the month is paid for when k days cost no more than the rest: k × monthly / length ≤ rest.
    while (covered < length && BigInt(covered + 1) * BigInt(monthlyFen) <= rest * BigInt(length)) covered += 1;
    return { months, runOut: addDays(monthStart, covered) };
  }

  it('property: runOutDate is the integer day count, within the first month not wholly covered', () => {
    const days = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays('2005-01-01', n));
    fc.assert(
      fc.property(
        days,
        fc.integer({ min: 1, max: 500_000_000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 99_999 }),
        (start, monthlyFen, hundredths, extra) => {
          // Funded: a whole number of hundredths of a month (where floats stumble) plus a few fen more or less.
          const fundedFen = Math.max(0, divFloor(monthlyFen * hundredths, 100) + (extra % 3) - 1);
          const contract = payrollContract(start, formatMoney(monthlyFen));
          const ledger = fundedFen > 0 ? [payment('p', fundedFen, start)] : [];
          const { payroll } = contractFigures(contract, ledger, at(start));
          const reference = referenceRunOut(start, fundedFen, monthlyFen);
          expect(payroll!.runOutDate).toBe(reference.runOut);
          // Months covered never exceed the term's months (the payroll card adds up).
          expect(Math.floor(payroll!.monthsCovered)).toBe(Math.min(reference.months, payroll!.termMonths));
          expect(Math.round(payroll!.monthsCovered * 100)).toBe(
            Math.min(Number((BigInt(fundedFen) * 100n) / BigInt(monthlyFen)), payroll!.termMonths * 100),
          );
          expect(payroll!.runOutDate >= addMonths(start, reference.months)).toBe(true);
          expect(payroll!.runOutDate < addMonths(start, reference.months + 1)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('days and divisions in integers', () => {
  it('property: calendarDaysBetween counts days from the civil date alone, as UTC midnights do', () => {
    const day = fc
      .integer({ min: -80_000, max: 80_000 })
      .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (a, b) => {
        expect(calendarDaysBetween(a, b)).toBe(
          (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000,
        );
        expect(addDays(a, calendarDaysBetween(a, b))).toBe(b);
      }),
    );
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2000-03-01') - dayNumber('2000-02-28')).toBe(2);
    expect(dayNumber('1900-03-01') - dayNumber('1900-02-28')).toBe(1);
  });

  it('property: integer division and scaling agree with BigInt arithmetic, whatever the size', () => {
    const big = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    const positive = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 1e6 }), positive, (a, b, c) => {
        const exact = BigInt(a) * BigInt(b);
        const floor = exact >= 0n ? exact / BigInt(c) : -((-exact + BigInt(c) - 1n) / BigInt(c));
        fc.pre(floor <= BigInt(Number.MAX_SAFE_INTEGER) && floor >= -BigInt(Number.MAX_SAFE_INTEGER));
        expect(BigInt(mulDivFloor(a, b, c))).toBe(floor);
        const twice = 2n * exact;
        const rest = twice - 2n * floor * BigInt(c); // 2 × (a·b − c·⌊a·b/c⌋), in [0, 2c)
        expect(BigInt(mulDivRoundHalfUp(a, b, c))).toBe(rest >= BigInt(c) ? floor + 1n : floor);
      }),
    );
    fc.assert(
      fc.property(big, fc.integer({ min: 1, max: 1e6 }), (a, b) => {
        expect(divFloor(a, b) * b <= a && a < (divFloor(a, b) + 1) * b).toBe(true);
        expect(divCeil(a, b) * b >= a && a > (divCeil(a, b) - 1) * b).toBe(true);
      }),
    );
  });

  it('prorates a quota by the days covered, rounded up in integers', () => {
    // 10 a month, the term starting on 2023-05-11: 21 of May's 31 days owe ⌈210 / 31⌉ = 7.
    const windows = quotaPeriods({ period: 'month', target: 10 }, '2023-05-11', '2023-07-20');
    expect(windows.map((w) => [w.key, w.target])).toEqual([
      ['2023-05', 7],
      ['2023-06', 10],
      ['2023-07', 7],
    ]);
    // 93 a quarter, 2023-Q2 from 2023-05-01: 61 of 91 days owe exactly 93 × 61 / 91 = 62.34… → 63.
    expect(
      quotaPeriods({ period: 'quarter', target: 93 }, '2023-05-01', '2023-06-30').map((w) => [w.key, w.target]),
    ).toEqual([['2023-Q2', 63]]);
  });
});
