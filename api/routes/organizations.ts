import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../errors';
import { actorOf, onlyRoles } from '../plugins/auth';
import {
  AdminListQuery,
  errors,
  IdSchema,
  MAX_ADMIN_PAGE,
  NextCursor,
  OrganizationKindSchema,
  Timestamp,
} from '../schemas';
import type { IdentityService } from '../services/identity';
import { say } from '../../domain/messages';

/** An organization, as every organization route answers it. */
export const OrganizationView = Type.Object(
  { id: Type.String(), name: Type.String(), kind: OrganizationKindSchema, createdAt: Timestamp },
  { additionalProperties: false },
);

export const organizationRoutes: FastifyPluginAsyncTypebox<{ identity: IdentityService }> = async (
  app,
  { identity },
) => {
  app.post(
    '/v1/organizations',
    {
      config: onlyRoles(['admin'], 'register organizations'),
      schema: {
        tags: ['identity'],
        summary: 'Register an organization (a party to contracts). Admin only.',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }), kind: OrganizationKindSchema },
          { additionalProperties: false },
        ),
        response: { 201: OrganizationView, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return reply.status(201).send(await identity.createOrganization(actor, request.body));
    },
  );

  app.get(
    '/v1/organizations',
    {
      schema: {
        tags: ['identity'],
        summary:
          "List organizations, oldest first; `limit` per page, the next with `cursor` (the previous page's `nextCursor`).",
        querystring: AdminListQuery,
        response: {
          200: Type.Object(
            { items: Type.Array(OrganizationView, { maxItems: MAX_ADMIN_PAGE }), nextCursor: NextCursor() },
            { additionalProperties: false },
          ),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      actorOf(request);
      return identity.listOrganizations(request.query);
    },
  );

  app.get(
    '/v1/organizations/:id',
    {
      schema: {
        tags: ['identity'],
        summary: 'One organization.',
        params: Type.Object({ id: IdSchema }),
        response: { 200: OrganizationView, ...errors(401, 404) },
      },
    },
    async (request) => {
      actorOf(request);
      const org = await identity.getOrganization(request.params.id);
      if (!org) throw notFound(say('organization_missing', { id: request.params.id }));
      return org;
    },
  );
};
