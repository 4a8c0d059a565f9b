// The payer's legal clock on the contract workflow (issue 18): payment applications filed and
// decided through Updates, the purchaser's acceptance window and the payer's statutory deadline
// watched on the workflow's own timers (its wake-ups), and the `acceptanceOverdue` and
// `paymentOverdue` steps handed to the escalation engine. The rules are domain/payment-terms'.
// Deterministic: no I/O; applications carry ids, amounts and days only (texts stay in PostgreSQL).
import { setHandler } from '@temporalio/workflow';
import type { Contract } from '../domain/contract';
import { parseInstant, shanghaiDate, type IsoDate } from '../domain/dates';
import { stepDueAt, stepDueDay } from '../domain/escalation';
import { stepKey, stepReference } from '../domain/ids';
import { formatMoney, type Fen } from '../domain/money';
import { acceptanceStepSummary, paymentOverdueSummary } from '../domain/payment-clock-notices';
import {
  applicableFen,
  applicationClock,
  applicationNotYetAllowed,
  isReturned,
  lateReturnRefusal,
  MAX_PAYMENT_APPLICATIONS,
  paymentDueOn,
  paymentTermsOf,
  releaseOf,
  trancheClock,
  trancheReceipts,
  validatePaymentTerms,
  type PaymentTerms,
  type PaymentTermsInput,
  type TrancheApplication,
  type TrancheClock,
  windowOf,
} from '../domain/payment-terms';
import { say } from '../domain/messages';
import { problem, saidProblem, type Problem } from '../domain/problems';
import { moneyStepHeldUntil } from '../domain/status';
import type { ContractState } from './contract-messages';
import type { EscalationStep } from './escalation-messages';
import {
  decideApplicationUpdate,
  fileApplicationUpdate,
  type ClockApplication,
  type DecideApplicationInput,
  type FileApplicationInput,
} from './payment-clock-messages';
import { reject, REJECTION } from './rejection';

export function milestoneIdsOf(contract: Contract): Set<string> {
  return new Set((contract.milestones ?? []).map((m) => m.id));
}

/** The complete terms an amendment sets (problems under `paymentTerms.*`), or undefined when it leaves them. */
export function amendedPaymentTerms(request: { paymentTerms?: unknown }, problems: Problem[]): PaymentTerms | undefined {
  if (request.paymentTerms === undefined) return undefined;
  return validatePaymentTerms(request.paymentTerms as PaymentTermsInput, problems);
}

/** A change of a step, as the contract workflow's drainer takes it. */
export interface StepChange {
  key: string;
  open?: Omit<EscalationStep, 'stepId'>;
  resolve?: { reason: string; at: number };
}

/** The end (last millisecond, Asia/Shanghai) of a day. */
const endOf = (day: IsoDate): number => parseInstant(day)!;

/** The tranche's applications, as the domain reads them. */
function applicationsOf(state: ContractState, trancheId: string): TrancheApplication[] {
  return Object.entries(state.paymentClock?.applications ?? {})
    .filter(([, a]) => a.tranche === trancheId)
    .map(([id, a]) => ({ id, filedOn: a.filedOn, amountFen: a.amountFen, ...(a.acceptanceDueOn ? { acceptanceDueOn: a.acceptanceDueOn } : {}), ...(a.decision ? { decision: { outcome: a.decision.outcome, on: a.decision.on } } : {}) }));
}

/** Net fen per day, from the ledger summary. */
function netDays(state: ContractState): Record<IsoDate, Fen> {
  return Object.fromEntries(Object.entries(state.ledger.days).map(([day, [net]]) => [day, net]));
}

/** Whether applications drive the tranche's payment deadline (else its due date does, and trancheOverdue already climbs). */
function applicationDriven(terms: PaymentTerms, release: ReturnType<typeof releaseOf>): boolean {
  return terms.basis === 'acceptance' || release === 'on_application';
}

