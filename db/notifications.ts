// Inbox notifications, written by the projection activities and by the API (the administrators'
// notice of a stuck workflow): one row per organization and idempotency key, so a retried or
// replayed write adds nothing twice; the ids are returned for delivery.
import { inArray } from 'drizzle-orm';
import type { InboxNotification } from '../domain/notices';
import type { Database, Transaction } from './client';
import { notifications } from './schema';

/** Writes the notifications, new ones only (a row per organization and idempotency key). */
export async function insertNotifications(
  db: Database | Transaction,
  contractId: string | null,
  notices: readonly InboxNotification[],
): Promise<void> {
  for (const n of notices) {
    if (n.organizationIds.length === 0) continue;
    await db
      .insert(notifications)
      .values(
        n.organizationIds.map((organizationId) => ({
          idempotencyKey: n.idempotencyKey,
          organizationId,
          contractId,
          kind: n.kind,
          severity: n.severity,
          subject: n.subject,
          body: n.body,
          escalationId: n.escalationId ?? null,
          createdAt: new Date(n.at),
        })),
      )
      .onConflictDoNothing();
  }
}

/** Writes the notifications (new ones only) and returns the ids of all of them, oldest first, for delivery. */
export async function writeNotifications(
  tx: Transaction,
  contractId: string | null,
  notices: InboxNotification[],
): Promise<number[]> {
  await insertNotifications(tx, contractId, notices);
  const keys = notices.map((n) => n.idempotencyKey);
  if (keys.length === 0) return [];
  const rows = await tx
    .select({ id: notifications.id })
    .from(notifications)
    .where(inArray(notifications.idempotencyKey, keys));
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
