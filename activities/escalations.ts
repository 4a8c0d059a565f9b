// Read model of escalations and step delays, plus their notifications and audit events, in one
// transaction per change; every write is keyed so retries and replays change nothing.
import { resolveAndAcceptTexts } from '../db/free-texts';
import type { Database } from '../db/client';
import { appendEvent } from '../db/events';
import { writeNotifications } from '../db/notifications';
import { escalations, stepDelays } from '../db/schema';
import { upsertNewerVersion } from '../db/versioned-rows';
import type { EscalationParty, EscalationRecord, StepKind } from '../domain/escalation';
import type { AuditEvent } from '../domain/events';
import type { InboxNotification } from '../domain/notices';

export interface StepDelayRecord {
  stepId: string;
  contractId: string;
  stepKind: StepKind;
  stepReference: string;
  holderParty: EscalationParty;
  holderOrganizationId: string | null;
  since: string;
  resolvedAt?: string;
  workingDays?: number;
}

export interface EscalationProjection {
  version: number;
  records: EscalationRecord[];
  delay: StepDelayRecord;
  /** Their kind is the step's (`escalation.<step kind>`). */
  notices: Array<Omit<InboxNotification, 'kind' | 'escalationId'> & { escalationId: string }>;
  events: AuditEvent[];
}

const date = (iso?: string) => (iso ? new Date(iso) : null);

/** Returns the ids of the projection's notifications (new or already recorded), for delivery. */
export async function projectEscalation(db: Database, input: EscalationProjection): Promise<number[]> {
  return db.transaction(async (tx) => {
    const projection = await resolveAndAcceptTexts(tx, input);
    for (const r of projection.records) {
      const row = {
        id: r.id,
        contractId: r.contractId,
        stepId: r.stepId,
        stepKind: r.stepKind,
        stepReference: r.stepReference,
        level: r.level,
        severity: r.severity,
        notifiedParties: r.notifiedParties,
        notifiedOrganizationIds: r.notifiedOrganizationIds,
        state: r.state,
        summary: r.summary,
        dueAt: new Date(r.dueAt),
        openedAt: new Date(r.openedAt),
        acknowledgedAt: date(r.acknowledgedAt),
        acknowledgedBy: r.acknowledgedBy ?? null,
        acknowledgementNote: r.acknowledgementNote ?? null,
        closedAt: date(r.closedAt),
        version: projection.version,
      };
      await upsertNewerVersion(tx, escalations, 'id', row);
    }
    const d = projection.delay;
    const delayRow = {
      stepId: d.stepId,
      contractId: d.contractId,
      stepKind: d.stepKind,
      stepReference: d.stepReference,
      holderParty: d.holderParty,
      holderOrganizationId: d.holderOrganizationId,
      since: new Date(d.since),
      resolvedAt: date(d.resolvedAt),
      workingDays: d.workingDays ?? null,
      version: projection.version,
    };
    await upsertNewerVersion(tx, stepDelays, 'stepId', delayRow);
    for (const e of projection.events) {
      await appendEvent(tx, { ...e, contractId: d.contractId, organizationId: null });
    }
    return writeNotifications(
      tx,
      d.contractId,
      projection.notices.map((n) => ({ ...n, kind: `escalation.${d.stepKind}` })),
    );
  });
}

export function createEscalationActivities(deps: { db: Database }) {
  return {
    async projectEscalation(projection: EscalationProjection): Promise<number[]> {
      return projectEscalation(deps.db, projection);
    },
  };
}
