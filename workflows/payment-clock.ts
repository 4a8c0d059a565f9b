// The payer's legal clock on the contract workflow (issue 18): payment applications filed and
// decided through Updates, the purchaser's acceptance window and the payer's statutory deadline
// watched on the workflow's own timers (its wake-ups), and the `acceptanceOverdue` and
// `paymentOverdue` steps handed to the escalation engine. The rules are domain/payment-terms'.
// Deterministic: no I/O; applications carry ids, amounts and days only (texts stay in PostgreSQL).
import type { StepChange as AnnouncedStepChange } from '../domain/announcements';
import { patched, setHandler } from '@temporalio/workflow';
import type { Contract, Tranche } from '../domain/contract';
import { parseInstant, shanghaiDate, type IsoDate } from '../domain/dates';
import { stepDueAt, stepDueDay } from '../domain/escalation';
import { paidWithInterest, type StepResolution } from '../domain/events';
import { parseStepKey, referenceParts, stepKey, stepReference } from '../domain/ids';
import { formatMoney, type Fen } from '../domain/money';
import type { ClockApplication } from '../domain/payment-clock';
import { acceptanceStepSummary, paymentOverdueSummary } from '../domain/payment-clock-notices';
import {
  amendPaymentTerms,
  applicableFen,
  applicationClock,
  applicationNotYetAllowed,
  clockDriven,
  isReturned,
  lateReturnRefusal,
  MAX_PAYMENT_APPLICATIONS,
  paymentDueOn,
  paymentTermsOf,
  releaseOf,
  STATUTE_RULES,
  trancheClock,
  trancheReceipts,
  validatePaymentTerms,
  type EarlierPaymentTerms,
  type PaymentTerms,
  type PaymentTermsInput,
  type TrancheApplication,
  type TrancheClock,
  windowOf,
} from '../domain/payment-terms';
import { say } from '../domain/messages';
import { problem, saidProblem, type Problem } from '../domain/problems';
import type { RecordOutcome } from '../domain/outcomes';
import { moneyStepHeldUntil } from '../domain/status';
import type { ContractState } from '../domain/contract-state';
import type { EscalationStep } from './escalation-messages';
import {
  decideApplicationUpdate,
  fileApplicationUpdate,
  type DecideApplicationInput,
  type FileApplicationInput,
} from './payment-clock-messages';
import { reject, REJECTION } from './rejection';
import { milestoneApprovedSignal } from './review-messages';

export function milestoneIdsOf(contract: Contract): Set<string> {
  return new Set((contract.milestones ?? []).map((m) => m.id));
}

/**
 * The terms an amendment recorded on `on` sets, with the history they make (domain/payment-terms
 * amendPaymentTerms: clocks already started keep the terms they started on), or undefined when it
 * leaves them. Problems under `paymentTerms.*`, and `paymentTerms` past MAX_PAYMENT_TERMS_CHANGES.
 */
export function amendedPaymentTerms(
  contract: Contract,
  request: { paymentTerms?: unknown },
  on: IsoDate,
  problems: Problem[],
): { paymentTerms: PaymentTerms; paymentTermsHistory?: EarlierPaymentTerms[] } | undefined {
  if (request.paymentTerms === undefined) return undefined;
  const next = validatePaymentTerms(request.paymentTerms as PaymentTermsInput, problems);
  const amended = amendPaymentTerms(contract, next, on);
  if (!amended.ok) {
    problems.push(amended.problem);
    return undefined;
  }
  return amended.value;
}

/** A change of a step, as the contract workflow's drainer takes it. */
/** A change of one of the clock's steps (domain/announcements StepChange), opened with what the escalation engine takes. */
export type StepChange = AnnouncedStepChange<Omit<EscalationStep, 'stepId'>>;

/** The end (last millisecond, Asia/Shanghai) of a day. */
const endOf = (day: IsoDate): number => parseInstant(day)!;

/** The tranche's applications, as the domain reads them. */
function applicationsOf(state: ContractState, trancheId: string): TrancheApplication[] {
  return Object.entries(state.paymentClock?.applications ?? {})
    .filter(([, a]) => a.tranche === trancheId)
    .map(([id, a]) => ({
      id,
      filedOn: a.filedOn,
      amountFen: a.amountFen,
      ...(a.acceptanceDueOn ? { acceptanceDueOn: a.acceptanceDueOn } : {}),
      ...(a.decision ? { decision: { outcome: a.decision.outcome, on: a.decision.on } } : {}),
    }));
}

