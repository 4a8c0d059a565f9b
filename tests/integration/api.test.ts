// The API over real HTTP against a real Temporal server and a real database: readiness, and the
// identities an administrator registers. What the API refuses before any service answers (tokens,
// roles, schemas, the error shape, limits, the OpenAPI document) is tested on fake services: tests/api/.
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

  it('lets the administrator register organizations and users whose tokens work', async () => {
    const admin = stack.adminToken;
    const org = await stack.http('POST', '/v1/organizations', {
      token: admin,
      body: { name: 'S County Finance Bureau', kind: 'payer' },
    });
    expect(org.status).toBe(201);
    expect(org.body).toMatchObject({
      id: expect.stringMatching(/^org_/),
      name: 'S County Finance Bureau',
      kind: 'payer',
    });

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
    const org = await stack.http('POST', '/v1/organizations', {
      token: admin,
      body: { name: 'Evaluator', kind: 'evaluator' },
    });
    const user = await stack.http('POST', '/v1/users', {
      token: admin,
      body: { name: 'Reviewer', organizationId: org.body.id, roles: ['evaluator'] },
    });
    const rotated = await stack.http('POST', `/v1/users/${user.body.id}/token`, { token: admin });
    expect(rotated.status).toBe(201);
    expect((await stack.http('GET', '/v1/me', { token: user.body.token })).status).toBe(401);
    expect((await stack.http('GET', '/v1/me', { token: rotated.body.token })).status).toBe(200);
  });
});
