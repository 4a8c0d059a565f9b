// One rounding rule for every share of a contract's value: cumulative shares rounded once, each
// tranche the difference of two of them, checkpoints the same rounded share. Paying every tranche
// in full on its due day therefore never misses a checkpoint at or below the share due by its day.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  validateContractDefinition,
  validateSchedule,
  type Contract,
  type ContractDefinitionInput,
} from '../../domain/contract';
import { addDays, parseInstant, startOfShanghaiDay } from '../../domain/dates';
import type { LedgerEntry } from '../../domain/ledger';
import { formatMoney, scheduleAmounts, shareOf } from '../../domain/money';
import type { Problem } from '../../domain/problems';
import { contractFigures } from '../../domain/status';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

const lookup = (id: string) => sCountyKinds[id];
const at = (date: string) => parseInstant(date)!;

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

function define(overrides: Partial<ContractDefinitionInput>): Contract {
  const result = validateContractDefinition(
    sCountyContract(sCountyOrgIds, {
      term: { start: '2023-01-01', end: '2023-12-31' },
      budgetLines: undefined,
      staffing: undefined,
      ...overrides,
    }),
    lookup,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

/** Pays each tranche exactly the amount the contract shows, on its due day. */
const paidOnTime = (contract: Contract) => contract.tranches.map((t) => payment(t.id, t.amountFen, t.due));

describe('one rounding rule for the shares of a value', () => {
  it('100.02 in 40 % and 60 %: a payer who pays t1 as shown meets the 40 % checkpoint', () => {
    const contract = define({
      value: '100.02',
      tranches: [
        { id: 't1', label: 'first', due: '2023-03-31', percent: 40, fundingSource: 'fiscal' },
        { id: 't2', label: 'rest', due: '2023-12-31', percent: 60, fundingSource: 'fiscal' },
      ],
      checkpoints: [{ id: 'c40', by: '2023-03-31', minPercent: 40 }],
    });
    expect(contract.tranches.map((t) => formatMoney(t.amountFen))).toEqual(['40.01', '60.01']);
    expect(formatMoney(contract.checkpoints[0]!.requiredFen)).toBe('40.01');
    const figures = contractFigures(
      contract,
      [payment('p1', contract.tranches[0]!.amountFen, '2023-03-31')],
      at('2023-04-01'),
    );
    expect(figures.checkpoints[0]).toMatchObject({ status: 'met', receivedByFen: 4001, shortfallFen: 0 });
    expect(figures.arrearsFen).toBe(0);
  });

  it('386666.67 in 40/40/20 % with 40 % and 80 % checkpoints: every tranche paid on its day meets both', () => {
    const contract = define({
      value: '386666.67',
      tranches: [
        { id: 't1', label: 'advance', due: '2023-03-31', percent: 40, fundingSource: 'fiscal' },
        { id: 't2', label: 'mid-term', due: '2023-06-30', percent: 40, fundingSource: 'fiscal' },
        { id: 't3', label: 'final', due: '2023-12-31', percent: 20, fundingSource: 'fiscal' },
      ],
      checkpoints: [
        { id: 'c40', by: '2023-03-31', minPercent: 40 },
        { id: 'c80', by: '2023-06-30', minPercent: 80 },
      ],
    });
    expect(contract.tranches.map((t) => formatMoney(t.amountFen))).toEqual(['154666.67', '154666.67', '77333.33']);
    expect(contract.checkpoints.map((c) => formatMoney(c.requiredFen))).toEqual(['154666.67', '309333.34']);
    const figures = contractFigures(contract, paidOnTime(contract), at('2023-12-31'));
    expect(figures.checkpoints.map((c) => [c.id, c.status, c.shortfallFen, c.daysLate])).toEqual([
      ['c40', 'met', 0, null],
      ['c80', 'met', 0, null],
    ]);
    expect(figures.tranches.map((t) => t.status)).toEqual(['paid', 'paid', 'paid']);
    expect(figures.receivedFen).toBe(contract.valueFen);
  });

  it('a tranche by amount keeps its amount; the rounding of percentages follows due order, not listing order', () => {
    const contract = define({
      value: '150.00',
      tranches: [
        { id: 'late', label: 'late', due: '2023-12-31', percent: 33.33, fundingSource: 'fiscal' },
        { id: 'fixed', label: 'fixed', due: '2023-06-30', amount: '50.01', fundingSource: 'fiscal' },
        { id: 'early', label: 'early', due: '2023-03-31', percent: 33.33, fundingSource: 'fiscal' },
      ],
      checkpoints: [{ id: 'c33', by: '2023-03-31', minPercent: 33.33 }],
    });
    // 33.33 % of 150.00 is 49.995, rounded up for the first tranche due; 66.66 % is 99.99, so the
    // tranche due last gets 99.99 + 50.01 − 100.01 = 49.99.
    expect(contract.tranches.map((t) => [t.id, formatMoney(t.amountFen)])).toEqual([
      ['late', '49.99'],
      ['fixed', '50.01'],
      ['early', '50.00'],
    ]);
    expect(formatMoney(contract.checkpoints[0]!.requiredFen)).toBe('50.00');
  });

  it('an amendment goes through the same rule', () => {
    const problems: Problem[] = [];
    const schedule = validateSchedule(
      {
        tranches: [
          { id: 'a', label: 'a', due: '2023-03-31', percent: 40, fundingSource: 'fiscal' },
          { id: 'b', label: 'b', due: '2023-06-30', percent: 40, fundingSource: 'fiscal' },
          { id: 'c', label: 'c', due: '2023-12-31', percent: 20, fundingSource: 'fiscal' },
        ],
        checkpoints: [{ id: 'c80', by: '2023-06-30', minPercent: 80 }],
      },
      38_666_667,
      { startAt: startOfShanghaiDay('2023-01-01'), endAt: at('2023-12-31') },
      problems,
    );
    expect(problems).toEqual([]);
    expect(schedule.tranches[0]!.amountFen + schedule.tranches[1]!.amountFen).toBe(
      schedule.checkpoints[0]!.requiredFen,
    );
  });

  it('says exactly, to the fraction of a fen, what tranches that miss the value add up to', () => {
    const problems: Problem[] = [];
    validateSchedule(
      {
        tranches: [
          { id: 'a', label: 'a', due: '2023-03-31', amount: '50.00', fundingSource: 'fiscal' },
          { id: 'b', label: 'b', due: '2023-06-30', percent: 50, fundingSource: 'fiscal' },
        ],
        checkpoints: [],
      },
      10_001,
      { startAt: startOfShanghaiDay('2023-01-01'), endAt: at('2023-12-31') },
      problems,
    );
    expect(problems).toMatchObject([
      { field: 'tranches', reason: 'must add up to the contract value 100.01, but add up to 100.005' },
    ]);
  });

  it('keeps shares exact beyond 2^53 fen·basis points', () => {
    // 9,999,999,999,999.99 yuan at 33.33 %: the product has 19 digits; 333…999.6667 rounds up.
    expect(shareOf(999_999_999_999_999, 3333)).toBe(333_300_000_000_000);
    expect(shareOf(999_999_999_999_997, 3333)).toBe(333_299_999_999_999); // …999.0001 rounds down
    expect(shareOf(999_999_999_999_999, 5000)).toBe(500_000_000_000_000); // 499…999.5 rounds half up
    expect(
      scheduleAmounts(999_999_999_999_999, [
        { basisPoints: 3333 },
        { basisPoints: 3333 },
        { basisPoints: 3334 },
      ]).reduce((s, a) => s + a, 0),
    ).toBe(999_999_999_999_999);
  });
});

// ---- property: random values, random splits, random checkpoints at cumulative shares ----------

const TERM_START = '2023-01-01';
const TERM_DAYS = 730;

interface Generated {
  valueFen: number;
  tranches: Array<{ id: string; dueDay: string; part: { fen: number } | { basisPoints: number } }>;
  checkpoints: Array<{ by: string; basisPoints: number }>;
}

/** The largest whole basis points share of `valueFen` not above what the tranches due by `day` amount to, exactly. */
function coveredBasisPoints(valueFen: number, tranches: Generated['tranches'], day: string): number {
  let fixed = 0n;
  let bp = 0n;
  for (const t of tranches) {
    if (t.dueDay > day) continue;
    if ('fen' in t.part) fixed += BigInt(t.part.fen);
    else bp += BigInt(t.part.basisPoints);
  }
  return Number(bp + (fixed * 10000n) / BigInt(valueFen));
}

const schedules: fc.Arbitrary<Generated> = fc
  .record({
    // Cut points of 100 % into parts of 0.01 % precision.
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { maxLength: 6 }),
    // Which parts are fixed amounts (by index), and the scale of the value.
    fixedMask: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
    multiplier: fc.oneof(
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 1, max: 2_000_000_000 }),
      fc.integer({ min: 1, max: 99_999_999_999 }),
    ),
    dueOffsets: fc.array(fc.integer({ min: 0, max: TERM_DAYS }), { minLength: 7, maxLength: 7 }),
    listingKeys: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
    checkpointDays: fc.uniqueArray(fc.integer({ min: 0, max: TERM_DAYS }), { maxLength: 5 }),
    checkpointPicks: fc.array(fc.oneof(fc.constant(-1), fc.nat()), { minLength: 5, maxLength: 5 }),
  })
  .map(({ cuts, fixedMask, multiplier, dueOffsets, listingKeys, checkpointDays, checkpointPicks }) => {
    const points = [0, ...[...cuts].sort((a, b) => a - b), 10000];
    const bps = points.slice(1).map((p, i) => p - points[i]!);
    const fixed = bps.map((_, i) => fixedMask[i]! && bps.length > 1);
    // The fixed parts' share g must be a whole number of fen: the value is a multiple of 10000 / gcd(g, 10000).
    const g = bps.reduce((s, bp, i) => s + (fixed[i] ? bp : 0), 0);
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    const valueFen = multiplier * (g === 0 ? 1 : 10000 / gcd(g, 10000));
    const fixedTotal = Number((BigInt(valueFen) * BigInt(g)) / 10000n); // exact: g·value is divisible by 10000
    const fixedIndexes = bps.map((_, i) => i).filter((i) => fixed[i]);
    let fixedLeft = fixedTotal;
    const parts = bps.map((bp, i): Generated['tranches'][number]['part'] => {
      if (!fixed[i]) return { basisPoints: bp };
      const last = i === fixedIndexes.at(-1);
      const fen = last ? fixedLeft : Number((BigInt(valueFen) * BigInt(bp)) / 10000n);
      fixedLeft -= fen;
      return { fen };
    });
    const dueDays = dueOffsets
      .slice(0, parts.length)
      .sort((a, b) => a - b)
      .map((o) => addDays(TERM_START, o));
    const tranches = parts
      .map((part, i) => ({ id: `t${i}`, dueDay: dueDays[i]!, part, key: listingKeys[i]! }))
      .sort((a, b) => a.key - b.key)
      .map(({ id, dueDay, part }) => ({ id, dueDay, part }));
    const checkpoints: Generated['checkpoints'] = [];
    let floor = 1;
    [...checkpointDays]
      .sort((a, b) => a - b)
      .forEach((offset, j) => {
        const by = addDays(TERM_START, offset);
        const covered = coveredBasisPoints(valueFen, tranches, by);
        if (covered < floor) return;
        // Half of them exactly at the share due by their day, the boundary where rounding bites.
        const pick = checkpointPicks[j]!;
        const basisPoints = pick < 0 ? covered : floor + (pick % (covered - floor + 1));
        checkpoints.push({ by, basisPoints });
        floor = basisPoints;
      });
    return { valueFen, tranches, checkpoints };
  })
  .filter((s) => s.tranches.every((t) => !('fen' in t.part) || t.part.fen > 0) && s.valueFen <= 999_999_999_999_999);

