// Routes that create something honour Idempotency-Key the same way: the first answer to a key is
// stored and sent again for a repeat of the same request.
import type { FastifyReply } from 'fastify';
import type { IdempotencyService, StoredResponse } from '../services/idempotency';

export async function sendIdempotently(
  reply: FastifyReply,
  idempotency: IdempotencyService,
  scope: { actorId: string; route: string; key: string | undefined },
  request: unknown,
  perform: () => Promise<StoredResponse>,
): Promise<FastifyReply> {
  const result = await idempotency.run(scope, request, perform);
  return reply.status(result.statusCode).send(result.body);
}
