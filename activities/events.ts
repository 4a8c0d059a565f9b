// Audit events: appended once per idempotency key, whatever the number of retries or replays.
import type { Database } from '../db/client';
import { events } from '../db/schema';
import type { AuditEvent } from '../domain/events';

/** An audit event with what it belongs to; no actor (the engine's own) and an empty payload when left out. */
export type EventRecord = Omit<AuditEvent, 'actorId' | 'payload'> &
  Partial<Pick<AuditEvent, 'actorId' | 'payload'>> & { organizationId?: string | null; contractId?: string | null };

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