describe('rounding property', () => {
  it('tranches add up to the value, differ from their exact share by under a fen, and paying them on time misses no covered checkpoint', () => {
    fc.assert(
      fc.property(schedules, ({ valueFen, tranches, checkpoints }) => {
        const term = { startAt: startOfShanghaiDay(TERM_START), endAt: at(addDays(TERM_START, TERM_DAYS)) };
        const problems: Problem[] = [];
        const schedule = validateSchedule(
          {
            tranches: tranches.map((t) => ({
              id: t.id,
              label: t.id,
              due: t.dueDay,
              fundingSource: 'fiscal' as const,
              ...('fen' in t.part ? { amount: formatMoney(t.part.fen) } : { percent: t.part.basisPoints / 100 }),
            })),
            checkpoints: checkpoints.map((c, i) => ({ id: `c${i}`, by: c.by, minPercent: c.basisPoints / 100 })),
          },
          valueFen,
          term,
          problems,
        );
        expect(problems).toEqual([]);
        expect(schedule.tranches.reduce((s, t) => s + t.amountFen, 0)).toBe(valueFen);
        schedule.tranches.forEach((t, i) => {
          const part = tranches[i]!.part;
          if ('fen' in part) expect(t.amountFen).toBe(part.fen);
          else {
            const error = BigInt(t.amountFen) * 10000n - BigInt(valueFen) * BigInt(part.basisPoints);
            expect(error < 10000n && error > -10000n).toBe(true);
          }
        });
        const contract = {
          id: 'P',
          title: 'P',
          term: { start: TERM_START, end: addDays(TERM_START, TERM_DAYS), ...term },
          valueFen,
          parties: { purchaser: 'a', payer: 'b', contractor: 'c', evaluator: 'd' },
          stations: [],
          budgetLines: [],
          tranches: schedule.tranches,
          checkpoints: schedule.checkpoints,
          closeGraceDays: 90,
        } satisfies Contract;
        const ledger = contract.tranches.filter((t) => t.amountFen > 0).map((t) => payment(t.id, t.amountFen, t.due));
        const figures = contractFigures(contract, ledger, term.endAt);
        expect(figures.checkpoints.map((c) => c.status)).toEqual(checkpoints.map(() => 'met'));
        expect(figures.arrearsFen).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
