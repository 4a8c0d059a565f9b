// One durable workflow per contract, for its whole life: it keeps the ledger's summary (the entries
// are the read model's record), watches every checkpoint and tranche on durable timers, announces
// misses and recoveries, and mirrors each change into the read model through an idempotent
// projection activity. Its state is bounded (see ContractState) and it continues as new before its
// history grows past CONTINUE_AS_NEW_EVENTS events or CONTINUE_AS_NEW_BYTES.
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { projections } from './projection';
import type { ContractEventInput, ContractNoticeInput } from '../activities/contracts';
import { isRepeatedTermination, validateSchedule } from '../domain/contract';
import { addToSummary, checkPayment, checkReversal, emptyLedgerSummary, reversalEntry, reversalReference, type LedgerEntry } from '../domain/ledger';
import { freeTextDigest, type FreeText } from '../domain/free-text';
import { canonicalJson } from '../domain/canonical-json';
import { shortDigest } from '../domain/digest';
import { withOverrides, type WorkingCalendar as WorkingCalendarValue } from '../domain/calendar';
import { calendarPatch, contractCalendarYears, sameOverrides, validateCalendarAmendment } from '../domain/calendar-changes';
import { stepDueAt, type StepKind } from '../domain/escalation';
import { announcedKey, contractEventKey, contractNoticeKey, parseAnnouncedKey, stepId as buildStepId, stepKey, stepReference, type Announced } from '../domain/ids';
import { checkpointNotice, checkpointStepSummary, trancheNotice, trancheStepSummary } from '../domain/notices';
import type { Problem } from '../domain/problems';
import { contractFigures, moneyStepHeldUntil, nextDeadline } from '../domain/status';
import { shanghaiDateTime } from '../domain/dates';
import {
  amendScheduleUpdate,
  RECENT_AMENDMENT_IDS,
  contractStateQuery,
  recordPaymentUpdate,
  registeredUpdate,
  reversePaymentUpdate,
  terminateUpdate,
  type AmendScheduleInput,
  type Amendment,
  type ContractOutcome,
  type ContractState,
  type ContractWorkflowInput,
} from './contract-messages';
import type { EscalationStep } from './escalation-messages';
import { materialRequestProblems, type MaterialRequest } from '../domain/material-requests';
import { contractEndedSignal } from './contract-ended';
import { materialRequestWorkflow } from './material-request';
import { materialRequestWorkflowId, requestMaterialsUpdate } from './material-request-messages';
import { quotaWorkflow } from './quotas';
import { quotaWorkflowId } from './quota-messages';
import { materialRequestLimitProblem, paymentLimitProblem } from '../domain/limits';
import { reviewWorkflow } from './review';
import { reviewWorkflowId } from './review-messages';
import { reject, REJECTION } from './rejection';
import { say } from '../domain/messages';
import { isWorkflowIdTaken, startOwnChild } from './children';
import { openStep, resolveStep } from './steps';
import { amendCalendarUpdate, calendarPublishedSignal, type CalendarAmendment } from './calendar-messages';
import { tellCalendar } from './calendar-updates';
import { escalationWorkflowId } from './escalation-messages';
import { contractSearchAttributes, keepSearchAttributes, showContractDetails } from './operator-view';

import { amendedPaymentTerms, installPaymentClock, milestoneIdsOf, paymentClockStepChanges, paymentClockWakeUp, trancheRemovalProblems } from './payment-clock';

const { workingCalendar } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const { projectContract } = projections;

const DAY_MS = 24 * 3600 * 1000;

/**
 * A run continues as new past these, well inside Temporal's limits (51,200 events, 50 MB per run).
 * Events: a worker that does not hold a contract in its cache (a restart, an eviction, a failed
 * workflow task — what a burst brings) replays the whole run before it answers anything, and
 * replay measured about 2 ms per event (bench/replay-cost.ts: a 3,300-event run 7 to 8 s, on 2
 * loaded cores); 1,000 events (about 110 payments) bound a run's replay to about 2.6 s. Bytes: a
 * payment adds at most ~7 KB (its note travels in the Update and in the projection), so a run
 * ends well before 5 MB whatever arrives while it drains.
 */
