// The API over real HTTP against a real Temporal server and a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack';

describe('API foundation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is alive and ready when Temporal and the database answer', async () => {
    expect((await stack.http('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await stack.http('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: [
        { name: 'database', ok: true },
        { name: 'temporal', ok: true },
        { name: 'worker', ok: true, detail: expect.stringContaining(stack.taskQueue) },
        { name: 'workflows', ok: true, detail: expect.any(String) },
      ],
    });
  });

  it('serves an OpenAPI 3 document and the docs UI', async () => {
    const doc = await stack.http('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/organizations', '/v1/users', '/v1/me']));
    const ui = await fetch(`${stack.baseUrl}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('answers 401 in the error shape without a valid token', async () => {
    const none = await stack.http('GET', '/v1/me');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await stack.http('GET', '/v1/me', { token: 'gf_not_a_token' });
    expect(wrong.status).toBe(401);
  });

  it('lets the administrator register organizations and users whose tokens work', async () => {
    const admin = stack.adminToken;
    const org = await stack.http('POST', '/v1/organizations', {
      token: admin,
      body: { name: 'S County Finance Bureau', kind: 'payer' },
    });
    expect(org.status).toBe(201);
    expect(org.body).toMatchObject({ id: expect.stringMatching(/^org_/), name: 'S County Finance Bureau', kind: 'payer' });

    const user = await stack.http('POST', '/v1/users', {
      token: admin,
      body: { name: 'Finance officer Li', organizationId: org.body.id, roles: ['finance_officer'] },
    });
    expect(user.status).toBe(201);
    expect(user.body.token).toMatch(/^gf_/);

    const me = await stack.http('GET', '/v1/me', { token: user.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: user.body.id,
      name: 'Finance officer Li',
      roles: ['finance_officer'],
      organization: { id: org.body.id, name: 'S County Finance Bureau', kind: 'payer' },
    });

    // The token itself is never stored, only its hash.
    const listed = await stack.http('GET', '/v1/users', { token: admin });
    expect(JSON.stringify(listed.body)).not.toContain(user.body.token);
  });

  it('answers 403 when the role may not do the action, and changes nothing', async () => {
    const admin = stack.adminToken;
    const org = await stack.http('POST', '/v1/organizations', { token: admin, body: { name: 'Bureau', kind: 'purchaser' } });
    const officer = await stack.http('POST', '/v1/users', {
      token: admin,
      body: { name: 'Officer Wang', organizationId: org.body.id, roles: ['agency_officer'] },
    });
    const before = (await stack.http('GET', '/v1/organizations', { token: admin })).body.items.length;
    const denied = await stack.http('POST', '/v1/organizations', {
      token: officer.body.token,
      body: { name: 'Sneaky', kind: 'payer' },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    const after = (await stack.http('GET', '/v1/organizations', { token: admin })).body.items.length;
    expect(after).toBe(before);
  });

  it('rejects malformed, unknown-field and over-large bodies with 400/413 in the error shape', async () => {
    const admin = stack.adminToken;
    const malformed = await stack.http('POST', '/v1/organizations', { token: admin, rawBody: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_body');

    const unknownField = await stack.http('POST', '/v1/organizations', {
      token: admin,
      body: { name: 'X', kind: 'payer', colour: 'red' },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error).toMatchObject({
      code: 'invalid_request',
      details: [{ field: 'colour', reason: 'is not a known field' }],
    });

    const badKind = await stack.http('POST', '/v1/organizations', { token: admin, body: { name: 'X', kind: 'bank' } });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.details[0].field).toBe('kind');

    const wrongType = await stack.http('POST', '/v1/organizations', { token: admin, body: { name: 12, kind: 'payer' } });
    expect(wrongType.status).toBe(400);

    const huge = await stack.http('POST', '/v1/organizations', {
      token: admin,
      body: { name: 'x'.repeat(2 * 1024 * 1024), kind: 'payer' },
    });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });

  it('refuses a user of an unknown organization with 422 naming the field', async () => {
    const res = await stack.http('POST', '/v1/users', {
      token: stack.adminToken,
      body: { name: 'Ghost', organizationId: 'org_missing', roles: ['auditor'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toMatchObject([{ field: 'organizationId', reason: 'is not a known organization' }]);
  });

  it('replaces a token so the old one stops working', async () => {
    const admin = stack.adminToken;
    const org = await stack.http('POST', '/v1/organizations', { token: admin, body: { name: 'Evaluator', kind: 'evaluator' } });
    const user = await stack.http('POST', '/v1/users', {
      token: admin,
      body: { name: 'Reviewer', organizationId: org.body.id, roles: ['evaluator'] },
    });
    const rotated = await stack.http('POST', `/v1/users/${user.body.id}/token`, { token: admin });
    expect(rotated.status).toBe(201);
    expect((await stack.http('GET', '/v1/me', { token: user.body.token })).status).toBe(401);
    expect((await stack.http('GET', '/v1/me', { token: rotated.body.token })).status).toBe(200);
  });

  it('echoes a request id, or makes one', async () => {
    const given = await stack.http('GET', '/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await stack.http('GET', '/healthz');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns 404 in the error shape for an unknown route', async () => {
    const res = await stack.http('GET', '/v1/nothing-here', { token: stack.adminToken });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
