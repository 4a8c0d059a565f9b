// Escalations and delays: read from the read model, acknowledged through the step's workflow.
import type { Text } from '../../domain/languages';
import { SEVERITIES_MOST_URGENT_FIRST } from '../../domain/severity';
import type { Client } from '@temporalio/client';
import { asc, eq, inArray } from 'drizzle-orm';
import { calendarInForce } from '../../db/calendar';
import type { Database } from '../../db/client';
import { contracts, escalations, ledgerEntries, stepDelays } from '../../db/schema';
import { withOverrides, workingDaysBetween, workingDaysInAny } from '../../domain/calendar';
import type { Contract } from '../../domain/contract';
import {
  isRepeatedAcknowledgement,
  MONEY_STEP_KINDS,
  type EscalationParty,
  type EscalationState,
  type StepKind,
} from '../../domain/escalation';
import { shanghaiDate } from '../../domain/dates';
import type { LedgerEntry } from '../../domain/ledger';
import { formatMoney } from '../../domain/money';
import { moneyStepFigures, type MoneyStepFigures } from '../../domain/notices';
import { isAdmin, type Actor } from '../../domain/organizations';
import { contractFigures, type ContractFigures } from '../../domain/status';
import { acknowledgeUpdate, escalationWorkflowId } from '../../workflows/escalation-messages';
import { withTexts } from './free-texts';
import { ApiError, forbidden, notFound } from '../errors';
import { ledgerEntryOf } from './contract-views';
import { sendToWorkflow } from './temporal-errors';
import { isVillagesOwnStep, loadVisibleContract, villageScope, type ContractRow } from './visibility';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { escalationsPageQuery } from './escalation-pages';
import { say } from '../../domain/messages';

type EscalationRow = typeof escalations.$inferSelect;

/** Kinds of step about money: their view carries today's figures beside the text written when they opened. */
const MONEY_STEPS: ReadonlySet<StepKind> = new Set(MONEY_STEP_KINDS);

/** Today's figures of a money step, money as decimal strings; `at` is when they were computed (epoch ms). */
function currentView(now: MoneyStepFigures | undefined, at: number) {
  if (!now) return null;
  return {
    asOf: new Date(at).toISOString(),
    status: now.status,
    required: formatMoney(now.requiredFen),
    received: formatMoney(now.receivedFen),
    outstanding: formatMoney(now.outstandingFen),
    summary: now.summary,
  };
}

/**
 * One escalation. `summary` is the text sent when it opened (its figures dated in it); `current`
 * is where a money step stands now (null for other steps), from `figures` computed for `at`.
 */
export function escalationView(row: EscalationRow, figures: ContractFigures | undefined, at: number) {
  return {
    id: row.id,
    contractId: row.contractId,
    step: { id: row.stepId, kind: row.stepKind, reference: row.stepReference },
    level: row.level,
    severity: row.severity,
    state: row.state,
    notifiedParties: row.notifiedParties,
    notifiedOrganizationIds: row.notifiedOrganizationIds,
    summary: row.summary as Text,
    dueAt: row.dueAt.toISOString(),
    openedAt: row.openedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: row.acknowledgedBy,
    acknowledgementNote: row.acknowledgementNote,
    closedAt: row.closedAt?.toISOString() ?? null,
    current: figures ? currentView(moneyStepFigures(row.stepKind, row.stepReference, figures, at), at) : null,
  };
}

export interface EscalationListFilter {
  status?: EscalationState;
  contractId?: string;
  limit: number;
  /** A previous page's nextCursor (api/services/cursor.ts). */
  cursor?: string;
}

/** Rows one escalation page may read while skipping another village's steps (at least 20 pages' worth). */
const MAX_SCANNED = 1_000;

