// Text no person writes — NUL and other control characters, unpaired surrogates — is refused at the
// API's boundary with a 400 naming the field, in bodies, query strings and paths alike, and nothing
// is stored or sent to a workflow; an error answer stays small however wrong the request is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textProblem, textProblems } from '../../domain/text';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('the text rule', () => {
  it('allows newline and tab, refuses every other control character and unpaired surrogates', () => {
    expect(textProblem('line one\nline two\tcolumn · 中文 😀')).toBeUndefined();
    for (const bad of ['\u0000', 'a\u0007b', '\r', '\u001b[31m', '\u007f', '\u0085', '\u009f', 'x\ud800', '\udc00y', '\ud83d']) {
      expect(textProblem(bad), JSON.stringify(bad)).toMatch(/control character|unpaired surrogate/);
    }
  });

  it('refuses text that displays as other text (bidirectional overrides and isolates, line separators)', () => {
    // "Officer Wei" with an override makes a payee name read backwards; U+2028 is a line break that is not one.
    for (const bad of ['\u202eieW reciffO', 'a\u202ab', '\u202b', '\u202c', '\u202d', 'x\u2066y', '\u2067', '\u2068', '\u2069', 'one\u2028two', '\u2029']) {
      expect(textProblem(bad), JSON.stringify(bad)).toMatch(/bidirectional control|line separator/);
    }
    // What right-to-left and emoji text needs stays: marks, joiners, a byte-order mark.
    for (const bad of ['L\u200bi', 'a\u2060b', '\u2062', '\u206a', '\u206f', 'name\ufeff']) {
      expect(textProblem(bad), JSON.stringify(bad)).toMatch(/invisible character/);
    }
    // Positions are counted as a person counts characters: the emoji before it is one.
    expect(textProblem('😀\u0000')).toContain('at character 2');
    for (const good of ['\u200f\u0645\u0631\u062d\u0628\u0627', 'a\u200eb', '👩\u200d💻', 'क्\u200cष', '\ufeffname,phone']) {
      expect(textProblem(good), JSON.stringify(good)).toBeUndefined();
    }
  });

  it('names the path of every bad string, keys included, and survives deep nesting', () => {
    expect(textProblems({ a: [{ b: 'ok' }, { b: 'x\u0000' }], 'k\u0001': 1 }).map((p) => p.field).sort()).toEqual(['(field name)', 'a.1.b']);
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(textProblems(deep)).toHaveLength(1);
    expect(textProblems(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(20);
  });
});

describe('hostile text over HTTP', () => {
  let stack: Stack;
  let parties: Parties;
  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a NUL in any text with 400 naming the field, and changes nothing', async () => {
    const org = await stack.http('POST', '/v1/organizations', { token: stack.adminToken, body: { name: 'Bureau\u0000', kind: 'payer' } });
    expect(org.status).toBe(400);
    expect(org.body.error.details).toMatchObject([{ field: 'name', reason: expect.stringMatching(/U\+0000/) }]);
    const user = await stack.http('POST', '/v1/users', {
      token: stack.adminToken,
      body: { name: 'Li\u0008', organizationId: parties.orgs.payer, roles: ['finance_officer'] },
    });
    expect(user.status).toBe(400);
    expect(user.body.error.details[0].field).toBe('name');
    const orgs = await stack.http('GET', '/v1/organizations', { token: stack.adminToken });
    expect(JSON.stringify(orgs.body)).not.toContain('\\u0000');

    const id = `text-${Date.now()}`;
    expect((await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }) })).status).toBe(201);
    const paid = { reference: 'CZ-1', amount: '4.00', receivedOn: '2023-01-10', fundingSource: 'fiscal' };
    const bad = await stack.http('POST', `/v1/contracts/${id}/payments`, { token: parties.tokens.finance, body: { ...paid, note: 'see\u0000attached' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('note');
    const lone = await stack.http('POST', `/v1/contracts/${id}/payments`, { token: parties.tokens.finance, rawBody: JSON.stringify({ ...paid, note: 'x' }).replace('"x"', '"\\ud800"') });
    expect(lone.status).toBe(400);
    expect(lone.body.error.details[0].field).toBe('note');
    // The same reference with clean text is a new payment: nothing was recorded before.
    const good = await stack.http('POST', `/v1/contracts/${id}/payments`, { token: parties.tokens.finance, body: { ...paid, note: 'see attached\nline two' } });
    expect(good.status).toBe(201);
    const detail = await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.finance });
    expect(detail.body.received).toBe('4.00');

    const query = await stack.http('GET', `/v1/contracts/${id}/events?order=desc%00`, { token: parties.tokens.finance });
    expect(query.status).toBe(400);
    const path = await stack.http('GET', '/v1/contracts/C-A%00', { token: parties.tokens.finance });
    expect(path.status).toBe(400);
    expect(path.body.error.code).toBe('invalid_request');
  });

  it('answers a request with a hundred thousand wrong items in a small error body', async () => {
    const def = sCountyContract(parties.orgs, { id: `flood-${Date.now()}` }) as unknown as Record<string, unknown>;
    const res = await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: { ...def, tranches: Array.from({ length: 100_000 }, () => ({})) } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.length).toBeLessThanOrEqual(21);
    expect(JSON.stringify(res.body).length).toBeLessThan(10_000);
  });
});

describe('rate limits', () => {
  let stack: Stack;
  let parties: Parties;
  beforeAll(async () => {
    stack = await startStack({ rateLimits: { authFailuresPerMinute: 10, writesPerMinute: 14 } });
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 429 with Retry-After after too many wrong tokens from one address, in the error shape', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await stack.http('GET', '/v1/me', { token: `gf_wrong_${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const limited = await stack.http('GET', '/v1/me', { token: 'gf_wrong' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too_many_requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Users with good tokens from that address are not locked out.
    expect((await stack.http('GET', '/v1/me', { token: parties.tokens.finance })).status).toBe(200);
  });

  it('limits writes per token, not reads, and not another user', async () => {
    // registerParties wrote 14 times (8 organizations, 6 users) as the administrator already: its next write is refused.
    const refused = await stack.http('POST', '/v1/organizations', { token: stack.adminToken, body: { name: 'One more', kind: 'payer' } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_requests');
    expect((await stack.http('GET', '/v1/organizations', { token: stack.adminToken })).status).toBe(200);
    const id = `limit-${Date.now()}`;
    expect((await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }) })).status).toBe(201);
  });
});
