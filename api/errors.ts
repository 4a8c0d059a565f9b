// The API's one error shape: { "error": { "code", "message", "details"? } }. Never a stack trace.
// Its words are in the language the request's Accept-Language asks for (zh-CN or en, English by
// default; domain/messages.ts): a message or detail built from the catalog (a `Said`, a detail
// with `code`) is written in that language here, at the edge, and a detail carries its `code`.
import { alsoChecked, schemaReasons } from './validation';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Lang } from '../domain/languages';
import { isMessageCode, languageOf, render, renderLoose, say, type Said } from '../domain/messages';

export interface ErrorDetail {
  field?: string;
  reason: string;
  /** The catalog's code of the reason (domain/messages.ts), with its parameters. */
  code?: string;
  params?: unknown;
}

/** What an ApiError says: English text (shown as is in every language), or a catalog message. */
export type Message = string | Said;

export class ApiError extends Error {
  /** The message from the catalog, when there is one (then `message` is its English). */
  readonly said?: Said;
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: Message,
    readonly details?: ErrorDetail[],
  ) {
    super(typeof message === 'string' ? message : render(message, 'en'));
    if (typeof message !== 'string') this.said = message;
    this.name = 'ApiError';
  }
}

export const unauthorized = (message: Message = say('sign_in_required')) => new ApiError(401, 'unauthorized', message);
export const forbidden = (message: Message) => new ApiError(403, 'forbidden', message);
export const notFound = (message: Message) => new ApiError(404, 'not_found', message);
export const conflict = (message: Message, details?: ErrorDetail[]) => new ApiError(409, 'conflict', message, details);
export const unprocessable = (message: Message, details?: ErrorDetail[]) =>
  new ApiError(422, 'unprocessable', message, details);

/** The language a request asks for (Accept-Language), among those the API speaks. */
export const requestLang = (request: FastifyRequest): Lang => languageOf(request.headers['accept-language']);

/**
 * An error's message in `lang`: its catalog message; else, in a language other than English, what
 * its code means (an English-only text never reaches a reader of another language); else its text.
 */
export function messageIn(lang: Lang, code: string, message: string, said?: Said): string {
  if (said) return render(said, lang);
  const generic = `error_${code}`;
  if (lang !== 'en' && isMessageCode(generic)) return render({ code: generic }, lang);
  return message;
}

/** One detail as answered: its reason in `lang` when it has a catalog code; the code kept, the parameters not. */
export function detailIn(lang: Lang, detail: ErrorDetail): ErrorDetail {
  const { field, reason, code, params } = detail;
  const known = code !== undefined && isMessageCode(code);
  const text = known ? renderLoose({ code, params }, lang) : reason;
  return { ...(field !== undefined ? { field } : {}), reason: text, ...(known ? { code } : {}) };
}

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

