// One workflow per material request, a child of its contract: villages deliver in parts, station
// staff accept or send back each item, the villages still owing are reminded the working day
// before the due day, and after it each village still holding the request climbs its own
// materialRequestOverdue ladder (village liaison, village committee, township, purchaser). The
// workflow function wires the handlers and runs the loop; the request's state and steps are a
// MaterialRequestRun.
import type { AuditEvent } from '../domain/events';
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract } from '../domain/contract';
import type { Activities } from '../activities';
import { DELIVERY } from './activity-options';
import { projections } from './projection';
import type { MaterialRequestNotice } from '../domain/notices';
import { materialRequestEventKey, materialRequestReminderKey, stepKey, villageStepReference } from '../domain/ids';
import { stepDueAt, stepDueDay, type StepBook } from '../domain/escalation';
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
  type CancelRequestInput,
  type DeliverInput,
  type MaterialRequestWorkflowInput,
  type ReviewDeliveryInput,
} from './material-request-messages';
import type { MaterialRequestState } from '../domain/material-requests';
import { reject, REJECTION } from './rejection';
import { say } from '../domain/messages';
import { partiesOf } from './steps';
import { StepHandover } from './step-handover';
import { applyCalendarPatch, type CalendarPatch } from '../domain/calendar-changes';
import { calendarChangedSignal } from './calendar-messages';
import { tellCalendar } from './calendar-updates';
import { waitUntil } from './wait';

const { projectMaterialRequest } = projections;

// Every delivery attempt is in the delivery log.
const { deliverNotification } = proxyActivities<Activities>(DELIVERY);

export async function materialRequestWorkflow(input: MaterialRequestWorkflowInput): Promise<MaterialRequestState> {
  const run = new MaterialRequestRun(input);
  setHandler(materialRequestStateQuery, () => run.state);
  setHandler(calendarChangedSignal, ({ patch, cause }) => run.takeCalendar(patch, cause));
  setHandler(contractEndedSignal, () => {
    run.ended = true;
  });
  setHandler(requestRegisteredUpdate, async () => {
    await condition(() => run.registered);
    return run.state;
  });
  setHandler(deliverUpdate, (delivery) => run.deliver(delivery), {
    validator: (delivery) => void run.deliveryCheck(delivery),
  });
  setHandler(reviewDeliveryUpdate, (review) => run.reviewDelivery(review), {
    validator: (review) => void run.reviewCheck(review),
  });
  setHandler(cancelRequestUpdate, (cancel) => run.cancel(cancel), {
    validator: (cancel) => void run.cancelCheck(cancel),
  });

  await run.project([run.event('material_request.created', input.request.requestedBy, { request: input.request })]);
  run.registered = true;
  while (!run.isClosed()) {
    // Cleared before anything is read, so a change made while this pass awaits wakes the next one.
    run.changed = false;
    const now = Date.now();
    await run.remindIfDue(now);
    await run.announceOverdue(now);
    await run.reconcileSteps(now);
    await waitUntil(() => run.changed || run.isClosed(), run.nextWakeUp(now));
  }
  await condition(allHandlersFinished);
  return run.close();
}

/** One material request: its state, the villages' overdue steps, and what each handler does. */
class MaterialRequestRun {
  readonly state: MaterialRequestState;
  private readonly contract: Contract;
  private readonly request: MaterialRequestWorkflowInput['request'];
  private readonly station: Contract['stations'][number];
  /** The calendar in force: its contract passes on published years and its own days (calendarChangedSignal). */
  private calendar: WorkingCalendar;
  private remindAt: number;
  private reminderDue: boolean;
  private version = 0;
  changed = false;
  ended = false;
  private announcedOverdue = false;
  /** True once the request's first projection is in the read model. */
  registered = false;
  /** Each village's overdue step (workflows/step-book.ts), and their handover. */
  private readonly book: StepBook = {};
  private readonly steps = new StepHandover({
    contract: () => this.contract,
    book: () => this.book,
    calendar: () => this.calendar,
  });
  /** When a village began holding the request again after an item was sent back past the due day. */
  private readonly heldAgainSince = new Map<string, number>();
  private readonly deliveriesInFlight: Array<Promise<void>> = [];

  constructor(input: MaterialRequestWorkflowInput) {
    const { contract, request } = input;
    this.contract = contract;
    this.request = request;
    this.station = contract.stations.find((s) => s.id === request.station)!;
    this.calendar = input.calendar;
    this.state = {
      request,
      deliveries: [],
      villages: [],
      status: 'open',
      overdue: false,
      remindedAt: null,
      cancelled: null,
      closedAt: null,
    };
    this.remindAt = reminderAt(request.dueAt, this.calendar);
    // A request made after its reminder time (or already due) is not reminded.
    this.reminderDue =
      this.remindAt > Date.parse(request.requestedAt) && request.dueAt > Date.parse(request.requestedAt);
  }