/** Every tranche with applications, its clock on `today`. */
function clocks(state: ContractState, today: IsoDate): Array<{ label: string; clock: TrancheClock; driven: boolean }> {
  const { contract } = state;
  if (!state.paymentClock || !state.calendar) return [];
  const terms = paymentTermsOf(contract);
  const receipts = trancheReceipts(contract.tranches, netDays(state));
  const result: Array<{ label: string; clock: TrancheClock; driven: boolean }> = [];
  for (const t of contract.tranches) {
    const applications = applicationsOf(state, t.id);
    if (applications.length === 0) continue;
    const tranche = { id: t.id, dueOn: stepDueDay(t.dueAt), amountFen: t.amountFen, ...(t.release ? { release: t.release } : {}) };
    const clock = trancheClock(terms, tranche, applications, receipts.get(t.id) ?? [], null, state.calendar, today);
    result.push({ label: t.label, clock, driven: applicationDriven(terms, releaseOf(t)) });
  }
  return result;
}

/** An audit event the clock's step changes cause: `subject` tells apart events of one kind in one projection. */
export interface ClockEvent {
  kind: string;
  subject: string;
  payload: Record<string, unknown>;
}

/**
 * The step changes the clock calls for at `now`, each with its audit event (so that the contract
 * projects — and hands the steps over — even when nothing else changed): an acceptanceOverdue step per application not
 * decided by its window's end (resolved when decided), a paymentOverdue step per
 * application-driven tranche unpaid after its deadline (resolved from the day it is paid, or when
 * its application is returned). Idempotent: repeated calls push nothing the drainer would act on twice.
 */
