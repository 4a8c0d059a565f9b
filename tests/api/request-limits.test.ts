// Hostile requests cost the API no more than real ones (issue 13, items 2 and 3): roles are checked
// before a body is read, every array and string of every request is bounded and a too-long array
// is refused before its items are validated; every failure is in the one error shape, with a
// status the OpenAPI document lists for that route. All of it comes before any service answers,
// so the API here runs on fake services (tests/helpers/fake-app.ts).
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ContractService } from '../../api/services/contracts';
import { oversizedCollections } from '../../api/validation';
import { sCountyContract } from '../fixtures/s-county';
import { buildFakeApp, fake, injector, tokenOf } from '../helpers/fake-app';
import type { Http } from '../helpers/stack';

type Schema = Record<string, any>;

/** Where a request schema lets a client send an unbounded array, record, string or number. */
function unbounded(schema: Schema | undefined, where: string, out: string[] = [], numbersToo = false): string[] {
  if (!schema || typeof schema !== 'object') return out;
  const types = [schema.type].flat();
  if (types.includes('array')) {
    if (schema.maxItems === undefined) out.push(`${where}: array without maxItems`);
    unbounded(schema.items, `${where}[]`, out, numbersToo);
  }
  if (
    types.includes('string') &&
    schema.maxLength === undefined &&
    schema.enum === undefined &&
    schema.const === undefined
  ) {
    // A pattern bounds a string when it is anchored and repeats nothing without an upper bound.
    const pattern: string | undefined = schema.pattern;
    const bounded =
      pattern !== undefined &&
      pattern.startsWith('^') &&
      pattern.endsWith('$') &&
      !/(?<!\\)[*+]|\{\d+,\}/.test(pattern);
    if (!bounded) out.push(`${where}: string without maxLength`);
  }
  if (
    numbersToo &&
    (types.includes('integer') || types.includes('number')) &&
    (schema.minimum === undefined || schema.maximum === undefined)
  ) {
    out.push(`${where}: number without minimum and maximum`);
  }
  for (const [key, child] of Object.entries<Schema>(schema.properties ?? {}))
    unbounded(child, `${where}.${key}`, out, numbersToo);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    if (schema.maxProperties === undefined) out.push(`${where}: record without maxProperties`);
    unbounded(schema.additionalProperties, `${where}{}`, out, numbersToo);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    for (const [i, child] of (schema[key] ?? []).entries()) unbounded(child, `${where}|${i}`, out, numbersToo);
  return out;
}

const WRITES = new Set(['post', 'put', 'patch']);

