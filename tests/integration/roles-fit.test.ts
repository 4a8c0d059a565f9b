// Roles fit organizations (issue 16 item 9): POST /v1/users refuses a role the organization's kind
// may not hold, with 422 naming the rule, and creates nothing. And users' names by id (item 2). The route runs no workflow, so the
// API here runs without Temporal, on a real database (the identity service judges the rule).
import { randomBytes } from 'node:crypto';
import { offlineTemporalClient } from '../helpers/temporal';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { IdentityService } from '../../api/services/identity';
import { ORGANIZATION_KINDS, ROLE_ORGANIZATION_KINDS, ROLES, type OrganizationKind } from '../../domain/organizations';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { httpClient, type Http } from '../helpers/stack';

describe('roles fit organizations', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let http: Http;
  let admin: string;
  const orgs = {} as Record<OrganizationKind, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = `gf_test_admin_${randomBytes(12).toString('hex')}`;
    await new IdentityService(database.handle.db).ensureAdmin(admin);
    const temporal = offlineTemporalClient();
    app = await buildApp({
      database: database.handle,
      temporal,
      taskQueue: 'unused',
      logLevel: 'silent',
      rateLimits: { writesPerMinute: 0, authFailuresPerMinute: 0 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    http = httpClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    for (const kind of ORGANIZATION_KINDS) {
      orgs[kind] = (
        await http('POST', '/v1/organizations', { token: admin, body: { name: `A ${kind}`, kind } })
      ).body.id;
    }
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const users = async () => (await http('GET', '/v1/users', { token: admin })).body.items.length as number;

  it('refuses an evaluator in a contractor organization with 422 naming the rule, and creates nothing', async () => {
    const before = await users();
    const res = await http('POST', '/v1/users', {
      token: admin,
      body: { name: 'Evaluator at D', organizationId: orgs.contractor, roles: ['station_staff', 'evaluator'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unprocessable');
    expect(res.body.error.message).toBe(
      'An organization of kind contractor may not hold the role evaluator (held only in organizations of kind evaluator or purchaser)',
    );
    expect(res.body.error.details).toMatchObject([
      { field: 'roles.1', reason: 'is held only in organizations of kind evaluator or purchaser, not contractor' },
    ]);
    expect(await users()).toBe(before);
  });

  it('accepts exactly the roles each kind may hold, and admin anywhere', async () => {
    for (const kind of ORGANIZATION_KINDS) {
      for (const role of ROLES) {
        const res = await http('POST', '/v1/users', {
          token: admin,
          body: { name: `${role} of ${kind}`, organizationId: orgs[kind], roles: [role] },
        });
        const fits = role === 'admin' || ROLE_ORGANIZATION_KINDS[role].includes(kind);
        expect({ kind, role, status: res.status }).toEqual({ kind, role, status: fits ? 201 : 422 });
        if (!fits)
          expect(res.body.error.details).toMatchObject([
            {
              field: 'roles.0',
              reason: expect.stringMatching(new RegExp(`^is held only in organizations of kind .*, not ${kind}$`)),
            },
          ]);
      }
    }
  });

  it("gives users' names by id to any signed-in user, leaving unknown ids out", async () => {
    const a = await http('POST', '/v1/users', {
      token: admin,
      body: { name: 'Officer Wei', organizationId: orgs.purchaser, roles: ['agency_officer'] },
    });
    const b = await http('POST', '/v1/users', {
      token: admin,
      body: { name: 'Liaison Lan', organizationId: orgs.village, roles: ['village_liaison'] },
    });
    const names = await http('GET', `/v1/users/names?ids=${a.body.id},usr_nobody,${b.body.id},${a.body.id}`, {
      token: b.body.token,
    });
    expect(names.status).toBe(200);
    expect(names.body.items).toEqual(
      [
        { id: a.body.id, name: 'Officer Wei' },
        { id: b.body.id, name: 'Liaison Lan' },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    expect((await http('GET', `/v1/users/names?ids=${a.body.id}`)).status).toBe(401);
    expect((await http('GET', '/v1/users/names?ids=a,,b', { token: admin })).status).toBe(400);
    const tooMany = await http(
      'GET',
      `/v1/users/names?ids=${Array.from({ length: 101 }, (_, i) => `usr_${i}`).join(',')}`,
      { token: admin },
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details).toMatchObject([
      { field: 'querystring.ids', reason: 'must name at most 100 ids' },
    ]);
  });
});