export class EscalationService {
  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly clock: () => number = Date.now,
  ) {}

  private requireVisibleContract(actor: Actor, contractId: string) {
    return loadVisibleContract(this.db, actor, contractId);
  }

  /** Views of escalations, money steps with their contract's figures now (from the read model's ledger). */
  private async views(rows: EscalationRow[]) {
    const now = this.clock();
    const ids = [...new Set(rows.filter((r) => MONEY_STEPS.has(r.stepKind)).map((r) => r.contractId))];
    const figures = new Map<string, ContractFigures>();
    if (ids.length > 0) {
      const [definitions, entries] = await Promise.all([
        this.db
          .select({ id: contracts.id, definition: contracts.definition })
          .from(contracts)
          .where(inArray(contracts.id, ids)),
        this.db
          .select()
          .from(ledgerEntries)
          .where(inArray(ledgerEntries.contractId, ids))
          .orderBy(asc(ledgerEntries.id)),
      ]);
      const ledgers = new Map<string, LedgerEntry[]>();
      for (const e of entries) {
        const ledger = ledgers.get(e.contractId) ?? [];
        ledger.push(ledgerEntryOf(e));
        ledgers.set(e.contractId, ledger);
      }
      for (const { id, definition } of definitions)
        figures.set(id, contractFigures(definition as Contract, ledgers.get(id) ?? [], now));
    }
    return rows.map((r) => escalationView(r, figures.get(r.contractId), now));
  }

  /**
   * Escalations the actor may see, most severe first, then oldest first (opened_at, id): one
   * severity at a time, each a bounded index scan in that order (escalation_parties for an
   * organization, escalations for an administrator or one contract), so a page costs the same
   * however many contracts the province has (issue 19).
   */
  async list(actor: Actor, filter: EscalationListFilter) {
    const position =
      filter.cursor === undefined
        ? undefined
        : decodeCursor('escalations', filter.cursor, ['integer', 'integer', 'string'] as const);
    if (position && !(position[0] >= 0 && position[0] < SEVERITIES_MOST_URGENT_FIRST.length)) throw invalidCursor();
    let contract: ContractRow | undefined;
    if (filter.contractId) contract = await this.requireVisibleContract(actor, filter.contractId);
    else if (!isAdmin(actor) && !actor.organizationId) return { items: [], nextCursor: null };
    // A village's users see the village chain's escalations of their own village only: rows are
    // scanned in batches and filtered until the page is full or MAX_SCANNED rows were read, and the
    // cursor names a row the caller may see (or, after a scan of hidden rows only, just the instant
    // where it stopped), never another village's step.
    type Scanned = { row: EscalationRow; openedMicros: number; rank: number };
    const visible: Scanned[] = [];
    let lastScanned: Scanned | undefined;
    let scanned = 0;
    let exhausted = false;
    const maxScanned = Math.max(MAX_SCANNED, 20 * filter.limit);
    let from: { rank: number; after?: readonly [number, string] } = {
      rank: position?.[0] ?? 0,
      after: position ? [position[1], position[2]] : undefined,
    };
    while (visible.length < filter.limit && scanned < maxScanned) {
      if (from.rank >= SEVERITIES_MOST_URGENT_FIRST.length) {
        exhausted = true;
        break;
      }
      const batch = filter.limit - visible.length;
      const query = escalationsPageQuery(
        this.db,
        actor,
        { ...filter, severity: SEVERITIES_MOST_URGENT_FIRST[from.rank]! },
        from.after,
      );
      const rows = (await query.limit(batch)).map((r) => ({ ...r, rank: from.rank }));
      scanned += rows.length;
      const villages = await this.villagesOf(
        actor,
        contract,
        rows.map((r) => r.row.contractId),
      );
      for (const r of rows) {
        const village = villages.get(r.row.contractId);
        if (!village || isVillagesOwnStep(village, { kind: r.row.stepKind, reference: r.row.stepReference }))
          visible.push(r);
      }
      lastScanned = rows[rows.length - 1] ?? lastScanned;
      from =
        rows.length < batch
          ? { rank: from.rank + 1 }
          : { rank: from.rank, after: [lastScanned!.openedMicros, lastScanned!.row.id] };
    }
    const lastVisible = visible[visible.length - 1];
    let nextCursor: string | null = null;
    if (!exhausted && lastScanned) {
      const at = (r: Scanned, id: string) => encodeCursor('escalations', [r.rank, r.openedMicros, id]);
      if (
        lastVisible &&
        (visible.length === filter.limit ||
          lastVisible === lastScanned ||
          (lastVisible.rank === lastScanned.rank && lastVisible.openedMicros === lastScanned.openedMicros))
      ) {
        nextCursor = at(lastVisible, lastVisible.row.id);
      } else {
        // Only hidden rows since the last visible one: resume at their last instant ('' sorts before every id).
        nextCursor = at(lastScanned, '');
      }
    }
    return { items: await this.views(visible.map((r) => r.row)), nextCursor };
  }

  /** The village the actor speaks for in each of these contracts (if any): read for one page's contracts only. */
  private async villagesOf(
    actor: Actor,
    known: ContractRow | undefined,
    contractIds: string[],
  ): Promise<Map<string, string | undefined>> {
    if (isAdmin(actor) || !actor.organizationId) return new Map();
    if (known) return new Map([[known.id, villageScope(actor, known.definition as Contract)]]);
    const ids = [...new Set(contractIds)];
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: contracts.id, definition: contracts.definition })
      .from(contracts)
      .where(inArray(contracts.id, ids));
    return new Map(rows.map((r) => [r.id, villageScope(actor, r.definition as Contract)]));
  }

  async acknowledge(actor: Actor, id: string, note: string) {
    const [row] = await this.db.select().from(escalations).where(eq(escalations.id, id));
    if (!row) throw notFound(say('not_found', { what: 'escalation', id }));
    await this.requireVisibleContract(actor, row.contractId);
    if (!actor.organizationId || !row.notifiedOrganizationIds.includes(actor.organizationId)) {
      throw forbidden(say('only_notified_acknowledge'));
    }
    const request = { escalationId: id, organizationId: actor.organizationId, userId: actor.userId, note };
    const current = async () => (await this.db.select().from(escalations).where(eq(escalations.id, id)))[0]!;
    await withTexts(this.db, row.contractId, [note], ([stored]) =>
      sendToWorkflow(
        escalationWorkflowId(row.stepId),
        async () =>
          void (await this.temporal.workflow
            .getHandle(escalationWorkflowId(row.stepId))
            .executeUpdate(acknowledgeUpdate, { args: [{ ...request, note: stored! }] })),
        {
          // The same rule the workflow applies while it runs.
          recorded: async () => (isRepeatedAcknowledgement(await current(), request) ? null : undefined),
          closed: async () =>
            new ApiError(
              409,
              'escalation_not_open',
              say('escalation_not_open', { id, state: (await current()).state }),
            ),
        },
      ),
    );
    return (await this.views([await current()]))[0]!;
  }

  /**
   * The contract's stalled steps the actor may see, each with the working days it was held (open
   * steps count up to today), and a counter of the working days on which any of a set of them was
   * held (steps held in parallel count each day once).
   */
  async heldSteps(actor: Actor, contractId: string) {
    const contractRow = await this.requireVisibleContract(actor, contractId);
    const contract = contractRow.definition as Contract;
    const rows = await this.db.select().from(stepDelays).where(eq(stepDelays.contractId, contractId));
    const today = shanghaiDate(this.clock());
    const years = rows.map((r) => r.since.getUTCFullYear());
    const calendar = withOverrides(
      await calendarInForce(this.db, Math.min(...years, 9999), Number(today.slice(0, 4))),
      contract.calendar,
    );
    const village = villageScope(actor, contract);
    const steps = rows
      .filter((r) => !village || isVillagesOwnStep(village, { kind: r.stepKind, reference: r.stepReference }))
      .map((r) => ({
        stepId: r.stepId,
        kind: r.stepKind,
        reference: r.stepReference,
        party: r.holderParty,
        organizationId: r.holderOrganizationId,
        since: r.since.toISOString(),
        resolvedAt: r.resolvedAt?.toISOString() ?? null,
        workingDays: r.workingDays ?? workingDaysBetween(shanghaiDate(r.since.getTime()), today, calendar),
      }));
    const workingDaysHoldingAny = (held: ReadonlyArray<{ since: string; resolvedAt: string | null }>) =>
      workingDaysInAny(
        held.map((s) => ({
          since: shanghaiDate(Date.parse(s.since)),
          until: s.resolvedAt ? shanghaiDate(Date.parse(s.resolvedAt)) : today,
        })),
        calendar,
      );
    return { steps, workingDaysHoldingAny };
  }

  /**
   * Per party: `workingDays`, the sum of its steps' working days (parallel steps add up), and
   * `workingDaysHoldingAnyStep`, the working days on which it held at least one step.
   */
  async delays(actor: Actor, contractId: string) {
    const { steps, workingDaysHoldingAny } = await this.heldSteps(actor, contractId);
    const byParty = new Map<string, { party: EscalationParty; organizationId: string | null; held: typeof steps }>();
    for (const s of steps) {
      const key = JSON.stringify([s.party, s.organizationId]);
      const entry = byParty.get(key) ?? { party: s.party, organizationId: s.organizationId, held: [] };
      entry.held.push(s);
      byParty.set(key, entry);
    }
    const parties = [...byParty.values()].map(({ party, organizationId, held }) => ({
      party,
      organizationId,
      workingDays: held.reduce((sum, s) => sum + s.workingDays, 0),
      workingDaysHoldingAnyStep: workingDaysHoldingAny(held),
      steps: held.length,
    }));
    return {
      parties: parties.sort(
        (a, b) => b.workingDaysHoldingAnyStep - a.workingDaysHoldingAnyStep || b.workingDays - a.workingDays,
      ),
      steps,
    };
  }
}
