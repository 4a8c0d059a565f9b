// How the API's gRPC calls to Temporal are retried. As the SDK does by default, except an Update
// refused because its workflow already has as many Updates as it admits (RESOURCE_EXHAUSTED, e.g.
// another API process filled them): the SDK would retry it for up to ~35 s with backoff, past the
// request's deadline, so the client would get a 503 after 20 s. Here it is tried a few more times
// within about a second, then answered 429 with Retry-After (api/services/temporal-errors.ts).
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];
type Status = Parameters<ReturnType<typeof defaultGrpcRetryOptions>['retryableDecider']>[1];

const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_FAILED_PRECONDITION = 9;
/** Attempts of an Update its workflow refused for its Updates in flight (so 3 more, waiting ~0.2, 0.4, 0.8 s). */
export const UPDATE_EXHAUSTED_ATTEMPTS = 4;
const UPDATE_EXHAUSTED_FIRST_WAIT_MS = 200;

/**
 * Temporal's answer to an Update its workflow has no room for: RESOURCE_EXHAUSTED "limit on number
 * of concurrent in-flight updates has been reached (10)" (or on their payload size), or
 * FAILED_PRECONDITION "limit on number of total updates has been reached" (a run near its 2,000
 * Updates, which continues as new). `onlyRetryable`: only the first kind, worth trying again at once.
 */
export function isUpdateLimitStatus(code: unknown, details: unknown, onlyRetryable = false): boolean {
  if (typeof details !== 'string') return false;
  if (code === GRPC_RESOURCE_EXHAUSTED) return /in-flight updates/i.test(details);
  return !onlyRetryable && code === GRPC_FAILED_PRECONDITION && /total updates/i.test(details);
}

function updateRetryInterceptor(): Interceptor {
  const standard = defaultGrpcRetryOptions();
  return makeGrpcRetryInterceptor({
    retryableDecider: (attempt: number, status: Status) =>
      isUpdateLimitStatus(status.code, status.details, true)
        ? attempt < UPDATE_EXHAUSTED_ATTEMPTS
        : standard.retryableDecider(attempt, status),
    delayFunction: (attempt: number, status: Status) =>
      isUpdateLimitStatus(status.code, status.details, true)
        ? UPDATE_EXHAUSTED_FIRST_WAIT_MS * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4)
        : standard.delayFunction(attempt, status),
  });
}

/** Connection options of the API's Temporal client: spread into `Connection.connect({ address, ... })`. */
export function apiConnectionOptions(): Pick<ConnectionOptions, 'interceptors'> {
  const standard = makeGrpcRetryInterceptor(defaultGrpcRetryOptions());
  const updates = updateRetryInterceptor();
  const interceptor: Interceptor = (options, nextCall) =>
    (/\/UpdateWorkflowExecution$/.test(options.method_definition.path) ? updates : standard)(options, nextCall);
  return { interceptors: [interceptor] };
}
