// A database write that fails on the data itself — a value PostgreSQL cannot store (SQLSTATE class
// 22, e.g. a NUL character) or a broken constraint (class 23) — fails the same way on every retry.
// Such failures are made non-retryable, so the workflow sees them at once (workflows/projection.ts
// records them for operators and tries again later) instead of after every backoff. Connection
// errors and everything else keep Temporal's bounded retries.
import { ApplicationFailure } from '@temporalio/common';

/** ApplicationFailure type of a write refused for its data. */
export const BAD_DATA = 'BadData';

/** The SQLSTATE of a data or constraint error anywhere in `error`'s cause chain. */
export function badDataState(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return code;
  }
  return undefined;
}

function deepestMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e = (error as { cause?: unknown })?.cause; e instanceof Error; e = e.cause) message = e.message;
  return message;
}

/** The same activities, each turning a data or constraint error into a non-retryable failure. */
export function withPermanentFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (error) {
        const state = badDataState(error);
        if (!state) throw error;
        throw ApplicationFailure.create({
          type: BAD_DATA,
          message: `${name}: the database refused the data (SQLSTATE ${state}): ${deepestMessage(error)}`,
          // Not the error itself as cause: Drizzle's message repeats the query's parameters.
          nonRetryable: true,
        });
      }
    };
  }
  return wrapped as T;
}
