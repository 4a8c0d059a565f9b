// Domain limits (issue 12 item 3): dates read literally and within the years a contract may name,
// terms of at most MAX_TERM_YEARS, and upper bounds on every list a contract grows, each refused
// with a problem naming the field and the limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateContractDefinition, type ContractDefinitionInput } from '../../domain/contract';
import {
  addDays,
  addMonths,
  dayNumber,
  parseInstant,
  shanghaiDate,
  startOfShanghaiDay,
  utcInstant,
} from '../../domain/dates';
import {
  lengthProblem,
  MAX_CHECKPOINTS,
  MAX_HEADCOUNT,
  MAX_MILESTONES,
  MAX_PAYMENTS_PER_CONTRACT,
  MAX_QUOTAS,
  MAX_STATIONS_PER_CONTRACT,
  MAX_TRANCHES,
  MAX_VILLAGES_PER_STATION,
  materialRequestLimitProblem,
  MAX_MATERIAL_REQUESTS_PER_CONTRACT,
  paymentLimitProblem,
} from '../../domain/limits';
import { quotaPeriods } from '../../domain/quotas';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const day = fc
  .record({
    y: fc.integer({ min: 2000, max: 2100 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
  })
  .filter(({ y, m, d }) => d <= new Date(utcInstant(y, m, 0)).getUTCDate())
  .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

function validate(overrides: Partial<ContractDefinitionInput>) {
  return validateContractDefinition(
    sCountyContract(sCountyOrgIds, overrides),
    (id) => sCountyKinds[id] ?? (id.startsWith('org_village') ? 'village' : undefined),
  );
}

function problemsOf(overrides: Partial<ContractDefinitionInput>) {
  const result = validate(overrides);
  return result.ok ? [] : result.problems;
}

describe('dates are read literally', () => {
  it('every yyyy-mm-dd of 2000–2100 round-trips through its instant and its day number', () => {
    fc.assert(
      fc.property(day, (text) => {
        const end = parseInstant(text)!;
        expect(shanghaiDate(end)).toBe(text);
        expect(shanghaiDate(startOfShanghaiDay(text))).toBe(text);
        expect(end - startOfShanghaiDay(text)).toBe(86_400_000 - 1);
        // The day number (integer rule) and the instant agree.
        expect(Math.round((startOfShanghaiDay(text) + 8 * 3600_000) / 86_400_000)).toBe(dayNumber(text));
        expect(addDays(addDays(text, 1), -1)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('years 0000–0099 are those years, never 1900–1999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (y, m, d) => {
          const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
          const at = parseInstant(text)!;
          expect(new Date(at).getUTCFullYear()).toBeLessThan(100);
          expect(shanghaiDate(at)).toBe(text);
          expect(parseInstant(`${text}T12:00:00Z`)).toBe(utcInstant(y, m - 1, d, 12));
        },
      ),
    );
    // 0004 was not a leap year in the 1900s reading (1904 was, and so was 0004): Feb 29 exists either way;
    // 0100 is no leap year, 1900 neither, but 0000 is (2000 too).
    expect(parseInstant('0000-02-29')).toBeDefined();
    expect(addMonths('0050-01-31', 1)).toBe('0050-02-28');
  });

  it('a term ending 9999-12-31 gives dates, not RangeError', () => {
    expect(() => quotaPeriods({ period: 'quarter', target: 3 }, '9999-10-01', '9999-12-31')).not.toThrow();
    expect(shanghaiDate(parseInstant('9999-12-31')!)).toBe('9999-12-31');
    expect(addDays('9999-12-31', 1)).toBe('+010000-01-01');
  });
});

describe('contract limits', () => {
  it('the issue’s three terms are refused, naming the field and the limit', () => {
    for (const term of [
      { start: '1000-01-01', end: '9998-12-31' },
      { start: '0050-01-01', end: '0051-12-31' },
      { start: '2023-01-01', end: '9999-12-31' },
    ]) {
      const problems = problemsOf({ term });
      expect(
        problems.some((p) => p.field.startsWith('term.') && p.reason.includes('2000–2100')),
        JSON.stringify(term),
      ).toBe(true);
    }
  });

  it('a term is shorter than ten years', () => {
    expect(
      problemsOf({ term: { start: '2022-09-01', end: '2032-08-31' } }).filter((p) => p.field.startsWith('term')),
    ).toEqual([]);
    expect(problemsOf({ term: { start: '2022-09-01', end: '2032-09-01' } })).toContainEqual(
      expect.objectContaining({
        field: 'term.end',
        reason: 'must be less than 10 years after term.start (before 2032-09-01)',
      }),
    );
  });

  it('every list of a contract is bounded, the violation naming the field and the limit', () => {
    const tranche = (i: number) => ({
      id: `t${i}`,
      label: 't',
      due: '2022-10-31',
      amount: '1.00',
      fundingSource: 'fiscal' as const,
    });
    const cases: Array<[Partial<ContractDefinitionInput>, string, number]> = [
      [
        {
          stations: Array.from({ length: MAX_STATIONS_PER_CONTRACT + 1 }, (_, i) => ({
            id: `s${i}`,
            name: 's',
            township: 't',
            villages: [],
          })),
        },
        'stations',
        MAX_STATIONS_PER_CONTRACT,
      ],
      [
        {
          stations: [
            {
              id: 'G',
              name: 'G',
              township: 'G',
              villages: Array.from({ length: MAX_VILLAGES_PER_STATION + 1 }, () => 'org_village_1'),
            },
          ],
        },
        'stations.0.villages',
        MAX_VILLAGES_PER_STATION,
      ],
      [{ tranches: Array.from({ length: MAX_TRANCHES + 1 }, (_, i) => tranche(i)) }, 'tranches', MAX_TRANCHES],
      [
        {
          checkpoints: Array.from({ length: MAX_CHECKPOINTS + 1 }, (_, i) => ({
            id: `c${i}`,
            by: addDays('2022-09-02', i),
            minPercent: 1,
          })),
        },
        'checkpoints',
        MAX_CHECKPOINTS,
      ],
      [
        {
          milestones: Array.from({ length: MAX_MILESTONES + 1 }, (_, i) => ({
            id: `m${i}`,
            title: 'm',
            due: '2023-06-30',
            stations: [],
            materials: ['midterm_report'],
            reviewWorkingDays: 5,
            maxRounds: 3,
          })),
        },
        'milestones',
        MAX_MILESTONES,
      ],
      [
        {
          quotas: Array.from({ length: MAX_QUOTAS + 1 }, (_, i) => ({
            id: `q${i}`,
            metric: 'casework' as const,
            perStation: true,
            period: 'month' as const,
            target: 1,
          })),
        },
        'quotas',
        MAX_QUOTAS,
      ],
    ];
    for (const [overrides, field, limit] of cases) {
      const problem = problemsOf(overrides).find((p) => p.field === field);
      expect(problem?.reason, field).toContain(`at most ${limit}`);
    }
  });

  it('staffing.headcount is a whole number up to the limit (1e300 is refused)', () => {
    for (const headcount of [1e300, MAX_HEADCOUNT + 1, 0, 2.5]) {
      expect(problemsOf({ staffing: { headcount, monthlyPayroll: '75000.00' } })).toContainEqual(
        expect.objectContaining({
          field: 'staffing.headcount',
          reason: `must be a whole number from 1 to ${MAX_HEADCOUNT}`,
        }),
      );
    }
    expect(validate({ staffing: { headcount: MAX_HEADCOUNT, monthlyPayroll: '75000.00' } }).ok).toBe(true);
  });

  it('payments: the one past the limit is refused; texts are counted in characters', () => {
    expect(paymentLimitProblem(MAX_PAYMENTS_PER_CONTRACT - 1)).toBeUndefined();
    expect(paymentLimitProblem(MAX_PAYMENTS_PER_CONTRACT)?.reason).toContain(`at most ${MAX_PAYMENTS_PER_CONTRACT}`);
    expect(materialRequestLimitProblem(MAX_MATERIAL_REQUESTS_PER_CONTRACT - 1)).toBeUndefined();
    expect(materialRequestLimitProblem(MAX_MATERIAL_REQUESTS_PER_CONTRACT)?.reason).toContain(
      `at most ${MAX_MATERIAL_REQUESTS_PER_CONTRACT}`,
    );
    expect(lengthProblem('note', '字'.repeat(10), 10)).toBeUndefined();
    expect(lengthProblem('note', '😀'.repeat(10), 10)).toBeUndefined();
    expect(lengthProblem('note', '字'.repeat(11), 10)).toMatchObject({
      field: 'note',
      reason: 'has 11 characters; at most 10 are allowed',
    });
  });
});
