// One workflow per stalled step: it climbs the step's escalation ladder on durable timers, in
// working days, pauses when a notified party acknowledges, and closes every open escalation of the
// step when the step resolves (signalled by the workflow that owns the step).
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DELIVERY } from './activity-options';
import { projections } from './projection';
import type { EscalationRecord } from '../activities/escalations';
import { workingDaysBetween } from '../domain/calendar';
import { applyCalendarPatch } from '../domain/calendar-changes';
import { shanghaiDate } from '../domain/dates';
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
import { escalationEventKey, escalationNoticeKey } from '../domain/ids';
import { escalationNotice } from '../domain/notices';
import {
  acknowledgeUpdate,
  escalationId,
  escalationStateQuery,
  stepResolvedSignal,
  type EscalationWorkflowInput,
} from './escalation-messages';
import { escalationSearchAttributes, keepSearchAttributes } from './operator-view';
import { shanghaiDateTime } from '../domain/dates';
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
  const { step, ladder, parties } = input;
  /** The calendar in force: a published year or the contract's own days may change it (calendarChangedSignal). */
  let calendar = input.calendar;
  /** When the latest acknowledgement was made (its pause is counted again on a new calendar). */
  let lastAcknowledgedAt: number | undefined;
  const records: EscalationRecord[] = [];
  let version = 0;
  let resolution: { resolvedAt: string; reason: string } | undefined;
  let pausedUntil = 0;
  let changed = false;
  const grace = ladder.acknowledgementGraceWorkingDays ?? DEFAULT_ACKNOWLEDGEMENT_GRACE_WORKING_DAYS;
  // Deliveries run beside the climb; the workflow ends only after they are done.
  const deliveriesInFlight: Array<Promise<void>> = [];
  const since = shanghaiDate(step.dueAt);
  const holderOrganizationId = parties[input.holder] ?? null;

  const delay = (resolvedAt?: string) => ({
    stepId: step.stepId,
    contractId: step.contractId,
    stepKind: step.kind,
    stepReference: step.reference,
    holderParty: input.holder,
    holderOrganizationId,
    since: new Date(step.dueAt).toISOString(),
    ...(resolvedAt
      ? { resolvedAt, workingDays: workingDaysBetween(since, shanghaiDate(Date.parse(resolvedAt)), calendar) }
      : {}),
  });

  const event = (kind: string, actorId: string | null, payload: Record<string, unknown>) => ({
    idempotencyKey: escalationEventKey(step.stepId, version + 1, kind),
    kind,
    actorId,
    occurredAt: new Date().toISOString(),
    payload: { stepId: step.stepId, stepKind: step.kind, stepReference: step.reference, ...payload },
  });

  setHandler(stepResolvedSignal, (signal) => {
    resolution ??= signal;
  });

  // What has not happened yet is counted on the new calendar: a level still ahead fires on its
  // new day (the climb's wait below recomputes), a level fired stays fired, a pause still running
  // ends on the new calendar's working day, and the held days (delay()) are counted with it.
  setHandler(calendarChangedSignal, ({ patch }) => {
    calendar = applyCalendarPatch(calendar, patch);
    if (lastAcknowledgedAt !== undefined && pausedUntil > Date.now()) pausedUntil = acknowledgementEndsAt(lastAcknowledgedAt, grace, calendar);
    changed = true;
  });

  const acknowledgement = (record: EscalationRecord) => ({
    escalationId: record.id,
    acknowledgedAt: record.acknowledgedAt!,
    acknowledgedBy: record.acknowledgedBy!,
    note: record.acknowledgementNote!,
    pausedUntil: new Date(pausedUntil).toISOString(),
  });

  setHandler(
    acknowledgeUpdate,
    async (request) => {
      const record = records.find((r) => r.id === request.escalationId)!;
      // A repeat (its answer lost) changes nothing and is answered as the first was.
      if (isRepeatedAcknowledgement(record, request)) return acknowledgement(record);
      const now = new Date();
      record.state = 'acknowledged';
      record.acknowledgedAt = now.toISOString();
      record.acknowledgedBy = request.userId;
      record.acknowledgementNote = request.note;
      pausedUntil = Math.max(pausedUntil, acknowledgementEndsAt(now.getTime(), grace, calendar));
      lastAcknowledgedAt = now.getTime();
      changed = true;
      const ev = event('escalation.acknowledged', request.userId, { escalationId: record.id, note: request.note });
      version += 1;
      await projectEscalation({ version, records: [...records], delay: delay(), notices: [], events: [ev] });
      return acknowledgement(record);
    },
    {
      validator: (request) => {
        const record = records.find((r) => r.id === request.escalationId);
        if (!record) {
          // Not this step's (the API found it in the read model): it is not open here.
          reject(REJECTION.escalationNotOpen, say('no_escalation', { id: request.escalationId }));
        }
        if (!record.notifiedOrganizationIds.includes(request.organizationId)) {
          reject(REJECTION.notNotified, say('only_notified_acknowledge'));
        }
        if (isRepeatedAcknowledgement(record, request)) return;
        if (record.state !== 'open' || resolution) {
          reject(REJECTION.escalationNotOpen, say('escalation_not_open', { id: record.id, state: resolution ? 'resolved' : record.state }));
        }
      },
    },
  );

  // Parties of levels passed over (their time had already come) are told at the next level.
  const passedOver = new Set<EscalationParty>();
  // Only levels that reach one of this contract's parties are climbed and counted: a level
  // addressed to a party it does not have (no oversight body named) would tell nobody.
  const climb = reachableLevels(ladder, parties);
  /** The rank of the level waited for next (climb.length once every level opened). */
  let nextRank = 0;
  /** The level last opened (1-based, as each escalation record counts it), 0 before the first. */
  const levelsReached = () => records.at(-1)?.level ?? 0;

  setHandler(escalationStateQuery, () => {
    const next = resolution ? undefined : climb[nextRank];
    return {
      stepId: step.stepId,
      contractId: step.contractId,
      kind: step.kind,
      reference: step.reference,
      dueAt: new Date(step.dueAt).toISOString(),
      holder: input.holder,
      holderOrganizationId,
      level: levelsReached(),
      levels: climb.length,
      nextLevel: next
        ? {
            level: nextRank + 1,
            firesAt: new Date(Math.max(levelFiresAt(step.dueAt, next.level, calendar), pausedUntil)).toISOString(),
            severity: next.level.severity,
            notify: next.level.notify.filter((p) => parties[p] !== undefined),
          }
        : null,
      pausedUntil: pausedUntil > Date.now() && !resolution ? new Date(pausedUntil).toISOString() : null,
      resolved: resolution ?? null,
      escalations: records.map((r) => ({
        id: r.id,
        level: r.level,
        severity: r.severity,
        state: r.state,
        notifiedOrganizationIds: r.notifiedOrganizationIds,
        openedAt: r.openedAt,
        ...(r.closedAt ? { closedAt: r.closedAt } : {}),
      })),
    };
  });

  // Operators find escalations by contract, step kind, holder and level (issue 19).
  keepSearchAttributes(escalationSearchAttributes(step, holderOrganizationId, levelsReached()));

  for (let rank = 0; rank < climb.length; rank++) {
    nextRank = rank;
    const { index: level, level: definition } = climb[rank]!;
    // Wait for the level's time, later while an acknowledgement pauses the climb.
    for (;;) {
      const fireAt = Math.max(levelFiresAt(step.dueAt, definition, calendar), pausedUntil);
      const wait = fireAt - Date.now();
      if (wait <= 0 || resolution) break;
      changed = false;
      const told = definition.notify.filter((p) => parties[p] !== undefined).map((p) => `${p} ${parties[p]}`);
      await condition(() => changed || resolution !== undefined, wait, {
        summary: `Level ${rank + 1}/${climb.length} (${definition.severity}) tells ${told.join(', ')} at ${shanghaiDateTime(fireAt)} Asia/Shanghai${pausedUntil >= fireAt ? ', after an acknowledgement' : ''}`,
      });
    }
    if (resolution) break;
    // A step handed over late (its due time long past) goes straight to the highest level due.
    const next = climb[rank + 1]?.level;
    if (next && Math.max(levelFiresAt(step.dueAt, next, calendar), pausedUntil) <= Date.now()) {
      definition.notify.forEach((p) => passedOver.add(p));
      continue;
    }

    const openedAt = new Date().toISOString();
    for (const previous of records) {
      if (previous.state === 'open' || previous.state === 'acknowledged') {
        previous.state = 'superseded';
        previous.closedAt = openedAt;
      }
    }
    const notify = [...new Set([...passedOver, ...definition.notify])].filter((p) => parties[p] !== undefined);
    passedOver.clear();
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
    records.push(record);
    nextRank = rank + 1;
    keepSearchAttributes(escalationSearchAttributes(step, holderOrganizationId, levelsReached()));
    const message = (summary: typeof step.summary) =>
      escalationNotice({ contractTitle: step.contractTitle, summary, since, level: rank + 1, levels: climb.length, holder: input.holder });
    // One notice per audience: an organization with a text of its own gets it, the others the
    // shared summary. A notification is unique per key and organization, so they share the key.
    const own = organizationIds.filter((id) => step.summaryFor?.[id] !== undefined);
    const shared = organizationIds.filter((id) => step.summaryFor?.[id] === undefined);
    const notice = (ids: string[], summary: typeof step.summary) => ({
      idempotencyKey: escalationNoticeKey(record.id),
      escalationId: record.id,
      organizationIds: ids,
      severity: definition.severity,
      ...message(summary),
      at: openedAt,
    });
    const ev = event('escalation.opened', null, { escalationId: record.id, level: rank + 1, notified: organizationIds });
    version += 1;
    const notificationIds = await projectEscalation({
      version,
      records: [...records],
      delay: delay(),
      notices: [...(shared.length > 0 ? [notice(shared, step.summary)] : []), ...own.map((id) => notice([id], step.summaryFor![id]!))],
      events: [ev],
    });
    for (const notificationId of notificationIds) deliveriesInFlight.push(deliverNotification({ notificationId }));
  }

  await condition(() => resolution !== undefined);
  const resolved = resolution!;
  // Escalations close now; the step's delay runs to when its condition was met (resolvedAt),
  // which is earlier when, say, a payment is recorded days after the money arrived.
  const closedAt = new Date().toISOString();
  for (const record of records) {
    if (record.state === 'open' || record.state === 'acknowledged') {
      record.state = 'resolved';
      record.closedAt = closedAt;
    }
  }
  const finalDelay = delay(resolved.resolvedAt);
  const ev = event('escalation.step_resolved', null, { reason: resolved.reason, workingDaysHeld: finalDelay.workingDays });
  version += 1;
  await projectEscalation({ version, records: [...records], delay: finalDelay, notices: [], events: [ev] });
  await Promise.allSettled(deliveriesInFlight);
  await condition(allHandlersFinished);
  return {
    levelsReached: records.length,
    resolvedAt: resolved.resolvedAt,
    reason: resolved.reason,
    workingDaysHeld: finalDelay.workingDays ?? 0,
  };
}
