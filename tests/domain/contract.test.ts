import { describe, expect, it } from 'vitest';
import { validateContractDefinition, type ContractDefinitionInput } from '../../domain/contract';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

const lookup = (id: string) => sCountyKinds[id];
const problemsOf = (input: ContractDefinitionInput) => {
  const result = validateContractDefinition(input, lookup);
  return result.ok ? [] : result.problems;
};

describe('contract definition', () => {
  it('normalizes the source case: fen, instants, tranche amounts, required shares', () => {
    const result = validateContractDefinition(sCountyContract(sCountyOrgIds), lookup);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const contract = result.value;
    expect(contract.valueFen).toBe(115_400_000);
    expect(contract.tranches.map((t) => t.amountFen)).toEqual([46_160_000, 46_160_000, 23_080_000]);
    expect(contract.checkpoints[0]).toMatchObject({ id: 'june-80', requiredFen: 92_320_000 });
    expect(new Date(contract.term.startAt).toISOString()).toBe('2022-08-31T16:00:00.000Z');
  });

  it('rounds cumulative shares once, so 33.33/33.33/33.34 % of 100.00 add up to it', () => {
    const result = validateContractDefinition(
      sCountyContract(sCountyOrgIds, {
        value: '100.00',
        budgetLines: undefined,
        tranches: [
          { id: 'a', label: 'a', due: '2022-10-01', percent: 33.33, fundingSource: 'fiscal' },
          { id: 'b', label: 'b', due: '2022-11-01', percent: 33.33, fundingSource: 'fiscal' },
          { id: 'c', label: 'c', due: '2022-12-01', percent: 33.34, fundingSource: 'fiscal' },
        ],
      }),
      lookup,
    );
    expect(result.ok && result.value.tranches.map((t) => t.amountFen)).toEqual([3333, 3333, 3334]);
  });

  it('refuses ids that every JavaScript object already names (they would read as functions in totals)', () => {
    const base = sCountyContract(sCountyOrgIds);
    for (const id of Object.getOwnPropertyNames(Object.prototype).filter((name) => /^[A-Za-z0-9]/.test(name))) {
      const problems = problemsOf({ ...base, checkpoints: [{ ...base.checkpoints[0]!, id }] });
      expect(problems, id).toContainEqual(
        expect.objectContaining({ field: 'checkpoints.0.id', reason: `"${id}" is a reserved name; choose another id` }),
      );
    }
    expect(
      problemsOf({ ...base, tranches: base.tranches.map((t, i) => (i === 0 ? { ...t, id: 'constructor' } : t)) }),
    ).toContainEqual(
      expect.objectContaining({
        field: 'tranches.0.id',
        reason: '"constructor" is a reserved name; choose another id',
      }),
    );
  });

  it('names the field and the reason of each problem', () => {
    const base = sCountyContract(sCountyOrgIds);
    expect(problemsOf({ ...base, tranches: base.tranches.slice(0, 2) })).toMatchObject([
      { field: 'tranches', reason: 'must add up to the contract value 1154000.00, but add up to 923200.00' },
    ]);
    expect(problemsOf({ ...base, checkpoints: [{ id: 'x', by: '2023-06-30', minPercent: 120 }] })).toMatchObject([
      { field: 'checkpoints.0.minPercent', reason: expect.stringContaining('at most 100') },
    ]);
    expect(problemsOf({ ...base, checkpoints: [{ id: 'x', by: '2024-01-01', minPercent: 50 }] })).toMatchObject([
      { field: 'checkpoints.0.by', reason: 'is outside the contract term' },
    ]);
    expect(
      problemsOf({
        ...base,
        checkpoints: [
          { id: 'a', by: '2023-06-30', minPercent: 80 },
          { id: 'b', by: '2023-03-31', minPercent: 50 },
        ],
      }),
    ).toMatchObject([
      { field: 'checkpoints.1.by', reason: 'must come after checkpoint "a" (checkpoints are in date order)' },
      { field: 'checkpoints.1.minPercent', reason: 'must not be below checkpoint "a" (shares are cumulative)' },
    ]);
    expect(problemsOf({ ...base, parties: { ...base.parties, payer: 'org_nobody' } })).toMatchObject([
      { field: 'parties.payer', reason: 'is not a known organization ("org_nobody")' },
    ]);
    expect(problemsOf({ ...base, parties: { ...base.parties, contractor: 'org_finance' } })).toMatchObject([
      { field: 'parties.contractor', reason: expect.stringContaining('kind payer') },
    ]);
    expect(problemsOf({ ...base, value: '-5.00' })).toContainEqual(
      expect.objectContaining({ field: 'value', reason: 'must not be negative' }),
    );
    expect(problemsOf({ ...base, value: '1154000.001' })).toContainEqual(
      expect.objectContaining({
        field: 'value',
        reason: 'must have at most two decimals (fen)',
      }),
    );
    expect(problemsOf({ ...base, budgetLines: [{ id: 'p', kind: 'personnel', amount: '1000.00' }] })).toMatchObject([
      { field: 'budgetLines', reason: 'must add up to the contract value 1154000.00, but add up to 1000.00' },
    ]);
    expect(
      problemsOf({
        ...base,
        tranches: [
          { id: 'x', label: 'x', due: '2022-10-01', amount: '1154000.00', percent: 100, fundingSource: 'fiscal' },
        ],
      }),
    ).toMatchObject([{ field: 'tranches.0', reason: 'must give exactly one of amount or percent' }]);
    expect(problemsOf({ ...base, term: { start: '2023-09-01', end: '2022-08-31' } })).toContainEqual(
      expect.objectContaining({
        field: 'term.end',
        reason: 'must be after term.start',
      }),
    );
  });
});