const CONTINUE_AS_NEW_EVENTS = 1_000;
const CONTINUE_AS_NEW_BYTES = 3 * 1024 * 1024;

export async function contractWorkflow(input: ContractWorkflowInput): Promise<ContractOutcome> {
  const state: ContractState = input.state ? { ...input.state, contract: input.state.contract ?? input.contract } : {
    contract: input.contract,
    status: 'active',
    createdBy: input.createdBy,
    createdAt: input.createdAt,
    revision: 0,
    scheduleVersion: 1,
    ledger: emptyLedgerSummary(),
    announced: {},
  };
  const contractId = state.contract.id;
  let changed = false;
  /** True once the contract is in the read model and its review and quota workflows run. */
  let registered = state.revision > 0;
  /** Why the contract could not start (a child's workflow id was taken): its registration is refused with it. */
  let startRefusal: string | undefined;
  let draining = false;
  /**
   * Set once this run is to continue as new: payments and reversals are refused (REJECTION.handingOver,
   * the API sends them again) so that the handlers in flight can finish even under a steady stream.
   */
  let continuing = false;
  const refuseWhileContinuing = () => {
    if (continuing) reject(REJECTION.handingOver, say('contract_continuing', { id: contractId }));
  };
  /** Payments (by reference digest) whose projection is still being written: a repeat waits for it. */
  const projecting = new Set<string>();
  /** Whether the read model's row still needs the definition (first projection, after an amendment). */
  let definitionChanged = !registered;
  let definitionsInFlight = 0;
  /** Steps to hand to (or take back from) the escalation engine after the next projection. */
  const stepChanges: Array<{
    key: string;
    open?: Omit<EscalationStep, 'stepId'>;
    resolve?: { reason: string; at: number };
  }> = [];

  /**
   * Writes the change to the read model; `entries`, `events`, `notices` and `amendment` are what is
   * new. The definition travels only when it changed, so a payment's projection stays small.
   */
  async function project(
    entries: LedgerEntry[],
    events: ContractEventInput[],
    notices: ContractNoticeInput[] = [],
    amendment?: Amendment,
  ): Promise<void> {
    state.revision += 1;
    const { ledger, calendar: _calendar, steps: _steps, contract, ...rest } = state;
    // While a projection carrying the definition is in flight, later ones carry it too: one of
    // them may commit first, and the row takes only the newest revision.
    const withDefinition = definitionChanged || definitionsInFlight > 0;
    definitionChanged = false;
    if (withDefinition) definitionsInFlight += 1;
    try {
      await projectContract({
        contractId,
        snapshot: { ...rest, ...(withDefinition ? { contract } : {}), receivedFen: ledger.receivedFen },
        entries,
        events,
        notices,
        ...(amendment ? { amendment } : {}),
      });
    } finally {
      if (withDefinition) definitionsInFlight -= 1;
    }
    await applyStepChanges();
    showToOperators();
  }

  /** Search attributes (upserted when a value changed) and current details, as of now (issue 19). */
  function showToOperators(): void {
    const now = Date.now();
    keepSearchAttributes(contractSearchAttributes(state, now));
    showContractDetails(state, now);
  }

  /** Starts an escalation workflow for each newly stalled step; tells resolved steps' workflows. */
  async function applyStepChanges(): Promise<void> {
    // One drainer at a time, so a step's start always precedes its resolution.
    if (draining) return;
    draining = true;
    try {
      await drainStepChanges();
    } finally {
      draining = false;
    }
  }

  async function drainStepChanges(): Promise<void> {
    while (stepChanges.length > 0) {
      const change = stepChanges.shift()!;
      const steps = (state.steps ??= {});
      const current = steps[change.key];
      if (change.open && !current?.open) {
        const occurrence = (current?.occurrence ?? 0) + 1;
        const stepId = buildStepId(contractId, change.open.kind, change.open.reference, occurrence);
        steps[change.key] = { stepId, occurrence, open: true };
        // A step that stalls again (a reversal after a recovery) is held again from when it was
        // last met, not from its original due time, so no day is charged to its holder twice.
        const heldAgainFrom = current?.resolvedAt ?? Date.now();
        const dueAt = occurrence > 1 ? Math.max(change.open.dueAt, heldAgainFrom) : change.open.dueAt;
        const startedWith = state.calendar!;
        await openStep(state.contract, startedWith, { ...change.open, stepId, dueAt });
        // The calendar changed while the step was starting: the step hears of it too.
        await tellIfChanged([escalationWorkflowId(stepId)], startedWith, 'calendar changed while the step started');
      } else if (change.resolve && current?.open) {
        current.open = false;
        current.resolvedAt = change.resolve.at;
        await resolveStep(current.stepId, change.resolve.reason, change.resolve.at);
      }
    }
  }

  /** An audit event of the next projection; `subject` (an announced key) tells apart events of one kind in it. */
  const event = (kind: string, actorId: string | null, payload: Record<string, unknown>, subject?: string): ContractEventInput => ({
    idempotencyKey: contractEventKey(contractId, state.revision + 1, kind, subject),
    kind,
    actorId,
    occurredAt: new Date().toISOString(),
    payload,
  });

  const requireActive = () => {
    if (state.status !== 'active') reject(REJECTION.notActive, say('contract_not_active', { id: contractId, status: state.status }));
  };

  setHandler(contractStateQuery, () => {
    const { ledger, calendar: _calendar, ...rest } = state;
    const { count, receivedFen, byFundingSource, byBudgetLine } = ledger;
    return { ...rest, ledger: { count, receivedFen, byFundingSource, byBudgetLine } };
  });

  /** A repeat is answered once the entry it repeats is in the read model (where the API reads it). */
  const recorded = async (reference: string) => {
    const key = shortDigest(reference);
    await condition(() => !projecting.has(key));
    return { outcome: 'duplicate' as const, reference };
  };

  /** Adds an entry to the summary at once (a concurrent repeat sees it) and projects it. */
  async function recordEntry(entry: LedgerEntry, change: ContractEventInput, key: string): Promise<void> {
    addToSummary(state.contract, state.ledger, entry);
    changed = true;
    projecting.add(key);
    try {
      await projectChange([entry], change);
    } finally {
      projecting.delete(key);
    }
  }

  setHandler(registeredUpdate, async () => {
    await condition(() => registered || startRefusal !== undefined);
    if (startRefusal !== undefined) reject(REJECTION.conflict, startRefusal);
    return { revision: state.revision };
  });

  /** A new payment past MAX_PAYMENTS_PER_CONTRACT is refused (reversals stay possible: a mistake can always be corrected). */
  const refuseOverPaymentLimit = () => {
    const overLimit = paymentLimitProblem(Object.keys(state.ledger.payments).length);
    if (overLimit) reject(REJECTION.invalid, say('payment_invalid'), [overLimit]);
  };

  setHandler(
    recordPaymentUpdate,
    async (request) => {
      const check = checkPayment(state.contract, state.ledger, request, Date.now());
      if (check.outcome === 'duplicate') return recorded(request.reference);
      requireActive();
      // Again here: two Updates validated together at the limit would otherwise both be recorded.
      refuseOverPaymentLimit();
      if (check.outcome === 'conflict') reject(REJECTION.conflict, check.said);
      if (check.outcome === 'invalid') reject(REJECTION.invalid, say('payment_invalid'), check.problems);
      const entry: LedgerEntry = {
        reference: request.reference,
        kind: 'payment',
        amountFen: check.amountFen,
        receivedOn: request.receivedOn,
        fundingSource: request.fundingSource,
        ...(request.budgetLine !== undefined ? { budgetLine: request.budgetLine } : {}),
        ...(request.note !== undefined ? { note: request.note } : {}),
        recordedBy: request.recordedBy,
        recordedAt: new Date().toISOString(),
      };
      await recordEntry(entry, event('payment.recorded', request.recordedBy, { ...entry }), shortDigest(request.reference));
      return { outcome: 'created', reference: entry.reference };
    },
    {
      validator: (request) => {
        refuseWhileContinuing();
        const check = checkPayment(state.contract, state.ledger, request, Date.now());
        if (check.outcome === 'duplicate') return;
        requireActive();
        refuseOverPaymentLimit();
        if (check.outcome === 'conflict') reject(REJECTION.conflict, check.said);
        if (check.outcome === 'invalid') reject(REJECTION.invalid, say('payment_invalid'), check.problems);
      },
    },
  );

  const reversalRejection = (request: { reference: string; reason: FreeText }) => {
    const check = checkReversal(state.contract, state.ledger, request.reference, request.reason);
    if (check.outcome === 'not_found') reject(REJECTION.notFound, say('no_payment', { reference: request.reference }));
    if (check.outcome === 'conflict') reject(REJECTION.conflict, check.said);
    if (check.outcome === 'new') requireActive();
    return check;
  };

  setHandler(
    reversePaymentUpdate,
    async (request) => {
      const check = reversalRejection(request);
      // Keyed by the payment's reference: its reversal's projection is what a repeat waits for.
      if (check.outcome === 'duplicate') return recorded(request.reference).then(() => ({ outcome: 'duplicate' as const, reference: reversalReference(request.reference) }));
      if (check.outcome !== 'new') throw new Error('unreachable');
      const entry = reversalEntry(request.reference, check.original, request, new Date().toISOString());
      await recordEntry(entry, event('payment.reversed', request.recordedBy, { ...entry }), shortDigest(request.reference));
      return { outcome: 'created', reference: entry.reference };
    },
    {
      validator: (request) => {
        refuseWhileContinuing();
        reversalRejection(request);
      },
    },
  );

  const scheduleProblems = (request: { tranches: unknown; checkpoints: unknown; paymentTerms?: unknown }) => {
    const problems: Problem[] = [];
    const schedule = validateSchedule(
      request as Parameters<typeof validateSchedule>[0],
      state.contract.valueFen,
      state.contract.term,
      problems,
      milestoneIdsOf(state.contract),
    );
    return { schedule, problems, paymentTerms: amendedPaymentTerms(request, problems) };
  };

  /** A retry of a recent amendment (same Idempotency-Key): answered with the schedule in force, nothing added. */
  const amendmentKey = (request: AmendScheduleInput) =>
    `${request.amendmentId} ${shortDigest(canonicalJson([request.tranches, request.checkpoints, freeTextDigest(request.reason), ...(request.paymentTerms !== undefined ? [request.paymentTerms] : [])]))}`;
  const repeatedAmendment = (request: AmendScheduleInput): Amendment | undefined => {
    if (request.amendmentId === undefined) return undefined;
    const recorded = state.recentAmendmentIds?.find((k) => k.startsWith(`${request.amendmentId} `));
    if (recorded === undefined) return undefined;
    if (recorded !== amendmentKey(request)) reject(REJECTION.conflict, say('idempotency_key_other_amendment'));
    return {
      id: request.amendmentId,
      version: state.scheduleVersion,
      reason: request.reason,
      amendedBy: request.amendedBy,
      amendedAt: new Date().toISOString(),
      tranches: state.contract.tranches,
      checkpoints: state.contract.checkpoints,
    };
  };

  setHandler(
    amendScheduleUpdate,
    async (request) => {
      const repeated = repeatedAmendment(request);
      if (repeated) return repeated;
      requireActive();
      const { schedule, problems, paymentTerms } = scheduleProblems(request);
      if (problems.length > 0) reject(REJECTION.invalid, say('schedule_invalid'), problems);
      const amendment: Amendment = {
        ...(request.amendmentId !== undefined ? { id: request.amendmentId } : {}),
        version: state.scheduleVersion + 1,
        reason: request.reason,
        amendedBy: request.amendedBy,
        amendedAt: new Date().toISOString(),
        tranches: schedule.tranches,
        checkpoints: schedule.checkpoints,
        ...(paymentTerms ? { paymentTerms } : {}),
      };
      state.contract = { ...state.contract, tranches: schedule.tranches, checkpoints: schedule.checkpoints, ...(paymentTerms ? { paymentTerms } : {}) };
      state.scheduleVersion = amendment.version;
      if (request.amendmentId !== undefined) state.recentAmendmentIds = [...(state.recentAmendmentIds ?? []), amendmentKey(request)].slice(-RECENT_AMENDMENT_IDS);
      definitionChanged = true;
      changed = true;
      await projectChange([], event('contract.schedule_amended', request.amendedBy, { ...amendment }), amendment);
      return amendment;
    },
    {
      validator: (request) => {
        if (repeatedAmendment(request)) return;
        requireActive();
        const { problems } = scheduleProblems(request);
        // Validator only (not replayed): a tranche with an application standing is not amended away.
        problems.push(...trancheRemovalProblems(state, Array.isArray(request.tranches) ? request.tranches : []));
        if (problems.length > 0) reject(REJECTION.invalid, say('schedule_invalid'), problems);
      },
    },
  );

  setHandler(
    terminateUpdate,
    async (request) => {
      if (isRepeatedTermination(state.terminated, request)) return state.terminated!;
      requireActive();
      const termination = { reason: request.reason, terminatedBy: request.terminatedBy, terminatedAt: new Date().toISOString() };
      state.status = 'terminated';
      state.terminated = termination;
      state.endedAt = termination.terminatedAt;
      changed = true;
      await project([], [event('contract.terminated', request.terminatedBy, { reason: request.reason })]);
      return termination;
    },
    {
      validator: (request) => {
        if (!isRepeatedTermination(state.terminated, request)) requireActive();
      },
    },
  );

  const materialRequestCheck = (request: MaterialRequest) => {
    if (state.materialRequests?.includes(request.id)) return 'duplicate';
    requireActive();
    // Material requests escalate through the engine, which contracts started before it lack.
    if (!state.calendar) reject(REJECTION.conflict, say('contract_before_material_requests', { id: contractId }));
    const problems = materialRequestProblems(request, state.contract);
    const overLimit = materialRequestLimitProblem(state.materialRequests?.length ?? 0);
    if (overLimit) problems.push(overLimit);
    if (problems.length > 0) reject(REJECTION.invalid, say('material_request_invalid'), problems);
    return 'new';
  };

  setHandler(
    requestMaterialsUpdate,
    async (request) => {
      if (materialRequestCheck(request) === 'duplicate') return { requestId: request.id, created: false };
      // Recorded before the start, so a retry arriving meanwhile is recognised as one.
      const requests = (state.materialRequests ??= []);
      requests.push(request.id);
      const startedWith = state.calendar!;
      try {
        await startOwnChild(
          materialRequestWorkflow,
          {
            workflowId: materialRequestWorkflowId(contractId, request.id),
            // A request outlives a continue-as-new of the contract; the contract tells it when it ends.
            parentClosePolicy: ParentClosePolicy.ABANDON,
            staticSummary: `Material request ${request.id} · ${state.contract.title}`,
            args: [{ contract: state.contract, calendar: startedWith, request }],
          },
          `Material request ${request.id}`,
        );
        await tellIfChanged([materialRequestWorkflowId(contractId, request.id)], startedWith, 'calendar changed while the request started');
      } catch (error) {
        requests.splice(requests.indexOf(request.id), 1);
        if (isWorkflowIdTaken(error)) reject(REJECTION.conflict, error.message);
        throw error;
      }
      return { requestId: request.id, created: true };
    },
    { validator: (request) => void materialRequestCheck(request) },
  );

  // ---- The calendar of a running contract (issue 17): published years and its own days. ----

  /** Tells `workflowIds` what changed since `since` (the calendar they were started with), if anything did. */
  async function tellIfChanged(workflowIds: string[], since: WorkingCalendarValue, cause: string): Promise<void> {
    const patch = state.calendar && since !== state.calendar ? calendarPatch(since, state.calendar) : undefined;
    if (patch) await tellCalendar(workflowIds, patch, cause);
  }

  /** Calendar refreshes run one at a time, in the order asked, so an older read never wins. */
  let calendarRefreshes: Promise<void> = Promise.resolve();

  /**
   * Reads the calendar in force (published years over the package's, the contract's own days over
   * both) and, when it differs from the one held, passes the years that changed on to every open
   * step and every child (reviews, quotas, material requests), which recompute what has not
   * happened yet. Idempotent: the same calendar again changes nothing.
   */
  function refreshCalendar(cause: string): Promise<void> {
    const run = async () => {
      const next = withOverrides(await workingCalendar(contractCalendarYears(state.contract)), state.contract.calendar);
      const patch = calendarPatch(state.calendar!, next);
      if (!patch) return;
      state.calendar = next;
      const children = [
        ...Object.values(state.steps ?? {}).filter((s) => s.open).map((s) => escalationWorkflowId(s.stepId)),
        ...(state.reviewsStarted ? (state.contract.milestones ?? []).map((m) => reviewWorkflowId(contractId, m.id)) : []),
        ...(state.quotasStarted ? [quotaWorkflowId(contractId)] : []),
        ...(state.materialRequests ?? []).map((requestId) => materialRequestWorkflowId(contractId, requestId)),
      ];
      await tellCalendar(children, patch, cause);
    };
    calendarRefreshes = calendarRefreshes.then(run);
    return calendarRefreshes;
  }

  setHandler(calendarPublishedSignal, async ({ year, version }) => {
    if (state.status !== 'active') return;
    await refreshCalendar(`calendar ${year} published (version ${version})`);
  });

  const ownCalendar = (created: boolean): CalendarAmendment => ({
    version: state.ownCalendar?.version ?? 1,
    holidays: state.contract.calendar?.holidays ?? [],
    workdays: state.contract.calendar?.workdays ?? [],
    reason: state.ownCalendar?.reason ?? '',
    amendedBy: state.ownCalendar?.amendedBy ?? state.createdBy,
    amendedAt: state.ownCalendar?.amendedAt ?? state.createdAt,
    created,
  });

  const calendarAmendmentCheck = (request: { holidays: string[]; workdays: string[]; reason: FreeText }) => {
    requireActive();
    if (!state.calendar) reject(REJECTION.conflict, say('contract_before_calendar_changes', { id: contractId }));
    const checked = validateCalendarAmendment(request, contractCalendarYears(state.contract));
    if (!checked.ok) reject(REJECTION.invalid, say('contract_calendar_invalid'), checked.problems);
    return checked.value;
  };

  setHandler(
    amendCalendarUpdate,
    async (request) => {
      const { reason, ...overrides } = calendarAmendmentCheck(request);
      // The days in force already: no new version (a repeat whose answer was lost is answered too).
      if (sameOverrides(state.contract.calendar, overrides)) return ownCalendar(false);
      const amendedAt = new Date().toISOString();
      state.ownCalendar = { version: (state.ownCalendar?.version ?? 1) + 1, reason, amendedBy: request.amendedBy, amendedAt };
      state.contract = { ...state.contract, calendar: overrides };
      definitionChanged = true;
      changed = true;
      const amendment = ownCalendar(true);
      const { created: _created, ...payload } = amendment;
      await projectChange([], event('contract.calendar_amended', request.amendedBy, payload));
      await refreshCalendar(`own calendar amended (version ${amendment.version})`);
      return amendment;
    },
    { validator: (request) => void calendarAmendmentCheck(request) },
  );

  // Payment applications and the payer's legal clock (issue 18): workflows/payment-clock.ts.
  installPaymentClock({
    state: () => state,
    requireActive,
    refuseWhileContinuing,
    record: async (kind, actorId, payload) => {
      changed = true;
      await projectChange([], event(kind, actorId, payload));
    },
  });

  /**
   * The events and notices for every checkpoint and tranche whose state changed since it was last
   * announced; marks them announced. Synchronous, so concurrent handlers never announce twice.
   */
  function announcements(now: number): { events: ContractEventInput[]; notices: ContractNoticeInput[] } {
    const figures = contractFigures(state.contract, state.ledger, now);
    const events: ContractEventInput[] = [];
    const notices: ContractNoticeInput[] = [];
    const track = (
      what: Announced,
      id: string,
      status: string,
      payload: Record<string, unknown>,
      notice: ReturnType<typeof checkpointNotice>,
      step: {
        kind: StepKind;
        stalled: boolean;
        dueAt: number;
        summary: EscalationStep['summary'];
        /** The day the required money was reached, by the receipts' dates. */
        coveredOn: string | null;
      },
    ) => {
      const key = announcedKey(what, id);
      const previous = state.announced[key];
      if (previous === status || (previous === undefined && (status === 'pending' || status === 'upcoming'))) return;
      state.announced[key] = status;
      events.push(event(`${what}.${status}`, null, payload, key));
      // A stall is announced by its escalation ladder's first level instead.
      if (notice && !step.stalled) {
        notices.push({ ...notice, idempotencyKey: contractNoticeKey(contractId, state.revision + 1, key, status) });
      }
      const { kind, dueAt, summary } = step;
      const reference = stepReference([id]);
      const changeKey = stepKey(kind, reference);
      if (step.stalled) stepChanges.push({ key: changeKey, open: { contractId, contractTitle: state.contract.title, kind, reference, dueAt, summary } });
      else {
        // Money can be recorded after it arrived: the step was held until the day it arrived.
        const at = step.coveredOn ? moneyStepHeldUntil(step.coveredOn, now) : now;
        stepChanges.push({ key: changeKey, resolve: { reason: `${what} ${status}`, at } });
      }
    };
    for (const c of figures.checkpoints) {
      track('checkpoint', c.id, c.status, { ...c }, checkpointNotice(state.contract, c, now), {
        kind: 'paymentShortfall',
        stalled: c.status === 'missed',
        dueAt: stepDueAt(state.contract.checkpoints.find((d) => d.id === c.id)?.byAt ?? now),
        summary: checkpointStepSummary(c, now),
        coveredOn: c.coveredOn,
      });
    }
    // An amendment may remove a checkpoint or tranche: its stall ends with it.
    const current = new Set([...figures.checkpoints.map((c) => announcedKey('checkpoint', c.id)), ...figures.tranches.map((t) => announcedKey('tranche', t.id))]);
    for (const key of Object.keys(state.announced)) {
      if (current.has(key)) continue;
      delete state.announced[key];
      // Parsed, not split: a checkpoint id may hold any separator.
      const { what, id } = parseAnnouncedKey(key)!;
      const kind: StepKind = what === 'checkpoint' ? 'paymentShortfall' : 'trancheOverdue';
      stepChanges.push({ key: stepKey(kind, stepReference([id])), resolve: { reason: `${what} removed by amendment`, at: now } });
    }
    for (const t of figures.tranches) {
      track('tranche', t.id, t.status, { ...t }, trancheNotice(state.contract, t, now), {
        kind: 'trancheOverdue',
        stalled: t.status === 'overdue',
        dueAt: stepDueAt(state.contract.tranches.find((d) => d.id === t.id)?.dueAt ?? now),
        summary: trancheStepSummary(t, now),
        coveredOn: t.paidOn,
      });
    }
    const clock = paymentClockStepChanges(state, now, new Set(stepChanges.map((c) => c.key)));
    stepChanges.push(...clock.steps);
    events.push(...clock.events.map((e) => event(e.kind, null, e.payload, e.subject)));
    return { events, notices };
  }

  /** A change by a party, projected together with what it caused (a recovered checkpoint, …). */
  async function projectChange(entries: LedgerEntry[], change: ContractEventInput, amendment?: Amendment): Promise<void> {
    const caused = announcements(Date.now());
    await project(entries, [change, ...caused.events], caused.notices, amendment);
  }

  /** The next instant at which something falls due, or undefined when nothing is left to wait for. */
  function nextWakeUp(now: number): number | undefined {
    const { contract } = state;
    const graceEnd = contract.term.endAt + contract.closeGraceDays * DAY_MS;
    const times = [nextDeadline(contract, now), contract.term.endAt, graceEnd, paymentClockWakeUp(state, now)].filter(
      (t): t is number => t !== undefined && t > now,
    );
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  if (!state.calendar) {
    state.calendar = withOverrides(await workingCalendar(contractCalendarYears(state.contract)), state.contract.calendar);
  }

  // The children start before the contract is registered: a child whose workflow id is taken
  // refuses the contract's creation (409 with the id) instead of failing it after a 201.
  const startedChildren: string[] = [];
  try {
    if (!state.reviewsStarted) {
      for (const milestone of state.contract.milestones ?? []) {
        const workflowId = reviewWorkflowId(contractId, milestone.id);
        await startOwnChild(
          reviewWorkflow,
          {
            workflowId,
            // Reviews outlive a continue-as-new of the contract; the contract tells them when it ends.
            parentClosePolicy: ParentClosePolicy.ABANDON,
            staticSummary: `Review of milestone ${milestone.id} · ${state.contract.title}`,
            args: [{ contract: state.contract, milestone, calendar: state.calendar! }],
          },
          `The review of milestone ${milestone.id} of contract ${contractId}`,
        );
        startedChildren.push(workflowId);
      }
      state.reviewsStarted = true;
    }

    if (!state.quotasStarted && (state.contract.quotas?.length ?? 0) > 0) {
      await startOwnChild(
        quotaWorkflow,
        {
          workflowId: quotaWorkflowId(contractId),
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `Indicator quotas · ${state.contract.title}`,
          args: [{ contract: state.contract, calendar: state.calendar! }],
        },
        `The indicator quotas of contract ${contractId}`,
      );
      state.quotasStarted = true;
    }
  } catch (error) {
    if (registered || !isWorkflowIdTaken(error)) throw error;
    startRefusal = error.message;
    // The children already started end with the contract that never began.
    for (const workflowId of startedChildren) {
      // A child already gone has nothing left to end; the refusal below must not be masked.
      await getExternalWorkflowHandle(workflowId)
        .signal(contractEndedSignal, { status: 'terminated' })
        .catch(() => undefined);
    }
    await condition(allHandlersFinished);
    // The contract's workflow fails with the reason, visible in the Temporal Web UI.
    throw error;
  }

  if (!registered) {
    await project([], [event('contract.started', state.createdBy, { contract: state.contract })]);
    // Registered (and its creation answered) only once the children run: a submission or progress
    // sent right after the answer finds its review or quota workflow.
    registered = true;
  }

  while (state.status === 'active') {
    const now = Date.now();
    const due = announcements(now);
    if (due.events.length > 0) await project([], due.events, due.notices);
    // A handler may have ended the contract (terminated it) while the loop awaited.
    if (state.status !== 'active') break;
    const { contract } = state;
    const unpaid = contract.valueFen - state.ledger.receivedFen;
    if (now >= contract.term.endAt && unpaid <= 0) {
      state.status = 'completed';
      state.endedAt = new Date(now).toISOString();
      await project([], [event('contract.completed', null, { receivedFen: state.ledger.receivedFen })]);
      break;
    }
    if (now >= contract.term.endAt + contract.closeGraceDays * DAY_MS) {
      state.status = 'closed';
      state.endedAt = new Date(now).toISOString();
      await project([], [event('contract.closed_with_arrears', null, { unpaidFen: unpaid })]);
      break;
    }

    const info = workflowInfo();
    const events = input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_EVENTS;
    const bytes = input.continueAsNewAfterBytes ?? CONTINUE_AS_NEW_BYTES;
    if (info.continueAsNewSuggested || info.historyLength > events || info.historySize > bytes) {
      continuing = true;
      await condition(allHandlersFinished);
      // The definition travels once, as the input's contract (amended since the first run, perhaps):
      // twice, a definition at the body limit plus the ledger summary could pass 2 MB.
      const { contract: current, ...carried } = state;
      await continueAsNew<typeof contractWorkflow>({ ...input, contract: current, state: carried });
    }

    changed = false;
    // Arrears and the next deadline move with time alone: brought up to date before each wait.
    showToOperators();
    const next = nextWakeUp(now);
    const wake = () => changed || state.status !== 'active';
    if (next === undefined) await condition(wake);
    else await condition(wake, Math.max(1, next - now), { summary: `Wakes ${shanghaiDateTime(next)} Asia/Shanghai: next checkpoint, tranche, term end or close` });
  }

  await condition(allHandlersFinished);
  for (const step of Object.values(state.steps ?? {})) {
    if (!step.open) continue;
    step.open = false;
    await resolveStep(step.stepId, `contract ${state.status}`, Date.now());
  }
  const children = [
    ...(state.reviewsStarted ? (state.contract.milestones ?? []).map((m) => reviewWorkflowId(contractId, m.id)) : []),
    ...(state.quotasStarted ? [quotaWorkflowId(contractId)] : []),
    ...(state.materialRequests ?? []).map((requestId) => materialRequestWorkflowId(contractId, requestId)),
  ];
  for (const workflowId of children) {
    try {
      await getExternalWorkflowHandle(workflowId).signal(contractEndedSignal, { status: state.status });
    } catch {
      // That child finished already (a review approved, a request accepted).
    }
  }
  return {
    status: state.status,
    revision: state.revision,
    receivedFen: state.ledger.receivedFen,
    ...(state.endedAt ? { endedAt: state.endedAt } : {}),
    ...(state.terminated ? { terminated: state.terminated } : {}),
  };
}
