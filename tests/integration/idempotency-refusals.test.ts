// An Idempotency-Key is spent only by an answer that decided something: a refusal the client can
// act on (4xx) is stored and replayed; a 429 (a rate limit, a workflow's full Update gate) and a
// 503 (outcome unknown, e.g. Temporal refusing an Update for its workflow's Updates in flight)
// leave the key free, so the resend after Retry-After is performed, not answered from the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import { ServiceUnavailableError } from '../../api/outages';
import { IdempotencyService } from '../../api/services/idempotency';
import { UpdatesInFlightError } from '../../api/services/update-gate';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

describe('an Idempotency-Key after a refusal', () => {
  let database: TestDatabase;
  let service: IdempotencyService;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = new IdempotencyService(database.handle.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const created = { statusCode: 201, body: { ok: true } };

  for (const [name, key, refusal] of [
    ["the gate's 429", 'k-gate', () => new UpdatesInFlightError(2)],
    ['a rate limit 429', 'k-rate', () => new ApiError(429, 'too_many_requests', 'slow down')],
    ["Temporal's 503", 'k-temporal', () => new ServiceUnavailableError('temporal', 'busy', 2)],
  ] as const) {
    it(`is free again after ${name}: the resend is performed`, async () => {
      const scope = { actorId: 'usr_1', route: 'POST /v1/things', key };
      await expect(service.run(scope, { a: 1 }, () => Promise.reject(refusal()))).rejects.toMatchObject({
        statusCode: refusal().statusCode,
      });
      let performed = 0;
      const again = await service.run(scope, { a: 1 }, async () => {
        performed += 1;
        return created;
      });
      expect(performed).toBe(1);
      expect(again).toEqual(created);
      // …and now spent: the next repeat is the stored answer.
      expect(await service.run(scope, { a: 1 }, () => Promise.reject(new Error('not performed twice')))).toEqual({
        ...created,
        replayed: true,
      });
    });
  }

  it('is spent by a 422: the repeat is the stored refusal, not performed again', async () => {
    const scope = { actorId: 'usr_1', route: 'POST /v1/things', key: 'k-422' };
    await expect(
      service.run(scope, { a: 1 }, () => Promise.reject(new ApiError(422, 'unprocessable', 'no'))),
    ).rejects.toMatchObject({ statusCode: 422 });
    const repeat = await service.run(scope, { a: 1 }, () => Promise.reject(new Error('not performed twice')));
    expect(repeat).toMatchObject({ statusCode: 422, replayed: true });
  });
});