  private refresh(now: number): void {
    const { state, request } = this;
    state.villages = request.villages.map((v) => villageStanding(request, state.deliveries, v));
    state.status = requestStatus(state.villages, state.cancelled !== null);
    state.overdue = state.status !== 'cancelled' && now >= request.dueAt && state.villages.some(villageHolds);
  }

  event(kind: string, actorId: string | null, payload: Record<string, unknown>): AuditEvent {
    return {
      idempotencyKey: materialRequestEventKey(this.contract.id, this.request.id, this.version + 1, kind),
      kind,
      actorId,
      occurredAt: new Date().toISOString(),
      payload: { requestId: this.request.id, station: this.request.station, ...payload },
    };
  }

  async project(events: AuditEvent[], notices: MaterialRequestNotice[] = []): Promise<void> {
    this.refresh(Date.now());
    this.version += 1;
    const notificationIds = await projectMaterialRequest({ version: this.version, state: this.state, events, notices });
    for (const notificationId of notificationIds) this.deliveriesInFlight.push(deliverNotification({ notificationId }));
  }

  isClosed(): boolean {
    return this.ended || this.state.cancelled !== null || this.state.status === 'accepted';
  }

  private requireOpen(): void {
    const { request, state } = this;
    if (this.isClosed()) {
      reject(
        REJECTION.closed,
        this.ended
          ? say('material_request_contract_ended', { id: request.id })
          : say('material_request_closed', { id: request.id, status: state.status }),
      );
    }
  }

  /**
   * A new calendar: a reminder not sent yet moves to the new working day before the due day, and
   * each village's open ladder recomputes its levels still ahead and its held days.
   */
  async takeCalendar(patch: CalendarPatch, cause: string): Promise<void> {
    this.calendar = applyCalendarPatch(this.calendar, patch);
    if (this.reminderDue) this.remindAt = reminderAt(this.request.dueAt, this.calendar);
    this.changed = true;
    await tellCalendar(this.steps.openWorkflowIds(), patch, cause);
  }

  /** 'duplicate' for a delivery recorded already; refused when the request is closed or the delivery breaks a rule. */
  deliveryCheck(delivery: DeliverInput): 'duplicate' | 'new' {
    const { state } = this;
    if (state.deliveries.some((d) => d.id === delivery.deliveryId)) return 'duplicate';
    this.requireOpen();
    const problems = deliveryProblems(this.request, state.deliveries, { ...delivery, lines: delivery.items });
    if (problems.length > 0) reject(REJECTION.invalid, say('delivery_invalid'), problems);
    return 'new';
  }

  async deliver(delivery: DeliverInput): Promise<MaterialRequestState> {
    if (this.deliveryCheck(delivery) === 'duplicate') return this.state;
    const recorded: Delivery = {
      id: delivery.deliveryId,
      village: delivery.village,
      lines: delivery.items.map((i) => ({ itemId: i.itemId, quantity: i.quantity, status: 'pending' })),
      attachments: delivery.attachments,
      ...(delivery.note ? { note: delivery.note } : {}),
      deliveredBy: delivery.deliveredBy,
      deliveredAt: new Date().toISOString(),
    };
    this.state.deliveries.push(recorded);
    this.changed = true;
    await this.project([this.event('material_request.delivered', delivery.deliveredBy, { delivery: recorded })]);
    return this.state;
  }

  /** The delivery decided and whether the decision repeats one; refused when there is no such delivery, the request is closed or the decision breaks a rule. */
  reviewCheck(review: ReviewDeliveryInput): { delivery: Delivery; repeated: boolean } {
    const delivery = this.state.deliveries.find((d) => d.id === review.deliveryId);
    if (!delivery)
      reject(REJECTION.notFound, say('no_delivery', { request: this.request.id, delivery: review.deliveryId }));
    if (isRepeatedDecision(delivery, review.items)) return { delivery, repeated: true };
    if (this.ended || this.state.cancelled) this.requireOpen();
    const problems = reviewProblems(delivery, review.items);
    if (problems.length > 0) reject(REJECTION.invalid, say('decision_invalid'), problems);
    return { delivery, repeated: false };
  }

  async reviewDelivery(review: ReviewDeliveryInput): Promise<MaterialRequestState> {
    const { delivery, repeated } = this.reviewCheck(review);
    if (repeated) return this.state;
    const now = Date.now();
    for (const decision of review.items) {
      const line = delivery.lines.find((l) => l.itemId === decision.itemId)!;
      line.status = decision.outcome === 'accept' ? 'accepted' : 'returned';
      if (decision.outcome === 'return') line.reason = decision.reason!;
    }
    delivery.reviewedBy = review.reviewedBy;
    delivery.reviewedAt = new Date(now).toISOString();
    // Sent back after the due day: the village holds the request again from now.
    if (review.items.some((d) => d.outcome === 'return') && now >= this.request.dueAt)
      this.heldAgainSince.set(delivery.village, now);
    this.changed = true;
    await this.project([
      this.event('material_request.reviewed', review.reviewedBy, {
        deliveryId: delivery.id,
        village: delivery.village,
        items: review.items,
      }),
    ]);
    return this.state;
  }

