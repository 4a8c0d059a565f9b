// One workflow per stalled step: it climbs the step's escalation ladder on durable timers, in
// working days, pauses when a notified party acknowledges, and closes every open escalation of the
// step when the step resolves (signalled by the workflow that owns the step). The workflow function
// wires the handlers and climbs; the climb's state and steps are an EscalationRun.
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { CalendarPatch } from '../domain/calendar-changes';
import type { WorkingCalendar } from '../domain/calendar';
import type { Activities } from '../activities';
import { DELIVERY } from './activity-options';
import { projections } from './projection';
import type { EscalationRecord } from '../domain/escalation';
import { workingDaysBetween } from '../domain/calendar';
import { applyCalendarPatch } from '../domain/calendar-changes';
import { shanghaiDate, shanghaiDateTime } from '../domain/dates';
import { say } from '../domain/messages';
import { reject, REJECTION } from './rejection';
import {
  acknowledgementEndsAt,
  DEFAULT_ACKNOWLEDGEMENT_GRACE_WORKING_DAYS,
  isRepeatedAcknowledgement,
  levelFiresAt,
  reachableLevels,
  type EscalationParty,
} from '../domain/escalation';
import { waitUntil } from './wait';
import { escalationEventKey, escalationNoticeKey } from '../domain/ids';
import { escalationNotice } from '../domain/notices';
import {
  acknowledgeUpdate,
  escalationId,
  escalationStateQuery,
  stepResolvedSignal,
  type AcknowledgeInput,
  type Acknowledgement,
  type EscalationStateView,
  type EscalationWorkflowInput,
} from './escalation-messages';
import { escalationSearchAttributes, keepSearchAttributes } from './operator-view';
import { calendarChangedSignal } from './calendar-messages';

const { projectEscalation } = projections;

// Every delivery attempt is in the delivery log.
const { deliverNotification } = proxyActivities<Activities>(DELIVERY);

export interface EscalationOutcome {
  levelsReached: number;
  resolvedAt: string;
  reason: string;
  workingDaysHeld: number;
}

export async function escalationWorkflow(input: EscalationWorkflowInput): Promise<EscalationOutcome> {
  const run = new EscalationRun(input);
  setHandler(stepResolvedSignal, (signal) => {
    run.resolution ??= signal;
  });
  setHandler(calendarChangedSignal, ({ patch }) => run.takeCalendar(patch));
  setHandler(acknowledgeUpdate, (request) => run.acknowledge(request), {
    validator: (request) => void run.acknowledgementCheck(request),
  });
  setHandler(escalationStateQuery, () => run.view());
  // Operators find escalations by contract, step kind, holder and level (issue 19).
  run.showToOperators();

  for (let rank = 0; rank < run.climb.length; rank++) {
    if (!(await run.untilLevelDue(rank))) break;
    // A step handed over late (its due time long past) goes straight to the highest level due.
    if (run.passOver(rank)) continue;
    await run.openLevel(rank);
  }
  await condition(() => run.resolution !== undefined);
  return run.close();
}

/** One escalation's climb: its records, its pause, the calendar in force, and each step of the climb. */
class EscalationRun {
  readonly step: EscalationWorkflowInput['step'];
  /** Only levels that reach one of this contract's parties are climbed and counted: a level addressed to a party it does not have (no oversight body named) would tell nobody. */
  readonly climb: ReturnType<typeof reachableLevels>;
  /** The calendar in force: a published year or the contract's own days may change it (calendarChangedSignal). */
  private calendar: WorkingCalendar;
  /** When the latest acknowledgement was made (its pause is counted again on a new calendar). */
  private lastAcknowledgedAt: number | undefined;
  private readonly records: EscalationRecord[] = [];
  private version = 0;
  resolution: { resolvedAt: string; reason: string } | undefined;
  private pausedUntil = 0;
  private changed = false;
  private readonly grace: number;
  /** Deliveries run beside the climb; the workflow ends only after they are done. */
  private readonly deliveriesInFlight: Array<Promise<void>> = [];
  private readonly since: string;
  private readonly holderOrganizationId: string | null;
  /** Parties of levels passed over (their time had already come) are told at the next level. */
  private readonly passedOver = new Set<EscalationParty>();
  /** The rank of the level waited for next (climb.length once every level opened). */
  private nextRank = 0;

