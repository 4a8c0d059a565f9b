// Request validation. Bodies are strict: no type coercion, unknown fields rejected (never silently
// dropped). Query strings and path params are coerced, as they only ever arrive as text.
import type { FastifySchemaCompiler } from 'fastify';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; normalise across loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, ...options });
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

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const pointer = (path: string, key: string | number) => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The arrays and records of `data` longer than their schema's maxItems / maxProperties, found
 * without looking into them: ajv with allErrors still validates every item of an array past its
 * maxItems (a 100,000-item array takes seconds), this takes microseconds. Follows properties,
 * record values and array items; stops at `limit` problems.
 */
export function oversizedCollections(schema: unknown, data: unknown, path = '', found: ErrorObject[] = [], limit = 21): ErrorObject[] {
  if (!isSchema(schema) || found.length >= limit) return found;
  if (Array.isArray(data)) {
    if (schema.maxItems !== undefined && data.length > schema.maxItems) {
      found.push({
        instancePath: path,
        schemaPath: '#/maxItems',
        keyword: 'maxItems',
        params: { limit: schema.maxItems },
        message: `must NOT have more than ${schema.maxItems} items (has ${data.length})`,
      });
      return found;
    }
    if (isSchema(schema.items)) data.forEach((item, i) => oversizedCollections(schema.items, item, pointer(path, i), found, limit));
    return found;
  }
  if (typeof data !== 'object' || data === null) return found;
  const keys = Object.keys(data);
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    found.push({
      instancePath: path,
      schemaPath: '#/maxProperties',
      keyword: 'maxProperties',
      params: { limit: schema.maxProperties },
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
