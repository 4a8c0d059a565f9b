// Bearer-token authentication for the routes registered in the same scope.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { hasRole, type Actor, type Role } from '../../domain/organizations';
import { forbidden, unauthorized } from '../errors';
import type { IdentityService } from '../services/identity';

export type AuthenticatedActor = Actor & { name: string };

declare module 'fastify' {
  interface FastifyRequest {
    actor: AuthenticatedActor | null;
  }
}

export const authPlugin = fp(
  async (app, opts: { identity: IdentityService }) => {
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request) => {
      if (request.is404) return;
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match) throw unauthorized();
      const actor = await opts.identity.actorForToken(match[1]!);
      if (!actor) throw unauthorized('The bearer token is not valid');
      request.actor = actor;
    });
  },
  { name: 'grantflow-auth' },
);

/** The authenticated caller; routes behind the auth hook always have one. */
export function actorOf(request: FastifyRequest): AuthenticatedActor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

/** The caller, who must hold one of `roles`, else 403 naming the action. */
export function requireRole(request: FastifyRequest, roles: Role[], action: string): AuthenticatedActor {
  const actor = actorOf(request);
  if (!hasRole(actor, ...roles)) {
    throw forbidden(`Only ${roles.join(' or ')} may ${action}`);
  }
  return actor;
}
