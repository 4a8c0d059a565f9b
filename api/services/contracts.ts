// Contracts and payments: authorization against the contract's parties, reads from the read model,
// changes through the contract workflow's Updates.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, sql } from 'drizzle-orm';
import { coveredYearTest } from '../../db/calendar';
import type { Database } from '../../db/client';
import { contracts, events, ledgerEntries, materialRequests, organizations, users } from '../../db/schema';
import {
  contractOrganizations,
  isRepeatedTermination,
  validateContractDefinition,
  type Contract,
  type ContractDefinitionInput,
  type FundingSource,
} from '../../domain/contract';
import { checkPayment, checkReversal, reversalReference, summarize, type StoredLedgerEntry } from '../../domain/ledger';
import { isAdmin, type Actor, type OrganizationKind, type Role } from '../../domain/organizations';
import type { contractWorkflow } from '../../workflows';
import {
  amendScheduleUpdate,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  reversePaymentUpdate,
  terminateUpdate,
} from '../../workflows/contract-messages';
import type { ContractStatus } from '../../domain/status';
import type { StoredAmendment, StoredTermination } from '../../domain/contract-state';
import { contractSearchAttributes, contractStaticDetails, contractStaticSummary } from '../../workflows/operator-view';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../errors';
import { contractDetail, contractSummary, ledgerEntryOf, ledgerEntryView } from './contract-views';
import { withTexts } from './free-texts';
import { idForKey } from './tokens';
import { contactsEventView, requireVisible, villageEventView, villageScope, type ContractRow } from './visibility';
import { refusedStart, sendToWorkflow, startRefusal } from './temporal-errors';
import { canonicalJson } from '../../domain/canonical-json';
import { shanghaiDate } from '../../domain/dates';
import { clockOfContract } from './payment-clock-view';
import { decodeCursor, encodeCursor, MAX_COUNTED } from './cursor';
import { contractsPageQuery } from './contract-pages';
import { say } from '../../domain/messages';

type PartyColumn = 'purchaserId' | 'payerId';

export interface ListFilter {
  status?: ContractStatus;
  overdue?: boolean;
  limit: number;
  offset: number;
  /** A previous page's nextCursor (api/services/cursor.ts). */
  cursor?: string;
}

/** Contracts whose ledgers are kept in memory (the most recently read; the oldest are dropped). */
const LEDGER_CACHE_SIZE = 500;

