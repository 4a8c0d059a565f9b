// Idempotency-Key on every route that honours it (api/routes/idempotent.ts): a key is 1–200 visible
// ASCII characters (400 naming the header otherwise); it is scoped to the caller and the route; a
// repeat is answered from the store, marked `Idempotent-Replayed: true`, a stored refusal in the
// language the repeat asks for. What the store does with a key (the same request replayed, another
// one refused with 422, a 429 or 503 leaving the key free) is tests/integration/idempotency-refusals
// and the contract tests, on a real database.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REQUEST_EXAMPLES } from '../../api/examples';
import { IdempotencyService, type StoredResponse } from '../../api/services/idempotency';
import type { Database } from '../../db/client';
import { render, say } from '../../domain/messages';
import { as, buildFakeApp, fake, fakeActor } from '../helpers/fake-app';
import { operations, ROUTE_ROLES, type Operation } from './routes';

const ZH = { 'accept-language': 'zh-CN' };

/** A request each idempotent route accepts up to its service: its documented example, as a role that may call it. */
function request(operation: Operation) {
  const role = ROUTE_ROLES[operation.name]?.[0] ?? 'admin';
  // A calendar year the path accepts (2000–2100), the one its example publishes.
  const url = operation.route === 'PUT /v1/calendar/years/:year' ? '/v1/calendar/years/2027' : operation.url;
  return {
    method: operation.method,
    url,
    headers: as(role),
    payload: REQUEST_EXAMPLES[operation.route] as object,
    actor: fakeActor(as(role).authorization!.slice(7))!,
  };
}

describe('the Idempotency-Key header', () => {
  let checking: FastifyInstance;
  let replaying: FastifyInstance;
  let idempotent: Operation[];
  const stored = vi.fn<IdempotencyService['run']>();

  beforeAll(async () => {
    // The real service: its check of the key comes before it touches its store, which is absent.
    checking = await buildFakeApp({ services: { idempotency: new IdempotencyService(fake<Database>('database')) } });
    replaying = await buildFakeApp({
      services: { idempotency: fake<IdempotencyService>('idempotency', { run: stored }) },
    });
    idempotent = operations(checking).filter((o) => o.idempotent);
  });
  afterAll(async () => {
    await checking?.close();
    await replaying?.close();
  });

  it('is honoured by the routes that create something, each with an example', () => {
    expect(idempotent.map((o) => o.name).sort()).toEqual([
      'POST /v1/contracts',
      'POST /v1/contracts/{id}/calendar',
      'POST /v1/contracts/{id}/material-requests',
      'POST /v1/contracts/{id}/milestones/{mid}/submissions',
      'POST /v1/contracts/{id}/payment-applications',
      'POST /v1/contracts/{id}/progress',
      'POST /v1/contracts/{id}/schedule',
      'POST /v1/material-requests/{rid}/deliveries',
      'POST /v1/organizations/{id}/contacts',
      'POST /v1/payment-applications/{aid}/decision',
      'PUT /v1/calendar/years/{year}',
    ]);
    for (const operation of idempotent) expect(REQUEST_EXAMPLES[operation.route], operation.route).toBeDefined();
  });

  it('refuses a key longer than 200 characters or with other than visible ASCII, naming the header, on every such route', async () => {
    for (const operation of idempotent) {
      const { actor: _, ...base } = request(operation);
      for (const [key, reason] of [
        ['k'.repeat(201), 'must have at most 200 characters'],
        ['two words', 'is not a valid key'],
        ['clé', 'is not a valid key'],
      ] as const) {
        const res = await checking.inject({ ...base, headers: { ...base.headers, 'idempotency-key': key } });
        expect(res.statusCode, `${operation.name} ${key.slice(0, 10)}`).toBe(400);
        expect(res.json().error.details, operation.name).toEqual([
          expect.objectContaining({ field: 'headers.idempotency-key', reason }),
        ]);
      }
      const zh = await checking.inject({
        ...base,
        headers: { ...base.headers, ...ZH, 'idempotency-key': 'two words' },
      });
      expect(zh.json().error.message).toBe(render(say('idempotency_key_format'), 'zh-CN'));
    }
  });

  it('is scoped to the caller and the route, and a repeat is the stored answer, marked, in the repeat’s language', async () => {
    const refusal = say('idempotency_key_reused');
    const routes = new Set<string>();
    for (const operation of idempotent) {
      const { actor, ...base } = request(operation);
      stored.mockReset();
      // What the store holds for this key: a refusal, with its catalog message.
      stored.mockResolvedValueOnce({
        statusCode: 422,
        body: {
          error: {
            code: 'unprocessable',
            message: render(refusal, 'en'),
            details: [{ field: 'amount', reason: 'must be greater than zero', code: 'above_zero' }],
          },
          said: refusal,
        },
        replayed: true,
      } satisfies StoredResponse);
      const res = await replaying.inject({
        ...base,
        headers: { ...base.headers, ...ZH, 'idempotency-key': `key-${operation.name}` },
      });
      expect(res.statusCode, operation.name).toBe(422);
      expect(res.headers['idempotent-replayed'], operation.name).toBe('true');
      expect(res.headers['content-language']).toBe('zh-CN');
      expect(res.json(), operation.name).toEqual({
        error: {
          code: 'unprocessable',
          message: render(refusal, 'zh-CN'),
          details: [{ field: 'amount', reason: render(say('above_zero'), 'zh-CN'), code: 'above_zero' }],
        },
      });
      expect(stored).toHaveBeenCalledTimes(1);
      const [scope] = stored.mock.calls[0]!;
      // The route as Fastify registered it ("POST /v1/contracts/:id/schedule"): the scope records were stored under.
      expect(scope).toEqual({ actorId: actor.userId, route: operation.route, key: `key-${operation.name}` });
      routes.add(scope.route);
    }
    // One scope per route: the same key on two routes is two keys.
    expect(routes.size).toBe(idempotent.length);
  });
});
