// How workflows call their activities, defined once.
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * Read-model projections: one short transaction; a worker that dies mid-write is retried soon.
 * Bounded: 10 attempts over about 8.5 minutes (1 s doubling); after that workflows/projection.ts
 * records the failure for operators and tries again hourly. Workflows call these through
 * `projections` from ./projection, never with proxyActivities(PROJECTION) directly.
 */
export const PROJECTION: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
};

/**
 * The same projections as local activities (workflows/projection-mode.ts): run by the worker that
 * holds the workflow task, so a change costs no activity task round trip through Temporal. The same
 * bounded retries; the worker heartbeats the workflow task while one runs.
 */
export const PROJECTION_LOCAL: LocalActivityOptions = {
  startToCloseTimeout: PROJECTION.startToCloseTimeout,
  retry: PROJECTION.retry,
  // Retries within 10 s (1 + 2 + 4 s of backoff) run in the worker, holding the workflow task;
  // later ones wait on durable timers, so a database outage of minutes holds no worker slot.
  localRetryThreshold: '10 seconds',
};

/** Webhooks and e-mail: retried with backoff for about half a day (a receiver may be down for hours). */
export const DELIVERY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 30 },
};
