// Bearer-token authentication for the routes registered in the same scope, with its rate limits:
// failed authentications per client address (token guessing), and writes per token (a runaway
// script or a stolen token). Both answer 429 in the API's error shape, with Retry-After.
// Then each route's static role requirement (`config: onlyRoles(...)`), checked before the body is
// parsed or validated: a caller who may not act at all never makes the API read what they sent.
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, type Actor, type Role } from '../../domain/organizations';
import { ApiError, forbidden, unauthorized } from '../errors';
import type { IdentityService } from '../services/identity';
import { say } from '../../domain/messages';

export type AuthenticatedActor = Actor & { name: string };

/** The roles that may call a route at all, whatever resource it names, and the action, for the 403. */
export interface RouteAccess {
  roles: readonly Role[];
  action: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: AuthenticatedActor | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/**
 * Route config: only holders of one of `roles` may call the route (403 naming `action` otherwise),
 * checked right after authentication, before the body is read. Checks that depend on the resource
 * (the payer's finance officer, the village asked) stay in the services.
 */
export function onlyRoles(roles: readonly Role[], action: string): { access: RouteAccess } {
  return { access: { roles, action } };
}

/** The 403 for a caller without any of the route's roles. */
export function roleRefusal(access: RouteAccess) {
  return forbidden(say('only_roles_may', { roles: access.roles, action: access.action }));
}

/** Requests allowed per minute; 0 turns a limit off. */
export interface RateLimits {
  /** Failed authentications per client address. */
  authFailuresPerMinute: number;
  /** Writes (POST, PUT, PATCH, DELETE) per token. */
  writesPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { authFailuresPerMinute: 30, writesPerMinute: 300 };

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Limiter = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export const authPlugin = fp(
  async (app, opts: { identity: IdentityService; rateLimits?: RateLimits }) => {
    const limits = opts.rateLimits ?? DEFAULT_RATE_LIMITS;
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'too_many_requests', say('too_many_attempts', { after: context.after })),
    });
    const limiter = (max: number, key: (request: FastifyRequest) => string): Limiter | undefined =>
      max > 0 ? (app.rateLimit({ max, timeWindow: 60_000, keyGenerator: key }) as Limiter) : undefined;
    // A request meets at most one of the two: it either fails to authenticate or writes as someone.
    const failedAuthentication = limiter(limits.authFailuresPerMinute, (request) => `auth:${request.ip}`);
    const writes = limiter(limits.writesPerMinute, (request) => `writes:${request.actor?.userId}`);

    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request, reply) => {
      if (request.is404) return;
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      const actor = match ? await opts.identity.actorForToken(match[1]!) : undefined;
      if (!actor) {
        await failedAuthentication?.(request, reply);
        throw match ? unauthorized(say('token_not_valid')) : unauthorized();
      }
      request.actor = actor;
      if (WRITES.has(request.method)) await writes?.(request, reply);
      const access = request.routeOptions.config.access;
      if (access && !hasRole(actor, ...access.roles)) throw roleRefusal(access);
    });
  },
  { name: 'grantflow-auth' },
);

/** The authenticated caller; routes behind the auth hook always have one. */
export function actorOf(request: FastifyRequest): AuthenticatedActor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}