/** Net fen per day, from the ledger summary. */
function netDays(state: ContractState): Record<IsoDate, Fen> {
  return Object.fromEntries(Object.entries(state.ledger.days).map(([day, [net]]) => [day, net]));
}

/** The day the milestone of an `afterApproval` release was approved, as the workflow heard it (null while not, or not a release after approval). */
function approvedOnOf(state: ContractState, release: ReturnType<typeof releaseOf>): IsoDate | null {
  return typeof release === 'object' ? (state.milestonesApproved?.[release.afterApproval] ?? null) : null;
}

interface ClockOfTranche {
  label: string;
  clock: TrancheClock;
  /** Whether the clock, not the due date, watches the tranche (domain/payment-terms clockDriven, on the terms its clock runs on). */
  driven: boolean;
}

/** Each tranche's clock on `today` (on the terms in force on the day it started: domain/payment-terms trancheTerms). */
function clocks(state: ContractState, today: IsoDate): ClockOfTranche[] {
  const { contract } = state;
  if (!state.calendar) return [];
  // Only due dates, on every terms the contract has had: no clock to run (most contracts; spares the work on each change).
  const terms = [paymentTermsOf(contract), ...(contract.paymentTermsHistory ?? []).map((h) => h.terms)];
  if (terms.every((t) => t.basis === 'due_date') && contract.tranches.every((t) => releaseOf(t) === 'on_due_date'))
    return [];
  const byId = clocksOfSchedule(state, contract.tranches, today);
  return contract.tranches.map((t) => {
    const clock = byId.get(t.id)!;
    return { label: t.label, clock, driven: clockDriven(clock.terms, releaseOf(t)) };
  });
}

/**
 * The tranches the payer's clock watches on `now` (a paymentOverdue step when late), not their due
 * dates (trancheOverdue): domain/payment-terms clockDriven, on the terms each clock runs on.
 */
export function clockWatchedTranches(state: ContractState, now: number): Set<string> {
  return new Set(clocks(state, shanghaiDate(now)).flatMap((c) => (c.driven ? [c.clock.trancheId] : [])));
}

/** For the texts of a tranche released after a milestone's approval: the milestone and the day. */
function releasedBy(state: ContractState, clock: TrancheClock): { released?: { milestoneTitle: string; on: IsoDate } } {
  const { release, releasedOn } = clock;
  if (typeof release !== 'object' || releasedOn === null) return {};
  const milestone = state.contract.milestones?.find((m) => m.id === release.afterApproval);
  return { released: { milestoneTitle: milestone?.title ?? release.afterApproval, on: releasedOn } };
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
  if (!state.calendar) return { steps: [], events: [] };
  const today = shanghaiDate(now);
  const judged: Judged = { state, now, today, queued, all: clocks(state, today), changes: [], events: [] };
  acceptanceStepChanges(judged);
  offClockStepChanges(judged);
  paymentStepChanges(judged);
  return { steps: judged.changes, events: judged.events };
}

/** What one judgement of the clock works on, and the changes and events it gathers. */
interface Judged {
  state: ContractState;
  now: number;
  today: IsoDate;
  queued: ReadonlySet<string>;
  all: ClockOfTranche[];
  changes: StepChange[];
  events: ClockEvent[];
}

