// Routes that create something honour Idempotency-Key the same way (api/services/idempotency.ts):
// a repeat of the same request gets the first answer again, with its status, and the header
// `Idempotent-Replayed: true`.
import type { FastifyReply } from 'fastify';
import type { IdempotencyService, StoredResponse } from '../services/idempotency';

export const REPLAYED_HEADER = 'idempotent-replayed';

export async function sendIdempotently(
  reply: FastifyReply,
  idempotency: IdempotencyService,
  scope: { actorId: string; route: string; key: string | undefined },
  request: unknown,
  perform: () => Promise<StoredResponse>,
): Promise<FastifyReply> {
  const result = await idempotency.run(scope, request, perform);
  if (result.replayed) reply.header(REPLAYED_HEADER, 'true');
  return reply.status(result.statusCode).send(result.body);
}
