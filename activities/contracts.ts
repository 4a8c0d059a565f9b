// The contract read model. One transaction per projection: the contract row (only if this revision
// is newer), new ledger entries, audit events and notifications, each keyed so a retry or a replay
// changes nothing.
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../db/client';
import { appendEvent } from '../db/events';
import { insertNotifications } from '../db/notifications';
import { resolveAndAcceptTexts } from '../db/free-texts';
import { contracts, ledgerEntries } from '../db/schema';
import { contractOrganizations, type Contract } from '../domain/contract';
import type { Resolved } from '../domain/free-text';
import type { LedgerEntry } from '../domain/ledger';
import type { AuditEvent } from '../domain/events';
import { contractWorkflowId } from '../domain/ids';
import type { KeyedNotice } from '../domain/notices';
import { arrearsFrom } from '../domain/status';
import type { Amendment, ContractState } from '../domain/contract-state';

export interface ContractProjection {
  contractId: string;
  /**
   * The workflow's state as the read model keeps it. `contract` (the definition) only when it
   * changed — the first projection and after an amendment — so a payment's projection stays small.
   */
  snapshot: Omit<ContractState, 'ledger' | 'contract' | 'calendar' | 'steps'> & {
    contract?: Contract;
    receivedFen: number;
  };
  entries: LedgerEntry[];
  events: AuditEvent[];
  notices: KeyedNotice[];
  /** A new schedule version, appended to the row's amendments once (by version). */
  amendment?: Amendment;
}

export async function projectContract(db: Database, input: ContractProjection): Promise<void> {
  await db.transaction(async (tx) => {
    // The read model holds the texts (notes, reasons) the workflow carries by reference.
    const projection = await resolveAndAcceptTexts(tx, input);
    await writeContract(tx, projection);
  });
}

async function writeContract(tx: Transaction, projection: Resolved<ContractProjection>): Promise<void> {
  const { snapshot, contractId } = projection;
  const contract = snapshot.contract;
  const changes = {
    status: snapshot.status,
    receivedFen: snapshot.receivedFen,
    scheduleVersion: snapshot.scheduleVersion,
    announced: snapshot.announced,
    termination: snapshot.terminated ?? null,
    endedAt: snapshot.endedAt ? new Date(snapshot.endedAt) : null,
    revision: snapshot.revision,
  };
  const newer = sql`${contracts.revision} < ${snapshot.revision}`;
  if (contract) {
    const definition = {
      workflowId: contractWorkflowId(contract.id),
      title: contract.title,
      valueFen: contract.valueFen,
      purchaserId: contract.parties.purchaser,
      payerId: contract.parties.payer,
      contractorId: contract.parties.contractor,
      evaluatorId: contract.parties.evaluator,
      partyOrganizationIds: contractOrganizations(contract),
      definition: contract,
    };
    await tx
      .insert(contracts)
      .values({
        id: contract.id,
        ...definition,
        ...changes,
        amendments: [],
        createdBy: snapshot.createdBy,
        createdAt: new Date(snapshot.createdAt),
      })
      .onConflictDoUpdate({
        target: contracts.id,
        set: { ...definition, ...changes, updatedAt: sql`now()` },
        setWhere: newer,
      });
  } else {
    await tx
      .update(contracts)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(contracts.id, contractId), newer));
  }
  if (projection.amendment) {
    // Appended once whatever order projections commit in: amendments are not kept in the workflow.
    const amendment = JSON.stringify([projection.amendment]);
    await tx
      .update(contracts)
      .set({ amendments: sql`${contracts.amendments} || ${amendment}::jsonb` })
      .where(
        and(
          eq(contracts.id, contractId),
          sql`not (${contracts.amendments} @> ${JSON.stringify([{ version: projection.amendment.version }])}::jsonb)`,
        ),
      );
  }
  if (projection.entries.length > 0) {
    // The row first, locked: two projections with entries committing together (an older revision's
    // skips the guarded update above, so nothing else orders them) would each total the ledger
    // without the other's entry, and the later commit would leave the row behind its ledger.
    await tx.select({ id: contracts.id }).from(contracts).where(eq(contracts.id, contractId)).for('update');
    await tx
      .insert(ledgerEntries)
      .values(
        projection.entries.map((e) => ({
          contractId,
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
    // The total received is the ledger's, whatever revision the row holds: the revision guard
    // trusts revisions never to repeat with other content, and the ledger is the record.
    await tx
      .update(contracts)
      .set({
        receivedFen: sql`(select coalesce(sum(${ledgerEntries.amountFen}), 0) from ${ledgerEntries} where ${ledgerEntries.contractId} = ${contractId})`,
      })
      .where(eq(contracts.id, contractId));
  }
  await writeArrearsFrom(tx, contractId);
  for (const event of projection.events) {
    await appendEvent(tx, { ...event, contractId, organizationId: null });
  }
  // Notices need the parties: from this projection's definition, else from the row.
  const parties =
    projection.notices.length === 0
      ? undefined
      : (
          contract ??
          ((
            await tx.select({ definition: contracts.definition }).from(contracts).where(eq(contracts.id, contractId))
          )[0]!.definition as Contract)
        ).parties;
  const at = projection.events[0]?.occurredAt ?? snapshot.createdAt;
  await insertNotifications(
    tx,
    contractId,
    projection.notices.map(({ recipients, ...notice }) => ({
      ...notice,
      organizationIds: [...new Set(recipients.map((role) => parties![role]).filter((id): id is string => !!id))],
      at,
    })),
  );
}

/**
 * Overdue as an indexed fact (issue 19): the instant from which the contract is in arrears given
 * what it has received, by the domain's rule, written after every change of the row (its received
 * total or its schedule may have moved); unchanged values are not written again.
 */
async function writeArrearsFrom(tx: Transaction, contractId: string): Promise<void> {
  const [row] = await tx
    .select({
      tranches: sql<Contract['tranches']>`${contracts.definition} -> 'tranches'`,
      receivedFen: contracts.receivedFen,
      arrearsFrom: contracts.arrearsFrom,
    })
    .from(contracts)
    .where(eq(contracts.id, contractId));
  if (!row) return;
  const from = arrearsFrom({ tranches: row.tranches }, row.receivedFen);
  if ((row.arrearsFrom?.getTime() ?? null) === from) return;
  await tx
    .update(contracts)
    .set({ arrearsFrom: from === null ? null : new Date(from) })
    .where(eq(contracts.id, contractId));
}

export function createContractActivities(deps: { db: Database }) {
  return {
    async projectContract(projection: ContractProjection): Promise<void> {
      await projectContract(deps.db, projection);
    },
  };
}
