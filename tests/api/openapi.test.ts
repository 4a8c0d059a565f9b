// The OpenAPI document and its examples (issue 16 item 10): the document and the docs UI are served
// without a token; every route that takes a JSON body shows an example of it (api/examples.ts), and
// each example is valid against the schema beside it in the document — the request a reader copies
// from /docs is one the API accepts. The app runs on fake services (tests/helpers/fake-app.ts).
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_EXAMPLES } from '../../api/examples';
import { buildFakeApp } from '../helpers/fake-app';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

interface Operation {
  requestBody?: {
    content?: Record<string, { schema?: object; example?: unknown; examples?: Record<string, { value: unknown }> }>;
  };
}

describe('the OpenAPI document’s examples', () => {
  let app: FastifyInstance;
  let doc: { paths: Record<string, Record<string, Operation>>; components?: object };

  beforeAll(async () => {
    app = await buildFakeApp();
    doc = app.swagger() as unknown as typeof doc;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is served as OpenAPI 3 without a token, with the docs UI', async () => {
    const served = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(served.statusCode).toBe(200);
    expect(served.json()).toEqual(doc);
    expect(served.json().openapi).toMatch(/^3\./);
    // The release the README declares (version 1.0: running workflows change only behind patched()).
    expect(served.json().info.version).toMatch(/^1\.\d+\.\d+$/);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/organizations', '/v1/users', '/v1/me', '/v1/contracts']),
    );
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  /** Every JSON request body of the document: where, its schema and its examples. */
  function bodies() {
    const found: Array<{ where: string; schema: object; examples: unknown[] }> = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const json = operation.requestBody?.content?.['application/json'];
        if (!json?.schema) continue;
        const examples = [
          ...(json.example !== undefined ? [json.example] : []),
          ...Object.values(json.examples ?? {}).map((e) => e.value),
        ];
        found.push({ where: `${method.toUpperCase()} ${path}`, schema: json.schema, examples });
      }
    }
    return found;
  }

  it('shows an example for every request body', () => {
    const all = bodies();
    expect(all.length).toBeGreaterThanOrEqual(Object.keys(REQUEST_EXAMPLES).length);
    expect(all.filter((b) => b.examples.length === 0).map((b) => b.where)).toEqual([]);
  });

  it('each example is valid against its own schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const { where, schema, examples } of bodies()) {
      // The schema's references point into the document's components: validate inside the document.
      const validate = ajv.compile({ ...schema, components: doc.components });
      for (const example of examples) {
        const valid = validate(example);
        expect(valid ? [] : validate.errors, where).toEqual([]);
      }
    }
  });

  it('an example that breaks its schema is caught (the check can fail)', () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const contract = bodies().find((b) => b.where === 'POST /v1/contracts')!;
    const validate = ajv.compile({ ...contract.schema, components: doc.components });
    expect(validate({ ...(contract.examples[0] as object), value: 1154000 })).toBe(false);
  });
});
