// One milestone's review cycle, a child of its contract: stations submit materials, the pre-check
// returns those that fail the templates, the reviewer approves or returns with reasons, and stalls
// escalate — a review not decided in time (reviewOverdue), more returns than allowed
// (tooManyReturns), a milestone past due without approval (milestoneOverdue). Bounded: each
// station's rounds by MAX_ROUNDS_PER_STATION, each run's history by continuing as new with the
// latest round per station (domain/limits).
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { projections } from './projection';
import { addWorkingDays } from '../domain/calendar';
import { dayText, parseInstant, shanghaiDate } from '../domain/dates';
import { stepDueAt, stepDueDay, type StepKind } from '../domain/escalation';
import { stepId as buildStepId, stepKey, stepReference } from '../domain/ids';
import { MAX_ROUNDS_PER_STATION, REVIEW_RUN_MAX_BYTES, REVIEW_RUN_MAX_EVENTS, roundLimitProblem } from '../domain/limits';
import { isRepeatedReviewDecision, materialsProblems, PRECHECK, reasonProblems, type ReasonGiven } from '../domain/materials';
import {
  contractEndedSignal,
  decideUpdate,
  reviewStateQuery,
  submitUpdate,
  type ReviewOutcome,
  type ReviewState,
  type ReviewWorkflowInput,
  type Round,
  type RoundReceipt,
  type StationRound,
  type SubmitInput,
} from './review-messages';
import { reject, REJECTION } from './rejection';
import { say } from '../domain/messages';
import { problem } from '../domain/problems';
import { openStep, resolveStep } from './steps';
import { applyCalendarPatch, calendarPatch } from '../domain/calendar-changes';
import { calendarChangedSignal } from './calendar-messages';
import { tellCalendar } from './calendar-updates';
import { escalationWorkflowId } from './escalation-messages';

const { projectSubmission } = projections;

/** What an Update answers: small, whatever the submission's size (the API reads the rest). */
const receipt = (round: Round | StationRound): RoundReceipt => ({
  submissionId: round.submissionId,
  round: round.round,
  status: round.status,
  reviewDueAt: round.reviewDueAt,
});

