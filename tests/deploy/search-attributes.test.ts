// Registration of grantflow's search attributes (server/search-attributes.ts) against an operator
// service that behaves as Temporal's does: creates what is missing, only that, and refuses a clash.
import type { OperatorService } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  devServerSearchAttributeArgs,
  ensureSearchAttributes,
  requireSearchAttributes,
  searchAttributeCliCommands,
} from '../../server/search-attributes';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const Indexed = temporal.api.enums.v1.IndexedValueType;

/** An operator service over one namespace's custom attributes, recording each creation. */
function fakeOperator(initial: Record<string, temporal.api.enums.v1.IndexedValueType> = {}) {
  const attributes = { ...initial };
  const created: string[][] = [];
  const operator = {
    async listSearchAttributes() {
      return { customAttributes: { ...attributes } };
    },
    async addSearchAttributes({
      searchAttributes,
    }: {
      searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType>;
    }) {
      for (const name of Object.keys(searchAttributes))
        if (attributes[name] !== undefined) throw new Error(`${name} already exists`);
      Object.assign(attributes, searchAttributes);
      created.push(Object.keys(searchAttributes));
      return {};
    },
  } as unknown as OperatorService;
  return { operator, attributes, created };
}

describe('search attribute registration', () => {
  it('starts the dev server with every attribute, typed as the CLI spells it', () => {
    const args = devServerSearchAttributeArgs();
    expect(args.filter((a) => a === '--search-attribute')).toHaveLength(SEARCH_ATTRIBUTES.length);
    const pairs = args.filter((a) => a !== '--search-attribute');
    expect(pairs).toContain('GrantflowPayer=Keyword');
    expect(pairs).toContain('GrantflowOverdue=Bool');
    expect(pairs).toContain('GrantflowArrearsFen=Int');
    expect(pairs).toContain('GrantflowNextDeadline=Datetime');
    for (const pair of pairs) expect(pair).toMatch(/^Grantflow[A-Za-z]+=(Keyword|Bool|Int|Datetime)$/);
    expect(searchAttributeCliCommands('default')[0]).toMatch(
      /^temporal operator search-attribute create --namespace default --name Grantflow\w+ --type \w+$/,
    );
  });

  it('creates only what is missing, once, and is idempotent', async () => {
    const { operator, attributes, created } = fakeOperator({ GrantflowPayer: Indexed.INDEXED_VALUE_TYPE_KEYWORD });
    await expect(requireSearchAttributes(operator, 'default')).rejects.toThrow(
      /missing GrantflowContractId.*npm run temporal:setup/,
    );
    const names = await ensureSearchAttributes(operator, 'default');
    expect(names).not.toContain('GrantflowPayer');
    expect(names).toHaveLength(SEARCH_ATTRIBUTES.length - 1);
    expect(Object.keys(attributes).sort()).toEqual(SEARCH_ATTRIBUTES.map((a) => a.name).sort());
    expect(await ensureSearchAttributes(operator, 'default')).toEqual([]);
    expect(created).toHaveLength(1);
    await expect(requireSearchAttributes(operator, 'default')).resolves.toBeUndefined();
  });

  it('refuses a namespace where one exists with another type', async () => {
    const { operator, created } = fakeOperator({ GrantflowArrearsFen: Indexed.INDEXED_VALUE_TYPE_DOUBLE });
    await expect(ensureSearchAttributes(operator, 'default')).rejects.toThrow(
      /GrantflowArrearsFen exists with type INDEXED_VALUE_TYPE_DOUBLE, grantflow needs INT/,
    );
    expect(created).toEqual([]);
    await expect(requireSearchAttributes(operator, 'default')).rejects.toThrow(/GrantflowArrearsFen/);
  });
});
