// Read model of indicator progress: each record once (append-only), with its audit event.
import type { Database } from '../db/client';
import { appendEvent } from '../db/events';
import { resolveAndAcceptTexts } from '../db/free-texts';
import { progressRecords } from '../db/schema';
import { progressEventKey } from '../domain/ids';
import type { ProgressRecord } from '../domain/quotas';

export function createQuotaActivities(deps: { db: Database }) {
  return {
    async projectProgress(input: { contractId: string; record: ProgressRecord }): Promise<void> {
      await deps.db.transaction(async (tx) => {
        const r = await resolveAndAcceptTexts(tx, input.record);
        await tx
          .insert(progressRecords)
          .values({
            id: r.id,
            contractId: input.contractId,
            station: r.station,
            metric: r.metric,
            count: r.count,
            date: r.date,
            evidence: r.evidence,
            recordedBy: r.recordedBy,
            recordedAt: new Date(r.recordedAt),
          })
          .onConflictDoNothing({ target: progressRecords.id });
        await appendEvent(tx, {
          idempotencyKey: progressEventKey(input.contractId, r.id),
          kind: 'progress.recorded',
          actorId: r.recordedBy,
          contractId: input.contractId,
          occurredAt: r.recordedAt,
          payload: { ...r },
        });
      });
    },
  };
}
