import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, onlyRoles } from '../plugins/auth';
import { errors, IdempotencyHeaders, IdSchema, Timestamp } from '../schemas';
import type { ContactService } from '../services/contacts';
import type { IdempotencyService } from '../services/idempotency';
import { sendIdempotently } from './idempotent';

const closed = { additionalProperties: false } as const;
const Contact = Type.Object(
  {
    id: Type.String(),
    village: Type.String(),
    name: Type.String(),
    phone: Type.String(),
    hamlet: Type.String(),
    createdAt: Timestamp,
  },
  closed,
);

export const contactRoutes: FastifyPluginAsyncTypebox<{
  contacts: ContactService;
  idempotency: IdempotencyService;
}> = async (app, { contacts, idempotency }) => {
  app.post(
    '/v1/organizations/:id/contacts',
    {
      config: onlyRoles(['village_liaison', 'admin'], "add a village's contacts"),
      schema: {
        tags: ['village chain'],
        summary:
          "Add a hamlet volunteer to a village's contacts (the village's village_liaison, or an admin). Volunteers have no account; they are reached through their village. Honours Idempotency-Key.",
        params: Type.Object({ id: IdSchema }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            phone: Type.String({
              pattern: '^\\+?[0-9][0-9 -]{4,19}$',
              description: 'Digits, spaces and dashes, optionally starting with +',
            }),
            hamlet: Type.String({ minLength: 1, maxLength: 100 }),
          },
          closed,
        ),
        response: { 201: Contact, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return sendIdempotently(
        reply,
        idempotency,
        actor.userId,
        { village: request.params.id, body: request.body },
        async () => ({ statusCode: 201, body: await contacts.create(actor, request.params.id, request.body) }),
      );
    },
  );

  app.get(
    '/v1/organizations/:id/contacts',
    {
      schema: {
        tags: ['village chain'],
        summary: "A village's hamlet volunteers, by hamlet.",
        params: Type.Object({ id: IdSchema }),
        response: { 200: Type.Object({ items: Type.Array(Contact) }, closed), ...errors(401, 403, 404) },
      },
    },
    async (request) => contacts.list(actorOf(request), request.params.id),
  );
};
