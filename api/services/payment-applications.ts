// Payment applications (请款, issue 18) and the payer's clock as the API shows it. An application's
// texts (invoice, note, attachments, the purchaser's reasons) live only in payment_applications;
// the contract workflow decides (files, accepts, returns) with ids, amounts and days, so a decision
// is durable and drives the acceptanceOverdue / paymentOverdue escalations (workflows/payment-clock.ts).
import type { Client } from '@temporalio/client';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { contracts, ledgerEntries, organizations, paymentApplications } from '../../db/schema';
import type { Contract } from '../../domain/contract';
import { parseInstant, shanghaiDate, type IsoDate } from '../../domain/dates';
import type { LedgerEntry } from '../../domain/ledger';
import type { AttachmentMeta } from '../../domain/materials';
import { formatMoney, moneyProblem, moneyProblemText, parseMoney } from '../../domain/money';
import { isAdmin, type Actor } from '../../domain/organizations';
import { releaseOf } from '../../domain/payment-terms';
import type { Problem } from '../../domain/problems';
import { contractWorkflowId } from '../../workflows/contract-messages';
import { decideApplicationUpdate, fileApplicationUpdate } from '../../workflows/payment-clock-messages';
import { ApiError, forbidden, notFound, unprocessable } from '../errors';
import { withAttachments, type UploadedAttachment } from './attachments';
import type { FileStorage } from './file-storage';
import { sendWhileContinuing } from './contracts';
import { ledgerEntryOf } from './contract-views';
import { clockOfContract, milestoneApprovals, type ApplicationRow, type PaymentClockView } from './payment-clock-view';
import { apiErrorFromTemporal, sendToWorkflow } from './temporal-errors';
import { idForKey } from './tokens';
import { loadVisibleContract, type ContractRow } from './visibility';

export interface FileApplicationBody {
  tranche: string;
  amount: string;
  invoice: { number: string; date: string };
  note?: string;
  attachments?: UploadedAttachment[];
}

