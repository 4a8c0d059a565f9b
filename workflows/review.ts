// One milestone's review cycle, a child of its contract: stations submit materials, the pre-check
// returns those that fail the templates, the reviewer approves or returns with reasons, and stalls
// escalate — a review not decided in time (reviewOverdue), more returns than allowed
// (tooManyReturns), a milestone past due without approval (milestoneOverdue). Bounded: each
// station's rounds by MAX_ROUNDS_PER_STATION, each run's history by continuing as new with the
// latest round per station (domain/limits). The workflow function wires the handlers and runs the
// loop; the review's state, steps and handlers are a ReviewRun's.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
} from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract, Milestone, ReviewerParty } from '../domain/contract';
import { projections } from './projection';
import { addWorkingDays } from '../domain/calendar';
import { dayText, parseInstant, shanghaiDate } from '../domain/dates';
import { stepDueAt, stepDueDay, type StepBook, type StepKind } from '../domain/escalation';
import { contractWorkflowId, stepKey, stepReference } from '../domain/ids';
import type { ReviewDecision } from '../domain/decisions';
import type { StepResolution } from '../domain/events';
import {
  MAX_ROUNDS_PER_STATION,
  REVIEW_RUN_MAX_BYTES,
  REVIEW_RUN_MAX_EVENTS,
  roundLimitProblem,
} from '../domain/limits';
import {
  isRepeatedReviewDecision,
  materialsProblems,
  PRECHECK,
  reasonProblems,
  type ReasonGiven,
} from '../domain/materials';
import {
  contractEndedSignal,
  decideUpdate,
  milestoneApprovedSignal,
  reviewStateQuery,
  submitUpdate,
  type ReviewOutcome,
  type ReviewState,
  type ReviewWorkflowInput,
  type DecideInput,
  type RoundReceipt,
  type StationRound,
  type SubmitInput,
} from './review-messages';
import type { Round } from '../domain/materials';
import { reject, REJECTION } from './rejection';
import { say } from '../domain/messages';
import { problem } from '../domain/problems';
import { StepHandover } from './step-handover';
import { applyCalendarPatch, type CalendarPatch } from '../domain/calendar-changes';
import { calendarChangedSignal } from './calendar-messages';
import { tellCalendar } from './calendar-updates';
import type { Text } from '../domain/languages';
import { waitUntil } from './wait';
import { historyIsLong, RunHandover } from './continue-as-new';

const { projectSubmission } = projections;

/** What an Update answers: small, whatever the submission's size (the API reads the rest). */
const receipt = (round: Round | StationRound): RoundReceipt => ({
  submissionId: round.submissionId,
  round: round.round,
  status: round.status,
  reviewDueAt: round.reviewDueAt,
});

export async function reviewWorkflow(input: ReviewWorkflowInput): Promise<ReviewOutcome> {
  const run = new ReviewRun(input);
  setHandler(reviewStateQuery, () => run.state);
  setHandler(calendarChangedSignal, ({ patch, cause }) => run.takeCalendar(patch, cause));
  setHandler(contractEndedSignal, () => {
    run.ended = true;
  });
  setHandler(submitUpdate, (request) => run.submit(request), {
    validator: (request) => {
      run.handover.refuseWhileHandingOver();
      run.submitCheck(request);
    },
  });
  setHandler(decideUpdate, (request) => run.decide(request), {
    validator: (request) => {
      run.handover.refuseWhileHandingOver();
      run.decideCheck(request);
    },
  });

  while (!run.ended && !run.allApproved()) {
    const now = Date.now();
    await run.escalate(now);
    if (
      historyIsLong({ events: input.continueAsNewAfterEvents ?? REVIEW_RUN_MAX_EVENTS, bytes: REVIEW_RUN_MAX_BYTES })
    ) {
      await run.handOver();
      continue;
    }
    run.changed = false;
    await waitUntil(() => run.changed || run.ended, run.nextDeadline(now));
  }

  await condition(allHandlersFinished);
  await run.steps.closeAll(run.ended ? 'contract ended' : 'approved');
  return {
    milestoneId: input.milestone.id,
    rounds: run.state.rounds.reduce((n, r) => n + r.round, 0),
    approvedStations: run.stations.filter((s) => run.approved(s)),
    ended: run.ended,
  };
}