  constructor(private readonly input: EscalationWorkflowInput) {
    this.step = input.step;
    this.calendar = input.calendar;
    this.grace = input.ladder.acknowledgementGraceWorkingDays ?? DEFAULT_ACKNOWLEDGEMENT_GRACE_WORKING_DAYS;
    this.since = shanghaiDate(input.step.dueAt);
    this.holderOrganizationId = input.parties[input.holder] ?? null;
    this.climb = reachableLevels(input.ladder, input.parties);
  }

  /** The level last opened (1-based, as each escalation record counts it), 0 before the first. */
  private levelsReached(): number {
    return this.records.at(-1)?.level ?? 0;
  }

  showToOperators(): void {
    keepSearchAttributes(escalationSearchAttributes(this.step, this.holderOrganizationId, this.levelsReached()));
  }

  /** The step's delay as the read model keeps it; with `resolvedAt`, the working days it was held. */
  private delay(resolvedAt?: string) {
    const { step } = this;
    return {
      stepId: step.stepId,
      contractId: step.contractId,
      stepKind: step.kind,
      stepReference: step.reference,
      holderParty: this.input.holder,
      holderOrganizationId: this.holderOrganizationId,
      since: new Date(step.dueAt).toISOString(),
      ...(resolvedAt
        ? {
            resolvedAt,
            workingDays: workingDaysBetween(this.since, shanghaiDate(Date.parse(resolvedAt)), this.calendar),
          }
        : {}),
    };
  }

  private event(kind: string, actorId: string | null, payload: Record<string, unknown>) {
    const { step } = this;
    return {
      idempotencyKey: escalationEventKey(step.stepId, this.version + 1, kind),
      kind,
      actorId,
      occurredAt: new Date().toISOString(),
      payload: { stepId: step.stepId, stepKind: step.kind, stepReference: step.reference, ...payload },
    };
  }

  /**
   * What has not happened yet is counted on the new calendar: a level still ahead fires on its new
   * day (untilLevelDue recomputes), a level fired stays fired, a pause still running ends on the new
   * calendar's working day, and the held days (delay()) are counted with it.
   */
  takeCalendar(patch: CalendarPatch): void {
    this.calendar = applyCalendarPatch(this.calendar, patch);
    if (this.lastAcknowledgedAt !== undefined && this.pausedUntil > Date.now()) {
      this.pausedUntil = acknowledgementEndsAt(this.lastAcknowledgedAt, this.grace, this.calendar);
    }
    this.changed = true;
  }

  /** The escalation acknowledged and whether the request repeats its acknowledgement; refused when it is not this step's, not open, or the organization was not notified. */
  acknowledgementCheck(request: AcknowledgeInput): { record: EscalationRecord; repeated: boolean } {
    const record = this.records.find((r) => r.id === request.escalationId);
    // Not this step's (the API found it in the read model): it is not open here.
    if (!record) reject(REJECTION.escalationNotOpen, say('no_escalation', { id: request.escalationId }));
    if (!record.notifiedOrganizationIds.includes(request.organizationId))
      reject(REJECTION.notNotified, say('only_notified_acknowledge'));
    if (isRepeatedAcknowledgement(record, request)) return { record, repeated: true };
    if (record.state !== 'open' || this.resolution) {
      reject(
        REJECTION.escalationNotOpen,
        say('escalation_not_open', { id: record.id, state: this.resolution ? 'resolved' : record.state }),
      );
    }
    return { record, repeated: false };
  }

  private acknowledgement(record: EscalationRecord): Acknowledgement {
    return {
      escalationId: record.id,
      acknowledgedAt: record.acknowledgedAt!,
      acknowledgedBy: record.acknowledgedBy!,
      note: record.acknowledgementNote!,
      pausedUntil: new Date(this.pausedUntil).toISOString(),
    };
  }

