// The one error shape — { error: { code, message, details? } }, in the reader's language — for
// everything the API refuses before a service answers (schemas, unknown fields and query
// parameters, hostile text, size limits, unknown routes) and for what a service throws (its
// ApiError, an outage, a bug). On fake services (tests/helpers/fake-app.ts), through app.inject().
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { notFound } from '../../api/errors';
import type { ContractService } from '../../api/services/contracts';
import type { IdentityService } from '../../api/services/identity';
import { MAX_UPLOAD_REQUEST_BYTES } from '../../domain/attachments';
import { byteSize, render, say } from '../../domain/messages';
import { applicationProblems } from '../../domain/payment-applications';
import { sCountyContract } from '../fixtures/s-county';
import { as, buildFakeApp, fake, fakeActor } from '../helpers/fake-app';
import { operations, ROUTE_ROLES } from './routes';

const ZH = { 'accept-language': 'zh-CN,zh;q=0.9' };
const ORGS = { purchaser: 'org_p', payer: 'org_f', contractor: 'org_c', evaluator: 'org_e', villages: ['org_va'] };

describe('the error shape', () => {
  let app: FastifyInstance;
  // The services a test below reaches on purpose; every other service call answers 500.
  const createOrganization = vi.fn<IdentityService['createOrganization']>();
  const recordPayment = vi.fn<ContractService['recordPayment']>();
  const detail = vi.fn<ContractService['detail']>();
  const timeline = vi.fn<ContractService['timeline']>();

  beforeAll(async () => {
    app = await buildFakeApp({
      services: {
        identity: fake<IdentityService>('identity', {
          actorForToken: async (token) => fakeActor(token),
          createOrganization,
        }),
        contracts: fake<ContractService>('contracts', { recordPayment, detail, timeline }),
      },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = as('admin')) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });

  it('answers 404 for an unknown route, signed in or not, in each language', async () => {
    for (const headers of [{}, as('auditor'), { authorization: 'Bearer gf_wrong' }]) {
      const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1', headers });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-language']).toBe('en');
      expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /v1/nothing-here' } });
    }
    const zh = await app.inject({ method: 'DELETE', url: '/v1/contracts', headers: ZH });
    expect(zh.statusCode).toBe(404);
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(zh.json()).toEqual({
      error: { code: 'not_found', message: expect.stringContaining('DELETE /v1/contracts') },
    });
    expect(zh.json().error.message).not.toMatch(/No route/);
  });

  it('names every field a body gets wrong: unknown fields, enums, types, required ones', async () => {
    const res = await post('/v1/organizations', { name: 12, kind: 'bank', colour: 'red' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-language']).toBe('en');
    const { error } = res.json();
    expect(error.code).toBe('invalid_request');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: 'colour', reason: 'is not a known field', code: 'unknown_field' },
        { field: 'kind', reason: expect.stringMatching(/^must be one of "purchaser", /), code: 'one_of' },
        { field: 'name', reason: expect.any(String), code: expect.any(String) },
      ]),
    );
    expect(error.details).toHaveLength(3);
    // The message is the first problem, field first.
    expect(error.message).toBe(`${error.details[0].field} ${error.details[0].reason}`);
    const missing = await post('/v1/organizations', { kind: 'payer' });
    expect(missing.json().error.details).toEqual([{ field: 'name', reason: 'is required', code: 'required' }]);
    expect(createOrganization).not.toHaveBeenCalled();
  });

  it('says the same in Chinese, field names and codes unchanged', async () => {
    const res = await post('/v1/organizations', { name: 'X', kind: 'bank', colour: 'red' }, { ...as('admin'), ...ZH });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-language']).toBe('zh-CN');
    expect(res.json()).toEqual({
      error: {
        code: 'invalid_request',
        message: 'colour：不是可识别的字段',
        details: [
          { field: 'colour', reason: '不是可识别的字段', code: 'unknown_field' },
          { field: 'kind', reason: expect.stringMatching(/^必须是 "purchaser"、/), code: 'one_of' },
        ],
      },
    });
  });

  it('refuses unknown and out-of-range query parameters on every route that takes some, naming them', async () => {
    const doc = app.swagger() as { paths: Record<string, Record<string, { parameters?: Array<{ in: string }> }>> };
    let routes = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      const takesQuery = methods.get?.parameters?.some((p) => p.in === 'query');
      if (!path.startsWith('/v1/') || !takesQuery) continue;
      routes++;
      const url = `${path.replace(/\{[^}]+\}/g, '1')}?colour=red`;
      const res = await app.inject({ method: 'GET', url, headers: as('admin') });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details, url).toContainEqual({
        field: 'querystring.colour',
        reason: 'is not a known field',
        code: 'unknown_field',
      });
    }
    expect(routes).toBeGreaterThan(10);
    const limit = await app.inject({ method: 'GET', url: '/v1/contracts?limit=0', headers: as('finance_officer') });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().error.details).toEqual([
      { field: 'querystring.limit', reason: 'must be at least 1', code: 'minimum' },
    ]);
  });

  it('answers a malformed body, a body too large, one not JSON and a path too long in the shape, with their codes', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: { ...as('admin'), 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({ error: { code: 'malformed_body', message: expect.any(String) } });
    const malformedZh = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: { ...as('admin'), ...ZH, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(malformedZh.json().error.message).toBe(render(say('malformed_body'), 'zh-CN'));

    const huge = await post('/v1/organizations', { name: 'x'.repeat(2 * 1024 * 1024), kind: 'payer' });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });

    const xml = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: { ...as('admin'), 'content-type': 'application/xml' },
      payload: '<name>x</name>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('unsupported_media_type');

    const long = await app.inject({
      method: 'GET',
      url: `/v1/contracts/${'a'.repeat(1100)}/events`,
      headers: as('admin'),
    });
    expect(long.statusCode).toBe(414);
    expect(long.json().error.code).toBe('uri_too_long');

    const encoding = await app.inject({ method: 'GET', url: '/v1/contracts/%E0%A4%A', headers: as('admin') });
    expect(encoding.statusCode).toBe(400);
    expect(encoding.json()).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
    expect(createOrganization).not.toHaveBeenCalled();
  });

  it('names the limit a body went past, for every route that takes a body: its own, else the server’s', async () => {
    const doc = app.swagger() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const checked: string[] = [];
    for (const operation of operations(app)) {
      if (operation.method === 'GET') continue;
      // Routes that carry files (base64 inside the JSON) take MAX_UPLOAD_REQUEST_BYTES, the rest the server's 1 MB.
      const body = doc.paths[operation.name.split(' ')[1]!]![operation.method.toLowerCase()]!.requestBody;
      const limit = JSON.stringify(body ?? {}).includes('base64-encoded') ? MAX_UPLOAD_REQUEST_BYTES : 1024 * 1024;
      const role = ROUTE_ROLES[operation.name]?.[0] ?? 'admin';
      for (const [headers, lang] of [
        [as(role), 'en'],
        [{ ...as(role), ...ZH }, 'zh-CN'],
      ] as const) {
        const res = await app.inject({
          method: operation.method,
          url: operation.url,
          headers: { ...headers, 'content-type': 'application/json' },
          payload: Buffer.alloc(limit + 1, 0x20),
        });
        expect(res.statusCode, operation.name).toBe(413);
        expect(res.json(), operation.name).toEqual({
          error: { code: 'payload_too_large', message: render(say('body_too_large', { limit }), lang) },
        });
      }
      checked.push(`${operation.name} ${byteSize(limit)}`);
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'POST /v1/contracts/{id}/payment-applications 64 MB',
        'POST /v1/contracts/{id}/milestones/{mid}/submissions 64 MB',
        'POST /v1/contracts/{id}/progress 64 MB',
        'POST /v1/organizations 1 MB',
      ]),
    );
    expect(render(say('body_too_large', { limit: MAX_UPLOAD_REQUEST_BYTES }), 'en')).toBe(
      'The request is too large: this route takes at most 67108864 bytes (64 MB)',
    );
  });

  it('tells an empty payment application every field it misses at once, by the filing’s rules, in each language', async () => {
    const empty = { tranche: 't1', amount: '', invoice: { number: '', date: '' } };
    const url = '/v1/contracts/C-1/payment-applications';
    const res = await post(url, empty, as('contractor_staff'));
    expect(res.statusCode).toBe(400);
    const fields = (details: Array<{ field: string }>) => details.map((d) => d.field).sort();
    expect(fields(res.json().error.details)).toEqual(['amount', 'invoice.date', 'invoice.number']);
    expect(res.json().error.details).toEqual(
      expect.arrayContaining([{ field: 'amount', reason: 'is required', code: 'required' }]),
    );
    // Each problem as the page says it before sending (domain/payment-applications).
    expect(
      applicationProblems(empty)
        .map((p) => p.field)
        .sort(),
    ).toEqual(fields(res.json().error.details));
    const zh = await post(
      url,
      { ...empty, invoice: { number: '', date: '2023-02-30' } },
      { ...as('contractor_staff'), ...ZH },
    );
    expect(zh.json().error.details).toEqual(
      expect.arrayContaining([
        { field: 'amount', reason: render(say('required'), 'zh-CN'), code: 'required' },
        { field: 'invoice.date', reason: render(say('day_required'), 'zh-CN'), code: 'day_required' },
      ]),
    );
    // A body too far from its schema to judge: the schema's problems alone, no 500.
    const odd = await post(url, { tranche: 't1', amount: 12, invoice: 'INV-1' }, as('contractor_staff'));
    expect(odd.statusCode).toBe(400);
    expect(fields(odd.json().error.details)).toEqual(['amount', 'invoice']);
  });

  it('answers a service’s refusal in the reader’s language, an outage as 503 with Retry-After, and a bug as 500 without its insides', async () => {
    const notShared = say('not_found_or_not_shared', { what: 'contract', id: 'C-1' });
    detail.mockRejectedValueOnce(notFound(notShared));
    const missing = await app.inject({ method: 'GET', url: '/v1/contracts/C-1', headers: { ...as('auditor'), ...ZH } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: render(notShared, 'zh-CN') } });
    expect(render(notShared, 'zh-CN')).not.toBe(render(notShared, 'en'));

    detail.mockRejectedValueOnce(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );
    const down = await app.inject({ method: 'GET', url: '/v1/contracts/C-1', headers: as('auditor') });
    expect(down.statusCode).toBe(503);
    expect(down.json().error.code).toBe('unavailable');
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);

    for (const headers of [as('auditor'), { ...as('auditor'), ...ZH }]) {
      detail.mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'secret')"));
      const bug = await app.inject({ method: 'GET', url: '/v1/contracts/C-1', headers });
      expect(bug.statusCode).toBe(500);
      expect(bug.json()).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
      expect(bug.body).not.toMatch(/secret|TypeError|at /);
    }
  });

  it('echoes a request id, or makes one', async () => {
    const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers['x-request-id']).toBe('trace-123');
    const made = await app.inject({ method: 'GET', url: '/healthz' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Not an id a log could be fooled by: replaced.
    const crafted = await app.inject({ method: 'GET', url: '/v1/nothing', headers: { 'x-request-id': 'a b\nforged' } });
    expect(crafted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

// Text no person writes — NUL and other control characters, unpaired surrogates — is refused at the
// boundary with a 400 naming the field, in bodies, query strings and paths alike, before any service
// hears of it (so nothing is stored or sent to a workflow); an error answer stays small however wrong
// the request is. The rule itself: tests/domain/text.test.ts.
describe('hostile text', () => {
  let app: FastifyInstance;
  const createOrganization = vi.fn<IdentityService['createOrganization']>();
  const createUser = vi.fn<IdentityService['createUser']>();
  const recordPayment = vi.fn<ContractService['recordPayment']>();
  const timeline = vi.fn<ContractService['timeline']>();
  const detail = vi.fn<ContractService['detail']>();

  beforeAll(async () => {
    app = await buildFakeApp({
      services: {
        identity: fake<IdentityService>('identity', {
          actorForToken: async (token) => fakeActor(token),
          createOrganization,
          createUser,
        }),
        contracts: fake<ContractService>('contracts', {
          recordPayment,
          timeline,
          detail,
          validate: async () => ({ ok: false, problems: [] }),
        }),
      },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a NUL, a control character or a lone surrogate in any text with 400 naming the field, and no service hears of it', async () => {
    const org = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: as('admin'),
      payload: { name: 'Bureau\u0000', kind: 'payer' },
    });
    expect(org.statusCode).toBe(400);
    expect(org.json().error.details).toMatchObject([{ field: 'name', reason: expect.stringMatching(/U\+0000/) }]);
    const user = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: as('admin'),
      payload: { name: 'Li\u0008', organizationId: 'org_f', roles: ['finance_officer'] },
    });
    expect(user.statusCode).toBe(400);
    expect(user.json().error.details[0].field).toBe('name');

    const paid = { reference: 'CZ-1', amount: '4.00', receivedOn: '2023-01-10', fundingSource: 'fiscal' };
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/contracts/C-1/payments',
      headers: as('finance_officer'),
      payload: { ...paid, note: 'see\u0000attached' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('note');
    const lone = await app.inject({
      method: 'POST',
      url: '/v1/contracts/C-1/payments',
      headers: { ...as('finance_officer'), 'content-type': 'application/json' },
      payload: JSON.stringify({ ...paid, note: 'x' }).replace('"x"', '"\\ud800"'),
    });
    expect(lone.statusCode).toBe(400);
    expect(lone.json().error.details[0].field).toBe('note');

    const query = await app.inject({
      method: 'GET',
      url: '/v1/contracts/C-1/events?order=desc%00',
      headers: as('finance_officer'),
    });
    expect(query.statusCode).toBe(400);
    const path = await app.inject({ method: 'GET', url: '/v1/contracts/C-A%00', headers: as('finance_officer') });
    expect(path.statusCode).toBe(400);
    expect(path.json().error.code).toBe('invalid_request');
    const health = await app.inject({ method: 'GET', url: '/healthz?x=%00' });
    expect(health.statusCode).toBe(400);

    for (const service of [createOrganization, createUser, recordPayment, timeline, detail])
      expect(service).not.toHaveBeenCalled();
    // The same payment with clean text reaches the service: what refused it was the text.
    recordPayment.mockResolvedValueOnce({
      created: true,
      entry: {
        reference: 'CZ-1',
        kind: 'payment',
        amount: '4.00',
        receivedOn: '2023-01-10',
        fundingSource: 'fiscal',
        budgetLine: null,
        note: 'see attached\nline two',
        reverses: null,
        reason: null,
        recordedBy: 'usr_finance_officer',
        recordedAt: '2024-01-01T00:00:00.000Z',
      },
    });
    const good = await app.inject({
      method: 'POST',
      url: '/v1/contracts/C-1/payments',
      headers: as('finance_officer'),
      payload: { ...paid, note: 'see attached\nline two' },
    });
    expect(good.statusCode).toBe(201);
    expect(recordPayment).toHaveBeenCalledTimes(1);
  });

  it('answers a request with a hundred thousand wrong items in a small error body', async () => {
    const def = sCountyContract(ORGS, { id: 'flood' }) as unknown as Record<string, unknown>;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/contracts',
      headers: as('agency_officer'),
      payload: { ...def, tranches: Array.from({ length: 100_000 }, () => ({})) },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.length).toBeLessThanOrEqual(21);
    expect(res.body.length).toBeLessThan(10_000);
  });
});
