// The HTTP layer with nothing behind it: the app as production builds it (api/app.ts buildApp), on
// fake services, spoken to through app.inject() — no Temporal, no database, no port. For what the
// API decides before a service answers (the bearer token, a route's roles, schemas, the error shape
// in both languages, limits, the OpenAPI document) and for how a route turns a service's answer
// into HTTP. What a service decides (a party's own contract, a workflow's rules) stays with the
// integration tests, on the real services.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps, type AppServices } from '../../api/app';
import type { AuthenticatedActor } from '../../api/plugins/auth';
import type { CalendarService } from '../../api/services/calendar';
import type { IdentityService } from '../../api/services/identity';
import type { Database, DatabaseHandle } from '../../db/client';
import { ROLES, type Role } from '../../domain/organizations';
import type { Http } from './stack';

/**
 * A service with only the methods a test gives. Typed against the real service, so a renamed method
 * or a changed signature fails `npm run typecheck`; any other method throws when called, naming
 * itself, so a route that reaches a service the test did not expect answers 500 and the test fails.
 */
export function fake<T extends object>(name: string, methods: Partial<T> = {}): T {
  return new Proxy(methods, {
    get(target, property) {
      if (property in target) return target[property as keyof typeof target];
      // Not a thenable: `await fake(...)` must not call a method.
      if (property === 'then' || typeof property === 'symbol') return undefined;
      return () => {
        throw new Error(`${name}.${property} was called, but this test did not fake it`);
      };
    },
  }) as T;
}

/** The organization every fake user belongs to. */
export const FAKE_ORG = 'org_fake';

/** A token per role: its holder is a user of FAKE_ORG with that one role. */
export const tokenOf = (role: Role): string => `gf_fake_${role}`;

/** The actor behind a fake token (tokenOf), or undefined for any other token. */
export function fakeActor(token: string): AuthenticatedActor | undefined {
  const role = ROLES.find((r) => tokenOf(r) === token);
  return role ? { userId: `usr_${role}`, organizationId: FAKE_ORG, roles: [role], name: `A ${role}` } : undefined;
}

/** The services of AppServices, each a fake with no methods unless the test gives some; identity knows the fake tokens. */
export function fakeServices(given: Partial<AppServices> = {}): AppServices {
  const names: Array<keyof AppServices> = [
    'identity',
    'operators',
    'contracts',
    'idempotency',
    'inbox',
    'escalations',
    'webhooks',
    'submissions',
    'contacts',
    'materialRequests',
    'quotas',
    'calendar',
    'contractCalendars',
    'applications',
  ];
  const services = Object.fromEntries(names.map((name) => [name, given[name] ?? fake(name)])) as unknown as AppServices;
  services.identity =
    given.identity ?? fake<IdentityService>('identity', { actorForToken: async (token: string) => fakeActor(token) });
  // The calendar routes look for a missing official year once when the app starts: nothing missing.
  services.calendar =
    given.calendar ?? fake<CalendarService>('calendar', { announceMissingYear: async () => undefined });
  return services;
}

/** A database handle nothing may use: the app's background sweeps are timers that a test never waits for. */
function noDatabase(): DatabaseHandle {
  return {
    db: fake<Database>('database'),
    kind: 'postgres',
    migrate: async () => {},
    ping: async () => {},
    close: async () => {},
  };
}

/** Only what the app touches on every /v1 request: the per-request deadline around the handler. */
function noTemporal(): Client {
  return fake<Client>('temporal', { withDeadline: async <R>(_deadline: number | Date, fn: () => Promise<R>) => fn() });
}

/**
 * The app on `services` (fakes for the rest), rate limits off unless given, ready for inject().
 * Close it in afterAll.
 */
export async function buildFakeApp(
  options: { services?: Partial<AppServices> } & Partial<Pick<AppDeps, 'rateLimits' | 'bodyLimit' | 'webRoot'>> = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    database: noDatabase(),
    temporal: noTemporal(),
    taskQueue: 'fake',
    logLevel: 'silent',
    stuckScanIntervalMs: 0,
    rateLimits: options.rateLimits ?? { authFailuresPerMinute: 0, writesPerMinute: 0 },
    bodyLimit: options.bodyLimit,
    webRoot: options.webRoot,
    services: fakeServices(options.services),
  });
  await app.ready();
  return app;
}

/** Authorization header of a role's fake token. */
export const as = (role: Role): Record<string, string> => ({ authorization: `Bearer ${tokenOf(role)}` });

/**
 * The integration tests' `Http` (tests/helpers/stack.ts) through app.inject(): a test written for
 * the stack runs here unchanged, without a port.
 */
export function injector(app: FastifyInstance): Http {
  return async (method, url, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await app.inject({ method: method as 'GET', url, headers, payload });
    let body: unknown = res.body;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const answered = new Headers();
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) answered.set(name, String(value));
    return { status: res.statusCode, body: body as any, headers: answered };
  };
}