/** acceptanceOverdue: opened per application not decided by its window's end, resolved when decided or its tranche goes. */
function acceptanceStepChanges({ state, now, today, queued, all, changes, events }: Judged): void {
  const applications = state.paymentClock?.applications ?? {};
  const { contract } = state;
  const calendar = state.calendar!;
  const trancheLabel = new Map(contract.tranches.map((t) => [t.id, t.label]));
  const byTranche = new Map(all.map((c) => [c.clock.trancheId, c]));
  for (const [id, app] of Object.entries(applications)) {
    const clock = applicationClock(app, contract, calendar, today);
    const key = stepKey('acceptanceOverdue', stepReference([id]));
    if (queued.has(key)) continue;
    const step = state.steps?.[key];
    const late = (app.decision?.on ?? today) > clock.acceptanceDueOn;
    if (late && !step) {
      const tranche = contract.tranches.find((t) => t.id === app.tranche);
      const own = byTranche.get(app.tranche);
      // The payer's deadline as the window's end sets it, where the clock drives it: the application's own (basis acceptance), or the tranche's.
      const deadline =
        !tranche || !own?.driven
          ? null
          : own.clock.terms.basis === 'acceptance'
            ? (own.clock.applications.find((a) => a.id === id)?.paymentDueOn ?? null)
            : paymentDueOn(
                own.clock.terms,
                own.clock.release,
                stepDueDay(tranche.dueAt),
                approvedOnOf(state, own.clock.release),
                clock.acceptanceDueOn,
                calendar,
              );
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
      events.push({
        kind: 'payment_application.acceptance_overdue',
        subject: key,
        payload: { applicationId: id, tranche: app.tranche, acceptanceDueOn: clock.acceptanceDueOn },
      });
    }
    if (late && app.decision && (!step || step.open)) {
      changes.push({ key, resolve: { reason: `application ${app.decision.outcome}`, at: app.decision.at } });
      events.push({
        kind: 'payment_application.acceptance_decided_late',
        subject: key,
        payload: {
          applicationId: id,
          decidedOn: app.decision.on,
          purchaserLateWorkingDays: clock.purchaserLateWorkingDays,
        },
      });
    } else if (!late && step?.open && (app.decision || !trancheLabel.has(app.tranche))) {
      // Opened under a window the terms later widened (contracts filed before windows were kept), or its tranche amended away: a decision (or the tranche's removal) closes it all the same.
      const reason: StepResolution = app.decision
        ? `application ${app.decision.outcome}`
        : 'tranche removed by amendment';
      changes.push({ key, resolve: { reason, at: app.decision?.at ?? now } });
      events.push({
        kind: 'payment_application.acceptance_overdue_ended',
        subject: key,
        payload: { applicationId: id, reason },
      });
    }
    if (late && !app.decision && step?.open && !trancheLabel.has(app.tranche)) {
      changes.push({ key, resolve: { reason: 'tranche removed by amendment', at: now } });
      events.push({
        kind: 'payment_application.acceptance_overdue_ended',
        subject: key,
        payload: { applicationId: id, reason: 'tranche removed by amendment' },
      });
    }
  }
}

/**
 * A paymentOverdue step of a tranche amended away, or no longer driven by the clock (its release
 * or the terms amended), closes — every open one in the step book, whether or not an application
 * was ever filed for its tranche (one released after an approval needs none).
 */
function offClockStepChanges({ state, now, queued, all, changes, events }: Judged): void {
  const onClock = new Set(all.filter((c) => c.driven).map((c) => c.clock.trancheId));
  for (const [key, step] of Object.entries(state.steps ?? {})) {
    if (!step.open || queued.has(key)) continue;
    const parsed = parseStepKey(key);
    if (parsed?.kind !== 'paymentOverdue') continue;
    const trancheId = referenceParts(parsed.reference)?.[0];
    if (trancheId === undefined || onClock.has(trancheId)) continue;
    changes.push({ key, resolve: { reason: 'tranche no longer on the payer’s clock (amended)', at: now } });
    events.push({
      kind: 'tranche.payment_overdue_ended',
      subject: key,
      payload: { tranche: trancheId, paidOn: null, reason: 'amended' },
    });
  }
}

