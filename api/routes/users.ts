import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError, notFound } from '../errors';
import { actorOf, onlyRoles } from '../plugins/auth';
import {
  AdminListQuery,
  errors,
  IdSchema,
  MAX_ADMIN_PAGE,
  MAX_ID_LENGTH,
  NextCursor,
  NullableString,
  OrganizationKindSchema,
  RoleSchema,
  Timestamp,
} from '../schemas';

/** Ids one GET /v1/users/names may ask for. */
const MAX_NAME_LOOKUPS = 100;
import type { IdentityService } from '../services/identity';
import { say } from '../../domain/messages';
import { problem } from '../../domain/problems';

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

/** GET /v1/me: the calling user, with their organization. */
export const MeView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    roles: Type.Array(RoleSchema),
    organization: Type.Union([
      Type.Object(
        { id: Type.String(), name: Type.String(), kind: OrganizationKindSchema },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
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
            email: Type.Optional(
              Type.String({
                format: 'email',
                maxLength: 254,
                description: 'Receives e-mail notifications when SMTP is configured',
              }),
            ),
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
        summary:
          "List users, oldest first; `limit` per page, the next with `cursor` (the previous page's `nextCursor`). Admin only.",
        querystring: AdminListQuery,
        response: {
          200: Type.Object(
            { items: Type.Array(User, { maxItems: MAX_ADMIN_PAGE }), nextCursor: NextCursor() },
            { additionalProperties: false },
          ),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => identity.listUsers(request.query),
  );

  app.get(
    '/v1/users/names',
    {
      schema: {
        tags: ['identity'],
        summary:
          "Users' names by id, for showing people by name where a read gives their ids (recordedBy, submittedBy, decidedBy, acknowledgedBy). Any signed-in user; unknown ids are left out.",
        querystring: Type.Object(
          {
            ids: Type.String({
              minLength: 1,
              maxLength: MAX_NAME_LOOKUPS * (MAX_ID_LENGTH + 1),
              pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*(,[A-Za-z0-9][A-Za-z0-9_.:-]*)*$',
              description: `Comma-separated user ids, at most ${MAX_NAME_LOOKUPS}`,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              items: Type.Array(
                Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
                { maxItems: MAX_NAME_LOOKUPS },
              ),
            },
            { additionalProperties: false },
          ),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      actorOf(request);
      const ids = [...new Set(request.query.ids.split(','))];
      if (ids.length > MAX_NAME_LOOKUPS) {
        throw new ApiError(400, 'invalid_request', say('at_most_ids', { limit: MAX_NAME_LOOKUPS }), [
          problem('querystring.ids', 'at_most_ids_field', { limit: MAX_NAME_LOOKUPS }),
        ]);
      }
      return { items: await identity.userNames(ids) };
    },
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
      if (!user) throw notFound(say('not_found', { what: 'user', id: request.params.id }));
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
          200: MeView,
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