/** One milestone's review: the stations' latest rounds, the open steps, and what each handler does. */
class ReviewRun {
  readonly state: ReviewState;
  /** The stations that submit ('' alone when the milestone covers the contract as a whole). */
  readonly stations: string[];
  changed = false;
  ended = false;
  private readonly contract: Contract;
  private readonly milestone: Milestone;
  /** The calendar in force: its contract passes on published years and its own days (calendarChangedSignal). */
  private calendar: WorkingCalendar;
  /** Its step book (workflows/step-book.ts; references: the milestone, and the station if any). */
  private readonly book: StepBook;
  /** Its steps' handover: opened by the main loop, resolved by the handlers too. */
  readonly steps: StepHandover;
  private version: number;
  /**
   * Handing over to the next run (workflows/continue-as-new.ts): new Updates are refused so that
   * those in flight can finish; without this, a steady stream of Updates would keep the run open.
   */
  readonly handover: RunHandover;
  /**
   * This run's decisions of the stations' latest rounds, to recognise a repeated decision (its
   * answer lost); not carried into the next run, where the API recognises it from the read model.
   */
  private readonly decisions = new Map<string, NonNullable<Round['decision']>>();
  /** When a reviewer last returned a round: the contractor holds the milestone again from then. */
  private lastReturnedAt: number;
  private readonly milestoneDueDay: string;

  constructor(private readonly input: ReviewWorkflowInput) {
    const { contract, milestone, carried } = input;
    this.contract = contract;
    this.milestone = milestone;
    this.calendar = input.calendar;
    this.state = carried?.state ?? { milestoneId: milestone.id, rounds: [] };
    this.stations = milestone.stations.length > 0 ? milestone.stations : [''];
    this.book = carried?.steps ?? {};
    this.steps = new StepHandover(
      { contract: () => this.contract, book: () => this.book, calendar: () => this.calendar },
      { concurrent: true },
    );
    this.version = carried?.version ?? 0;
    this.lastReturnedAt = carried?.lastReturnedAt ?? 0;
    this.milestoneDueDay = stepDueDay(milestone.dueAt);
    this.handover = new RunHandover(() => say('review_handing_over', { milestone: milestone.id }));
  }

  private latest(station: string): StationRound | undefined {
    return this.state.rounds.find((r) => r.station === station);
  }

  approved(station: string): boolean {
    return this.latest(station)?.status === 'approved';
  }

  allApproved(): boolean {
    return this.stations.every((s) => this.approved(s));
  }

  /**
   * The contractor holds the milestone while a station still has to submit (nothing yet, or its
   * last round returned); a round that passed the pre-check is the reviewer's (reviewOverdue).
   */
  private contractorHolds(): boolean {
    return this.stations.some((s) => this.latest(s)?.status !== 'approved' && this.latest(s)?.status !== 'in_review');
  }

  private async project(round: Round): Promise<void> {
    this.version += 1;
    await projectSubmission({ round, version: this.version });
  }

  private referenceOf(station: string): string {
    return stepReference(station ? [this.milestone.id, station] : [this.milestone.id]);
  }

  /** Hands the step of `kind` at `station` over (holder: the step kind's, unless given); undefined when it is open already. */
  private open(
    kind: StepKind,
    station: string,
    dueAt: number,
    summary: Text,
    holder?: ReviewerParty,
  ): Promise<void> | undefined {
    const { contract } = this;
    const reference = this.referenceOf(station);
    return this.steps.open(
      kind,
      reference,
      {},
      ({ stepId }) => ({
        contractId: contract.id,
        contractTitle: contract.title,
        kind,
        reference,
        stepId,
        dueAt,
        summary,
      }),
      { holder },
    );
  }