  /** Pauses the climb for the ladder's grace in working days; a repeat (its answer lost) changes nothing and is answered as the first was. */
  async acknowledge(request: AcknowledgeInput): Promise<Acknowledgement> {
    const { record, repeated } = this.acknowledgementCheck(request);
    if (repeated) return this.acknowledgement(record);
    const now = new Date();
    record.state = 'acknowledged';
    record.acknowledgedAt = now.toISOString();
    record.acknowledgedBy = request.userId;
    record.acknowledgementNote = request.note;
    this.pausedUntil = Math.max(this.pausedUntil, acknowledgementEndsAt(now.getTime(), this.grace, this.calendar));
    this.lastAcknowledgedAt = now.getTime();
    this.changed = true;
    const ev = this.event('escalation.acknowledged', request.userId, { escalationId: record.id, note: request.note });
    this.version += 1;
    await projectEscalation({
      version: this.version,
      records: [...this.records],
      delay: this.delay(),
      notices: [],
      events: [ev],
    });
    return this.acknowledgement(record);
  }

  /** When the level of `rank` fires: its time on the calendar in force, later while an acknowledgement pauses the climb. */
  private firesAt(rank: number): number {
    return Math.max(levelFiresAt(this.step.dueAt, this.climb[rank]!.level, this.calendar), this.pausedUntil);
  }

  /** Waits for the level of `rank` to fall due (its time moves with the calendar and acknowledgements); false when the step resolved first. */
  async untilLevelDue(rank: number): Promise<boolean> {
    this.nextRank = rank;
    const { level: definition } = this.climb[rank]!;
    const { parties } = this.input;
    for (;;) {
      const fireAt = this.firesAt(rank);
      if (fireAt <= Date.now() || this.resolution) return !this.resolution;
      this.changed = false;
      const told = definition.notify.filter((p) => parties[p] !== undefined).map((p) => `${p} ${parties[p]}`);
      await waitUntil(
        () => this.changed || this.resolution !== undefined,
        fireAt,
        `Level ${rank + 1}/${this.climb.length} (${definition.severity}) tells ${told.join(', ')} at ${shanghaiDateTime(fireAt)} Asia/Shanghai${this.pausedUntil >= fireAt ? ', after an acknowledgement' : ''}`,
      );
    }
  }

  /** True when the next level is due too: this one's parties are told there instead. */
  passOver(rank: number): boolean {
    if (rank + 1 >= this.climb.length || this.firesAt(rank + 1) > Date.now()) return false;
    this.climb[rank]!.level.notify.forEach((p) => this.passedOver.add(p));
    return true;
  }

  /** Opens the level of `rank`: supersedes the open escalations, records and projects the new one, and delivers its notices. */
  async openLevel(rank: number): Promise<void> {
    const { step } = this;
    const { parties } = this.input;
    const { index: level, level: definition } = this.climb[rank]!;
    const openedAt = new Date().toISOString();
    for (const previous of this.records) {
      if (previous.state === 'open' || previous.state === 'acknowledged') {
        previous.state = 'superseded';
        previous.closedAt = openedAt;
      }
    }
    const notify = [...new Set([...this.passedOver, ...definition.notify])].filter((p) => parties[p] !== undefined);
    this.passedOver.clear();
    const organizationIds = [...new Set(notify.map((p) => parties[p]!))];
    const record: EscalationRecord = {
      id: escalationId(step.stepId, level),
      contractId: step.contractId,
      stepId: step.stepId,
      stepKind: step.kind,
      stepReference: step.reference,
      level: rank + 1,
      severity: definition.severity,
      notifiedParties: notify,
      notifiedOrganizationIds: organizationIds,
      state: 'open',
      summary: step.summary,
      dueAt: new Date(step.dueAt).toISOString(),
      openedAt,
    };
    this.records.push(record);
    this.nextRank = rank + 1;
    this.showToOperators();
    const ev = this.event('escalation.opened', null, {
      escalationId: record.id,
      level: rank + 1,
      notified: organizationIds,
    });
    this.version += 1;
    const notificationIds = await projectEscalation({
      version: this.version,
      records: [...this.records],
      delay: this.delay(),
      notices: this.notices(record, rank),
      events: [ev],
    });
    for (const notificationId of notificationIds) this.deliveriesInFlight.push(deliverNotification({ notificationId }));
  }

