import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DELIVERY_CHANNELS, DELIVERY_STATUSES } from '../../domain/notices';
import { actorOf, onlyRoles } from '../plugins/auth';
import { errors, IdSchema, NullableInteger, NullableString } from '../schemas';
import type { WebhookService } from '../services/webhooks';

const closed = { additionalProperties: false } as const;
const Params = Type.Object({ id: IdSchema });
const endpointFields = {
  id: Type.String(),
  organizationId: Type.String(),
  url: Type.String(),
  createdAt: Type.String(),
};

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookService }> = async (app, { webhooks }) => {
  app.post(
    '/v1/organizations/:id/webhooks',
    {
      config: onlyRoles(['admin'], 'add webhooks'),
      schema: {
        tags: ['notifications'],
        summary:
          'Add a webhook to an organization (admin). Each notification to it is POSTed as JSON with an x-grantflow-signature header: sha256=HMAC-SHA256(secret, body). The secret is shown once. ' +
          'The URL must use https and reach a public address (checked now and on every delivery after name resolution; redirects are never followed); ' +
          'loopback, link-local, private and unspecified addresses and plain http are refused (422) unless GRANTFLOW_WEBHOOK_ALLOW names the host or its range.',
        params: Params,
        body: Type.Object({ url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }) }, closed),
        response: {
          201: Type.Object({ ...endpointFields, secret: Type.String() }, closed),
          ...errors(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(request.params.id, request.body.url)),
  );

  app.get(
    '/v1/organizations/:id/webhooks',
    {
      config: onlyRoles(['admin'], 'list webhooks'),
      schema: {
        tags: ['notifications'],
        summary: "An organization's webhooks (admin), without their secrets.",
        params: Params,
        response: {
          200: Type.Object({ items: Type.Array(Type.Object(endpointFields, closed)) }, closed),
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => webhooks.list(request.params.id),
  );

  app.get(
    '/v1/organizations/:id/deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: "The delivery log of an organization's webhooks and e-mails, newest first.",
        params: Params,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, closed),
        response: {
          200: Type.Object(
            {
              items: Type.Array(
                Type.Object(
                  {
                    id: Type.String(),
                    notificationId: Type.Integer(),
                    channel: Type.Enum(DELIVERY_CHANNELS),
                    target: Type.String(),
                    status: Type.Enum(DELIVERY_STATUSES),
                    attempts: Type.Integer(),
                    lastError: NullableString(),
                    responseStatus: NullableInteger(),
                    deliveredAt: NullableString(),
                    updatedAt: Type.String(),
                  },
                  closed,
                ),
              ),
            },
            closed,
          ),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => webhooks.deliveries(actorOf(request), request.params.id, request.query.limit),
  );
};
