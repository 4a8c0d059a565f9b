// Payment applications (请款, issue 18) and the payer's clock as the API shows it. An application's
// texts (invoice, note, attachments, the purchaser's reasons) live only in payment_applications;
// the contract workflow decides (files, accepts, returns) with ids, amounts and days, so a decision
// is durable and drives the acceptanceOverdue / paymentOverdue escalations (workflows/payment-clock.ts).
import type { Client } from '@temporalio/client';
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { contractParties, contracts, ledgerEntries, organizations, paymentApplications } from '../../db/schema';
import type { Contract } from '../../domain/contract';
import { parseInstant, shanghaiDate, type IsoDate } from '../../domain/dates';
import type { AcceptanceDecision } from '../../domain/decisions';
import type { LedgerEntry } from '../../domain/ledger';
import type { AttachmentMeta } from '../../domain/materials';
import { say } from '../../domain/messages';
import { formatMoney, parseMoney } from '../../domain/money';
import { isAdmin, type Actor } from '../../domain/organizations';
import { releaseOf } from '../../domain/payment-terms';
import { applicationProblems } from '../../domain/payment-applications';
import { problem } from '../../domain/problems';
import { contractWorkflowId } from '../../workflows/contract-messages';
import { decideApplicationUpdate, fileApplicationUpdate } from '../../workflows/payment-clock-messages';
import { ApiError, forbidden, notFound, unprocessable } from '../errors';
import { withAttachments, type UploadedAttachment } from './attachments';
import { atMicros, beyond, decodeCursor, encodeCursor, microsOf } from './cursor';
import type { FileStorage } from './file-storage';
import { ledgerEntryOf } from './contract-views';
import {
  clockOfContract,
  contractApplications,
  milestoneApprovals,
  settleFiling,
  SETTLE_READ_MS,
  type ApplicationRow,
  type ApplicationSources,
  type PaymentClockView,
} from './payment-clock-view';
import { sendToWorkflow } from './temporal-errors';
import { idForKey } from './tokens';
import { loadVisibleContract, type ContractRow } from './visibility';

/** Contracts one page of the yearly list reads by default, and at most (each is its clock computed from its ledger). */
export const OVERDUE_PAGE_CONTRACTS = 100;
export const MAX_OVERDUE_PAGE_CONTRACTS = 500;

export interface FileApplicationBody {
  tranche: string;
  amount: string;
  invoice: { number: string; date: string };
  note?: string;
  attachments?: UploadedAttachment[];
}

export interface DecisionBody {
  outcome: AcceptanceDecision;
  reasons?: string[];
}

/** An application as the API shows it. */
export function applicationView(row: ApplicationRow, today: IsoDate) {
  const pending = row.status === 'pending';
  return {
    id: row.id,
    contractId: row.contractId,
    tranche: row.tranche,
    amount: formatMoney(row.amountFen),
    invoice: { number: row.invoiceNumber, date: row.invoiceDate },
    note: row.note,
    attachments: row.attachments as AttachmentMeta[],
    status: row.status,
    filedBy: row.filedBy,
    filedAt: row.filedAt?.toISOString() ?? null,
    filedOn: row.filedOn,
    acceptanceDueOn: row.acceptanceDueOn,
    acceptanceDueAt: row.acceptanceDueOn ? new Date(parseInstant(row.acceptanceDueOn)!).toISOString() : null,
    /** Still undecided after its window: the payer's period runs from the window's end all the same. */
    deemedAccepted: pending && row.acceptanceDueOn !== null && today > row.acceptanceDueOn,
    decision:
      row.decidedAt && (row.status === 'accepted' || row.status === 'returned')
        ? {
            outcome: row.status === 'accepted' ? ('accept' as const) : ('return' as const),
            reasons: (row.decisionReasons as string[] | null) ?? [],
            decidedBy: row.decidedBy!,
            decidedAt: row.decidedAt.toISOString(),
            decidedOn: row.decidedOn!,
            late: row.decidedLate ?? false,
          }
        : null,
  };
}

/** An Idempotency-Key already used for an application with other figures (409). */
/** 422 idempotency_key_reused, as every route with an Idempotency-Key answers it (api/services/idempotency.ts). */
function keyReused(id: string): ApiError {
  return new ApiError(422, 'idempotency_key_reused', say('application_key_reused', { id }));
}