  /** 'duplicate' for a request cancelled already; refused when it is closed otherwise. */
  cancelCheck(_cancel: CancelRequestInput): 'duplicate' | 'new' {
    if (this.state.cancelled) return 'duplicate';
    this.requireOpen();
    return 'new';
  }

  async cancel(cancel: CancelRequestInput): Promise<MaterialRequestState> {
    if (this.cancelCheck(cancel) === 'duplicate') return this.state;
    this.state.cancelled = {
      reason: cancel.reason,
      cancelledBy: cancel.cancelledBy,
      cancelledAt: new Date().toISOString(),
    };
    this.changed = true;
    await this.project([this.event('material_request.cancelled', cancel.cancelledBy, { reason: cancel.reason })]);
    return this.state;
  }

  /** The villages still owing are reminded once, the working day before the due day. */
  async remindIfDue(now: number): Promise<void> {
    if (!this.reminderDue || now < this.remindAt) return;
    const { request, state } = this;
    this.reminderDue = false;
    const owing = state.villages.filter(villageHolds);
    state.remindedAt = new Date(now).toISOString();
    const dueDay = stepDueDay(request.dueAt);
    await this.project(
      [this.event('material_request.reminded', null, { villages: owing.map((v) => v.village) })],
      owing.map((standing) => ({
        idempotencyKey: materialRequestReminderKey(this.contract.id, request.id, standing.village),
        organizationIds: [standing.village],
        subject: {
          en: `Reminder: "${request.title}" is due on ${dayText(dueDay, 'en')}`,
          'zh-CN': `提醒：“${request.title}”将于${dayText(dueDay, 'zh-CN')}到期`,
        },
        body: villageOwes(request, standing, this.station.name, standing.village),
        at: new Date(now).toISOString(),
      })),
    );
  }

  /** Past due with a village still holding it: announced once. */
  async announceOverdue(now: number): Promise<void> {
    this.refresh(now);
    if (!this.state.overdue || this.announcedOverdue) return;
    this.announcedOverdue = true;
    await this.project([
      this.event('material_request.overdue', null, {
        villages: this.state.villages.filter(villageHolds).map((v) => v.village),
      }),
    ]);
  }

  /** The next instant something falls due (the reminder, the due day), if any is ahead. */
  nextWakeUp(now: number): number | undefined {
    const next = [this.reminderDue ? this.remindAt : undefined, this.request.dueAt].filter(
      (t): t is number => t !== undefined && t > now,
    );
    return next.length > 0 ? Math.min(...next) : undefined;
  }

  /** Opens the overdue ladder of each village holding the request past due; closes the others'. */
  async reconcileSteps(now: number): Promise<void> {
    const { request, state } = this;
    for (const village of request.villages) {
      // Read afresh each time: a handler may have changed the standings while this loop awaited.
      const standing = villageStanding(request, state.deliveries, village);
      const holds = !this.isClosed() && now >= request.dueAt && villageHolds(standing);
      if (holds) await this.openVillageStep(village, standing);
      else {
        const resolving = this.steps.resolve(
          stepKey('materialRequestOverdue', villageStepReference(request.id, village)),
          this.ended ? 'contract ended' : state.cancelled ? 'request cancelled' : `village ${standing.status}`,
          now,
        );
        if (resolving) await resolving;
      }
    }
  }

  /** Opens the village's overdue step unless it is open (undefined then). */
  private openVillageStep(village: string, standing: ReturnType<typeof villageStanding>): Promise<void> | undefined {
    const { contract, request } = this;
    const reference = villageStepReference(request.id, village);
    return this.steps.open(
      'materialRequestOverdue',
      reference,
      {},
      ({ stepId }) => ({
        contractId: contract.id,
        contractTitle: contract.title,
        kind: 'materialRequestOverdue',
        reference,
        stepId,
        dueAt: Math.max(stepDueAt(request.dueAt), this.heldAgainSince.get(village) ?? 0),
        // Every notified party reads the summary; the village alone its volunteers' phones.
        summary: villageOwes(request, standing, this.station.name, null),
        summaryFor: { [village]: villageOwes(request, standing, this.station.name, village) },
      }),
      {
        holder: 'village',
        // This village and its township stand in the ladder's village and township places.
        parties: { ...partiesOf(contract), village, township: this.station.townshipOrganization },
      },
    );
  }

  /** Closes the request (accepted, cancelled, or its contract ended) and the villages' steps. */
  async close(): Promise<MaterialRequestState> {
    const { state } = this;
    state.closedAt = new Date().toISOString();
    await this.project([
      this.event('material_request.closed', null, {
        status: this.ended && state.status !== 'accepted' ? 'contract ended' : state.status,
      }),
    ]);
    await this.reconcileSteps(Date.now());
    await Promise.allSettled(this.deliveriesInFlight);
    return state;
  }
}
