// The contract read model. One transaction per projection: the contract row (only if this revision
// is newer), new ledger entries, audit events and notifications, each keyed so a retry or a replay
// changes nothing.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { contracts, ledgerEntries, notifications } from '../db/schema';
import { contractOrganizations } from '../domain/contract';
import type { LedgerEntry } from '../domain/ledger';
import type { Notice } from '../domain/notices';
import { contractWorkflowId, type ContractState } from '../workflows/contract-messages';
import { appendEvent } from './events';

export interface ContractEventInput {
  idempotencyKey: string;
  kind: string;
  actorId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export type ContractNoticeInput = Notice & { idempotencyKey: string };

export interface ContractProjection {
  snapshot: Omit<ContractState, 'ledger'> & { receivedFen: number };
  entries: LedgerEntry[];
  events: ContractEventInput[];
  notices: ContractNoticeInput[];
}

export async function projectContract(db: Database, projection: ContractProjection): Promise<void> {
  const { snapshot } = projection;
  const contract = snapshot.contract;
  const row = {
    id: contract.id,
    workflowId: contractWorkflowId(contract.id),
    title: contract.title,
    status: snapshot.status,
    valueFen: contract.valueFen,
    receivedFen: snapshot.receivedFen,
    purchaserId: contract.parties.purchaser,
    payerId: contract.parties.payer,
    contractorId: contract.parties.contractor,
    evaluatorId: contract.parties.evaluator,
    partyOrganizationIds: contractOrganizations(contract),
    definition: contract,
    scheduleVersion: snapshot.scheduleVersion,
    amendments: snapshot.amendments,
    announced: snapshot.announced,
    termination: snapshot.terminated ?? null,
    createdBy: snapshot.createdBy,
    createdAt: new Date(snapshot.createdAt),
    endedAt: snapshot.endedAt ? new Date(snapshot.endedAt) : null,
    revision: snapshot.revision,
  };
  await db.transaction(async (tx) => {
    const { id: _id, createdAt: _createdAt, createdBy: _createdBy, ...changes } = row;
    await tx
      .insert(contracts)
      .values(row)
      .onConflictDoUpdate({
        target: contracts.id,
        set: { ...changes, updatedAt: sql`now()` },
        setWhere: sql`${contracts.revision} < ${row.revision}`,
      });
    if (projection.entries.length > 0) {
      await tx
        .insert(ledgerEntries)
        .values(
          projection.entries.map((e) => ({
            contractId: contract.id,
            reference: e.reference,
            kind: e.kind,
            amountFen: e.amountFen,
            receivedOn: e.receivedOn,
            fundingSource: e.fundingSource,
            budgetLine: e.budgetLine ?? null,
            note: e.note ?? null,
            reverses: e.reverses ?? null,
            reason: e.reason ?? null,
            recordedBy: e.recordedBy,
            recordedAt: new Date(e.recordedAt),
          })),
        )
        .onConflictDoNothing();
    }
    for (const event of projection.events) {
      await appendEvent(tx, { ...event, contractId: contract.id, organizationId: null });
    }
    for (const notice of projection.notices) {
      const recipients = [...new Set(notice.recipients.map((role) => contract.parties[role]).filter((id): id is string => !!id))];
      if (recipients.length === 0) continue;
      await tx
        .insert(notifications)
        .values(
          recipients.map((organizationId) => ({
            idempotencyKey: notice.idempotencyKey,
            organizationId,
            contractId: contract.id,
            kind: notice.kind,
            severity: notice.severity,
            subject: notice.subject,
            body: notice.body,
            createdAt: new Date(projection.events[0]?.occurredAt ?? snapshot.createdAt),
          })),
        )
        .onConflictDoNothing();
    }
  });
}

export function createContractActivities(deps: { db: Database }) {
  return {
    async projectContract(projection: ContractProjection): Promise<void> {
      await projectContract(deps.db, projection);
    },
  };
}
