import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../errors';
import { actorOf, onlyRoles } from '../plugins/auth';
import { errors, IdSchema, NullableString, RoleSchema, Timestamp } from '../schemas';
import type { IdentityService } from '../services/identity';

const userFields = {
  id: Type.String(),
  name: Type.String(),
  organizationId: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(RoleSchema),
  email: NullableString(),
  createdAt: Timestamp,
};
const User = Type.Object(userFields, { additionalProperties: false });
const UserWithToken = Type.Object(
  { ...userFields, token: Type.String({ description: 'Bearer token; shown only in this response.' }) },
  { additionalProperties: false },
);

export const userRoutes: FastifyPluginAsyncTypebox<{ identity: IdentityService }> = async (app, { identity }) => {
  app.post(
    '/v1/users',
    {
      config: onlyRoles(['admin'], 'create users'),
      schema: {
        tags: ['identity'],
        summary: 'Create a user of an organization. Admin only. The response carries the token once.',
        description:
          'Each role only in an organization of a kind that may hold it (README, Organizations and roles); any other is refused with 422 naming the role (`roles.<i>`) and the rule. Only admin may belong to no organization.',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            organizationId: Type.Optional(IdSchema),
            roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 9 }),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 254, description: 'Receives e-mail notifications when SMTP is configured' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserWithToken, ...errors(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return reply.status(201).send(await identity.createUser(actor, request.body));
    },
  );

  app.get(
    '/v1/users',
    {
      config: onlyRoles(['admin'], 'list users'),
      schema: {
        tags: ['identity'],
        summary: 'List users. Admin only.',
        response: { 200: Type.Object({ items: Type.Array(User) }, { additionalProperties: false }), ...errors(401, 403) },
      },
    },
    async () => ({ items: await identity.listUsers() }),
  );

  app.post(
    '/v1/users/:id/token',
    {
      config: onlyRoles(['admin'], "replace users' tokens"),
      schema: {
        tags: ['identity'],
        summary: "Replace a user's token (the old one stops working). Admin only.",
        params: Type.Object({ id: IdSchema }),
        response: { 201: UserWithToken, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const user = await identity.rotateToken(actor, request.params.id);
      if (!user) throw notFound(`User ${request.params.id} does not exist`);
      return reply.status(201).send(user);
    },
  );

  app.get(
    '/v1/me',
    {
      schema: {
        tags: ['identity'],
        summary: 'The calling user, with their organization.',
        response: {
          200: Type.Object(
            {
              id: Type.String(),
              name: Type.String(),
              roles: Type.Array(RoleSchema),
              organization: Type.Union([
                Type.Object(
                  { id: Type.String(), name: Type.String(), kind: Type.String() },
                  { additionalProperties: false },
                ),
                Type.Null(),
              ]),
            },
            { additionalProperties: false },
          ),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const org = actor.organizationId ? await identity.getOrganization(actor.organizationId) : undefined;
      return {
        id: actor.userId,
        name: actor.name,
        roles: [...actor.roles],
        organization: org ? { id: org.id, name: org.name, kind: org.kind } : null,
      };
    },
  );
};
