// Routes that create something honour Idempotency-Key the same way (api/services/idempotency.ts):
// a repeat of the same request gets the first answer again, with its status, and the header
// `Idempotent-Replayed: true`.
import type { FastifyReply } from 'fastify';
import { isSaid } from '../../domain/messages';
import { errorBody, requestLang, type ErrorDetail } from '../errors';
import type { IdempotencyService, StoredResponse } from '../services/idempotency';

export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Answers `perform()`'s response, or — for a repeat of `request` under the request's Idempotency-Key
 * by the same actor on the same route ("POST /v1/contracts/:id/schedule", from Fastify's route) —
 * the stored first answer. `request`: what identifies the request (its parameters and body).
 */
export async function sendIdempotently(
  reply: FastifyReply,
  idempotency: IdempotencyService,
  actorId: string,
  request: unknown,
  perform: () => Promise<StoredResponse>,
): Promise<FastifyReply> {
  const header = reply.request.headers['idempotency-key'];
  const scope = {
    actorId,
    route: `${reply.request.method} ${reply.request.routeOptions.url}`,
    key: typeof header === 'string' ? header : undefined,
  };
  const result = await idempotency.run(scope, request, perform);
  if (result.replayed) reply.header(REPLAYED_HEADER, 'true');
  return reply.status(result.statusCode).send(result.replayed ? inRequestLanguage(reply, result) : result.body);
}

/** A replayed refusal in the language the repeat asks for (its stored message and details carry their catalog codes). */
function inRequestLanguage(reply: FastifyReply, result: StoredResponse): unknown {
  const stored = result.body as
    { error?: { code: string; message: string; details?: ErrorDetail[] }; said?: unknown } | undefined;
  if (result.statusCode < 400 || !stored?.error) return result.body;
  const lang = requestLang(reply.request);
  reply.header('content-language', lang);
  return errorBody(
    stored.error.code,
    stored.error.message,
    stored.error.details,
    lang,
    isSaid(stored.said) ? stored.said : undefined,
  );
}
