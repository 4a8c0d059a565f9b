// Database failures of activities, made fit for Temporal's history and for operators:
// - A write that fails on the data itself — a value PostgreSQL cannot store (SQLSTATE class 22, e.g.
//   a NUL character) or a broken constraint (class 23) — fails the same way on every retry, so it is
//   made non-retryable: the workflow sees it at once (workflows/projection.ts records it for
//   operators and tries again later) instead of after every backoff.
// - Every other failed query keeps Temporal's bounded retries, but travels as the driver's own
//   message: Drizzle's message repeats the query and its parameters (notes, names, phone numbers),
//   which must not be copied into workflow histories and memos.
import { ApplicationFailure } from '@temporalio/common';
import { DrizzleQueryError } from 'drizzle-orm';
import { causes } from '../domain/causes';

/** ApplicationFailure type of a write refused for its data. */
export const BAD_DATA = 'BadData';
/** ApplicationFailure type of any other failed query (retried). */
export const DATABASE_ERROR = 'DatabaseError';

/** The SQLSTATE of a data or constraint error anywhere in `error`'s cause chain. */
export function badDataState(error: unknown): string | undefined {
  for (const e of causes(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return code;
  }
  return undefined;
}

/** The message of the deepest cause (the driver's, e.g. `connect ECONNREFUSED …`). */
function driverMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (const e of causes(error)) if (e instanceof Error && !(e instanceof DrizzleQueryError)) message = e.message;
  return message;
}

/** The same activities, each turning database errors into failures as described above. */
export function withPermanentFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  activities: T,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (error) {
        const state = badDataState(error);
        if (state) {
          throw ApplicationFailure.create({
            type: BAD_DATA,
            message: `${name}: the database refused the data (SQLSTATE ${state}): ${driverMessage(error)}`,
            nonRetryable: true,
          });
        }
        if ([...causes(error)].some((e) => e instanceof DrizzleQueryError)) {
          throw ApplicationFailure.create({ type: DATABASE_ERROR, message: `${name}: ${driverMessage(error)}` });
        }
        throw error;
      }
    };
  }
  return wrapped as T;
}
