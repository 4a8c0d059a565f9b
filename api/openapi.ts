// The error statuses every route can give whatever its handler does, added to each documented
// route's responses so that the OpenAPI document lists every status the API answers with.
import type { RouteOptions } from 'fastify';
import { ErrorRef } from './schemas';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The statuses a route can answer before or besides its handler, by what the route is. */
export function commonErrorStatuses(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): number[] {
  const methods = [route.method].flat();
  const statuses = [400]; // bad text in the query or path, a malformed URL: any route
  if (route.url.includes(':')) statuses.push(414); // a path parameter past the router's maximum length
  if (route.url.startsWith('/v1/')) statuses.push(401, 429, 503); // the bearer token, the rate limits, an outage (api/outages)
  if ((route.config as { access?: unknown } | undefined)?.access) statuses.push(403); // its static roles
  if (methods.some((m) => WITH_BODY.has(m))) statuses.push(413, 415); // body too large, not JSON
  return statuses;
}

/** onRoute hook: documents the common statuses on every route that documents its responses. */
export function documentCommonErrors(route: RouteOptions): void {
  const schema = route.schema as { hide?: boolean; response?: Record<string | number, unknown> } | undefined;
  if (!schema?.response || schema.hide) return;
  for (const status of commonErrorStatuses(route)) {
    if (schema.response[status] === undefined && schema.response[String(status)] === undefined)
      schema.response[status] = ErrorRef;
  }
}