export class ContractService {
  // The contract detail is the hottest read: prepared statements save planning on each call.
  private readonly contractById;
  private readonly contractWithLedgerCount;
  private readonly ledgerOfContract;
  private readonly entryByReference;
  /**
   * Ledgers read before, with their number of entries. The ledger is append-only, so the set of
   * committed entries only grows: two reads that count as many entries saw the same entries, and a
   * contract read with an unchanged count is answered without fetching its ledger again.
   * Exact across API replicas: the count is read with the row in one statement, the database
   * refuses edits and deletions (migration 0003), and a payment's Update answers only once its
   * entry is committed, so another replica's next read counts it (tests/integration/replicas.test.ts).
   */
  private readonly ledgerCache = new Map<string, { count: number; entries: StoredLedgerEntry[] }>();

  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.contractById = db
      .select()
      .from(contracts)
      .where(eq(contracts.id, sql.placeholder('id')))
      .prepare('contract_by_id');
    this.contractWithLedgerCount = db
      .select({
        ...getTableColumns(contracts),
        // Qualified by hand: inside the subquery an unqualified "id" would be the ledger entry's.
        ledgerCount:
          sql<number>`(select count(*) from "ledger_entries" as "le" where "le"."contract_id" = "contracts"."id")`.mapWith(
            Number,
          ),
      })
      .from(contracts)
      .where(eq(contracts.id, sql.placeholder('id')))
      .prepare('contract_with_ledger_count');
    this.ledgerOfContract = db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.contractId, sql.placeholder('contractId')))
      .orderBy(asc(ledgerEntries.id))
      .prepare('ledger_of_contract');
    this.entryByReference = db
      .select()
      .from(ledgerEntries)
      .where(
        and(
          eq(ledgerEntries.contractId, sql.placeholder('contractId')),
          eq(ledgerEntries.reference, sql.placeholder('reference')),
        ),
      )
      .prepare('ledger_entry_by_reference');
  }

  /**
   * The entry a payment or reversal Update answered with: the workflow answers only its reference
   * (its results stay small), and has written the entry to the read model before answering.
   */
  private async entry(contractId: string, reference: string): Promise<StoredLedgerEntry> {
    const [row] = await this.entryByReference.execute({ contractId, reference });
    if (!row) throw new Error(`Ledger entry ${reference} of contract ${contractId} is not in the read model`);
    return ledgerEntryOf(row);
  }

  /** The recorded entry with `reference` in a ledger read from the read model. */
  private static find(ledger: StoredLedgerEntry[], reference: string): StoredLedgerEntry {
    return ledger.find((e) => e.reference === reference)!;
  }

  /** The contract, if the caller's organization is party to it; 404 otherwise (existence is not leaked). */
  private async visibleContract(actor: Actor, id: string): Promise<ContractRow> {
    const [row] = await this.contractById.execute({ id });
    return requireVisible(actor, id, row);
  }

  /** Only a user with `role` at the party `column` names may act. */
  private async actingParty(
    actor: Actor,
    id: string,
    column: PartyColumn,
    role: Role,
    action: string,
  ): Promise<ContractRow> {
    const row = await this.visibleContract(actor, id);
    if (actor.organizationId !== row[column] || !actor.roles.includes(role)) {
      const party = column === 'payerId' ? 'the payer' : 'the purchaser';
      throw forbidden(say('only_party_may', { role, party, contract: id, action }));
    }
    return row;
  }

  /** The contract's ledger, from memory when no entry was added since it was last read. */
  private async ledger(contractId: string, count: number): Promise<StoredLedgerEntry[]> {
    const cached = this.ledgerCache.get(contractId);
    if (cached && cached.count === count) return cached.entries;
    const entries = (await this.ledgerOfContract.execute({ contractId })).map(ledgerEntryOf);
    this.ledgerCache.delete(contractId);
    if (this.ledgerCache.size >= LEDGER_CACHE_SIZE) this.ledgerCache.delete(this.ledgerCache.keys().next().value!);
    this.ledgerCache.set(contractId, { count: entries.length, entries });
    return entries;
  }

  /** The contract as the read model has it, with its ledger: what a closed workflow recorded. */
  private async recorded(id: string): Promise<{ row: ContractRow; ledger: StoredLedgerEntry[] }> {
    const [found] = await this.contractWithLedgerCount.execute({ id });
    const { ledgerCount, ...row } = found as ContractRow & { ledgerCount: number };
    return { row, ledger: await this.ledger(id, ledgerCount) };
  }

  /** The 409 for a change sent to a contract whose workflow has ended. */
  private async notActive(id: string): Promise<ApiError> {
    const { row } = await this.recorded(id);
    return new ApiError(409, 'contract_not_active', say('contract_has_ended', { id, status: row.status }));
  }

  /** The definition judged by the business rules (domain/contract.ts), its organizations looked up. */
  async validate(definition: ContractDefinitionInput) {
    const ids = contractOrganizations(definition);
    const known = new Map<string, OrganizationKind>();
    if (ids.length > 0) {
      const rows = await this.db
        .select({ id: organizations.id, kind: organizations.kind })
        .from(organizations)
        .where(inArray(organizations.id, ids));
      for (const row of rows) known.set(row.id, row.kind);
    }
    return validateContractDefinition(definition, (id) => known.get(id));
  }

  /**
   * `resumable`: the request carries an Idempotency-Key, so it may be the retry of an attempt that
   * started the workflow and then failed; finding that same contract, started by the same user
   * from the same definition, finishes the attempt instead of answering 409.
   */
  async create(actor: Actor, definition: ContractDefinitionInput, options: { resumable?: boolean } = {}) {
    if (actor.organizationId !== definition.parties.purchaser) {
      throw forbidden(say('only_purchaser_starts'));
    }
    const result = await this.validate(definition);
    if (!result.ok) throw unprocessable(say('contract_definition_invalid'), result.problems);
    const contract = result.value;

    const alreadyExists = () => conflict(say('contract_exists', { id: contract.id }));
    const sameAttempt = (row: { createdBy: string; definition: unknown }) =>
      options.resumable === true &&
      row.createdBy === actor.userId &&
      canonicalJson(row.definition) === canonicalJson(contract);
    const existingRow = async () =>
      (
        await this.db
          .select({ createdBy: contracts.createdBy, definition: contracts.definition })
          .from(contracts)
          .where(eq(contracts.id, contract.id))
      )[0];

    const existing = await existingRow();
    if (existing && !sameAttempt(existing)) throw alreadyExists();
    const handle = this.temporal.workflow.getHandle(contractWorkflowId(contract.id));
    const registration = async () => void (await handle.executeUpdate(registeredUpdate));
    /**
     * Starts the workflow and waits for its registration in one call to Temporal (Update-with-Start,
     * issue 19): the Update rides in the start's first workflow task. A running workflow of the same
     * id is a 409, unless this is a retry under the same Idempotency-Key (`resumable`): then the
     * Update goes to the workflow its first attempt started. A closed one of the same id is never
     * reused (REJECT_DUPLICATE): a 409, or for a retry its registration is read as before.
     */
    const startAndRegister = async () => {
      const now = this.clock();
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof contractWorkflow>('contractWorkflow', {
        workflowId: contractWorkflowId(contract.id),
        taskQueue: this.taskQueue,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: options.resumable ? 'USE_EXISTING' : 'FAIL',
        args: [{ contract, createdBy: actor.userId, createdAt: new Date(now).toISOString() }],
        // What the Temporal Web UI shows; the search attributes from the first instant, so the
        // workflow's own first upsert finds nothing to change.
        staticSummary: contractStaticSummary(contract),
        staticDetails: contractStaticDetails(contract),
        typedSearchAttributes: contractSearchAttributes(
          { contract, status: 'active', ledger: { receivedFen: 0 } },
          now,
        ).filter((pair): pair is SearchAttributePair => pair.value !== null),
      });
      try {
        await this.temporal.workflow.executeUpdateWithStart(registeredUpdate, { startWorkflowOperation });
      } catch (error) {
        if (options.resumable && error instanceof WorkflowExecutionAlreadyStartedError) return registration();
        throw (await refusedStart(handle, error)) ?? error;
      }
    };
    await sendToWorkflow(contractWorkflowId(contract.id), existing ? registration : startAndRegister, {
      // A contract whose term and grace are over closes at once: registered all the same.
      recorded: async () => ((await existingRow()) ? null : undefined),
      // Or it failed at once because a child's workflow id was taken: say which.
      closed: async () => (await startRefusal(handle)) ?? this.notActive(contract.id),
    });
    if (!existing && options.resumable) {
      const row = await existingRow();
      if (!row || !sameAttempt(row)) throw alreadyExists();
    }
    return this.detail(actor, contract.id);
  }

  /**
   * The caller's contracts in the order (created_at, id): a bounded index scan however many
   * contracts the province has (issue 19). An organization's come from contract_parties, an
   * administrator's from contracts; `overdue` compares the stored arrears_from with now (the same
   * fact as the summary's `overdue`); `cursor` continues after a previous page's last contract
   * (`offset` then skips that many more). `total` is counted up to MAX_COUNTED; `totalExact` false: there are more.
   */
  async list(actor: Actor, filter: ListFilter) {
    const position =
      filter.cursor === undefined
        ? undefined
        : decodeCursor('contracts', filter.cursor, ['integer', 'string'] as const);
    const page = { limit: filter.limit, offset: filter.offset };
    if (!isAdmin(actor) && !actor.organizationId)
      return { items: [], total: 0, totalExact: true, ...page, nextCursor: null };
    const now = this.clock();
    const query = contractsPageQuery(this.db, actor, filter, now, position);
    const [rows, [counted]] = await Promise.all([
      query.page.limit(filter.limit).offset(filter.offset),
      this.db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(query.counted),
    ]);
    const last = rows.length === filter.limit ? rows[rows.length - 1] : undefined;
    return {
      items: rows.map(({ row }) => contractSummary(row, now)),
      total: Math.min(counted?.total ?? 0, MAX_COUNTED),
      totalExact: (counted?.total ?? 0) <= MAX_COUNTED,
      ...page,
      nextCursor: last ? encodeCursor('contracts', [last.createdMicros, last.row.id]) : null,
    };
  }

  async detail(actor: Actor, id: string) {
    const [found] = await this.contractWithLedgerCount.execute({ id });
    const { ledgerCount, ...row } = requireVisible(
      actor,
      id,
      found as (ContractRow & { ledgerCount: number }) | undefined,
    ) as ContractRow & { ledgerCount: number };
    const ledger = await this.ledger(id, ledgerCount);
    const now = this.clock();
    // The payer's clock (issue 18): each tranche's deadline, days overdue and interest.
    const {
      interestFen: _total,
      tranches,
      ...clock
    } = await clockOfContract(
      { db: this.db, workflows: this.temporal.workflow },
      row.definition as Contract,
      ledger,
      shanghaiDate(now),
    );
    const paymentClock = { ...clock, tranches: tranches.map(({ interestFen: _i, overdueFen: _o, ...t }) => t) };
    return { ...contractDetail(row, ledger, now, await coveredYearTest(this.db)), paymentClock };
  }

  /** The contract's audit trail, oldest first: every change with its actor and time. */
  async timeline(
    actor: Actor,
    id: string,
    page: { after: number; before?: number; order: 'asc' | 'desc'; limit: number },
  ) {
    const contractRow = await this.visibleContract(actor, id);
    const contract = contractRow.definition as Contract;
    const village = villageScope(actor, contract);
    const ownRequests = village
      ? new Set(
          (
            await this.db
              .select({ id: materialRequests.id })
              .from(materialRequests)
              .where(and(eq(materialRequests.contractId, id), sql`${village} = any(${materialRequests.villages})`))
          ).map((r) => r.id),
        )
      : undefined;
    // Each actor by name beside the id (issue 16 item 2): a person reads "Finance Officer Li", not usr_9cd1….
    const rows = await this.db
      .select({ ...getTableColumns(events), actorName: users.name })
      .from(events)
      .leftJoin(users, eq(users.id, events.actorId))
      .where(
        and(
          eq(events.contractId, id),
          gt(events.id, page.after),
          page.order === 'desc' && page.before !== undefined ? lt(events.id, page.before) : undefined,
        ),
      )
      .orderBy(page.order === 'desc' ? desc(events.id) : asc(events.id))
      .limit(page.limit);
    const items = rows.map((e) => ({
      id: e.id,
      kind: e.kind,
      actorId: e.actorId,
      actorName: e.actorName ?? null,
      occurredAt: e.occurredAt.toISOString(),
      payload: e.payload as Record<string, unknown>,
    }));
    return {
      // A village's users see only their own village's part of the village chain.
      // Volunteers' phones only for those who may read the village's contact details.
      items: (village ? items.flatMap((e) => villageEventView(e, village, ownRequests!) ?? []) : items).map((e) =>
        contactsEventView(e, actor, contract),
      ),
      next: rows.length === page.limit ? rows[rows.length - 1]!.id : null,
    };
  }

  async recordPayment(
    actor: Actor,
    id: string,
    payment: {
      reference: string;
      amount: string;
      receivedOn: string;
      fundingSource: FundingSource;
      budgetLine?: string;
      note?: string;
    },
  ) {
    const row = await this.actingParty(actor, id, 'payerId', 'finance_officer', 'record payments');
    // A repeat of a recorded payment is answered from the read model (entries are committed before
    // an Update answers) by the workflow's own rule — whichever version of grantflow digested it.
    const [recordedRow] = await this.entryByReference.execute({ contractId: id, reference: payment.reference });
    // Only a payment answers a payment: a reversal's reference (`<reference>~reversal`) is one no
    // payment may take, and the workflow refuses it (422) — here it would be judged without the
    // payment it reverses.
    if (recordedRow && recordedRow.kind === 'payment') {
      const recorded = ledgerEntryOf(recordedRow);
      const contract = row.definition as Contract;
      const check = checkPayment(contract, summarize(contract, [recorded]), payment, this.clock());
      if (check.outcome === 'duplicate') return { created: false, entry: ledgerEntryView(recorded) };
      if (check.outcome === 'conflict') throw conflict(check.said);
    }
    const { note: text, ...fields } = payment;
    // The note is stored first and travels by reference (claim check); a refused payment leaves none.
    return withTexts(this.db, id, [text], ([note]) =>
      sendToWorkflow(
        contractWorkflowId(id),
        async () => {
          const handle = this.temporal.workflow.getHandle(contractWorkflowId(id));
          const result = await handle.executeUpdate(recordPaymentUpdate, {
            args: [{ ...fields, ...(note ? { note } : {}), recordedBy: actor.userId }],
          });
          return {
            created: result.outcome === 'created',
            entry: ledgerEntryView(await this.entry(id, result.reference)),
          };
        },
        {
          // The same rule the workflow applies: the same reference and content is the recorded entry.
          recorded: async () => {
            const { row, ledger } = await this.recorded(id);
            const contract = row.definition as Contract;
            const check = checkPayment(contract, summarize(contract, ledger), payment, this.clock());
            if (check.outcome === 'conflict') throw conflict(check.said);
            return check.outcome === 'duplicate'
              ? { created: false, entry: ledgerEntryView(ContractService.find(ledger, payment.reference)) }
              : undefined;
          },
          closed: () => this.notActive(id),
        },
      ),
    );
  }

  async reversePayment(actor: Actor, id: string, reference: string, reason: string) {
    const row = await this.actingParty(actor, id, 'payerId', 'finance_officer', 'reverse payments');
    // A repeat of a recorded reversal: answered from the read model by the workflow's rule (see recordPayment).
    const [reversalRow] = await this.entryByReference.execute({
      contractId: id,
      reference: reversalReference(reference),
    });
    const [originalRow] = reversalRow ? await this.entryByReference.execute({ contractId: id, reference }) : [];
    if (reversalRow && originalRow) {
      const contract = row.definition as Contract;
      const check = checkReversal(
        contract,
        summarize(contract, [ledgerEntryOf(originalRow), ledgerEntryOf(reversalRow)]),
        reference,
        reason,
      );
      if (check.outcome === 'duplicate') return { created: false, entry: ledgerEntryView(ledgerEntryOf(reversalRow)) };
      if (check.outcome === 'conflict') throw conflict(check.said);
    }
    return withTexts(this.db, id, [reason], ([stored]) =>
      sendToWorkflow(
        contractWorkflowId(id),
        async () => {
          const handle = this.temporal.workflow.getHandle(contractWorkflowId(id));
          const result = await handle.executeUpdate(reversePaymentUpdate, {
            args: [{ reference, reason: stored!, recordedBy: actor.userId }],
          });
          return {
            created: result.outcome === 'created',
            entry: ledgerEntryView(await this.entry(id, result.reference)),
          };
        },
        {
          recorded: async () => {
            const { row, ledger } = await this.recorded(id);
            const contract = row.definition as Contract;
            const check = checkReversal(contract, summarize(contract, ledger), reference, reason);
            if (check.outcome === 'not_found') throw notFound(say('no_payment', { reference }));
            if (check.outcome === 'conflict') throw conflict(check.said);
            return check.outcome === 'duplicate'
              ? { created: false, entry: ledgerEntryView(ContractService.find(ledger, reversalReference(reference))) }
              : undefined;
          },
          closed: () => this.notActive(id),
        },
      ),
    );
  }

  async amendSchedule(
    actor: Actor,
    id: string,
    amendment: {
      tranches: ContractDefinitionInput['tranches'];
      checkpoints: ContractDefinitionInput['checkpoints'];
      paymentTerms?: ContractDefinitionInput['paymentTerms'];
      reason: string;
    },
    idempotencyKey?: string,
  ) {
    await this.actingParty(actor, id, 'purchaserId', 'agency_officer', 'amend the schedule');
    // With an Idempotency-Key a retry (after a 503, say) is the same amendment, not a second version.
    const amendmentId = idempotencyKey === undefined ? undefined : idForKey('am', [actor.userId, id], idempotencyKey);
    await withTexts(this.db, id, [amendment.reason], ([reason]) =>
      sendToWorkflow(
        contractWorkflowId(id),
        async () =>
          void (await this.temporal.workflow.getHandle(contractWorkflowId(id)).executeUpdate(amendScheduleUpdate, {
            args: [{ ...amendment, reason: reason!, amendedBy: actor.userId, ...(amendmentId ? { amendmentId } : {}) }],
          })),
        {
          // Without a key each amendment is a new version, even with the same content; with one, the
          // version recorded under it (once the workflow has ended) is the answer.
          recorded: async () =>
            amendmentId !== undefined &&
            ((await this.recorded(id)).row.amendments as StoredAmendment[]).some((a) => a.id === amendmentId)
              ? null
              : undefined,
          closed: () => this.notActive(id),
        },
      ),
    );
    return this.detail(actor, id);
  }

  async terminate(actor: Actor, id: string, reason: string) {
    await this.actingParty(actor, id, 'purchaserId', 'agency_officer', 'terminate the contract');
    await withTexts(this.db, id, [reason], ([stored]) =>
      sendToWorkflow(
        contractWorkflowId(id),
        async () =>
          void (await this.temporal.workflow
            .getHandle(contractWorkflowId(id))
            .executeUpdate(terminateUpdate, { args: [{ reason: stored!, terminatedBy: actor.userId }] })),
        {
          // The same rule the workflow applies while it runs: the same reason is the termination recorded.
          recorded: async () =>
            isRepeatedTermination((await this.recorded(id)).row.termination as StoredTermination | null, { reason })
              ? null
              : undefined,
          closed: () => this.notActive(id),
        },
      ),
    );
    return this.detail(actor, id);
  }
}
