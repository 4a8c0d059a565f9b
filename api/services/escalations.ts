// Escalations and delays: read from the read model, acknowledged through the step's workflow.
import type { Client } from '@temporalio/client';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { calendarForYears } from '../../activities/calendar';
import type { Database } from '../../db/client';
import { contracts, escalations, stepDelays } from '../../db/schema';
import { withOverrides, workingDaysBetween } from '../../domain/calendar';
import type { Contract } from '../../domain/contract';
import type { EscalationParty, StepKind } from '../../domain/escalation';
import { shanghaiDate } from '../../domain/dates';
import { isAdmin, type Actor } from '../../domain/organizations';
import { acknowledgeUpdate, ESCALATION_REJECTION, escalationWorkflowId } from '../../workflows/escalation-messages';
import { ApiError, forbidden, notFound } from '../errors';
import { updateRejection } from './temporal-errors';
import { isVillagesOwnStep, loadVisibleContract, villageScope } from './visibility';

type EscalationRow = typeof escalations.$inferSelect;
const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };

export function escalationView(row: EscalationRow) {
  return {
    id: row.id,
    contractId: row.contractId,
    step: { id: row.stepId, kind: row.stepKind as StepKind, reference: row.stepReference },
    level: row.level,
    severity: row.severity as 'info' | 'warning' | 'critical',
    state: row.state as 'open' | 'acknowledged' | 'resolved' | 'superseded',
    notifiedParties: row.notifiedParties as EscalationParty[],
    notifiedOrganizationIds: row.notifiedOrganizationIds,
    summary: row.summary as { en: string; 'zh-CN': string },
    dueAt: row.dueAt.toISOString(),
    openedAt: row.openedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: row.acknowledgedBy,
    acknowledgementNote: row.acknowledgementNote,
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/** Most severe first, then oldest first. */
function bySeverityThenAge(a: EscalationRow, b: EscalationRow): number {
  return (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || a.openedAt.getTime() - b.openedAt.getTime();
}

export class EscalationService {
  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The contracts the actor may see, each with the village the actor speaks for in it (if any). */
  private async visibleContracts(actor: Actor): Promise<Map<string, string | undefined> | 'all'> {
    if (isAdmin(actor)) return 'all';
    if (!actor.organizationId) return new Map();
    const rows = await this.db
      .select({ id: contracts.id, definition: contracts.definition })
      .from(contracts)
      .where(sql`${actor.organizationId} = any(${contracts.partyOrganizationIds})`);
    return new Map(rows.map((r) => [r.id, villageScope(actor, r.definition as Contract)]));
  }

  private requireVisibleContract(actor: Actor, contractId: string) {
    return loadVisibleContract(this.db, actor, contractId);
  }

  async list(actor: Actor, filter: { status?: string; contractId?: string }) {
    const conditions = [];
    let villages: Map<string, string | undefined>;
    if (filter.contractId) {
      const row = await this.requireVisibleContract(actor, filter.contractId);
      villages = new Map([[row.id, villageScope(actor, row.definition as Contract)]]);
      conditions.push(eq(escalations.contractId, filter.contractId));
    } else {
      const visible = await this.visibleContracts(actor);
      villages = visible === 'all' ? new Map() : visible;
      if (visible !== 'all') {
        if (visible.size === 0) return { items: [] };
        conditions.push(inArray(escalations.contractId, [...visible.keys()]));
      }
    }
    if (filter.status) conditions.push(eq(escalations.state, filter.status));
    const rows = await this.db.select().from(escalations).where(conditions.length ? and(...conditions) : undefined);
    // A village's users see the village chain's escalations of their own village only.
    const own = (r: EscalationRow) => {
      const village = villages.get(r.contractId);
      return !village || isVillagesOwnStep(village, { kind: r.stepKind, reference: r.stepReference });
    };
    return { items: rows.filter(own).sort(bySeverityThenAge).map(escalationView) };
  }

  async acknowledge(actor: Actor, id: string, note: string) {
    const [row] = await this.db.select().from(escalations).where(eq(escalations.id, id));
    if (!row) throw notFound(`Escalation ${id} does not exist`);
    await this.requireVisibleContract(actor, row.contractId);
    if (!actor.organizationId || !row.notifiedOrganizationIds.includes(actor.organizationId)) {
      throw forbidden('Only a user of an organization this escalation notified may acknowledge it');
    }
    try {
      await this.temporal.workflow.getHandle(escalationWorkflowId(row.stepId)).executeUpdate(acknowledgeUpdate, {
        args: [{ escalationId: id, organizationId: actor.organizationId, userId: actor.userId, note }],
      });
    } catch (error) {
      const failure = updateRejection(error);
      if (failure?.type === ESCALATION_REJECTION.notNotified) throw forbidden(failure.message);
      if (failure?.type === ESCALATION_REJECTION.notOpen || failure?.type === ESCALATION_REJECTION.notFound) {
        throw new ApiError(409, 'escalation_not_open', failure.message);
      }
      if (!failure && (error as Error).name === 'WorkflowNotFoundError') {
        throw new ApiError(409, 'escalation_not_open', `Escalation ${id} is closed`);
      }
      throw error;
    }
    const [updated] = await this.db.select().from(escalations).where(eq(escalations.id, id));
    return escalationView(updated!);
  }

  /** Working days each party held the contract's stalled steps (open steps count up to today). */
  async delays(actor: Actor, contractId: string) {
    const contractRow = await this.requireVisibleContract(actor, contractId);
    const contract = contractRow.definition as Contract;
    const rows = await this.db.select().from(stepDelays).where(eq(stepDelays.contractId, contractId));
    const today = shanghaiDate(this.clock());
    const years = rows.map((r) => r.since.getUTCFullYear());
    const calendar = withOverrides(calendarForYears(Math.min(...years, 9999), Number(today.slice(0, 4))), contract.calendar);
    const village = villageScope(actor, contract);
    const steps = rows.filter((r) => !village || isVillagesOwnStep(village, { kind: r.stepKind, reference: r.stepReference })).map((r) => ({
      stepId: r.stepId,
      kind: r.stepKind,
      reference: r.stepReference,
      party: r.holderParty,
      organizationId: r.holderOrganizationId,
      since: r.since.toISOString(),
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      workingDays: r.workingDays ?? workingDaysBetween(shanghaiDate(r.since.getTime()), today, calendar),
    }));
    const totals = new Map<string, { party: string; organizationId: string | null; workingDays: number; steps: number }>();
    for (const s of steps) {
      const key = JSON.stringify([s.party, s.organizationId]);
      const total = totals.get(key) ?? { party: s.party, organizationId: s.organizationId, workingDays: 0, steps: 0 };
      total.workingDays += s.workingDays;
      total.steps += 1;
      totals.set(key, total);
    }
    return { parties: [...totals.values()].sort((a, b) => b.workingDays - a.workingDays), steps };
  }
}
