// The audit-event writer, shared by the API (organizations, users, contacts, calendar
// publications) and the projection activities: each event appended once per idempotency key,
// whatever the number of retries or replays.
import type { AuditEvent } from '../domain/events';
import type { Database } from './client';
import { events } from './schema';

/** An audit event with what it belongs to; no actor (the engine's own) and an empty payload when left out. */
export type EventRecord = Omit<AuditEvent, 'actorId' | 'payload'> &
  Partial<Pick<AuditEvent, 'actorId' | 'payload'>> & { organizationId?: string | null; contractId?: string | null };

/** Returns true when this call recorded the event, false when it was already there (same idempotencyKey). */
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
