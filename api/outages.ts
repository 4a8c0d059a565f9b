// What an outage looks like to a client: 503 `unavailable` in the one error shape with a
// Retry-After header, naming what is down — never a 500, never a request hanging until the
// socket's timeout. The one place that tells an outage (Temporal or a worker not answering,
// the database gone) from a bug; the app's error handler and api/services/temporal-errors use it.
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { causes } from '../domain/causes';
import { ApiError, type Message } from './errors';

/** Seconds a client is told to wait before trying again (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 10;

export type OutageKind = 'temporal' | 'worker' | 'database';

/** A 503: something the request needs is down; `retryAfterSeconds` becomes the Retry-After header. */
export class ServiceUnavailableError extends ApiError {
  constructor(
    readonly down: OutageKind,
    message: Message,
    readonly retryAfterSeconds = RETRY_AFTER_SECONDS,
  ) {
    super(503, 'unavailable', message);
  }
}

// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html) that mean Temporal,
// or the worker behind it, did not answer: not the request's fault, worth retrying later.
const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNAVAILABLE = 14;
const TEMPORAL_DOWN = new Set([GRPC_CANCELLED, GRPC_DEADLINE_EXCEEDED, GRPC_RESOURCE_EXHAUSTED, GRPC_UNAVAILABLE]);

/** Node and postgres.js codes of a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is not there for us: class 08 (connection exception),
 * shutting down or starting (57P01–57P03), too many connections (53300), a database dropped
 * (3D000). 55000 only with its "not currently accepting connections" message (checked below).
 */
function isUnavailableSqlState(code: string, message: string): boolean {
  return (
    code.startsWith('08') ||
    ['57P01', '57P02', '57P03', '53300', '3D000'].includes(code) ||
    (code === '55000' && /not currently accepting connections/i.test(message))
  );
}

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  // @grpc/grpc-js errors carry a numeric code and `details`; postgres.js codes are strings.
  return typeof code === 'number' && 'details' in (error as object) ? code : undefined;
}

/**
 * The outage `error` reveals, or undefined when it is anything else (a bug stays a 500, a refusal
 * keeps its 4xx). Looks through `cause` chains: Drizzle wraps the driver's error, the Temporal
 * client wraps gRPC's.
 *
 * Temporal: the request's deadline passed or the call was cancelled
 * (WorkflowUpdateRPCTimeoutOrCancelledError, DEADLINE_EXCEEDED, CANCELLED), Temporal is unreachable
 * (UNAVAILABLE) or refuses more work (RESOURCE_EXHAUSTED — e.g. too many Updates in flight while no
 * worker runs), or an Update was aborted because its workflow task could not run.
 * Database: refused, reset or lost connections (postgres.js), the SQLSTATEs above, PGlite closed.
 */
export function outageOf(error: unknown): ServiceUnavailableError | undefined {
  if (error instanceof ServiceUnavailableError) return error;
  // An error Fastify already judged the client's (an aborted upload is ECONNRESET with status 400)
  // is not an outage of ours.
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return undefined;
  for (const e of causes(error)) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return temporalOutage();
    const grpc = grpcCode(e);
    if (grpc !== undefined && TEMPORAL_DOWN.has(grpc)) return temporalOutage();
    const message = e instanceof Error ? e.message : '';
    if ((e instanceof ServiceError || grpc !== undefined) && /update was aborted|deadline exceeded/i.test(message)) {
      return temporalOutage();
    }
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || isUnavailableSqlState(code, message)))
      return databaseOutage();
    if (/PGlite is closed/i.test(message)) return databaseOutage();
  }
  return undefined;
}

export function temporalOutage(seconds?: number): ServiceUnavailableError {
  const within = seconds !== undefined ? ` within ${seconds} s` : '';
  return new ServiceUnavailableError(
    'temporal',
    `The workflow service did not answer${within} (Temporal or its worker is down or overloaded); try again later`,
  );
}

export function workerOutage(taskQueue: string): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'worker',
    `No worker is polling the task queue ${taskQueue}, so the workflow cannot answer; try again later`,
  );
}

export function databaseOutage(): ServiceUnavailableError {
  return new ServiceUnavailableError('database', 'The database is unavailable; try again later');
}