export function paymentClockStepChanges(
  state: ContractState,
  now: number,
  /** Keys of step changes queued and not yet handed over: not announced again meanwhile. */
  queued: ReadonlySet<string> = new Set(),
): { steps: StepChange[]; events: ClockEvent[] } {
  if (!state.paymentClock || !state.calendar) return { steps: [], events: [] };
  const changes: StepChange[] = [];
  const events: ClockEvent[] = [];
  const { contract } = state;
  const today = shanghaiDate(now);
  const terms = paymentTermsOf(contract);
  const trancheLabel = new Map(contract.tranches.map((t) => [t.id, t.label]));
  for (const [id, app] of Object.entries(state.paymentClock.applications)) {
    const clock = applicationClock(app, terms, state.calendar, today);
    const key = stepKey('acceptanceOverdue', stepReference([id]));
    if (queued.has(key)) continue;
    const step = state.steps?.[key];
    const late = (app.decision?.on ?? today) > clock.acceptanceDueOn;
    if (late && !step) {
      const tranche = contract.tranches.find((t) => t.id === app.tranche);
      const release = releaseOf(tranche ?? {});
      // The payer's deadline as the window's end sets it, where applications drive it.
      const deadline =
        tranche && applicationDriven(terms, release)
          ? paymentDueOn(terms, release, stepDueDay(tranche.dueAt), null, clock.acceptanceDueOn, state.calendar)
          : null;
      changes.push({
        key,
        open: {
          contractId: contract.id,
          contractTitle: contract.title,
          kind: 'acceptanceOverdue',
          reference: stepReference([id]),
          dueAt: stepDueAt(endOf(clock.acceptanceDueOn)),
          summary: acceptanceStepSummary({
            trancheLabel: trancheLabel.get(app.tranche) ?? app.tranche,
            applicationId: id,
            amountFen: app.amountFen,
            filedOn: app.filedOn,
            acceptanceDueOn: clock.acceptanceDueOn,
            paymentDueOn: deadline,
          }),
        },
      });
      events.push({ kind: 'payment_application.acceptance_overdue', subject: key, payload: { applicationId: id, tranche: app.tranche, acceptanceDueOn: clock.acceptanceDueOn } });
    }
    if (late && app.decision && (!step || step.open)) {
      changes.push({ key, resolve: { reason: `application ${app.decision.outcome}`, at: app.decision.at } });
      events.push({ kind: 'payment_application.acceptance_decided_late', subject: key, payload: { applicationId: id, decidedOn: app.decision.on, purchaserLateWorkingDays: clock.purchaserLateWorkingDays } });
    } else if (!late && step?.open && (app.decision || !trancheLabel.has(app.tranche))) {
      // Opened under a window the terms later widened (contracts filed before windows were kept), or its tranche amended away: a decision (or the tranche's removal) closes it all the same.
      const reason = app.decision ? `application ${app.decision.outcome}` : 'tranche removed by amendment';
      changes.push({ key, resolve: { reason, at: app.decision?.at ?? now } });
      events.push({ kind: 'payment_application.acceptance_overdue_ended', subject: key, payload: { applicationId: id, reason } });
    }
    if (late && !app.decision && step?.open && !trancheLabel.has(app.tranche)) {
      changes.push({ key, resolve: { reason: 'tranche removed by amendment', at: now } });
      events.push({ kind: 'payment_application.acceptance_overdue_ended', subject: key, payload: { applicationId: id, reason: 'tranche removed by amendment' } });
    }
  }
  // A paymentOverdue step of a tranche amended away, or no longer driven by applications, closes.
  const onClock = new Set(contract.tranches.filter((t) => applicationDriven(terms, releaseOf(t))).map((t) => t.id));
  for (const trancheId of new Set(Object.values(state.paymentClock.applications).map((a) => a.tranche))) {
    if (onClock.has(trancheId)) continue;
    const key = stepKey('paymentOverdue', stepReference([trancheId]));
    if (queued.has(key) || !state.steps?.[key]?.open) continue;
    changes.push({ key, resolve: { reason: 'tranche no longer on the payer’s clock (amended)', at: now } });
    events.push({ kind: 'tranche.payment_overdue_ended', subject: key, payload: { tranche: trancheId, paidOn: null, reason: 'amended' } });
  }
  for (const { label, clock, driven } of clocks(state, today)) {
    if (!driven) continue;
    const key = stepKey('paymentOverdue', stepReference([clock.trancheId]));
    if (queued.has(key)) continue;
    const step = state.steps?.[key];
    const owedLeft = clock.owedOutstandingFen;
    const stalled = clock.overdueFen > 0 && clock.daysOverdue > 0;
    if (stalled && !step?.open) {
      changes.push({
        key,
        open: {
          contractId: contract.id,
          contractTitle: contract.title,
          kind: 'paymentOverdue',
          reference: stepReference([clock.trancheId]),
          dueAt: stepDueAt(endOf(clock.paymentDueOn!)),
          summary: paymentOverdueSummary({
            trancheLabel: label,
            terms,
            paymentDueOn: clock.paymentDueOn!,
            outstandingFen: owedLeft,
            daysOverdue: clock.daysOverdue,
            interestFen: clock.interestFen,
            asOf: today,
          }),
        },
      });
      events.push({ kind: 'tranche.payment_overdue', subject: key, payload: { tranche: clock.trancheId, paymentDueOn: clock.paymentDueOn, owedFen: owedLeft } });
    } else if (!stalled && step?.open) {
      // Paid: held through the day the last money arrived (that day bears interest too).
      const paidOn = clock.segments.at(-1)?.to;
      const at = paidOn && owedLeft <= 0 ? moneyStepHeldUntil(paidOn, now) : now;
      changes.push({ key, resolve: { reason: owedLeft <= 0 ? `paid; interest ${formatMoney(clock.interestFen)}` : 'no application standing', at } });
      events.push({
        kind: 'tranche.payment_overdue_ended',
        subject: key,
        payload: { tranche: clock.trancheId, paidOn: owedLeft <= 0 ? (paidOn ?? null) : null, daysOverdue: clock.daysOverdue, interestFen: clock.interestFen },
      });
    }
  }
  return { steps: changes, events };
}

/** The next instant (epoch ms, after `now`) at which the clock has something to judge: a window's or a deadline's end. */
export function paymentClockWakeUp(state: ContractState, now: number): number | undefined {
  if (!state.paymentClock || !state.calendar) return undefined;
  const terms = paymentTermsOf(state.contract);
  const today = shanghaiDate(now);
  const times: number[] = [];
  for (const app of Object.values(state.paymentClock.applications)) {
    if (!app.decision) times.push(endOf(applicationClock(app, terms, state.calendar, today).acceptanceDueOn) + 1);
  }
  for (const { clock, driven } of clocks(state, today)) {
    if (!driven) continue;
    if (clock.paymentDueOn !== null) times.push(endOf(clock.paymentDueOn) + 1);
    for (const a of clock.applications) if (a.paymentDueOn !== null) times.push(endOf(a.paymentDueOn) + 1);
  }
  const future = times.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
}

