// One workflow per material request, a child of its contract: villages deliver in parts, station
// staff accept or send back each item, the villages still owing are reminded the working day
// before the due day, and after it each village still holding the request climbs its own
// materialRequestOverdue ladder (village liaison, village committee, township, purchaser).
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DELIVERY } from './activity-options';
import { projections } from './projection';
import type { MaterialRequestNotice } from '../activities/material-requests';
import { materialRequestEventKey, materialRequestReminderKey, stepId as buildStepId, stepReference } from '../domain/ids';
import { stepDueAt, stepDueDay } from '../domain/escalation';
import { dayText } from '../domain/dates';
import {
  deliveryProblems,
  isRepeatedDecision,
  reminderAt,
  requestStatus,
  reviewProblems,
  villageHolds,
  villageOwes,
  villageStanding,
  type Delivery,
} from '../domain/material-requests';
import { contractEndedSignal } from './contract-ended';
import {
  cancelRequestUpdate,
  deliverUpdate,
  materialRequestStateQuery,
  requestRegisteredUpdate,
  reviewDeliveryUpdate,
  type MaterialRequestState,
  type MaterialRequestWorkflowInput,
} from './material-request-messages';
import { reject, REJECTION } from './rejection';
import { say } from '../domain/messages';
import { openStep, partiesOf, resolveStep } from './steps';
import { applyCalendarPatch, calendarPatch } from '../domain/calendar-changes';
import { calendarChangedSignal } from './calendar-messages';
import { tellCalendar } from './calendar-updates';
import { escalationWorkflowId } from './escalation-messages';

const { projectMaterialRequest } = projections;

// Every delivery attempt is in the delivery log.
const { deliverNotification } = proxyActivities<Activities>(DELIVERY);

