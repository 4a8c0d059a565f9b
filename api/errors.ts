// The API's one error shape: { "error": { "code", "message", "details"? } }. Never a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorDetail {
  field?: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const unauthorized = (message = 'A valid bearer token is required') =>
  new ApiError(401, 'unauthorized', message);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string, details?: ErrorDetail[]) => new ApiError(409, 'conflict', message, details);
export const unprocessable = (message: string, details?: ErrorDetail[]) =>
  new ApiError(422, 'unprocessable', message, details);

const codeByStatus: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  503: 'unavailable',
};

interface AjvLikeError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function validationDetails(context: string | undefined, errors: AjvLikeError[]): ErrorDetail[] {
  return errors.map((e) => {
    const pointer = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    let field = pointer;
    let reason = e.message ?? e.keyword;
    if (e.keyword === 'additionalProperties') {
      const extra = String(e.params.additionalProperty);
      field = pointer ? `${pointer}.${extra}` : extra;
      reason = 'is not a known field';
    } else if (e.keyword === 'required') {
      const missing = String(e.params.missingProperty);
      field = pointer ? `${pointer}.${missing}` : missing;
      reason = 'is required';
    }
    const prefix = context && context !== 'body' ? `${context}.` : '';
    return { field: field ? `${prefix}${field}` : context ?? '', reason };
  });
}

/** At most this many details go into an error body; the rest are counted in one last detail. */
export const MAX_ERROR_DETAILS = 20;

/** Caps the details so that no request, however wrong, makes a large answer. */
function capped(details: ErrorDetail[]): ErrorDetail[] {
  if (details.length <= MAX_ERROR_DETAILS) return details;
  const more = details.length - MAX_ERROR_DETAILS;
  return [...details.slice(0, MAX_ERROR_DETAILS), { reason: `and ${more} more problem${more === 1 ? '' : 's'}` }];
}

export function errorBody(code: string, message: string, details?: ErrorDetail[]) {
  return { error: details && details.length > 0 ? { code, message, details: capped(details) } : { code, message } };
}

/**
 * `translate` turns errors that are not the client's fault nor a bug — an outage (api/outages.ts) —
 * into their ApiError; an ApiError with `retryAfterSeconds` gets a Retry-After header.
 */
export function registerErrorHandling(app: FastifyInstance, translate?: (error: unknown) => ApiError | undefined): void {
  app.setErrorHandler((thrown: FastifyError | ApiError, request, reply) => {
    const error = thrown instanceof ApiError ? thrown : translate?.(thrown) ?? thrown;
    if (error instanceof ApiError) {
      if (error.statusCode === 401) reply.header('www-authenticate', 'Bearer');
      const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      if (error.statusCode >= 500) request.log.warn({ err: thrown }, error.message);
      return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const details = validationDetails(fastifyError.validationContext, fastifyError.validation as AjvLikeError[]);
      const first = details[0];
      const message = first ? `${first.field || 'request'} ${first.reason}` : 'Invalid request';
      return reply.status(400).send(errorBody('invalid_request', message, details));
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
          ? 'malformed_body'
          : codeByStatus[status] ?? 'invalid_request';
      return reply.status(status).send(errorBody(code, fastifyError.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('internal_error', 'Internal server error'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
}

/** Fastify's `frameworkErrors`: what the router refuses before any route (a malformed URL, 400; a path parameter too long, 414). */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  void reply.status(status).send(errorBody(codeByStatus[status] ?? 'invalid_request', error.message));
}

/** Response schema of every error, for the OpenAPI document. */
export const errorResponseSchema = {
  $id: 'ErrorResponse',
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['reason'],
            properties: { field: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;