/** paymentOverdue: opened per clock-driven tranche unpaid after its deadline, resolved from the day it is paid. */
function paymentStepChanges({ state, now, today, queued, all, changes, events }: Judged): void {
  const { contract } = state;
  for (const { label, clock, driven } of all) {
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
            terms: clock.terms,
            ...releasedBy(state, clock),
            paymentDueOn: clock.paymentDueOn!,
            outstandingFen: owedLeft,
            daysOverdue: clock.daysOverdue,
            interestFen: clock.interestFen,
            asOf: today,
          }),
        },
      });
      events.push({
        kind: 'tranche.payment_overdue',
        subject: key,
        payload: { tranche: clock.trancheId, paymentDueOn: clock.paymentDueOn, owedFen: owedLeft },
      });
    } else if (!stalled && step?.open) {
      // Paid: held through the day the last money arrived (that day bears interest too).
      const paidOn = clock.segments.at(-1)?.to;
      const at = paidOn && owedLeft <= 0 ? moneyStepHeldUntil(paidOn, now) : now;
      changes.push({
        key,
        resolve: {
          reason: owedLeft <= 0 ? paidWithInterest(clock.interestFen) : 'no application standing',
          at,
        },
      });
      events.push({
        kind: 'tranche.payment_overdue_ended',
        subject: key,
        payload: {
          tranche: clock.trancheId,
          paidOn: owedLeft <= 0 ? (paidOn ?? null) : null,
          daysOverdue: clock.daysOverdue,
          interestFen: clock.interestFen,
        },
      });
    }
  }
}

