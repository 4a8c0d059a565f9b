// What a workflow tells operators about projections it could not write, read by the API
// (api/services/operators.ts) from the workflow's memo. Side-effect free: the API imports it.

/** Memo key under which a workflow records its projection failure (absent while none fails). */
export const PROJECTION_FAILURE_MEMO = 'projectionFailure';

/** How long a workflow waits, on a durable timer, before trying a failed projection again. */
export const PROJECTION_RETRY_LATER_MS = 60 * 60 * 1000;

/** The memo value: the oldest projection still failing, and how many are. */
export interface ProjectionFailure {
  /** The activity, e.g. `projectContract`. */
  activity: string;
  /** The last failure's message (at most 500 characters). */
  message: string;
  /** When the oldest failing projection first exhausted its retries (ISO 8601). */
  since: string;
  /** Rounds of bounded retries so far (each round is up to PROJECTION's maximumAttempts). */
  rounds: number;
  /** When it will be tried again (ISO 8601). */
  nextTryAt: string;
  /** Projections of this workflow waiting to be written. */
  pending: number;
}
