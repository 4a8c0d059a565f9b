// The routes of the API as the tests of tests/api see them: every /v1 operation of the OpenAPI
// document, and which roles may call each at all.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../domain/organizations';

/**
 * The routes only some roles may call at all, as each route's summary states; every other /v1 route
 * is open to any signed-in user and its service judges the resource.
 */
export const ROUTE_ROLES: Readonly<Record<string, readonly Role[]>> = {
  'POST /v1/organizations': ['admin'],
  'POST /v1/users': ['admin'],
  'GET /v1/users': ['admin'],
  'POST /v1/users/{id}/token': ['admin'],
  'GET /v1/admin/stuck-workflows': ['admin'],
  'POST /v1/organizations/{id}/webhooks': ['admin'],
  'GET /v1/organizations/{id}/webhooks': ['admin'],
  'PUT /v1/calendar/years/{year}': ['admin'],
  'POST /v1/organizations/{id}/contacts': ['village_liaison', 'admin'],
  'POST /v1/contracts': ['agency_officer'],
  'POST /v1/contracts/{id}/schedule': ['agency_officer'],
  'POST /v1/contracts/{id}/termination': ['agency_officer'],
  'POST /v1/contracts/{id}/calendar': ['agency_officer'],
  'POST /v1/payment-applications/{aid}/decision': ['agency_officer'],
  'POST /v1/contracts/{id}/payments': ['finance_officer'],
  'POST /v1/contracts/{id}/payments/{reference}/reversal': ['finance_officer'],
  'POST /v1/submissions/{sid}/decision': ['evaluator'],
  'POST /v1/contracts/{id}/payment-applications': ['contractor_staff'],
  'POST /v1/contracts/{id}/milestones/{mid}/submissions': ['contractor_staff', 'station_staff'],
  'POST /v1/contracts/{id}/material-requests': ['contractor_staff', 'station_staff'],
  'POST /v1/material-requests/{rid}/deliveries/{did}/decision': ['contractor_staff', 'station_staff'],
  'POST /v1/material-requests/{rid}/cancellation': ['contractor_staff', 'station_staff'],
  'POST /v1/contracts/{id}/progress': ['contractor_staff', 'station_staff'],
  'POST /v1/material-requests/{rid}/deliveries': ['village_liaison'],
};

export type Method = 'GET' | 'POST' | 'PUT';

export interface Operation {
  /** "POST /v1/contracts/{id}/payments", as the OpenAPI document names it. */
  name: string;
  /** "POST /v1/contracts/:id/payments", as the route declares it (api/examples.ts keys). */
  route: string;
  method: Method;
  /** A URL of the route, each path parameter "1". */
  url: string;
  /** Honours an Idempotency-Key header. */
  idempotent: boolean;
}

/** Every /v1 operation of the app's OpenAPI document. */
export function operations(app: FastifyInstance): Operation[] {
  const doc = app.swagger() as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
  };
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([m, operation]) => {
        const method = m.toUpperCase() as Method;
        return {
          name: `${method} ${path}`,
          route: `${method} ${path.replace(/\{([^}]+)\}/g, ':$1')}`,
          method,
          url: path.replace(/\{[^}]+\}/g, '1'),
          idempotent: (operation.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key'),
        };
      }),
    );
}