export async function reviewWorkflow(input: ReviewWorkflowInput): Promise<ReviewOutcome> {
  const { contract, milestone, carried } = input;
  /** The calendar in force: its contract passes on published years and its own days (calendarChangedSignal). */
  let calendar = input.calendar;
  const state: ReviewState = carried?.state ?? { milestoneId: milestone.id, rounds: [] };
  const stations = milestone.stations.length > 0 ? milestone.stations : [''];
  /** Open steps by domain/ids stepKey (kind and reference: the milestone, and the station if any). */
  const openSteps = new Map<string, { kind: StepKind; station: string; stepId: string }>(
    (carried?.openSteps ?? []).map(({ key, ...step }) => [key, step]),
  );
  const referenceOf = (station: string) => stepReference(station ? [milestone.id, station] : [milestone.id]);
  const starting = new Map<string, Promise<void>>(); // stepId → its escalation workflow starting
  let occurrence = carried?.occurrence ?? 0;
  let version = carried?.version ?? 0;
  let changed = false;
  let ended = false;
  /**
   * Set once the run has decided to continue as new: new Updates are refused (handingOver) so that
   * those in flight can finish; without this, a steady stream of Updates would keep the run open.
   */
  let handingOver = false;
  const refuseWhileHandingOver = () => {
    if (handingOver) reject(REJECTION.handingOver, say('review_handing_over', { milestone: milestone.id }));
  };
  /**
   * This run's decisions of the stations' latest rounds, to recognise a repeated decision (its
   * answer lost); not carried into the next run, where the API recognises it from the read model.
   */
  const decisions = new Map<string, NonNullable<Round['decision']>>();

  const latest = (station: string) => state.rounds.find((r) => r.station === station);
  const approved = (station: string) => latest(station)?.status === 'approved';
  /**
   * The contractor holds the milestone while a station still has to submit (nothing yet, or its
   * last round returned); a round that passed the pre-check is the reviewer's (reviewOverdue).
   */
  const contractorHolds = () => stations.some((s) => latest(s)?.status !== 'approved' && latest(s)?.status !== 'in_review');
  /** When a reviewer last returned a round: the contractor holds the milestone again from then. */
  let lastReturnedAt = carried?.lastReturnedAt ?? 0;
  const milestoneDueDay = stepDueDay(milestone.dueAt);

  const project = async (round: Round) => {
    version += 1;
    await projectSubmission({ round, version });
  };

  async function open(kind: StepKind, station: string, dueAt: number, en: string, zh: string, holder?: 'evaluator' | 'purchaser' | 'contractor') {
    const reference = referenceOf(station);
    const key = stepKey(kind, reference);
    if (openSteps.has(key)) return;
    occurrence += 1;
    const stepId = buildStepId(contract.id, kind, reference, occurrence);
    openSteps.set(key, { kind, station, stepId });
    const startedWith = calendar;
    const started = openStep(
      contract,
      startedWith,
      { contractId: contract.id, contractTitle: contract.title, kind, reference, stepId, dueAt, summary: { en, 'zh-CN': zh } },
      holder,
    );
    starting.set(stepId, started);
    try {
      await started;
    } finally {
      starting.delete(stepId);
    }
    // The calendar changed while the step was starting: the step hears of it too.
    const patch = calendar !== startedWith ? calendarPatch(startedWith, calendar) : undefined;
    if (patch) await tellCalendar([escalationWorkflowId(stepId)], patch, 'calendar changed while the step started');
  }

  async function close(kind: StepKind, station: string, reason: string) {
    const key = stepKey(kind, referenceOf(station));
    const step = openSteps.get(key);
    if (!step) return;
    openSteps.delete(key);
    const at = Date.now();
    // A step closed while its escalation is still starting is told once it has started.
    await starting.get(step.stepId);
    await resolveStep(step.stepId, reason, at);
  }

  setHandler(reviewStateQuery, () => state);

  // A new calendar: review deadlines still ahead move (each the nth working day after its
  // submission), and the open steps recompute their ladders and held days.
  setHandler(calendarChangedSignal, async ({ patch, cause }) => {
    calendar = applyCalendarPatch(calendar, patch);
    const now = Date.now();
    for (const round of state.rounds) {
      if (round.status !== 'in_review' || !round.reviewDueAt || Date.parse(round.reviewDueAt) <= now) continue;
      const dueDay = addWorkingDays(shanghaiDate(Date.parse(round.submittedAt)), milestone.reviewWorkingDays, calendar);
      const reviewDueAt = new Date(parseInstant(dueDay)!).toISOString();
      if (reviewDueAt === round.reviewDueAt) continue;
      round.reviewDueAt = reviewDueAt;
      // A round in review passed the pre-check and awaits its decision.
      const { reviewerReturns: _returns, ...kept } = round;
      await project({ ...kept, precheck: [], decision: null });
    }
    changed = true;
    await tellCalendar([...openSteps.values()].map((step) => escalationWorkflowId(step.stepId)), patch, cause);
  });
  setHandler(contractEndedSignal, () => {
    ended = true;
  });

  const submitProblems = (request: Pick<SubmitInput, 'station' | 'submissionId' | 'materials' | 'contentSha256'>) => {
    refuseWhileHandingOver();
    if (state.rounds.some((r) => r.submissionId === request.submissionId)) return;
    if (ended) reject(REJECTION.reviewClosed, say('review_ended_with_contract', { milestone: milestone.id }));
    if (!stations.includes(request.station)) {
      reject(REJECTION.invalid, say('station_not_in_this_milestone'), [
        milestone.stations.length > 0 ? problem('station', 'one_of', { values: milestone.stations }) : problem('station', 'station_must_be_omitted'),
      ]);
    }
    const last = latest(request.station);
    if (last?.status === 'in_review' || last?.status === 'prechecking') {
      reject(REJECTION.conflict, say('round_in_review', { round: last.round }));
    }
    if (last?.status === 'approved') reject(REJECTION.conflict, say('already_approved'));
    const overLimit = roundLimitProblem(request.station, last?.round ?? 0);
    if (overLimit) reject(REJECTION.invalid, say('rounds_limit', { limit: MAX_ROUNDS_PER_STATION }), [overLimit]);
    const problems = materialsProblems(request.materials, milestone.materials);
    if (problems.length > 0) reject(REJECTION.invalid, say('materials_do_not_fit'), problems);
    // A round identical to the returned one would only be returned again: refused, not counted.
    if (last && last.contentSha256 === request.contentSha256) {
      reject(REJECTION.invalid, say('nothing_changed_since', { round: last.round }), [problem('materials', 'nothing_changed', { round: last.round })]);
    }
  };

  setHandler(
    submitUpdate,
    async (request) => {
      refuseWhileHandingOver();
      const existing = state.rounds.find((r) => r.submissionId === request.submissionId);
      if (existing) return receipt(existing);
      submitProblems(request);
      const now = Date.now();
      const last = latest(request.station);
      const round: Round = {
        submissionId: request.submissionId,
        contractId: contract.id,
        milestoneId: milestone.id,
        station: request.station,
        round: (last?.round ?? 0) + 1,
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
        const dueDay = addWorkingDays(shanghaiDate(now), milestone.reviewWorkingDays, calendar);
        round.reviewDueAt = new Date(parseInstant(dueDay)!).toISOString();
      }
      // The station's latest round replaces the one before: the state stays one round per station.
      const { precheck: _precheck, decision: _decision, ...kept } = round;
      const entry: StationRound = { ...kept, reviewerReturns: last?.reviewerReturns ?? 0 };
      if (last) {
        state.rounds[state.rounds.indexOf(last)] = entry;
        decisions.delete(last.submissionId);
      } else state.rounds.push(entry);
      changed = true;
      await project(round);
      if (round.status === 'returned') await afterReturn(entry);
      else {
        // Now the reviewer's to decide: the contractor held what waits for it until today.
        await close('tooManyReturns', round.station, 'resubmitted for review');
        if (!contractorHolds()) await close('milestoneOverdue', '', 'submitted for review');
      }
      return receipt(round);
    },
    { validator: submitProblems },
  );

  const decideProblems = (request: { submissionId: string; outcome: 'approve' | 'return'; reasons: ReasonGiven[] }) => {
    refuseWhileHandingOver();
    const round = state.rounds.find((r) => r.submissionId === request.submissionId);
    // An earlier round of a station is decided already (the API answers its repeats from the read model).
    if (!round) reject(REJECTION.notFound, say('no_submission_awaits', { id: request.submissionId }));
    if (isRepeatedReviewDecision(decisions.get(round.submissionId) ?? null, request)) return { round, repeated: true };
    if (round.status !== 'in_review') reject(REJECTION.conflict, say('submission_status', { id: round.submissionId, status: round.status }));
    if (request.outcome === 'return' && request.reasons.length === 0) {
      reject(REJECTION.invalid, say('return_needs_a_reason'), [problem('reasons', 'return_needs_reason')]);
    }
    const problems = reasonProblems(request.reasons, milestone.materials);
    if (problems.length > 0) reject(REJECTION.invalid, say('reason_not_in_milestone'), problems);
    return { round, repeated: false };
  };

  setHandler(
    decideUpdate,
    async (request) => {
      const { round, repeated } = decideProblems(request);
      // A repeat (its answer lost) is answered with the submission as it stands.
      if (repeated) return receipt(round);
      round.status = request.outcome === 'approve' ? 'approved' : 'returned';
      const decision = { outcome: request.outcome, reasons: request.reasons, decidedBy: request.decidedBy, decidedAt: new Date().toISOString() };
      decisions.set(round.submissionId, decision);
      if (round.status === 'returned') {
        lastReturnedAt = Date.now();
        round.reviewerReturns += 1;
      }
      changed = true;
      // A round in review passed the pre-check: its failures are none.
      const { reviewerReturns: _returns, ...decided } = round;
      await project({ ...decided, precheck: [], decision });
      await close('reviewOverdue', round.station, `review ${round.status}`);
      if (round.status === 'approved') {
        await close('tooManyReturns', round.station, 'approved');
        if (stations.every(approved)) await close('milestoneOverdue', '', 'approved');
      } else {
        await afterReturn(round);
      }
      return receipt(round);
    },
    { validator: (request) => void decideProblems(request) },
  );

  /** More reviewer returns than the milestone allows: the contractor's lead, then the purchaser, are told. */
  async function afterReturn(round: StationRound) {
    const returns = round.reviewerReturns;
    if (returns > milestone.maxRounds) {
      await open(
        'tooManyReturns',
        round.station,
        Date.now(),
        `${milestone.title}${round.station ? ` (station ${round.station})` : ''}: materials returned ${returns} times (at most ${milestone.maxRounds} rounds planned); supervision or training may be needed.`,
        `${milestone.title}${round.station ? `（${round.station} 站）` : ''}：材料已被退回 ${returns} 次（计划最多 ${milestone.maxRounds} 轮），建议安排督导或培训。`,
      );
    }
  }

  while (!ended && !stations.every(approved)) {
    const now = Date.now();
    // Reviews past their deadline escalate to the reviewer (then the purchaser).
    for (const station of stations) {
      const last = latest(station);
      if (last?.status === 'in_review' && last.reviewDueAt && Date.parse(last.reviewDueAt) <= now) {
        const submittedOn = shanghaiDate(Date.parse(last.submittedAt));
        await open(
          'reviewOverdue',
          station,
          stepDueAt(Date.parse(last.reviewDueAt)),
          `${milestone.title}${station ? ` (station ${station})` : ''}: round ${last.round} submitted on ${dayText(submittedOn, 'en')} awaits a decision.`,
          `${milestone.title}${station ? `（${station} 站）` : ''}：第 ${last.round} 轮材料（${dayText(submittedOn, 'zh-CN')}提交）尚待评审决定。`,
          milestone.reviewer,
        );
      }
    }
    // Past due and in the contractor's hands: held from the due day, or from a return after it
    // (the return's day being the reviewer's).
    if (now >= milestone.dueAt && contractorHolds()) {
      await open(
        'milestoneOverdue',
        '',
        Math.max(stepDueAt(milestone.dueAt), lastReturnedAt),
        `${milestone.title} was due on ${dayText(milestoneDueDay, 'en')} and is not approved yet.`,
        `${milestone.title} 应于 ${dayText(milestoneDueDay, 'zh-CN')}完成，尚未通过评审。`,
      );
    }
    const deadlines = [
      ...stations.map((s) => latest(s)).filter((r) => r?.status === 'in_review' && r.reviewDueAt).map((r) => Date.parse(r!.reviewDueAt!)),
      milestone.dueAt,
    ].filter((t) => t > now);
    const info = workflowInfo();
    const bound = input.continueAsNewAfterEvents ?? REVIEW_RUN_MAX_EVENTS;
    if (info.continueAsNewSuggested || info.historyLength > bound || info.historySize > REVIEW_RUN_MAX_BYTES) {
      // Updates already accepted finish in this run; later ones are refused until the next run
      // answers them (the server moves those admitted but not yet delivered there itself).
      handingOver = true;
      await condition(allHandlersFinished);
      // Ended or approved meanwhile: this run finishes instead (the contract's end is not carried).
      if (!ended && !stations.every(approved)) {
        await continueAsNew<typeof reviewWorkflow>({
          ...input,
          calendar,
          carried: { state, openSteps: [...openSteps].map(([key, step]) => ({ key, ...step })), occurrence, version, lastReturnedAt },
        });
      }
      handingOver = false;
      continue;
    }
    changed = false;
    const next = deadlines.length > 0 ? Math.min(...deadlines) : undefined;
    if (next === undefined) await condition(() => changed || ended);
    else await condition(() => changed || ended, Math.max(1, next - now));
  }

  await condition(allHandlersFinished);
  for (const { kind, station } of [...openSteps.values()]) {
    await close(kind, station, ended ? 'contract ended' : 'approved');
  }
  return { milestoneId: milestone.id, rounds: state.rounds.reduce((n, r) => n + r.round, 0), approvedStations: stations.filter(approved), ended };
}

