import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SEVERITIES } from '../../domain/severity';
import { Type } from 'typebox';
import { actorOf } from '../plugins/auth';
import { errors, NullableInteger, NullableString, RowId, TextSchema } from '../schemas';
import type { InboxService } from '../services/inbox';

/** One notification in an organization's inbox. */
export const NotificationView = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String(),
    severity: Type.Enum(SEVERITIES),
    contractId: NullableString(),
    escalationId: NullableString(),
    subject: TextSchema,
    body: TextSchema,
    createdAt: Type.String(),
    readAt: NullableString(),
  },
  { additionalProperties: false },
);

export const inboxRoutes: FastifyPluginAsyncTypebox<{ inbox: InboxService }> = async (app, { inbox }) => {
  app.get(
    '/v1/inbox',
    {
      schema: {
        tags: ['inbox'],
        summary: "Notifications to the caller's organization (missed checkpoints, overdue tranches, …), newest first.",
        querystring: Type.Object(
          {
            before: Type.Optional(RowId("The previous page's `next`")),
            unread: Type.Optional(Type.Boolean({ description: 'Only notifications the caller has not read' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              items: Type.Array(NotificationView),
              next: NullableInteger(),
            },
            { additionalProperties: false },
          ),
          ...errors(400, 401),
        },
      },
    },
    async (request) => inbox.list(actorOf(request), request.query),
  );

  app.post(
    '/v1/inbox/:id/read',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Mark a notification of your inbox read.',
        params: Type.Object({ id: RowId() }),
        response: {
          200: Type.Object({ id: Type.Integer(), readAt: Type.String() }, { additionalProperties: false }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => inbox.markRead(actorOf(request), request.params.id),
  );
};