export class PaymentApplicationService {
  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly storage: FileStorage,
    private readonly clock: () => number = Date.now,
  ) {}

  private today(): IsoDate {
    return shanghaiDate(this.clock());
  }

  private async row(id: string): Promise<ApplicationRow | undefined> {
    return (await this.db.select().from(paymentApplications).where(eq(paymentApplications.id, id)))[0];
  }

  /** The application, if its contract is visible to the caller (404 otherwise, existence not leaked). */
  private async visibleApplication(actor: Actor, id: string): Promise<{ row: ApplicationRow; contract: ContractRow }> {
    const row = await this.row(id);
    const hidden = () => notFound(say('not_found_or_not_shared', { what: 'payment_application', id }));
    if (!row) throw hidden();
    try {
      return { row, contract: await loadVisibleContract(this.db, actor, row.contractId) };
    } catch {
      throw hidden();
    }
  }

  /** Where a contract's applications are read from (api/services/payment-clock-view contractApplications). */
  private get sources(): ApplicationSources {
    return { db: this.db, workflows: this.temporal.workflow };
  }

  /** The full clock of a contract on `asOf` (default today), for the contract's detail. */
  async clockOf(
    contractRow: ContractRow,
    ledger: readonly LedgerEntry[],
    asOf: IsoDate = this.today(),
    deadline?: number,
  ): Promise<PaymentClockView> {
    return clockOfContract(this.sources, contractRow.definition as Contract, ledger, asOf, deadline);
  }

  /**
   * Files an application (contractor_staff of the contractor): its texts are stored first, then
   * the contract's workflow files it (refusing amounts beyond what the tranche still owes, or a
   * tranche not released yet), then the row takes the workflow's days. A refusal (4xx) removes
   * the row and its files. `idempotencyKey`: a retry under the same key is the same application.
   */
  async file(actor: Actor, contractId: string, body: FileApplicationBody, idempotencyKey?: string) {
    const contractRow = await loadVisibleContract(this.db, actor, contractId);
    if (actor.organizationId !== contractRow.contractorId || !actor.roles.includes('contractor_staff')) {
      throw forbidden(say('only_contractor_staff_applies', { contract: contractId }));
    }
    const contract = contractRow.definition as Contract;
    const problems = applicationProblems(
      body,
      contract.tranches.map((t) => t.id),
    );
    if (problems.length > 0) throw unprocessable(say('application_cannot_be_filed'), problems);
    const tranche = contract.tranches.find((t) => t.id === body.tranche);
    const id = idForKey('pa', [actor.userId, contractId], idempotencyKey);
    const amountFen = parseMoney(body.amount);
    const sameFigures = (row: ApplicationRow) => row.tranche === tranche!.id && row.amountFen === amountFen;
    let recorded = await this.row(id);
    // A row left "filing" by an earlier attempt (its answer lost): settled from the workflow first.
    if (recorded?.status === 'filing') recorded = (await settleFiling(this.sources, recorded)) ?? recorded;
    if (recorded && recorded.status !== 'filing') {
      if (!sameFigures(recorded)) throw keyReused(id);
      return applicationView(recorded, this.today());
    }
    // Not held by the workflow: a leftover of an attempt that never reached it, replaced by this one.
    if (recorded && !sameFigures(recorded))
      await this.db
        .delete(paymentApplications)
        .where(and(eq(paymentApplications.id, id), eq(paymentApplications.status, 'filing')));
    const release = releaseOf(tranche!);
    const approvedOn =
      typeof release === 'object'
        ? ((await milestoneApprovals(this.db, contract)).get(release.afterApproval) ?? null)
        : null;
    return withAttachments(
      this.storage,
      [{ field: 'attachments', attachments: body.attachments ?? [] }],
      async ([metas]) => {
        await this.db
          .insert(paymentApplications)
          .values({
            id,
            contractId,
            tranche: tranche!.id,
            amountFen,
            invoiceNumber: body.invoice.number,
            invoiceDate: body.invoice.date,
            note: body.note ?? null,
            attachments: metas ?? [],
            status: 'filing',
            filedBy: actor.userId,
          })
          .onConflictDoNothing();
        try {
          const filed = await sendToWorkflow(
            contractWorkflowId(contractId),
            () =>
              this.temporal.workflow.getHandle(contractWorkflowId(contractId)).executeUpdate(fileApplicationUpdate, {
                args: [{ applicationId: id, tranche: tranche!.id, amountFen, filedBy: actor.userId, approvedOn }],
              }),
            {
              recorded: async () => undefined,
              closed: async () =>
                new ApiError(409, 'contract_not_active', say('contract_ended_plain', { id: contractId })),
            },
          );
          await this.db
            .update(paymentApplications)
            .set({
              status: 'pending',
              filedAt: new Date(this.clock()),
              filedOn: filed.filedOn,
              acceptanceDueOn: filed.acceptanceDueOn,
            })
            .where(and(eq(paymentApplications.id, id), eq(paymentApplications.status, 'filing')));
        } catch (error) {
          // A refusal removes the row — unless the workflow holds the application after all (filed
          // with other figures under this key): then the row is its record and stays, settled.
          if (error instanceof ApiError && error.statusCode < 500) {
            const row = await this.row(id);
            if (row?.status === 'filing' && !(await settleFiling(this.sources, row))) {
              await this.db
                .delete(paymentApplications)
                .where(and(eq(paymentApplications.id, id), eq(paymentApplications.status, 'filing')));
            }
          }
          throw error;
        }
        return applicationView((await this.row(id))!, this.today());
      },
    );
  }

  /** Accepts or returns an application (agency_officer of the purchaser); reasons are kept with the row only. */
  async decide(actor: Actor, applicationId: string, body: DecisionBody) {
    const { row, contract } = await this.visibleApplication(actor, applicationId);
    if (actor.organizationId !== contract.purchaserId || !actor.roles.includes('agency_officer')) {
      throw forbidden(say('only_purchaser_officer_decides', { contract: contract.id }));
    }
    if (row.status === 'filing' && !(await settleFiling(this.sources, row)))
      throw new ApiError(409, 'application_not_filed', say('application_not_filed', { id: applicationId }));
    const reasons = body.reasons ?? [];
    if (body.outcome === 'return' && reasons.length === 0)
      throw unprocessable(say('application_needs_reasons'), [problem('reasons', 'give_a_reason_to_return')]);
    const decided = await sendToWorkflow(
      contractWorkflowId(row.contractId),
      () =>
        this.temporal.workflow.getHandle(contractWorkflowId(row.contractId)).executeUpdate(decideApplicationUpdate, {
          args: [{ applicationId, outcome: body.outcome, decidedBy: actor.userId }],
        }),
      {
        recorded: async () => undefined,
        closed: async () =>
          new ApiError(409, 'contract_not_active', say('contract_ended_plain', { id: row.contractId })),
      },
    );
    // The first answer's reasons stand: a repeat of the decision does not rewrite them.
    await this.db
      .update(paymentApplications)
      .set({
        status: decided.decision === 'accept' ? 'accepted' : 'returned',
        decisionReasons: reasons,
        decidedBy: actor.userId,
        decidedAt: new Date(decided.decidedAt),
        decidedOn: decided.decidedOn,
        decidedLate: decided.late,
      })
      .where(and(eq(paymentApplications.id, applicationId), eq(paymentApplications.status, 'pending')));
    return applicationView((await this.row(applicationId))!, this.today());
  }

  async get(actor: Actor, applicationId: string) {
    const { row } = await this.visibleApplication(actor, applicationId);
    return applicationView(row, this.today());
  }

  async list(actor: Actor, contractId: string) {
    await loadVisibleContract(this.db, actor, contractId);
    // An application still "filing" is listed once its workflow holds it (contractApplications settles it).
    const rows = (await contractApplications(this.sources, contractId)).filter((r) => r.status !== 'filing');
    const today = this.today();
    return { items: rows.map((r) => applicationView(r, today)) };
  }

  /**
   * The yearly list (issue 18 item 4): every contract the organization pays with money overdue on
   * `asOf` under its clock — contractor, tranche, amount outstanding, days, interest. For that
   * payer's users, auditors and administrators.
   *
   * Paged by contract (issue 19: reads that do not grow with the province): a page reads at most
   * `limit` of the payer's contracts, in the order (created_at, id), through the party index
   * (contract_parties) — an auditor of another organization through its own organization's —
   * with their ledgers in one query; `nextCursor` continues after the last contract read (null
   * when none is left). A page may hold no row while a later one does.
   */
  async overdue(
    actor: Actor,
    organizationId: string,
    asOf: IsoDate,
    page: { limit: number; cursor?: string } = { limit: OVERDUE_PAGE_CONTRACTS },
  ) {
    const position =
      page.cursor === undefined
        ? undefined
        : decodeCursor('overdue-payments', page.cursor, ['integer', 'string'] as const);
    const own = isAdmin(actor) || actor.organizationId === organizationId;
    const denied = () => forbidden(say('overdue_list_denied', { id: organizationId }));
    if (!own && !actor.roles.includes('auditor')) throw denied();
    const [org] = await this.db.select().from(organizations).where(eq(organizations.id, organizationId));
    if (!org) throw own ? notFound(say('not_found', { what: 'organization', id: organizationId })) : denied();
    // An auditor of another organization sees the contracts its organization is party to (as everywhere: api/services/visibility), and none is 403.
    const through = own ? organizationId : (actor.organizationId ?? '');
    const paidThrough = (after?: SQL) =>
      this.db
        .select({ row: contracts, createdMicros: microsOf(contractParties.createdAt).as('created_micros') })
        .from(contractParties)
        .innerJoin(contracts, eq(contracts.id, contractParties.contractId))
        .where(and(eq(contractParties.organizationId, through), eq(contracts.payerId, organizationId), after))
        .orderBy(asc(contractParties.createdAt), asc(contractParties.contractId));
    if (!own && (await paidThrough().limit(1)).length === 0) throw denied();
    const after = position
      ? beyond([contractParties.createdAt, contractParties.contractId], [atMicros(position[0]), position[1]])
      : undefined;
    const read = await paidThrough(after).limit(page.limit);
    const rows = read.map((r) => r.row);
    const contractors = [...new Set(rows.map((r) => r.contractorId))];
    const names = new Map(
      contractors.length === 0
        ? []
        : (
            await this.db
              .select({ id: organizations.id, name: organizations.name })
              .from(organizations)
              .where(inArray(organizations.id, contractors))
          ).map((o) => [o.id, o.name]),
    );
    const ledgers = new Map<string, LedgerEntry[]>();
    if (rows.length > 0) {
      const entries = await this.db
        .select()
        .from(ledgerEntries)
        .where(
          inArray(
            ledgerEntries.contractId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(ledgerEntries.contractId), asc(ledgerEntries.id));
      for (const entry of entries)
        ledgers.set(entry.contractId, [...(ledgers.get(entry.contractId) ?? []), ledgerEntryOf(entry)]);
    }
    const items: Array<{
      contractId: string;
      contractTitle: string;
      contractor: string;
      contractorName: string;
      tranche: string;
      trancheLabel: string;
      paymentDueOn: IsoDate;
      outstanding: string;
      daysOverdue: number;
      interest: string;
    }> = [];
    // One deadline for the page's questions to workflows about rows left "filing" (SETTLE_READ_MS).
    const deadline = Date.now() + SETTLE_READ_MS;
    for (const row of rows) {
      const clock = await this.clockOf(row, ledgers.get(row.id) ?? [], asOf, deadline);
      for (const t of clock.tranches) {
        if (t.overdueFen <= 0) continue;
        items.push({
          contractId: row.id,
          contractTitle: row.title,
          contractor: row.contractorId,
          contractorName: names.get(row.contractorId) ?? row.contractorId,
          tranche: t.id,
          trancheLabel: t.label,
          paymentDueOn: t.paymentDueOn!,
          outstanding: t.overdue,
          daysOverdue: t.daysOverdue,
          interest: t.interest,
        });
      }
    }
    const last = read.length === page.limit ? read[read.length - 1] : undefined;
    return {
      organizationId,
      asOf,
      items,
      nextCursor: last ? encodeCursor('overdue-payments', [last.createdMicros, last.row.id]) : null,
    };
  }
}