  /**
   * The notices of a level's escalation, one per audience: an organization with a text of its own
   * gets it, the others the shared summary. A notification is unique per key and organization, so they share the key.
   */
  private notices(record: EscalationRecord, rank: number) {
    const { step } = this;
    const own = record.notifiedOrganizationIds.filter((id) => step.summaryFor?.[id] !== undefined);
    const shared = record.notifiedOrganizationIds.filter((id) => step.summaryFor?.[id] === undefined);
    const notice = (ids: string[], summary: typeof step.summary) => ({
      idempotencyKey: escalationNoticeKey(record.id),
      escalationId: record.id,
      organizationIds: ids,
      severity: record.severity,
      ...escalationNotice({
        contractTitle: step.contractTitle,
        summary,
        since: this.since,
        level: rank + 1,
        levels: this.climb.length,
        holder: this.input.holder,
      }),
      at: record.openedAt,
    });
    return [
      ...(shared.length > 0 ? [notice(shared, step.summary)] : []),
      ...own.map((id) => notice([id], step.summaryFor![id]!)),
    ];
  }

  /**
   * Closes the escalations now; the step's delay runs to when its condition was met (resolvedAt),
   * which is earlier when, say, a payment is recorded days after the money arrived.
   */
  async close(): Promise<EscalationOutcome> {
    const resolved = this.resolution!;
    const closedAt = new Date().toISOString();
    for (const record of this.records) {
      if (record.state === 'open' || record.state === 'acknowledged') {
        record.state = 'resolved';
        record.closedAt = closedAt;
      }
    }
    const finalDelay = this.delay(resolved.resolvedAt);
    const ev = this.event('escalation.step_resolved', null, {
      reason: resolved.reason,
      workingDaysHeld: finalDelay.workingDays,
    });
    this.version += 1;
    await projectEscalation({
      version: this.version,
      records: [...this.records],
      delay: finalDelay,
      notices: [],
      events: [ev],
    });
    await Promise.allSettled(this.deliveriesInFlight);
    await condition(allHandlersFinished);
    return {
      levelsReached: this.records.length,
      resolvedAt: resolved.resolvedAt,
      reason: resolved.reason,
      workingDaysHeld: finalDelay.workingDays ?? 0,
    };
  }

  /** Where the escalation stands (the escalationState query). */
  view(): EscalationStateView {
    const { step, resolution, climb, nextRank } = this;
    const { parties } = this.input;
    const next = resolution ? undefined : climb[nextRank];
    return {
      stepId: step.stepId,
      contractId: step.contractId,
      kind: step.kind,
      reference: step.reference,
      dueAt: new Date(step.dueAt).toISOString(),
      holder: this.input.holder,
      holderOrganizationId: this.holderOrganizationId,
      level: this.levelsReached(),
      levels: climb.length,
      nextLevel: next
        ? {
            level: nextRank + 1,
            firesAt: new Date(this.firesAt(nextRank)).toISOString(),
            severity: next.level.severity,
            notify: next.level.notify.filter((p) => parties[p] !== undefined),
          }
        : null,
      pausedUntil: this.pausedUntil > Date.now() && !resolution ? new Date(this.pausedUntil).toISOString() : null,
      resolved: resolution ?? null,
      escalations: this.records.map((r) => ({
        id: r.id,
        level: r.level,
        severity: r.severity,
        state: r.state,
        notifiedOrganizationIds: r.notifiedOrganizationIds,
        openedAt: r.openedAt,
        ...(r.closedAt ? { closedAt: r.closedAt } : {}),
      })),
    };
  }
}
