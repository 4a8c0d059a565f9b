// Every read-model projection of every workflow goes through here, so none is retried silently
// forever: an activity call is retried a bounded number of times (PROJECTION's retry policy); when
// those are exhausted the workflow records the failure in its memo (`projectionFailure`, shown to
// operators by GET /v1/admin/stuck-workflows, /readyz and the administrator's inbox), keeps running
// — its other handlers and timers go on — and tries the same call again every hour on a durable
// timer until it is written. The caller keeps awaiting it, so projections stay in order and nothing
// a projection carries (new ledger entries, events, notices) is ever skipped.
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  upsertMemo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { PROJECTION, PROJECTION_LOCAL } from './activity-options';
import { projectLocally } from './projection-mode';
import { PROJECTION_FAILURE_MEMO, PROJECTION_RETRY_LATER_MS, type ProjectionFailure } from './projection-messages';

const MAX_MESSAGE_LENGTH = 500;

// Module state is per workflow execution (the SDK gives each workflow its own module instances).
const failing = new Map<number, ProjectionFailure>();
let calls = 0;

function publish(): void {
  const oldest = [...failing.values()].sort((a, b) => a.since.localeCompare(b.since))[0];
  upsertMemo({ [PROJECTION_FAILURE_MEMO]: oldest ? { ...oldest, pending: failing.size } : null });
}

function failureMessage(error: ActivityFailure | ApplicationFailure): string {
  const message = (error instanceof ActivityFailure ? error.cause?.message : undefined) ?? error.message;
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
}

/** Runs `call` until it succeeds: bounded retries by Temporal, then a retry every hour, recorded while failing. */
export async function projectReliably<R>(activity: string, call: () => Promise<R>): Promise<R> {
  let id: number | undefined;
  for (let round = 1; ; round += 1) {
    try {
      const result = await call();
      if (id !== undefined) {
        failing.delete(id);
        publish();
        log.info('projection written after failing', { activity, rounds: round - 1 });
      }
      return result;
    } catch (error) {
      // A local activity's last failure can arrive as the activity's own ApplicationFailure,
      // unwrapped (seen after its retries waited on timers; tests/workflows/projection.test.ts).
      if (!(error instanceof ActivityFailure || error instanceof ApplicationFailure) || isCancellation(error))
        throw error;
      const now = new Date();
      id ??= ++calls;
      failing.set(id, {
        activity,
        message: failureMessage(error),
        since: failing.get(id)?.since ?? now.toISOString(),
        rounds: round,
        nextTryAt: new Date(now.getTime() + PROJECTION_RETRY_LATER_MS).toISOString(),
        pending: 0,
      });
      publish();
      log.error('projection failed after its retries; trying again later', {
        activity,
        round,
        error: failureMessage(error),
      });
      await sleep(PROJECTION_RETRY_LATER_MS);
    }
  }
}

type ActivityFunctions = ReturnType<typeof proxyActivities<Activities>>;

const proxied = proxyActivities<Activities>(PROJECTION);
const local = proxyLocalActivities<Activities>(PROJECTION_LOCAL);

/**
 * The projection activities (and the other short database writes workflows make with PROJECTION's
 * options), each call going through projectReliably. Use instead of `proxyActivities(PROJECTION)`.
 * Each call runs as a regular activity (projectLocally is off: see workflows/projection-mode.ts).
 */
export const projections: ActivityFunctions = new Proxy(proxied, {
  get(target, name) {
    const fn = Reflect.get(target, name) as (...args: unknown[]) => Promise<unknown>;
    if (typeof name !== 'string' || typeof fn !== 'function') return fn;
    return (...args: unknown[]) => {
      // Decided once per call, at the call: a retry round after an hour keeps the same kind.
      const call = projectLocally() ? (Reflect.get(local, name) as typeof fn) : fn;
      return projectReliably(name, () => call(...args));
    };
  },
});