describe('request limits and error answers', () => {
  let app: FastifyInstance;
  let http: Http;
  let doc: Schema;
  const admin = tokenOf('admin');
  const tokens = {
    agency: tokenOf('agency_officer'),
    liaison: tokenOf('village_liaison'),
    finance: tokenOf('finance_officer'),
  };
  const orgs = {
    purchaser: 'org_bureau',
    payer: 'org_finance',
    contractor: 'org_ngo',
    evaluator: 'org_evaluator',
    villages: ['org_village_a'],
  };
  const list = vi.fn<ContractService['list']>(async (_actor, filter) => ({
    items: [],
    total: 0,
    totalExact: true,
    limit: filter.limit,
    offset: filter.offset,
    nextCursor: null,
  }));

  beforeAll(async () => {
    // The business rules of a contract definition judge nothing here: the schema's answers are under test.
    app = await buildFakeApp({
      services: {
        contracts: fake<ContractService>('contracts', { list, validate: async () => ({ ok: false, problems: [] }) }),
      },
    });
    http = injector(app);
    doc = (await http('GET', '/openapi.json')).body;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the walk finds what it looks for', () => {
    expect(
      unbounded(
        {
          type: 'object',
          properties: { a: { type: 'array', items: { type: 'string' } }, b: { type: 'string', pattern: '^[a-z]+$' } },
        },
        'x',
      ),
    ).toEqual(['x.a: array without maxItems', 'x.a[]: string without maxLength', 'x.b: string without maxLength']);
    expect(unbounded({ type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9]{4}$' } }, 'r')).toEqual(
      ['r: record without maxProperties'],
    );
    expect(unbounded({ type: 'integer', minimum: 0 }, 'q', [], true)).toEqual([
      'q: number without minimum and maximum',
    ]);
  });

  it('bounds every array, record and string of every request, and every number of a query or path', () => {
    const problems: string[] = [];
    let operations = 0;
    for (const [route, methods] of Object.entries<Schema>(doc.paths)) {
      for (const [method, operation] of Object.entries<Schema>(methods)) {
        operations++;
        for (const parameter of operation.parameters ?? []) {
          unbounded(
            parameter.schema,
            `${method.toUpperCase()} ${route} ${parameter.in}.${parameter.name}`,
            problems,
            parameter.in !== 'header',
          );
        }
        unbounded(
          operation.requestBody?.content?.['application/json']?.schema,
          `${method.toUpperCase()} ${route} body`,
          problems,
        );
      }
    }
    expect(operations).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });

  it('documents on every route the statuses any route of its kind can answer', () => {
    const missing: string[] = [];
    for (const [route, methods] of Object.entries<Schema>(doc.paths)) {
      for (const [method, operation] of Object.entries<Schema>(methods)) {
        const expected = [400];
        if (route.startsWith('/v1/')) expected.push(401, 429, 503);
        if (route.includes('{')) expected.push(414);
        if (WRITES.has(method)) expected.push(413, 415);
        for (const status of expected)
          if (!operation.responses[status]) missing.push(`${method.toUpperCase()} ${route} ${status}`);
        for (const [status, response] of Object.entries<Schema>(operation.responses)) {
          if (Number(status) >= 400 && route !== '/readyz')
            expect(response.content['application/json'].schema.$ref, `${route} ${status}`).toBe(
              '#/components/schemas/ErrorResponse',
            );
        }
      }
    }
    expect(missing).toEqual([]);
    // Routes whose roles are fixed say so: 403 is documented where the role check can refuse.
    expect(doc.paths['/v1/contracts'].post.responses['403']).toBeDefined();
    expect(doc.paths['/v1/material-requests/{rid}/deliveries'].post.responses['403']).toBeDefined();
  });

  const flood = (n: number) => Array.from({ length: n }, () => ({}));

  it('refuses a caller without the role before reading the body: 403 naming the action, fast', async () => {
    const def = sCountyContract(orgs) as unknown as Record<string, unknown>;
    for (const [token, method, path, body, action] of [
      [tokens.liaison, 'POST', '/v1/contracts', { ...def, tranches: flood(100_000) }, 'start contracts'],
      [
        tokens.liaison,
        'POST',
        '/v1/contracts/S-2023-lot3/schedule',
        { tranches: flood(100_000), checkpoints: flood(100_000), reason: 'x' },
        'amend disbursement schedules',
      ],
      [
        tokens.finance,
        'POST',
        '/v1/contracts/S-2023-lot3/material-requests',
        { items: flood(100_000), villages: [], station: 'G', title: 't', due: '2023-01-01' },
        'ask villages for materials',
      ],
      [
        tokens.agency,
        'POST',
        '/v1/contracts/S-2023-lot3/payments',
        { reference: 'x'.repeat(500_000) },
        'record payments',
      ],
      [tokens.liaison, 'POST', '/v1/users', { name: 'x', roles: flood(100_000) }, 'create users'],
    ] as const) {
      // 403, not a 400 about the flood: the role was checked before the body was validated.
      const res = await http(method, path, { token, body });
      expect(res.status, path).toBe(403);
      expect(res.body).toEqual({ error: { code: 'forbidden', message: expect.stringContaining(action) } });
    }
  });

  it('answers a too-long array with one clear detail, before validating its items, fast', async () => {
    const def = sCountyContract(orgs) as unknown as Record<string, any>;
    const cases: Array<[unknown, string]> = [
      [{ ...def, tranches: flood(100_000) }, 'tranches'],
      [
        { ...def, stations: [{ ...def.stations[0], villages: Array.from({ length: 20_000 }, (_, i) => `org_${i}`) }] },
        'stations.0.villages',
      ],
      [{ ...def, calendar: { holidays: Array.from({ length: 50_000 }, () => '2023-01-02') } }, 'calendar.holidays'],
    ];
    for (const [body, field] of cases) {
      const res = await http('POST', '/v1/contracts', { token: tokens.agency, body });
      expect(res.status, field).toBe(400);
      expect(res.body.error.details.length).toBeLessThanOrEqual(21);
      expect(res.body.error.details[0]).toMatchObject({
        field,
        reason: expect.stringMatching(/^must have at most \d+ items \(has \d+\)$/),
        code: 'max_items',
      });
    }
  });

  it('answers every fuzzer finding, and more of each kind, in the error shape with a documented status', async () => {
    const long = 'a'.repeat(1100);
    const cases: Array<
      [string, string, number, { body?: unknown; rawBody?: string; headers?: Record<string, string> }?]
    > = [
      ['GET', '/v1/contracts/C-1/progress?from=0000-00-00', 400],
      ['GET', '/v1/contracts/C-1/progress?to=2023-02-30', 400],
      ['GET', '/v1/contracts/C-1/progress?from=99999-01-01', 400],
      ['GET', '/v1/inbox?before=99999999999999999999999', 400],
      ['GET', '/v1/inbox?before=1e400', 400],
      ['GET', '/v1/contracts/C-1/events?after=9223372036854775808', 400],
      ['GET', '/v1/contracts/C-1/events?order=desc&before=9223372036854775808', 400],
      ['GET', '/v1/contracts?offset=2.77e%2B22', 400],
      ['POST', '/v1/inbox/1e30/read', 400],
      ['GET', '/v1/contracts/C-A%00', 400],
      ['GET', `/v1/organizations/${long}`, 414],
      ['GET', `/v1/contracts/${long}/events`, 414],
      ['GET', '/v1/contracts/%E0%A4%A', 400],
      ['GET', '/healthz?x=%00', 400],
      ['POST', '/v1/organizations', 400, { rawBody: '{"name": "x",' }],
      ['POST', '/v1/organizations', 415, { rawBody: '<name>x</name>', headers: { 'content-type': 'application/xml' } }],
      ['POST', '/v1/organizations', 413, { body: { name: 'x'.repeat(2 * 1024 * 1024), kind: 'payer' } }],
    ];
    for (const [method, url, status, options] of cases) {
      const res = await http(method, url, { token: admin, ...options });
      expect(res.status, url.slice(0, 80)).toBe(status);
      expect(res.body, url.slice(0, 80)).toEqual({
        error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
      });
      const template = url
        .split('?')[0]!
        .replace(/^\/v1\/(contracts|organizations)\/[^/]+/, '/v1/$1/{id}')
        .replace(/^\/v1\/inbox\/[^/]+\/read$/, '/v1/inbox/{id}/read');
      const operation = doc.paths[template]?.[method.toLowerCase()];
      expect(operation?.responses[status], `${method} ${template} documents ${status}`).toBeDefined();
    }
    // The largest offset and limit reach the service as the numbers given (it echoes them).
    const page = await http('GET', '/v1/contracts?offset=1000000&limit=200', { token: tokens.agency });
    expect(page.status).toBe(200);
    expect(list).toHaveBeenLastCalledWith(
      expect.objectContaining({ userId: 'usr_agency_officer' }),
      expect.objectContaining({ offset: 1_000_000, limit: 200 }),
    );
    expect(page.body).toMatchObject({ offset: 1_000_000, limit: 200 });
  });
});

describe('the array-length guard', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const schemaOf = (outer: number, inner: number) => ({
    type: 'object',
    properties: {
      list: {
        type: 'array',
        maxItems: outer,
        items: { type: 'object', properties: { tags: { type: 'array', maxItems: inner, items: { type: 'string' } } } },
      },
      record: { type: 'object', maxProperties: inner, additionalProperties: { type: 'array', maxItems: inner } },
    },
  });

  it('reports exactly the too-long arrays and records ajv reports, outermost only', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.record({ tags: fc.array(fc.string(), { maxLength: 8 }) }), { maxLength: 8 }),
        fc.dictionary(fc.string({ maxLength: 3 }), fc.array(fc.integer(), { maxLength: 8 }), { maxKeys: 8 }),
        (outer, inner, list, record) => {
          const schema = schemaOf(outer, inner);
          const data = { list, record };
          const validate = ajv.compile(schema);
          validate(data);
          const ajvPaths = (validate.errors ?? [])
            .filter((e) => e.keyword === 'maxItems' || e.keyword === 'maxProperties')
            .map((e) => e.instancePath);
          // The guard does not look inside what is already too long.
          const outermost = ajvPaths.filter((p) => !ajvPaths.some((q) => q !== p && p.startsWith(`${q}/`)));
          const guard = oversizedCollections(schema, data).map((e) => e.instancePath);
          expect(guard.sort()).toEqual([...new Set(outermost)].sort());
        },
      ),
    );
  });

  it('answers a hundred thousand items with one problem, without looking at any item', () => {
    // Speed is the bench's business (machines are shared); what makes it fast is that no item of a
    // too-long array is read: every item here counts the reads of its fields.
    let reads = 0;
    const item = {
      get tags() {
        reads += 1;
        return [];
      },
    };
    const found = oversizedCollections(schemaOf(100, 10), { list: Array.from({ length: 100_000 }, () => item) });
    expect(reads).toBe(0);
    expect(found).toEqual([
      expect.objectContaining({ instancePath: '/list', keyword: 'maxItems', params: { limit: 100, count: 100_000 } }),
    ]);
  });
});