export interface DecisionBody {
  outcome: 'accept' | 'return';
  reasons?: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

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
    status: row.status as 'filing' | 'pending' | 'accepted' | 'returned',
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
    if (!row) throw notFound(`Payment application ${id} does not exist or is not shared with your organization`);
    try {
      return { row, contract: await loadVisibleContract(this.db, actor, row.contractId) };
    } catch {
      throw notFound(`Payment application ${id} does not exist or is not shared with your organization`);
    }
  }

  /** The full clock of a contract on `asOf` (default today), for the contract's detail. */
  async clockOf(contractRow: ContractRow, ledger: readonly LedgerEntry[], asOf: IsoDate = this.today()): Promise<PaymentClockView> {
    return clockOfContract(this.db, contractRow.definition as Contract, ledger, asOf);
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
      throw forbidden(`Only contractor_staff of the contractor of contract ${contractId} may file payment applications`);
    }
    const contract = contractRow.definition as Contract;
    const problems: Problem[] = [];
    const amountProblem = moneyProblem(body.amount);
    if (amountProblem) problems.push({ field: 'amount', reason: moneyProblemText[amountProblem] });
    if (!DAY.test(body.invoice.date) || parseInstant(body.invoice.date) === undefined) problems.push({ field: 'invoice.date', reason: 'must be a date (YYYY-MM-DD)' });
    if (!body.invoice.number.trim()) problems.push({ field: 'invoice.number', reason: 'must not be empty' });
    const tranche = contract.tranches.find((t) => t.id === body.tranche);
    if (!tranche) problems.push({ field: 'tranche', reason: `is not a tranche of this contract ("${body.tranche}")` });
    if (problems.length > 0) throw unprocessable('The payment application cannot be filed', problems);
    const id = idForKey('pa', [actor.userId, contractId], idempotencyKey);
    const recorded = await this.row(id);
    if (recorded && recorded.status !== 'filing') return applicationView(recorded, this.today());
    const release = releaseOf(tranche!);
    const approvedOn = typeof release === 'object' ? ((await milestoneApprovals(this.db, contract)).get(release.afterApproval) ?? null) : null;
    const amountFen = parseMoney(body.amount);
    return withAttachments(this.storage, [{ field: 'attachments', attachments: body.attachments ?? [] }], async ([metas]) => {
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
          () =>
            sendWhileContinuing(() =>
              this.temporal.workflow
                .getHandle(contractWorkflowId(contractId))
                .executeUpdate(fileApplicationUpdate, { args: [{ applicationId: id, tranche: tranche!.id, amountFen, filedBy: actor.userId, approvedOn }] }),
            ),
          {
            recorded: async () => undefined,
            closed: async () => new ApiError(409, 'contract_not_active', `Contract ${contractId} has ended`),
            rejected: (error) => apiErrorFromTemporal(error, `Contract ${contractId}`),
          },
        );
        await this.db
          .update(paymentApplications)
          .set({ status: 'pending', filedAt: new Date(this.clock()), filedOn: filed.filedOn, acceptanceDueOn: filed.acceptanceDueOn })
          .where(and(eq(paymentApplications.id, id), eq(paymentApplications.status, 'filing')));
      } catch (error) {
        if (error instanceof ApiError && error.statusCode < 500) await this.db.delete(paymentApplications).where(and(eq(paymentApplications.id, id), eq(paymentApplications.status, 'filing')));
        throw error;
      }
      return applicationView((await this.row(id))!, this.today());
    });
  }

  /** Accepts or returns an application (agency_officer of the purchaser); reasons are kept with the row only. */
  async decide(actor: Actor, applicationId: string, body: DecisionBody) {
    const { row, contract } = await this.visibleApplication(actor, applicationId);
    if (actor.organizationId !== contract.purchaserId || !actor.roles.includes('agency_officer')) {
      throw forbidden(`Only an agency_officer of the purchaser of contract ${contract.id} may decide payment applications`);
    }
    if (row.status === 'filing') throw new ApiError(409, 'application_not_filed', `Payment application ${applicationId} is still being filed`);
    const reasons = body.reasons ?? [];
    if (body.outcome === 'return' && reasons.length === 0) throw unprocessable('A returned application needs its reasons', [{ field: 'reasons', reason: 'must give at least one reason to return' }]);
    const decided = await sendToWorkflow(
      () =>
        sendWhileContinuing(() =>
          this.temporal.workflow
            .getHandle(contractWorkflowId(row.contractId))
            .executeUpdate(decideApplicationUpdate, { args: [{ applicationId, outcome: body.outcome, decidedBy: actor.userId }] }),
        ),
      {
        recorded: async () => undefined,
        closed: async () => new ApiError(409, 'contract_not_active', `Contract ${row.contractId} has ended`),
        rejected: (error) => apiErrorFromTemporal(error, `Payment application ${applicationId}`),
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
    const rows = await this.db
      .select()
      .from(paymentApplications)
      .where(and(eq(paymentApplications.contractId, contractId), sql`${paymentApplications.status} <> 'filing'`))
      .orderBy(asc(paymentApplications.createdAt), asc(paymentApplications.id));
    const today = this.today();
    return { items: rows.map((r) => applicationView(r, today)) };
  }

  /**
   * The yearly list (issue 18 item 4): every contract the organization pays with money overdue on
   * `asOf` under its clock — contractor, tranche, amount outstanding, days, interest. For that
   * payer's users, auditors and administrators.
   */
  async overdue(actor: Actor, organizationId: string, asOf: IsoDate) {
    const allowed = isAdmin(actor) || actor.organizationId === organizationId || actor.roles.includes('auditor');
    if (!allowed) throw forbidden(`Only users of organization ${organizationId}, auditors and administrators may read its overdue payments`);
    const [org] = await this.db.select().from(organizations).where(eq(organizations.id, organizationId));
    if (!org) throw notFound(`Organization ${organizationId} does not exist`);
    const rows = await this.db.select().from(contracts).where(eq(contracts.payerId, organizationId)).orderBy(asc(contracts.id));
    const contractors = [...new Set(rows.map((r) => r.contractorId))];
    const names = new Map(
      contractors.length === 0
        ? []
        : (await this.db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(inArray(organizations.id, contractors))).map((o) => [o.id, o.name]),
    );
    const items: Array<{ contractId: string; contractTitle: string; contractor: string; contractorName: string; tranche: string; trancheLabel: string; paymentDueOn: IsoDate; outstanding: string; daysOverdue: number; interest: string }> = [];
    for (const row of rows) {
      const ledger = (await this.db.select().from(ledgerEntries).where(eq(ledgerEntries.contractId, row.id)).orderBy(asc(ledgerEntries.id))).map(ledgerEntryOf);
      const clock = await this.clockOf(row, ledger, asOf);
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
    return { organizationId, asOf, items };
  }
}
