// The audit event as an activity, for a workflow that records one outside a projection (the
// deployment probe, workflows/probe.ts); db/events.ts writes it, once per idempotency key.
import type { Database } from '../db/client';
import { appendEvent, type EventRecord } from '../db/events';

export function createEventActivities(deps: { db: Database }) {
  return {
    /** Returns true when this call recorded the event, false when it was already there. */
    async recordEvent(event: EventRecord): Promise<boolean> {
      return appendEvent(deps.db, event);
    },
  };
}
