// Who may call what, decided before any service answers: the bearer token on every /v1 route (401),
// each route's static roles (403 naming the action, before the body is read), and the rate limits
// on failed authentications and on writes (429 with Retry-After). On fake services (tests/helpers/
// fake-app.ts): a service the test did not fake answers 500, so a refusal here reached no service.
// Whether a caller is party to the contract it names is the services' to judge: the integration tests.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IdentityService, OrganizationView } from '../../api/services/identity';
import { ROLES, type Role } from '../../domain/organizations';
import { as, buildFakeApp, fake, FAKE_ORG, fakeActor } from '../helpers/fake-app';
import { operations, ROUTE_ROLES } from './routes';

describe('authentication and roles', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildFakeApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 401 in the error shape on every /v1 route without a token, or with a wrong or malformed one', async () => {
    const all = operations(app);
    expect(all.length).toBeGreaterThan(50);
    for (const { name, method, url } of all) {
      for (const [authorization, message] of [
        [undefined, 'A valid bearer token is required'],
        ['Bearer gf_not_a_token', 'The bearer token is not valid'],
        ['Basic dXNlcjpwYXNz', 'A valid bearer token is required'],
        ['Bearer', 'A valid bearer token is required'],
      ] as const) {
        const res = await app.inject({
          method,
          url,
          headers: authorization ? { authorization } : {},
          ...(method === 'GET' ? {} : { payload: {} }),
        });
        expect(res.statusCode, `${name} ${authorization}`).toBe(401);
        expect(res.json()).toEqual({ error: { code: 'unauthorized', message } });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    }
  });

  it('lets each route be called only by its roles: 403 naming the roles and the action, before the body is read', async () => {
    const seen = new Set<string>();
    for (const { name, method, url } of operations(app)) {
      const allowed = ROUTE_ROLES[name];
      if (allowed) seen.add(name);
      for (const role of ROLES) {
        // An empty body: a role check after validation would answer 400 instead.
        const res = await app.inject({ method, url, headers: as(role), ...(method === 'GET' ? {} : { payload: {} }) });
        if (allowed && !allowed.includes(role)) {
          expect(res.statusCode, `${name} as ${role}`).toBe(403);
          expect(res.json(), `${name} as ${role}`).toEqual({
            error: {
              code: 'forbidden',
              message: expect.stringMatching(new RegExp(`^Only ${allowed.join(' or ')} may \\S`)),
            },
          });
        } else {
          expect(res.statusCode, `${name} as ${role}`).not.toBe(403);
        }
      }
    }
    // The table names only routes that exist.
    expect([...seen].sort()).toEqual(Object.keys(ROUTE_ROLES).sort());
  });

  it('refuses a role in the reader’s language', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/contracts/C-1/payments',
      headers: { ...as('agency_officer'), 'accept-language': 'zh-CN' },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-language']).toBe('zh-CN');
    expect(res.json()).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/^只有.+可以/) } });
  });

  it('refuses an officer on an administrator’s route with 403, and no service hears of it', async () => {
    const createOrganization = vi.fn<IdentityService['createOrganization']>();
    const withSpy = await buildFakeApp({
      services: {
        identity: fake<IdentityService>('identity', { actorForToken: async (t) => fakeActor(t), createOrganization }),
      },
    });
    try {
      const denied = await withSpy.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: as('agency_officer'),
        payload: { name: 'Sneaky', kind: 'payer' },
      });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.message).toBe('Only admin may register organizations');
      expect(createOrganization).not.toHaveBeenCalled();
    } finally {
      await withSpy.close();
    }
  });
});

describe('rate limits', () => {
  let app: FastifyInstance;
  const organization: OrganizationView = {
    id: 'org_new',
    name: 'One more',
    kind: 'payer',
    createdAt: '2024-01-01T00:00:00.000Z',
  };
  const created = vi.fn<IdentityService['createOrganization']>(async () => organization);

  beforeAll(async () => {
    app = await buildFakeApp({
      rateLimits: { authFailuresPerMinute: 10, writesPerMinute: 5 },
      services: {
        identity: fake<IdentityService>('identity', {
          actorForToken: async (token) => fakeActor(token),
          createOrganization: created,
          listOrganizations: async () => ({ items: [organization], nextCursor: null }),
          getOrganization: async (id) => (id === FAKE_ORG ? organization : undefined),
        }),
      },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 with Retry-After after too many wrong tokens from one address, in the error shape', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++)
      statuses.push(
        (
          await app.inject({
            method: 'GET',
            url: '/v1/organizations',
            headers: { authorization: `Bearer gf_wrong_${i}` },
          })
        ).statusCode,
      );
    expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(4).fill(429)]);
    const limited = await app.inject({
      method: 'GET',
      url: '/v1/organizations',
      headers: { authorization: 'Bearer gf_wrong' },
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ error: { code: 'too_many_requests', message: expect.any(String) } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Users with good tokens from that address are not locked out; another address is not limited.
    expect(
      (await app.inject({ method: 'GET', url: '/v1/organizations', headers: as('finance_officer') })).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1/organizations',
          remoteAddress: '10.0.0.9',
          headers: { authorization: 'Bearer gf_wrong' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('limits writes per token, not reads, and not another user', async () => {
    const write = (role: Role) =>
      app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: as(role),
        payload: { name: 'One more', kind: 'payer' },
      });
    for (let i = 0; i < 5; i++) expect((await write('admin')).statusCode).toBe(201);
    const refused = await write('admin');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(created).toHaveBeenCalledTimes(5);
    expect((await app.inject({ method: 'GET', url: '/v1/organizations', headers: as('admin') })).statusCode).toBe(200);
    // Another user's write passes the limit (and is judged on its body: 400 for an empty one).
    expect(
      (await app.inject({ method: 'POST', url: '/v1/contracts', headers: as('agency_officer'), payload: {} }))
        .statusCode,
    ).toBe(400);
  });
});
