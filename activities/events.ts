// Audit events: appended once per idempotency key, whatever the number of retries or replays.
import type { Database } from '../db/client';
import { events } from '../db/schema';

export interface EventRecord {
  idempotencyKey: string;
  kind: string;
  occurredAt: string;
  actorId?: string | null;
  organizationId?: string | null;
  contractId?: string | null;
  payload?: Record<string, unknown>;
}

export async function appendEvent(db: Pick<Database, 'insert'>, event: EventRecord): Promise<boolean> {
  const inserted = await db
    .insert(events)
    .values({
      idempotencyKey: event.idempotencyKey,
      kind: event.kind,
      occurredAt: new Date(event.occurredAt),
      actorId: event.actorId ?? null,
      organizationId: event.organizationId ?? null,
      contractId: event.contractId ?? null,
      payload: event.payload ?? {},
    })
    .onConflictDoNothing({ target: events.idempotencyKey })
    .returning({ id: events.id });
  return inserted.length > 0;
}

export function createEventActivities(deps: { db: Database }) {
  return {
    /** Returns true when this call recorded the event, false when it was already there. */
    async recordEvent(event: EventRecord): Promise<boolean> {
      return appendEvent(deps.db, event);
    },
  };
}