  private async close(kind: StepKind, station: string, reason: StepResolution): Promise<void> {
    await this.steps.resolve(stepKey(kind, this.referenceOf(station)), reason, Date.now());
  }

  /**
   * A new calendar: review deadlines still ahead move (each the nth working day after its
   * submission), and the open steps recompute their ladders and held days.
   */
  async takeCalendar(patch: CalendarPatch, cause: string): Promise<void> {
    const { milestone } = this;
    this.calendar = applyCalendarPatch(this.calendar, patch);
    const now = Date.now();
    for (const round of this.state.rounds) {
      if (round.status !== 'in_review' || !round.reviewDueAt || Date.parse(round.reviewDueAt) <= now) continue;
      const dueDay = addWorkingDays(
        shanghaiDate(Date.parse(round.submittedAt)),
        milestone.reviewWorkingDays,
        this.calendar,
      );
      const reviewDueAt = new Date(parseInstant(dueDay)!).toISOString();
      if (reviewDueAt === round.reviewDueAt) continue;
      round.reviewDueAt = reviewDueAt;
      // A round in review passed the pre-check and awaits its decision.
      const { reviewerReturns: _returns, ...kept } = round;
      await this.project({ ...kept, precheck: [], decision: null });
    }
    this.changed = true;
    await tellCalendar(this.steps.openWorkflowIds(), patch, cause);
  }

  /** The round a repeated submission is (answered as it stands), or undefined for a new one; refused when it cannot be taken now. */
  submitCheck(
    request: Pick<SubmitInput, 'station' | 'submissionId' | 'materials' | 'contentSha256'>,
  ): StationRound | undefined {
    const { milestone } = this;
    const existing = this.state.rounds.find((r) => r.submissionId === request.submissionId);
    if (existing) return existing;
    if (this.ended) reject(REJECTION.reviewClosed, say('review_ended_with_contract', { milestone: milestone.id }));
    if (!this.stations.includes(request.station)) {
      reject(REJECTION.invalid, say('station_not_in_this_milestone'), [
        milestone.stations.length > 0
          ? problem('station', 'one_of', { values: milestone.stations })
          : problem('station', 'station_must_be_omitted'),
      ]);
    }
    const last = this.latest(request.station);
    if (last?.status === 'in_review' || last?.status === 'prechecking')
      reject(REJECTION.conflict, say('round_in_review', { round: last.round }));
    if (last?.status === 'approved') reject(REJECTION.conflict, say('already_approved'));
    const overLimit = roundLimitProblem(request.station, last?.round ?? 0);
    if (overLimit) reject(REJECTION.invalid, say('rounds_limit', { limit: MAX_ROUNDS_PER_STATION }), [overLimit]);
    const problems = materialsProblems(request.materials, milestone.materials);
    if (problems.length > 0) reject(REJECTION.invalid, say('materials_do_not_fit'), problems);
    // A round identical to the returned one would only be returned again: refused, not counted.
    if (last && last.contentSha256 === request.contentSha256) {
      reject(REJECTION.invalid, say('nothing_changed_since', { round: last.round }), [
        problem('materials', 'nothing_changed', { round: last.round }),
      ]);
    }
    return undefined;
  }

  async submit(request: SubmitInput): Promise<RoundReceipt> {
    const existing = this.submitCheck(request);
    if (existing) return receipt(existing);
    const now = Date.now();
    const last = this.latest(request.station);
    const round = this.newRound(request, now, (last?.round ?? 0) + 1);
    // The station's latest round replaces the one before: the state stays one round per station.
    const { precheck: _precheck, decision: _decision, ...kept } = round;
    const entry: StationRound = { ...kept, reviewerReturns: last?.reviewerReturns ?? 0 };
    if (last) {
      this.state.rounds[this.state.rounds.indexOf(last)] = entry;
      this.decisions.delete(last.submissionId);
    } else this.state.rounds.push(entry);
    this.changed = true;
    await this.project(round);
    if (round.status === 'returned') await this.afterReturn(entry);
    else {
      // Now the reviewer's to decide: the contractor held what waits for it until today.
      await this.close('tooManyReturns', round.station, 'resubmitted for review');
      if (!this.contractorHolds()) await this.close('milestoneOverdue', '', 'submitted for review');
    }
    return receipt(round);
  }