/** The next instant (epoch ms, after `now`) at which the clock has something to judge: a window's or a deadline's end. */
export function paymentClockWakeUp(state: ContractState, now: number): number | undefined {
  if (!state.calendar) return undefined;
  const today = shanghaiDate(now);
  const times: number[] = [];
  for (const app of Object.values(state.paymentClock?.applications ?? {})) {
    if (!app.decision)
      times.push(endOf(applicationClock(app, state.contract, state.calendar, today).acceptanceDueOn) + 1);
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
  /** True once the contract is registered (its calendar loaded: windows and deadlines can be counted). */
  registered: () => boolean;
  /** Resolves once it is; refuses with the reason the contract could not start. */
  untilRegistered: () => Promise<void>;
  requireActive: () => void;
  /** Refuses while the run hands over to its next one (workflows/continue-as-new.ts): first in every validator. */
  refuseWhileHandingOver: () => void;
  /** Marks the state changed and projects an audit event (kind, actor, payload of ids, amounts and days). */
  record: (kind: string, actorId: string, payload: Record<string, unknown>) => Promise<void>;
  /** Marks the state changed (the loop judges the clock again and sets its next wake-up). */
  markChanged: () => void;
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
  const today = shanghaiDate(Date.now());
  const receipts = trancheReceipts(state.contract.tranches, netDays(state));
  const problems: Problem[] = [];
  for (const t of state.contract.tranches) {
    if (kept.has(t.id)) continue;
    const received = (receipts.get(t.id) ?? []).reduce((s, r) => s + r.fen, 0);
    const standing = applicationsOf(state, t.id).filter(
      (a) =>
        !isReturned(a, windowOf(a, state.contract, state.calendar!), today) &&
        (a.decision === undefined || received < t.amountFen),
    );
    if (standing.length > 0) {
      problems.push(
        problem('tranches', 'tranche_has_applications', { id: t.id, applications: standing.map((a) => a.id) }),
      );
    }
  }
  return problems;
}

/**
 * Problems of a schedule amendment for tranches in breach (field `tranches`): under the statute
 * (sme_payment_2025), what a tranche that is or was in breach — money of it overdue past the
 * payer's deadline, or interest already accrued because it was paid late — owes today, its deadline
 * and its interest must come out of the amendment as they went in. Else an amendment would erase
 * the breach and its interest after the fact (《保障中小企业款项支付条例》: a public body may not
 * extend the payment period by such means): moving, shrinking, re-releasing or removing the
 * tranche, or moving the money already received onto it from an earlier tranche (receipts are
 * spread over the tranches in due order). Other tranches, and contracts not under the statute,
 * are amended as before.
 */
export function breachedTrancheProblems(state: ContractState, amended: readonly Tranche[]): Problem[] {
  if (!state.calendar) return [];
  const today = shanghaiDate(Date.now());
  const before = clocksOfSchedule(state, state.contract.tranches, today);
  const after = clocksOfSchedule(state, amended, today);
  const problems: Problem[] = [];
  for (const [id, was] of before) {
    if (
      was.terms.statute !== 'sme_payment_2025' ||
      was.paymentDueOn === null ||
      (was.overdueFen <= 0 && was.interestFen <= 0)
    )
      continue;
    const is = after.get(id);
    if (
      is &&
      is.paymentDueOn === was.paymentDueOn &&
      is.overdueFen === was.overdueFen &&
      is.interestFen === was.interestFen
    )
      continue;
    problems.push(
      problem('tranches', 'overdue_tranche_kept', {
        id,
        day: was.paymentDueOn,
        rule: STATUTE_RULES.breachNotAmendedAway,
      }),
    );
  }
  return problems;
}

/** Each tranche's clock on `today` were the schedule `tranches` (the money received spread over them in due order), by tranche id. */
function clocksOfSchedule(
  state: ContractState,
  tranches: readonly Tranche[],
  today: IsoDate,
): Map<string, TrancheClock> {
  const receipts = trancheReceipts(tranches, netDays(state));
  return new Map(
    tranches.map((t) => {
      const release = releaseOf(t);
      const tranche = { id: t.id, dueOn: stepDueDay(t.dueAt), amountFen: t.amountFen, release };
      return [
        t.id,
        trancheClock(
          state.contract,
          tranche,
          applicationsOf(state, t.id),
          receipts.get(t.id) ?? [],
          approvedOnOf(state, release),
          state.calendar!,
          today,
        ),
      ];
    }),
  );
}

/** Registers the file and decide Updates and the milestones' approvals on the contract workflow. */
export function installPaymentClock(ctx: PaymentClockContext): void {
  installApprovals(ctx);
  installFiling(ctx);
  installDecisions(ctx);
}

/** A milestone approved: tranches released after it fall due from that day (the first approval stands). */
function installApprovals(ctx: PaymentClockContext): void {
  setHandler(milestoneApprovedSignal, ({ milestoneId, approvedOn }) => {
    const state = ctx.state();
    if (!state.contract.milestones?.some((m) => m.id === milestoneId) || state.milestonesApproved?.[milestoneId])
      return;
    (state.milestonesApproved ??= {})[milestoneId] = approvedOn;
    ctx.markChanged();
  });
}

/** An application to file: 'new', the one already filed under its id, or refused (its figures, the tranche, what it still owes). */
function fileCheck(ctx: PaymentClockContext, request: FileApplicationInput): 'new' | ClockApplication {
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
  if (count >= MAX_PAYMENT_APPLICATIONS)
    problems.push(problem('applications', 'too_many_applications', { max: MAX_PAYMENT_APPLICATIONS }));
  const tranche = state.contract.tranches.find((t) => t.id === request.tranche);
  if (!tranche) problems.push(problem('tranche', 'not_a_tranche', { id: request.tranche }));
  if (!Number.isSafeInteger(request.amountFen) || request.amountFen <= 0)
    problems.push(problem('amount', 'above_zero'));
  if (tranche && problems.length === 0) {
    const today = shanghaiDate(Date.now());
    const release = releaseOf(tranche);
    // The approval the review told (the read model's, sent by the API, for approvals before reviews told).
    const notYet = applicationNotYetAllowed(
      release,
      stepDueDay(tranche.dueAt),
      approvedOnOf(state, release) ?? request.approvedOn ?? null,
      today,
    );
    if (notYet) problems.push(saidProblem('tranche', notYet));
    const applied = applicationsOf(state, tranche.id)
      .filter((a) => a.decision?.outcome !== 'return')
      .reduce((s, a) => s + a.amountFen, 0);
    const received = (trancheReceipts(state.contract.tranches, netDays(state)).get(tranche.id) ?? []).reduce(
      (s, r) => s + r.fen,
      0,
    );
    const left = applicableFen(tranche.amountFen, applied, received);
    if (request.amountFen > left) {
      problems.push(
        problem('amount', 'more_than_tranche_owes', {
          left: formatMoney(left),
          tranche: formatMoney(tranche.amountFen),
          applied: formatMoney(applied),
          received: formatMoney(received),
        }),
      );
    }
  }
  if (problems.length > 0) reject(REJECTION.invalid, say('application_cannot_be_filed'), problems);
  return 'new';
}

/** patched() id: a filing sent before the contract is registered waits for it. */
const APPLICATIONS_WAIT_FOR_REGISTRATION = 'applications-wait-for-registration';

/** The file Update: an application's window fixed at filing. */
function installFiling(ctx: PaymentClockContext): void {
  const filed = (id: string, app: ClockApplication, outcome: RecordOutcome) => {
    const state = ctx.state();
    const acceptanceDueOn = windowOf(app, state.contract, state.calendar!);
    return {
      outcome,
      applicationId: id,
      filedOn: app.filedOn,
      acceptanceDueOn,
      acceptanceDueAt: new Date(endOf(acceptanceDueOn)).toISOString(),
    };
  };

  setHandler(
    fileApplicationUpdate,
    async (request) => {
      // As every Update that needs the calendar: one sent while the contract starts waits for its
      // registration. 1.0 accepted one once the calendar was loaded, registered or not, and ran it
      // at once: its histories hold no marker, patched() answers false and nothing is awaited.
      if (!ctx.registered() && patched(APPLICATIONS_WAIT_FOR_REGISTRATION)) await ctx.untilRegistered();
      const check = fileCheck(ctx, request);
      if (check !== 'new') return filed(request.applicationId, check, 'duplicate');
      const state = ctx.state();
      const now = Date.now();
      const app: ClockApplication = {
        tranche: request.tranche,
        amountFen: request.amountFen,
        filedOn: shanghaiDate(now),
        filedAt: now,
      };
      // The window as the terms in force fix it today: a later amendment of the terms does not move it.
      app.acceptanceDueOn = windowOf(app, state.contract, state.calendar!);
      (state.paymentClock ??= { applications: {} }).applications[request.applicationId] = app;
      const answer = filed(request.applicationId, app, 'created');
      await ctx.record('payment_application.filed', request.filedBy, {
        applicationId: request.applicationId,
        tranche: app.tranche,
        amountFen: app.amountFen,
        filedOn: app.filedOn,
        acceptanceDueOn: answer.acceptanceDueOn,
      });
      return answer;
    },
    {
      validator: (request) => {
        ctx.refuseWhileHandingOver();
        // Checked by the handler once the contract is registered.
        if (!ctx.registered()) return;
        fileCheck(ctx, request);
      },
    },
  );
}

/** The decide Update: the purchaser accepts or returns an application (a return only within its window). */
function installDecisions(ctx: PaymentClockContext): void {
  /**
   * 'new', or the application already decided so (a repeat); refused when there is no such
   * application, it was decided otherwise, the contract has ended, or it is returned after its
   * window (deemed accepted then). Run by the validator and again by the handler: the validator
   * refused a late return since version 1.0, so no history holds one the handler now refuses.
   */
  const decideCheck = (request: DecideApplicationInput): 'new' | ClockApplication => {
    const state = ctx.state();
    const app = state.paymentClock?.applications[request.applicationId];
    if (!app) reject(REJECTION.notFound, say('no_payment_application', { id: request.applicationId }));
    if (app.decision) {
      if (app.decision.outcome === request.outcome) return app;
      reject(
        REJECTION.conflict,
        say('application_decided', { id: request.applicationId, outcome: app.decision.outcome }),
      );
    }
    ctx.requireActive();
    if (request.outcome === 'return') {
      const window = windowOf(app, state.contract, state.calendar!);
      const refusal = lateReturnRefusal(request.applicationId, window, shanghaiDate(Date.now()));
      if (refusal) reject(REJECTION.conflict, refusal);
    }
    return 'new';
  };

  const decided = (id: string, app: ClockApplication, outcome: RecordOutcome) => {
    const state = ctx.state();
    const acceptanceDueOn = windowOf(app, state.contract, state.calendar!);
    const decision = app.decision!;
    return {
      outcome,
      applicationId: id,
      decision: decision.outcome,
      decidedOn: decision.on,
      decidedAt: new Date(decision.at).toISOString(),
      late: decision.on > acceptanceDueOn,
    };
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
      await ctx.record(
        `payment_application.${request.outcome === 'accept' ? 'accepted' : 'returned'}`,
        request.decidedBy,
        {
          applicationId: request.applicationId,
          tranche: app.tranche,
          decidedOn: app.decision.on,
          late: answer.late,
        },
      );
      return answer;
    },
    {
      validator: (request) => {
        ctx.refuseWhileHandingOver();
        decideCheck(request);
      },
    },
  );
}