/** Schema errors as details in words a person understands (api/validation.ts schemaReasons), every language by code. */
function validationDetails(context: string | undefined, errors: AjvLikeError[]): ErrorDetail[] {
  return schemaReasons(errors).map(({ pointer, said }) => {
    const field = pointer.replace(/^\//, '').replace(/\//g, '.');
    const prefix = context && context !== 'body' ? `${context}.` : '';
    return {
      field: field ? `${prefix}${field}` : (context ?? ''),
      reason: render(said, 'en'),
      code: said.code,
      params: said.params,
    };
  });
}

/** At most this many details go into an error body; the rest are counted in one last detail. */
export const MAX_ERROR_DETAILS = 20;

/** Caps the details so that no request, however wrong, makes a large answer. */
function capped(details: ErrorDetail[]): ErrorDetail[] {
  if (details.length <= MAX_ERROR_DETAILS) return details;
  const more = say('and_more', { count: details.length - MAX_ERROR_DETAILS });
  return [...details.slice(0, MAX_ERROR_DETAILS), { reason: render(more, 'en'), code: more.code, params: more.params }];
}

/** The body of an error answer, in `lang` (English by default). */
export function errorBody(code: string, message: string, details?: ErrorDetail[], lang: Lang = 'en', said?: Said) {
  const text = messageIn(lang, code, message, said);
  return {
    error:
      details && details.length > 0
        ? { code, message: text, details: capped(details).map((d) => detailIn(lang, d)) }
        : { code, message: text },
  };
}

/** The first detail as the error's message ("amount must be greater than zero"), in the catalog when it can be. */
export function firstProblemMessage(details: ErrorDetail[], fallback: Message): Message {
  const first = details[0];
  if (!first) return fallback;
  if (first.code === undefined || !isMessageCode(first.code)) return `${first.field || 'request'} ${first.reason}`;
  return say('field_problem', { field: first.field ?? '', reason: { code: first.code, params: first.params } });
}

/**
 * `translate` turns errors that are not the client's fault nor a bug — an outage (api/outages.ts) —
 * into their ApiError; an ApiError with `retryAfterSeconds` gets a Retry-After header.
 */
export function registerErrorHandling(
  app: FastifyInstance,
  translate?: (error: unknown) => ApiError | undefined,
): void {
  app.setErrorHandler(async (thrown: FastifyError | ApiError, request, reply) => {
    const lang = requestLang(request);
    reply.header('content-language', lang);
    const error = thrown instanceof ApiError ? thrown : (translate?.(thrown) ?? thrown);
    if (error instanceof ApiError) {
      if (error.statusCode === 401) reply.header('www-authenticate', 'Bearer');
      const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      if (error.statusCode >= 500) request.log.warn({ err: thrown }, error.message);
      const said = error.said ?? (lang === 'en' ? undefined : outageSaid(error));
      return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.details, lang, said));
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const details = validationDetails(fastifyError.validationContext, fastifyError.validation as AjvLikeError[]);
      // The form's business rules too, when the route has them and they can judge the body as sent:
      // a person fixes every problem in one round (api/validation.ts alsoChecked).
      // Not past a collection's limit: the rules would walk what the array-length guard refused to look at.
      const oversized = (fastifyError.validation as AjvLikeError[]).some(
        (e) => e.keyword === 'maxItems' || e.keyword === 'maxProperties',
      );
      if (fastifyError.validationContext === 'body' && !oversized)
        details.push(...(await alsoChecked(request, details)));
      const message = firstProblemMessage(details, say('invalid_request'));
      const said = typeof message === 'string' ? undefined : message;
      return reply
        .status(400)
        .send(
          errorBody(
            'invalid_request',
            typeof message === 'string' ? message : render(message, 'en'),
            details,
            lang,
            said,
          ),
        );
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const malformed = fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError;
      const code = malformed ? 'malformed_body' : (codeByStatus[status] ?? 'invalid_request');
      // A body past the route's limit (its own bodyLimit, else the server's) is answered with that limit.
      const tooLarge = status === 413 ? say('body_too_large', { limit: request.routeOptions.bodyLimit }) : undefined;
      const said = tooLarge ?? (malformed && lang !== 'en' ? say('malformed_body') : undefined);
      const message = tooLarge ? render(tooLarge, 'en') : fastifyError.message;
      return reply.status(status).send(errorBody(code, message, undefined, lang, said));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send(errorBody('internal_error', 'Internal server error', undefined, lang, say('internal_error')));
  });

  app.setNotFoundHandler((request, reply) => {
    const said = say('no_route', { method: request.method, path: request.url.split('?')[0] ?? '' });
    reply
      .status(404)
      .header('content-language', requestLang(request))
      .send(errorBody('not_found', render(said, 'en'), undefined, requestLang(request), said));
  });
}

/** A 503 without its own catalog message: what is down, in the reader's language (English keeps the precise text). */
function outageSaid(error: ApiError): Said | undefined {
  const down = (error as { down?: unknown }).down;
  if (down === 'temporal') return { code: 'unavailable_temporal' };
  if (down === 'worker') return { code: 'unavailable_worker' };
  if (down === 'database') return { code: 'unavailable_database' };
  return undefined;
}

/** Fastify's `frameworkErrors`: what the router refuses before any route (a malformed URL, 400; a path parameter too long, 414). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const lang = requestLang(request);
  void reply
    .status(status)
    .header('content-language', lang)
    .send(errorBody(codeByStatus[status] ?? 'invalid_request', error.message, undefined, lang));
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
        message: { type: 'string', description: "In the request's Accept-Language (en or zh-CN); English by default" },
        details: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['reason'],
            properties: {
              field: { type: 'string', description: 'The field at fault, as a dotted path (tranches.2.amount)' },
              reason: { type: 'string', description: "What is wrong, in the request's Accept-Language (en or zh-CN)" },
              code: {
                type: 'string',
                description: 'The stable code of the reason (the message catalog, domain/messages.ts)',
              },
            },
          },
        },
      },
    },
  },
} as const;