  /** A submission's round: returned at once when the pre-check failed, else in review until the nth working day after it. */
  private newRound(request: SubmitInput, now: number, number: number): Round {
    const round: Round = {
      submissionId: request.submissionId,
      contractId: this.contract.id,
      milestoneId: this.milestone.id,
      station: request.station,
      round: number,
      status: 'prechecking',
      contentSha256: request.contentSha256,
      submittedBy: request.submittedBy,
      submittedAt: new Date(now).toISOString(),
      // The API ran the pre-check on the texts, which never reach the workflow.
      precheck: request.precheck,
      reviewDueAt: null,
      decision: null,
    };
    if (round.precheck.length > 0) {
      // Failing the pre-check never left the contractor's hands: it keeps holding what it held.
      round.status = 'returned';
      round.decision = { outcome: 'return', reasons: [], decidedBy: PRECHECK, decidedAt: new Date().toISOString() };
    } else {
      round.status = 'in_review';
      // The reviewer has until the end of the nth working day after the submission.
      const dueDay = addWorkingDays(shanghaiDate(now), this.milestone.reviewWorkingDays, this.calendar);
      round.reviewDueAt = new Date(parseInstant(dueDay)!).toISOString();
    }
    return round;
  }

  /** The round decided and whether the decision repeats one; refused when no round awaits it, it is not in review, or its reasons do not fit. */
  decideCheck(request: { submissionId: string; outcome: ReviewDecision; reasons: ReasonGiven[] }): {
    round: StationRound;
    repeated: boolean;
  } {
    const round = this.state.rounds.find((r) => r.submissionId === request.submissionId);
    // An earlier round of a station is decided already (the API answers its repeats from the read model).
    if (!round) reject(REJECTION.notFound, say('no_submission_awaits', { id: request.submissionId }));
    if (isRepeatedReviewDecision(this.decisions.get(round.submissionId) ?? null, request))
      return { round, repeated: true };
    if (round.status !== 'in_review')
      reject(REJECTION.conflict, say('submission_status', { id: round.submissionId, status: round.status }));
    if (request.outcome === 'return' && request.reasons.length === 0) {
      reject(REJECTION.invalid, say('return_needs_a_reason'), [problem('reasons', 'return_needs_reason')]);
    }
    const problems = reasonProblems(request.reasons, this.milestone.materials);
    if (problems.length > 0) reject(REJECTION.invalid, say('reason_not_in_milestone'), problems);
    return { round, repeated: false };
  }

  async decide(request: DecideInput): Promise<RoundReceipt> {
    const { round, repeated } = this.decideCheck(request);
    // A repeat (its answer lost) is answered with the submission as it stands.
    if (repeated) return receipt(round);
    round.status = request.outcome === 'approve' ? 'approved' : 'returned';
    const decision = {
      outcome: request.outcome,
      reasons: request.reasons,
      decidedBy: request.decidedBy,
      decidedAt: new Date().toISOString(),
    };
    this.decisions.set(round.submissionId, decision);
    if (round.status === 'returned') {
      this.lastReturnedAt = Date.now();
      round.reviewerReturns += 1;
    }
    this.changed = true;
    // A round in review passed the pre-check: its failures are none.
    const { reviewerReturns: _returns, ...decided } = round;
    await this.project({ ...decided, precheck: [], decision });
    await this.close('reviewOverdue', round.station, `review ${round.status}`);
    if (round.status === 'approved') {
      await this.close('tooManyReturns', round.station, 'approved');
      if (this.allApproved()) {
        await this.close('milestoneOverdue', '', 'approved');
        await this.tellContractApproved(shanghaiDate(Date.parse(decision.decidedAt)));
      }
    } else {
      await this.afterReturn(round);
    }
    return receipt(round);
  }

