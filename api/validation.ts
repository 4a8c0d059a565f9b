// Request validation. Bodies are strict: no type coercion, unknown fields rejected (never silently
// dropped). Query strings and path params are coerced, as they only ever arrive as text.
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { say, type PatternCode, type Said } from '../domain/messages';
import { isFieldWithin, type Problem } from '../domain/problems';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's business rules on its body, run also when the body fails its schema so that one
     * answer lists every problem of a form (api/errors.ts). Given the body as sent (any shape): it
     * must judge only what it can; if it throws, its problems are left out.
     */
    alsoCheck?: (body: unknown, request: FastifyRequest) => Promise<Problem[]> | Problem[];
  }
}

// ajv-formats is CommonJS with a default export; normalise across loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

function makeAjv(options: Options): Ajv {
  // verbose: errors carry their schema, so an anyOf of constants is answered as the list of values.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    ...options,
  });
  addFormats(ajv);
  return ajv;
}

const strict = makeAjv({ coerceTypes: false });
const coercing = makeAjv({ coerceTypes: 'array' });

type JsonSchema = {
  type?: unknown;
  items?: unknown;
  maxItems?: number;
  maxProperties?: number;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: unknown;
};

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The arrays and records of `data` longer than their schema's maxItems / maxProperties, found
 * without looking into them: ajv with allErrors still validates every item of an array past its
 * maxItems (a 100,000-item array takes seconds), this takes microseconds. Follows properties,
 * record values and array items; stops at `limit` problems.
 */
export function oversizedCollections(
  schema: unknown,
  data: unknown,
  path = '',
  found: ErrorObject[] = [],
  limit = 21,
): ErrorObject[] {
  if (!isSchema(schema) || found.length >= limit) return found;
  if (Array.isArray(data)) {
    if (schema.maxItems !== undefined && data.length > schema.maxItems) {
      found.push({
        instancePath: path,
        schemaPath: '#/maxItems',
        keyword: 'maxItems',
        params: { limit: schema.maxItems, count: data.length },
        message: `must NOT have more than ${schema.maxItems} items (has ${data.length})`,
      });
      return found;
    }
    if (isSchema(schema.items))
      data.forEach((item, i) => oversizedCollections(schema.items, item, pointer(path, i), found, limit));
    return found;
  }
  if (typeof data !== 'object' || data === null) return found;
  const keys = Object.keys(data);
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    found.push({
      instancePath: path,
      schemaPath: '#/maxProperties',
      keyword: 'maxProperties',
      params: { limit: schema.maxProperties, count: keys.length },
      message: `must NOT have more than ${schema.maxProperties} properties (has ${keys.length})`,
    });
    return found;
  }
  const values = data as Record<string, unknown>;
  for (const key of keys) {
    const declared = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    const child = declared ?? (isSchema(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (child) oversizedCollections(child, values[key], pointer(path, key), found, limit);
  }
  return found;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strict : coercing;
  const validate = ajv.compile(schema as object);
  // Too-long arrays are answered on their own, before ajv walks their items.
  const guarded = (data: unknown): boolean => {
    const oversized = oversizedCollections(schema, data);
    guarded.errors = oversized.length > 0 ? oversized : undefined;
    if (guarded.errors) return false;
    const valid = validate(data) as boolean;
    guarded.errors = validate.errors ?? undefined;
    return valid;
  };
  guarded.errors = undefined as ErrorObject[] | undefined;
  return guarded;
};

/**
 * Every `pattern` of the API's schemas, said in words: no regular expression is ever shown to a
 * person. A test walks the OpenAPI document so that a new pattern without its words fails.
 */
export const PATTERN_WORDS: Readonly<Record<string, PatternCode>> = {
  '^[A-Za-z0-9][A-Za-z0-9_.:-]*$': 'pattern_id',
  '^[A-Za-z0-9][A-Za-z0-9_.:-]*(,[A-Za-z0-9][A-Za-z0-9_.:-]*)*$': 'pattern_id_list',
  '^\\+?[0-9][0-9 -]{4,19}$': 'pattern_phone',
  '^\\d{4}-\\d{2}-\\d{2}$': 'pattern_day',
  '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$': 'pattern_day_in_range',
  '^https?://': 'pattern_http_url',
  '^[0-9a-fA-F]{64}$': 'pattern_sha256',
  '^[A-Za-z0-9_-]+$': 'pattern_cursor',
};

interface SchemaError {
  instancePath: string;
  schemaPath?: string;
  keyword: string;
  params: Record<string, unknown>;
  schema?: unknown;
}

const num = (value: unknown) => Number(value);

/** The values an anyOf/oneOf of constants (TypeBox unions of literals, nullable enums) accepts, or undefined. */
function constantChoices(branches: unknown): Array<string | number> | undefined {
  if (!Array.isArray(branches)) return undefined;
  const values: Array<string | number> = [];
  for (const branch of branches) {
    if (!isSchema(branch)) return undefined;
    const b = branch as { const?: unknown; enum?: unknown; type?: unknown };
    if (b.const !== undefined) values.push(String(b.const));
    else if (Array.isArray(b.enum)) values.push(...b.enum.map(String));
    else if (b.type === 'null') values.push('null');
    else return undefined;
  }
  return values;
}

/** One schema error in words (a catalog message), never ajv's own text nor a pattern. */
function reasonOf(e: SchemaError): { pointer: string; said: Said } {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return { pointer: `${e.instancePath}/${String(p.missingProperty)}`, said: say('required') };
    case 'additionalProperties':
      return { pointer: `${e.instancePath}/${String(p.additionalProperty)}`, said: say('unknown_field') };
    case 'enum':
      return { pointer: e.instancePath, said: say('one_of', { values: (p.allowedValues as unknown[]).map(String) }) };
    case 'const':
      return { pointer: e.instancePath, said: say('equal_to', { value: String(p.allowedValue) }) };
    case 'anyOf':
    case 'oneOf': {
      const values = constantChoices(e.schema);
      return { pointer: e.instancePath, said: values ? say('one_of', { values }) : say('no_matching_form') };
    }
    case 'pattern': {
      const words = PATTERN_WORDS[String(p.pattern)];
      return { pointer: e.instancePath, said: words ? say('must_be', { what: words }) : say('pattern_other') };
    }
    case 'minLength':
      return {
        pointer: e.instancePath,
        said: num(p.limit) <= 1 ? say('required') : say('min_length', { limit: num(p.limit) }),
      };
    case 'maxLength':
      return { pointer: e.instancePath, said: say('max_length', { limit: num(p.limit) }) };
    case 'minimum':
      return { pointer: e.instancePath, said: say('minimum', { limit: num(p.limit) }) };
    case 'maximum':
      return { pointer: e.instancePath, said: say('maximum', { limit: num(p.limit) }) };
    case 'exclusiveMinimum':
      return { pointer: e.instancePath, said: say('above', { limit: num(p.limit) }) };
    case 'exclusiveMaximum':
      return { pointer: e.instancePath, said: say('below', { limit: num(p.limit) }) };
    case 'multipleOf':
      return { pointer: e.instancePath, said: say('multiple_of', { limit: num(p.multipleOf) }) };
    case 'type':
      return {
        pointer: e.instancePath,
        said: say('wrong_type', { type: Array.isArray(p.type) ? p.type.join(',') : String(p.type) }),
      };
    case 'format':
      return { pointer: e.instancePath, said: say('format', { format: String(p.format) }) };
    case 'minItems':
      return { pointer: e.instancePath, said: say('min_items', { limit: num(p.limit) }) };
    case 'maxItems':
      return {
        pointer: e.instancePath,
        said: say(
          'max_items',
          p.count === undefined ? { limit: num(p.limit) } : { limit: num(p.limit), count: num(p.count) },
        ),
      };
    case 'maxProperties':
      return {
        pointer: e.instancePath,
        said: say(
          'max_properties',
          p.count === undefined ? { limit: num(p.limit) } : { limit: num(p.limit), count: num(p.count) },
        ),
      };
    case 'uniqueItems':
      return { pointer: e.instancePath, said: say('unique_items') };
    default:
      return { pointer: e.instancePath, said: say('invalid_value') };
  }
}