export interface PaymentClockContext {
  state: () => ContractState;
  requireActive: () => void;
  refuseWhileContinuing: () => void;
  /** Marks the state changed and projects an audit event (kind, actor, payload of ids, amounts and days). */
  record: (kind: string, actorId: string, payload: Record<string, unknown>) => Promise<void>;
}

/**
 * Problems of a schedule amendment for the clock (field `tranches`): a tranche may not be amended
 * away while an application for it stands — undecided, or accepted (or deemed) with money of the
 * tranche still owed — or its application would be decided, and its interest owed, for a tranche
 * that no longer exists. Return or settle it first.
 */
export function trancheRemovalProblems(state: ContractState, tranches: ReadonlyArray<{ id: string }>): Problem[] {
  if (!state.paymentClock || !state.calendar) return [];
  const kept = new Set(tranches.map((t) => t.id));
  const terms = paymentTermsOf(state.contract);
  const today = shanghaiDate(Date.now());
  const receipts = trancheReceipts(state.contract.tranches, netDays(state));
  const problems: Problem[] = [];
  for (const t of state.contract.tranches) {
    if (kept.has(t.id)) continue;
    const received = (receipts.get(t.id) ?? []).reduce((s, r) => s + r.fen, 0);
    const standing = applicationsOf(state, t.id).filter(
      (a) => !isReturned(a, windowOf(a, terms, state.calendar!), today) && (a.decision === undefined || received < t.amountFen),
    );
    if (standing.length > 0) {
      problems.push(problem('tranches', 'tranche_has_applications', { id: t.id, applications: standing.map((a) => a.id) }));
    }
  }
  return problems;
}

