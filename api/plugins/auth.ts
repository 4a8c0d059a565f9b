// Bearer-token authentication for the routes registered in the same scope, with its rate limits:
// failed authentications per client address (token guessing), and writes per token (a runaway
// script or a stolen token). Both answer 429 in the API's error shape, with Retry-After.
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, type Actor, type Role } from '../../domain/organizations';
import { ApiError, forbidden, unauthorized } from '../errors';
import type { IdentityService } from '../services/identity';

export type AuthenticatedActor = Actor & { name: string };

declare module 'fastify' {
  interface FastifyRequest {
    actor: AuthenticatedActor | null;
  }
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
        new ApiError(429, 'too_many_requests', `Too many requests; retry in ${context.after}`),
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
        throw match ? unauthorized('The bearer token is not valid') : unauthorized();
      }
      request.actor = actor;
      if (WRITES.has(request.method)) await writes?.(request, reply);
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
