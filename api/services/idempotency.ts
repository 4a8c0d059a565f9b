// Idempotency-Key, one rule for every route that honours it: the first answer to a key (its status
// and body, an error of 4xx included) is stored and replayed as it was for a repeat of the same
// request, marked as a replay; the same key with another request is refused (422). "The same
// request" is the same JSON value: key order does not matter. A second request arriving while the
// first is still running waits for its answer.
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { idempotencyRecords } from '../../db/schema';
import { ApiError } from '../errors';
import { canonicalJson } from '../../domain/canonical-json';
import { say } from '../../domain/messages';
import { problem } from '../../domain/problems';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed?: boolean;
}

const KEY = /^[\x21-\x7e]{1,200}$/;
const ABANDONED_AFTER_MS = 5 * 60 * 1000;

/** SHA-256 (hex) of the request's canonical JSON: equal for equal JSON values, whatever their key order. */
export function hashRequest(body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(body ?? null))
    .digest('hex');
}

export class IdempotencyService {
  constructor(private readonly db: Database) {}

  async run(
    scope: { actorId: string; route: string; key: string | undefined },
    body: unknown,
    perform: () => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    if (scope.key === undefined) return perform();
    if (!KEY.test(scope.key)) {
      throw new ApiError(400, 'invalid_request', say('idempotency_key_format'), [
        problem('headers.idempotency-key', 'not_a_valid_key'),
      ]);
    }
    const where = and(
      eq(idempotencyRecords.actorId, scope.actorId),
      eq(idempotencyRecords.route, scope.route),
      eq(idempotencyRecords.key, scope.key),
    );
    const requestHash = hashRequest(body);
    const claimed = await this.db
      .insert(idempotencyRecords)
      .values({ actorId: scope.actorId, route: scope.route, key: scope.key, requestHash })
      .onConflictDoNothing()
      .returning({ key: idempotencyRecords.key });

    if (claimed.length === 0) {
      for (let waited = 0; ; waited += 100) {
        const [record] = await this.db.select().from(idempotencyRecords).where(where);
        if (!record) break; // the first attempt failed and released the key: try ourselves
        if (record.requestHash !== requestHash) {
          throw new ApiError(422, 'idempotency_key_reused', say('idempotency_key_reused'));
        }
        if (record.statusCode !== null) return { statusCode: record.statusCode, body: record.response, replayed: true };
        // A claim with no answer long after it was made belongs to a process that died: take it over.
        if (Date.now() - record.createdAt.getTime() > ABANDONED_AFTER_MS) {
          await this.db.delete(idempotencyRecords).where(and(where, isNull(idempotencyRecords.statusCode)));
          break;
        }
        if (waited >= 30_000) {
          throw new ApiError(409, 'request_in_progress', say('request_in_progress'));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return this.run(scope, body, perform);
    }

    try {
      const response = await perform();
      await this.db
        .update(idempotencyRecords)
        .set({ statusCode: response.statusCode, response: response.body as object })
        .where(where);
      return response;
    } catch (error) {
      // A 429 (a rate limit, a workflow's full gate) decided nothing either: the key stays free for the resend.
      if (error instanceof ApiError && error.statusCode < 500 && error.statusCode !== 429) {
        // With its catalog message (`said`), so a replay answers in the language the repeat asks for.
        const stored = {
          statusCode: error.statusCode,
          body: {
            error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
            ...(error.said ? { said: error.said } : {}),
          },
        };
        await this.db
          .update(idempotencyRecords)
          .set({ statusCode: stored.statusCode, response: stored.body })
          .where(where);
      } else {
        // Nothing was decided: free the key so the client can retry.
        await this.db.delete(idempotencyRecords).where(where);
      }
      throw error;
    }
  }
}