/** Registers the file and decide Updates on the contract workflow. */
export function installPaymentClock(ctx: PaymentClockContext): void {
  const fileCheck = (request: FileApplicationInput): 'new' | ClockApplication => {
    const state = ctx.state();
    const existing = state.paymentClock?.applications[request.applicationId];
    if (existing) {
      if (existing.tranche === request.tranche && existing.amountFen === request.amountFen) return existing;
      reject(REJECTION.conflict, say('application_other_figures', { id: request.applicationId }));
    }
    ctx.requireActive();
    if (!state.calendar) reject(REJECTION.conflict, say('contract_before_applications', { id: state.contract.id }));
    const problems: Problem[] = [];
    const count = Object.keys(state.paymentClock?.applications ?? {}).length;
    if (count >= MAX_PAYMENT_APPLICATIONS) problems.push(problem('applications', 'too_many_applications', { max: MAX_PAYMENT_APPLICATIONS }));
    const tranche = state.contract.tranches.find((t) => t.id === request.tranche);
    if (!tranche) problems.push(problem('tranche', 'not_a_tranche', { id: request.tranche }));
    if (!Number.isSafeInteger(request.amountFen) || request.amountFen <= 0) problems.push(problem('amount', 'above_zero'));
    if (tranche && problems.length === 0) {
      const today = shanghaiDate(Date.now());
      const notYet = applicationNotYetAllowed(releaseOf(tranche), stepDueDay(tranche.dueAt), request.approvedOn ?? null, today);
      if (notYet) problems.push(saidProblem('tranche', notYet));
      const applied = applicationsOf(state, tranche.id)
        .filter((a) => a.decision?.outcome !== 'return')
        .reduce((s, a) => s + a.amountFen, 0);
      const received = (trancheReceipts(state.contract.tranches, netDays(state)).get(tranche.id) ?? []).reduce((s, r) => s + r.fen, 0);
      const left = applicableFen(tranche.amountFen, applied, received);
      if (request.amountFen > left) {
        problems.push(
          problem('amount', 'more_than_tranche_owes', { left: formatMoney(left), tranche: formatMoney(tranche.amountFen), applied: formatMoney(applied), received: formatMoney(received) }),
        );
      }
    }
    if (problems.length > 0) reject(REJECTION.invalid, say('application_cannot_be_filed'), problems);
    return 'new';
  };

  const filed = (id: string, app: ClockApplication, outcome: 'created' | 'duplicate') => {
    const state = ctx.state();
    const acceptanceDueOn = windowOf(app, paymentTermsOf(state.contract), state.calendar!);
    return { outcome, applicationId: id, filedOn: app.filedOn, acceptanceDueOn, acceptanceDueAt: new Date(endOf(acceptanceDueOn)).toISOString() };
  };

  setHandler(
    fileApplicationUpdate,
    async (request) => {
      ctx.refuseWhileContinuing();
      const check = fileCheck(request);
      if (check !== 'new') return filed(request.applicationId, check, 'duplicate');
      const state = ctx.state();
      const now = Date.now();
      const app: ClockApplication = { tranche: request.tranche, amountFen: request.amountFen, filedOn: shanghaiDate(now), filedAt: now };
      // The window as the terms in force fix it today: a later amendment of the terms does not move it.
      app.acceptanceDueOn = windowOf(app, paymentTermsOf(state.contract), state.calendar!);
      (state.paymentClock ??= { applications: {} }).applications[request.applicationId] = app;
      const answer = filed(request.applicationId, app, 'created');
      await ctx.record('payment_application.filed', request.filedBy, { applicationId: request.applicationId, tranche: app.tranche, amountFen: app.amountFen, filedOn: app.filedOn, acceptanceDueOn: answer.acceptanceDueOn });
      return answer;
    },
    {
      validator: (request) => {
        ctx.refuseWhileContinuing();
        fileCheck(request);
      },
    },
  );

  const decideCheck = (request: DecideApplicationInput): 'new' | ClockApplication => {
    const state = ctx.state();
    const app = state.paymentClock?.applications[request.applicationId];
    if (!app) reject(REJECTION.notFound, say('no_payment_application', { id: request.applicationId }));
    if (app.decision) {
      if (app.decision.outcome === request.outcome) return app;
      reject(REJECTION.conflict, say('application_decided', { id: request.applicationId, outcome: app.decision.outcome }));
    }
    ctx.requireActive();
    return 'new';
  };

  const decided = (id: string, app: ClockApplication, outcome: 'created' | 'duplicate') => {
    const state = ctx.state();
    const acceptanceDueOn = windowOf(app, paymentTermsOf(state.contract), state.calendar!);
    const decision = app.decision!;
    return { outcome, applicationId: id, decision: decision.outcome, decidedOn: decision.on, decidedAt: new Date(decision.at).toISOString(), late: decision.on > acceptanceDueOn };
  };

  setHandler(
    decideApplicationUpdate,
    async (request) => {
      const check = decideCheck(request);
      if (check !== 'new') return decided(request.applicationId, check, 'duplicate');
      const app = ctx.state().paymentClock!.applications[request.applicationId]!;
      const now = Date.now();
      app.decision = { outcome: request.outcome, on: shanghaiDate(now), at: now };
      const answer = decided(request.applicationId, app, 'created');
      await ctx.record(`payment_application.${request.outcome === 'accept' ? 'accepted' : 'returned'}`, request.decidedBy, {
        applicationId: request.applicationId,
        tranche: app.tranche,
        decidedOn: app.decision.on,
        late: answer.late,
      });
      return answer;
    },
    {
      validator: (request) => {
        if (decideCheck(request) !== 'new' || request.outcome !== 'return') return;
        // In the validator only (not replayed): histories recorded before this rule replay as they ran.
        const state = ctx.state();
        const app = state.paymentClock!.applications[request.applicationId]!;
        const refusal = lateReturnRefusal(request.applicationId, windowOf(app, paymentTermsOf(state.contract), state.calendar!), shanghaiDate(Date.now()));
        if (refusal) reject(REJECTION.conflict, refusal);
      },
    },
  );
}