export async function materialRequestWorkflow(input: MaterialRequestWorkflowInput): Promise<MaterialRequestState> {
  const { contract, request } = input;
  /** The calendar in force: its contract passes on published years and its own days (calendarChangedSignal). */
  let calendar = input.calendar;
  const station = contract.stations.find((s) => s.id === request.station)!;
  const state: MaterialRequestState = {
    request,
    deliveries: [],
    villages: [],
    status: 'open',
    overdue: false,
    remindedAt: null,
    cancelled: null,
    closedAt: null,
  };
  let remindAt = reminderAt(request.dueAt, calendar);
  // A request made after its reminder time (or already due) is not reminded.
  let reminderDue = remindAt > Date.parse(request.requestedAt) && request.dueAt > Date.parse(request.requestedAt);
  let version = 0;
  let changed = false;
  let ended = false;
  let announcedOverdue = false;
  /** True once the request's first projection is in the read model. */
  let registered = false;
  /** The open overdue step per village, and how many times each village's step was opened. */
  const openSteps = new Map<string, string>();
  const occurrences = new Map<string, number>();
  /** When a village began holding the request again after an item was sent back past the due day. */
  const heldAgainSince = new Map<string, number>();
  const deliveriesInFlight: Array<Promise<void>> = [];

  const refresh = (now: number) => {
    state.villages = request.villages.map((v) => villageStanding(request, state.deliveries, v));
    state.status = requestStatus(state.villages, state.cancelled !== null);
    state.overdue = state.status !== 'cancelled' && now >= request.dueAt && state.villages.some(villageHolds);
  };

  const event = (kind: string, actorId: string | null, payload: Record<string, unknown>) => ({
    idempotencyKey: materialRequestEventKey(contract.id, request.id, version + 1, kind),
    kind,
    actorId,
    occurredAt: new Date().toISOString(),
    payload: { requestId: request.id, station: request.station, ...payload },
  });

  async function project(events: ReturnType<typeof event>[], notices: MaterialRequestNotice[] = []): Promise<void> {
    refresh(Date.now());
    version += 1;
    const notificationIds = await projectMaterialRequest({ version, state, events, notices });
    for (const notificationId of notificationIds) deliveriesInFlight.push(deliverNotification({ notificationId }));
  }

  const isClosed = () => ended || state.cancelled !== null || state.status === 'accepted';
  const requireOpen = () => {
    if (isClosed()) reject(REJECTION.closed, ended ? say('material_request_contract_ended', { id: request.id }) : say('material_request_closed', { id: request.id, status: state.status }));
  };

  setHandler(materialRequestStateQuery, () => state);

  // A new calendar: a reminder not sent yet moves to the new working day before the due day, and
  // each village's open ladder recomputes its levels still ahead and its held days.
  setHandler(calendarChangedSignal, async ({ patch, cause }) => {
    calendar = applyCalendarPatch(calendar, patch);
    if (reminderDue) remindAt = reminderAt(request.dueAt, calendar);
    changed = true;
    await tellCalendar([...openSteps.values()].map(escalationWorkflowId), patch, cause);
  });
  setHandler(contractEndedSignal, () => {
    ended = true;
  });
  setHandler(requestRegisteredUpdate, async () => {
    await condition(() => registered);
    return state;
  });

  const deliverCheck = (delivery: Parameters<typeof deliveryProblems>[2] & { deliveryId: string }) => {
    if (state.deliveries.some((d) => d.id === delivery.deliveryId)) return 'duplicate';
    requireOpen();
    const problems = deliveryProblems(request, state.deliveries, delivery);
    if (problems.length > 0) reject(REJECTION.invalid, say('delivery_invalid'), problems);
    return 'new';
  };

  setHandler(
    deliverUpdate,
    async (delivery) => {
      if (deliverCheck({ ...delivery, lines: delivery.items }) === 'duplicate') return state;
      const recorded: Delivery = {
        id: delivery.deliveryId,
        village: delivery.village,
        lines: delivery.items.map((i) => ({ itemId: i.itemId, quantity: i.quantity, status: 'pending' })),
        attachments: delivery.attachments,
        ...(delivery.note ? { note: delivery.note } : {}),
        deliveredBy: delivery.deliveredBy,
        deliveredAt: new Date().toISOString(),
      };
      state.deliveries.push(recorded);
      changed = true;
      await project([event('material_request.delivered', delivery.deliveredBy, { delivery: recorded })]);
      return state;
    },
    { validator: (delivery) => void deliverCheck({ ...delivery, lines: delivery.items }) },
  );

  const reviewCheck = (review: { deliveryId: string; items: Parameters<typeof reviewProblems>[1] }) => {
    const delivery = state.deliveries.find((d) => d.id === review.deliveryId);
    if (!delivery) reject(REJECTION.notFound, say('no_delivery', { request: request.id, delivery: review.deliveryId }));
    if (isRepeatedDecision(delivery, review.items)) return { delivery, repeated: true };
    if (ended || state.cancelled) requireOpen();
    const problems = reviewProblems(delivery, review.items);
    if (problems.length > 0) reject(REJECTION.invalid, say('decision_invalid'), problems);
    return { delivery, repeated: false };
  };

  setHandler(
    reviewDeliveryUpdate,
    async (review) => {
      const { delivery, repeated } = reviewCheck(review);
      if (repeated) return state;
      const now = Date.now();
      for (const decision of review.items) {
        const line = delivery.lines.find((l) => l.itemId === decision.itemId)!;
        line.status = decision.outcome === 'accept' ? 'accepted' : 'returned';
        if (decision.outcome === 'return') line.reason = decision.reason!;
      }
      delivery.reviewedBy = review.reviewedBy;
      delivery.reviewedAt = new Date(now).toISOString();
      // Sent back after the due day: the village holds the request again from now.
      if (review.items.some((d) => d.outcome === 'return') && now >= request.dueAt) heldAgainSince.set(delivery.village, now);
      changed = true;
      await project([event('material_request.reviewed', review.reviewedBy, { deliveryId: delivery.id, village: delivery.village, items: review.items })]);
      return state;
    },
    { validator: (review) => void reviewCheck(review) },
  );

  setHandler(
    cancelRequestUpdate,
    async (cancel) => {
      if (state.cancelled) return state;
      requireOpen();
      state.cancelled = { reason: cancel.reason, cancelledBy: cancel.cancelledBy, cancelledAt: new Date().toISOString() };
      changed = true;
      await project([event('material_request.cancelled', cancel.cancelledBy, { reason: cancel.reason })]);
      return state;
    },
    {
      validator: (_cancel) => {
        if (!state.cancelled) requireOpen();
      },
    },
  );

  /** Opens the overdue ladder of each village holding the request past due; closes the others'. */
  async function reconcileSteps(now: number): Promise<void> {
    for (const village of request.villages) {
      // Read afresh each time: a handler may have changed the standings while this loop awaited.
      const standing = villageStanding(request, state.deliveries, village);
      const holds = !isClosed() && now >= request.dueAt && villageHolds(standing);
      const stepId = openSteps.get(village);
      if (holds && !stepId) {
        const occurrence = (occurrences.get(village) ?? 0) + 1;
        occurrences.set(village, occurrence);
        const reference = stepReference([request.id, village]);
        const id = buildStepId(contract.id, 'materialRequestOverdue', reference, occurrence);
        openSteps.set(village, id);
        const startedWith = calendar;
        await openStep(
          contract,
          startedWith,
          {
            contractId: contract.id,
            contractTitle: contract.title,
            kind: 'materialRequestOverdue',
            reference,
            stepId: id,
            dueAt: Math.max(stepDueAt(request.dueAt), heldAgainSince.get(village) ?? 0),
            // Every notified party reads the summary; the village alone its volunteers' phones.
            summary: villageOwes(request, standing, station.name, null),
            summaryFor: { [village]: villageOwes(request, standing, station.name, village) },
          },
          'village',
          // This village and its township stand in the ladder's village and township places.
          { ...partiesOf(contract), village, township: station.townshipOrganization },
        );
        // The calendar changed while the step was starting: the step hears of it too.
        const patch = calendar !== startedWith ? calendarPatch(startedWith, calendar) : undefined;
        if (patch) await tellCalendar([escalationWorkflowId(id)], patch, 'calendar changed while the step started');
      } else if (!holds && stepId) {
        openSteps.delete(village);
        await resolveStep(stepId, ended ? 'contract ended' : state.cancelled ? 'request cancelled' : `village ${standing.status}`, now);
      }
    }
  }

  await project([event('material_request.created', request.requestedBy, { request })]);
  registered = true;

  while (!isClosed()) {
    // Cleared before anything is read, so a change made while this pass awaits wakes the next one.
    changed = false;
    const now = Date.now();
    if (reminderDue && now >= remindAt) {
      reminderDue = false;
      const owing = state.villages.filter(villageHolds);
      state.remindedAt = new Date(now).toISOString();
      const dueDay = stepDueDay(request.dueAt);
      await project(
        [event('material_request.reminded', null, { villages: owing.map((v) => v.village) })],
        owing.map((standing) => ({
          idempotencyKey: materialRequestReminderKey(contract.id, request.id, standing.village),
          organizationIds: [standing.village],
          subject: { en: `Reminder: "${request.title}" is due on ${dayText(dueDay, 'en')}`, 'zh-CN': `提醒：“${request.title}”将于${dayText(dueDay, 'zh-CN')}到期` },
          body: villageOwes(request, standing, station.name, standing.village),
          at: new Date(now).toISOString(),
        })),
      );
    }
    refresh(now);
    if (state.overdue && !announcedOverdue) {
      announcedOverdue = true;
      await project([event('material_request.overdue', null, { villages: state.villages.filter(villageHolds).map((v) => v.village) })]);
    }
    await reconcileSteps(now);
    const next = [reminderDue ? remindAt : undefined, request.dueAt].filter((t): t is number => t !== undefined && t > now);
    const wake = () => changed || isClosed();
    if (next.length === 0) await condition(wake);
    else await condition(wake, Math.max(1, Math.min(...next) - now));
  }

  await condition(allHandlersFinished);
  state.closedAt = new Date().toISOString();
  await project([event('material_request.closed', null, { status: ended && state.status !== 'accepted' ? 'contract ended' : state.status })]);
  await reconcileSteps(Date.now());
  await Promise.allSettled(deliveriesInFlight);
  return state;
}
