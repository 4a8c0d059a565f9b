// Domain limits over the API (issue 12 item 3): the three terms, a headcount of 1e300 and
// lists past their domain limit are refused with a 422 naming the field and the limit — not a 400
// from the schema's DoS caps, which sit above. Validation comes before any workflow, so the API
// here runs without Temporal.
import { randomBytes } from 'node:crypto';
import { offlineTemporalClient } from '../helpers/temporal';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { IdentityService } from '../../api/services/identity';
import { MAX_HEADCOUNT, MAX_STATIONS_PER_CONTRACT, MAX_TRANCHES } from '../../domain/limits';
import { sCountyContract } from '../fixtures/s-county';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { registerParties, type Parties } from '../helpers/parties';
import { httpClient, type Http } from '../helpers/stack';

describe('domain limits over the API', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let http: Http;
  let parties: Parties;

  beforeAll(async () => {
    database = await createTestDatabase();
    const admin = `gf_test_admin_${randomBytes(12).toString('hex')}`;
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
    parties = await registerParties(http, admin);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const create = (overrides: object) =>
    http('POST', '/v1/contracts', { token: parties.tokens.agency, body: sCountyContract(parties.orgs, overrides) });

  it('refuses the issue’s three terms with 422 naming the term and the years allowed', async () => {
    for (const term of [
      { start: '1000-01-01', end: '9998-12-31' },
      { start: '0050-01-01', end: '0051-12-31' },
      { start: '2023-01-01', end: '9999-12-31' },
    ]) {
      const res = await create({ term });
      expect(res.status, JSON.stringify(term)).toBe(422);
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            field: expect.stringMatching(/^term\./),
            reason: 'must be in the years 2000–2100',
          }),
        ]),
      );
    }
  });

  it('refuses a headcount of 1e300 and lists past their limit with 422, not the schema’s 400', async () => {
    const headcount = await create({ staffing: { headcount: 1e300, monthlyPayroll: '75000.00' } });
    expect(headcount.status).toBe(422);
    expect(headcount.body.error.details).toContainEqual(
      expect.objectContaining({
        field: 'staffing.headcount',
        reason: `must be a whole number from 1 to ${MAX_HEADCOUNT}`,
      }),
    );
    const stations = await create({
      stations: Array.from({ length: MAX_STATIONS_PER_CONTRACT + 1 }, (_, i) => ({
        id: `s${i}`,
        name: 's',
        township: 't',
        villages: [],
      })),
    });
    expect(stations.status).toBe(422);
    expect(stations.body.error.details).toContainEqual(
      expect.objectContaining({
        field: 'stations',
        reason: `has ${MAX_STATIONS_PER_CONTRACT + 1} stations; at most ${MAX_STATIONS_PER_CONTRACT} are allowed`,
      }),
    );
    const tranches = await create({
      tranches: Array.from({ length: MAX_TRANCHES + 1 }, (_, i) => ({
        id: `t${i}`,
        label: 't',
        due: '2023-06-30',
        amount: '1.00',
        fundingSource: 'fiscal',
      })),
    });
    expect(tranches.status).toBe(422);
    expect(tranches.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'tranches', reason: expect.stringContaining(`at most ${MAX_TRANCHES}`) }),
    );
  });
});
