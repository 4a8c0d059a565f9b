// Registering grantflow's custom search attributes (workflows/search-attributes.ts) on a Temporal
// server: the dev server gets them as start-up flags, a cluster through the operator service (what
// `temporal operator search-attribute create` does), the time-skipping test server the same way.
// A workflow that upserts an attribute its namespace lacks fails its workflow task over and over,
// so the worker refuses to start without them (requireSearchAttributes).
import type { OperatorService } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
/** gRPC status of a method a server does not implement. */
const GRPC_UNIMPLEMENTED = 12;

const INDEXED: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** The type names the Temporal CLI takes (`--search-attribute Name=Keyword`, `--type Keyword`). */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `temporal server start-dev` flags that create every attribute at start. */
export function devServerSearchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTES.flatMap(({ name, type }) => ['--search-attribute', `${name}=${CLI_TYPE[type]}`]);
}

/** The equivalent CLI commands, for the README and the setup script's output. */
export function searchAttributeCliCommands(namespace: string): string[] {
  return SEARCH_ATTRIBUTES.map(
    ({ name, type }) =>
      `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${CLI_TYPE[type]}`,
  );
}

/**
 * Compares the namespace's custom attributes with grantflow's: which are missing, and which exist
 * with another type (a cluster where someone created one by hand; it cannot be changed in place).
 */
export async function searchAttributeGaps(
  operator: OperatorService,
  namespace: string,
): Promise<{ missing: (typeof SEARCH_ATTRIBUTES)[number][]; mistyped: string[] }> {
  const { customAttributes } = await operator.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const missing = SEARCH_ATTRIBUTES.filter(({ name }) => existing[name] === undefined);
  const mistyped = SEARCH_ATTRIBUTES.filter(
    ({ name, type }) => existing[name] !== undefined && existing[name] !== INDEXED[type],
  ).map(({ name, type }) => `${name} exists with type ${IndexedValueType[existing[name]!]}, grantflow needs ${type}`);
  return { missing, mistyped };
}

/** Creates the attributes the namespace lacks; idempotent. Returns the names created. Throws on a type clash. */
export async function ensureSearchAttributes(operator: OperatorService, namespace: string): Promise<string[]> {
  let gaps: Awaited<ReturnType<typeof searchAttributeGaps>>;
  try {
    gaps = await searchAttributeGaps(operator, namespace);
  } catch (error) {
    // The time-skipping test server creates attributes but cannot list them: create them all.
    if ((error as { code?: unknown }).code !== GRPC_UNIMPLEMENTED) throw error;
    await operator.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map(({ name, type }) => [name, INDEXED[type]])),
    });
    return SEARCH_ATTRIBUTES.map(({ name }) => name);
  }
  const { missing, mistyped } = gaps;
  if (mistyped.length > 0)
    throw new Error(`Search attributes with the wrong type in namespace ${namespace}: ${mistyped.join('; ')}`);
  if (missing.length === 0) return [];
  await operator.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map(({ name, type }) => [name, INDEXED[type]])),
  });
  // Creation is asynchronous on some visibility stores: wait until they are listed.
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await searchAttributeGaps(operator, namespace)).missing.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return missing.map(({ name }) => name);
}

/** Throws, naming what is missing and how to fix it, unless every attribute is registered. */
export async function requireSearchAttributes(operator: OperatorService, namespace: string): Promise<void> {
  const { missing, mistyped } = await searchAttributeGaps(operator, namespace);
  if (missing.length === 0 && mistyped.length === 0) return;
  const problems = [...(missing.length > 0 ? [`missing ${missing.map((a) => a.name).join(', ')}`] : []), ...mistyped];
  throw new Error(
    `Temporal namespace ${namespace} lacks grantflow's search attributes (${problems.join('; ')}): ` +
      'run `npm run temporal:setup` against this cluster first (README, "Operating on a Temporal cluster")',
  );
}