/**
 * Schema errors as what a person needs to read: one reason per problem (the branches of an anyOf
 * folded into it; an empty required text only "is required"), in catalog messages.
 */
export function schemaReasons(errors: readonly SchemaError[]): Array<{ pointer: string; said: Said }> {
  const alternatives = errors
    .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && e.schemaPath)
    .map((e) => `${e.schemaPath}/`);
  const kept = errors.filter((e) => !alternatives.some((prefix) => e.schemaPath?.startsWith(prefix)));
  const reasons = kept.map(reasonOf);
  const empty = new Set(
    kept.filter((e) => e.keyword === 'minLength' && num(e.params.limit) <= 1).map((e) => e.instancePath),
  );
  const seen = new Set<string>();
  return reasons.filter((r, i) => {
    if (empty.has(r.pointer) && kept[i]!.keyword !== 'minLength') return false;
    const key = `${r.pointer} ${JSON.stringify(r.said)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The route's business rules (config.alsoCheck) on a body that failed its schema, less the fields the schema already faulted. */
export async function alsoChecked(
  request: FastifyRequest,
  schemaDetails: ReadonlyArray<{ field?: string }>,
): Promise<Problem[]> {
  const check = request.routeOptions.config.alsoCheck;
  if (!check) return [];
  let problems: Problem[];
  try {
    problems = await check(request.body, request);
  } catch {
    return []; // a body too far from its schema for the rules to judge
  }
  const faulted = schemaDetails.map((d) => d.field ?? '');
  const overlaps = (field: string) => faulted.some((f) => isFieldWithin(f, field) || isFieldWithin(field, f));
  return problems.filter((p) => !overlaps(p.field));
}