  /** Tells the contract the milestone is approved: tranches released after it fall due from then (issue 18). */
  private async tellContractApproved(approvedOn: string): Promise<void> {
    try {
      await getExternalWorkflowHandle(contractWorkflowId(this.input.contract.id)).signal(milestoneApprovedSignal, {
        milestoneId: this.input.milestone.id,
        approvedOn,
      });
    } catch {
      // The contract has ended: nothing of it falls due any more.
    }
  }

  /** More reviewer returns than the milestone allows: the contractor's lead, then the purchaser, are told. */
  private async afterReturn(round: StationRound): Promise<void> {
    const { milestone } = this;
    const returns = round.reviewerReturns;
    if (returns <= milestone.maxRounds) return;
    await this.open('tooManyReturns', round.station, Date.now(), {
      en: `${milestone.title}${round.station ? ` (station ${round.station})` : ''}: materials returned ${returns} times (at most ${milestone.maxRounds} rounds planned); supervision or training may be needed.`,
      'zh-CN': `${milestone.title}${round.station ? `（${round.station} 站）` : ''}：材料已被退回 ${returns} 次（计划最多 ${milestone.maxRounds} 轮），建议安排督导或培训。`,
    });
  }

  /**
   * Reviews past their deadline escalate to the reviewer (then the purchaser); past due and in the
   * contractor's hands, the milestone escalates to the contractor, held from the due day or from
   * a return after it (the return's day being the reviewer's).
   */
  async escalate(now: number): Promise<void> {
    const { milestone } = this;
    for (const station of this.stations) {
      const last = this.latest(station);
      if (last?.status !== 'in_review' || !last.reviewDueAt || Date.parse(last.reviewDueAt) > now) continue;
      const submittedOn = shanghaiDate(Date.parse(last.submittedAt));
      const where = { en: station ? ` (station ${station})` : '', zh: station ? `（${station} 站）` : '' };
      const summary = {
        en: `${milestone.title}${where.en}: round ${last.round} submitted on ${dayText(submittedOn, 'en')} awaits a decision.`,
        'zh-CN': `${milestone.title}${where.zh}：第 ${last.round} 轮材料（${dayText(submittedOn, 'zh-CN')}提交）尚待评审决定。`,
      };
      await this.open('reviewOverdue', station, stepDueAt(Date.parse(last.reviewDueAt)), summary, milestone.reviewer);
    }
    if (now >= milestone.dueAt && this.contractorHolds()) {
      const summary = {
        en: `${milestone.title} was due on ${dayText(this.milestoneDueDay, 'en')} and is not approved yet.`,
        'zh-CN': `${milestone.title} 应于 ${dayText(this.milestoneDueDay, 'zh-CN')}完成，尚未通过评审。`,
      };
      await this.open('milestoneOverdue', '', Math.max(stepDueAt(milestone.dueAt), this.lastReturnedAt), summary);
    }
  }

  /** The next review deadline or the milestone's due time after `now`, if any. */
  nextDeadline(now: number): number | undefined {
    const deadlines = [
      ...this.stations
        .map((s) => this.latest(s))
        .filter((r) => r?.status === 'in_review' && r.reviewDueAt)
        .map((r) => Date.parse(r!.reviewDueAt!)),
      this.milestone.dueAt,
    ].filter((t) => t > now);
    return deadlines.length > 0 ? Math.min(...deadlines) : undefined;
  }

  /**
   * Continues as new with the latest round per station. Updates already accepted finish in this
   * run; later ones are refused until the next run answers them (the server moves those admitted
   * but not yet delivered there itself). Ended or approved meanwhile: this run finishes instead.
   */
  async handOver(): Promise<void> {
    this.handover.handingOver = true;
    await condition(allHandlersFinished);
    if (!this.ended && !this.allApproved()) {
      await continueAsNew<typeof reviewWorkflow>({
        ...this.input,
        calendar: this.calendar,
        carried: {
          state: this.state,
          steps: this.book,
          version: this.version,
          lastReturnedAt: this.lastReturnedAt,
        },
      });
    }
    this.handover.handingOver = false;
  }
}
