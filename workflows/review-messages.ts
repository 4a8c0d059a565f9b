// Messages of a milestone's review cycle, shared by the contract workflow, the review workflow and the API.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract, Milestone } from '../domain/contract';
import type { IsoDate } from '../domain/dates';
import type { ReviewDecision } from '../domain/decisions';
import type { MaterialReference, PrecheckFailure, ReasonGiven, Round } from '../domain/materials';
import type { StepBook } from '../domain/escalation';

export interface ReviewWorkflowInput {
  contract: Contract;
  milestone: Milestone;
  calendar: WorkingCalendar;
  /** What a continued run carries from the run before (absent in the first run). */
  carried?: ReviewCarried;
  /** Tests: continue as new past this many events instead of domain/limits REVIEW_RUN_MAX_EVENTS. */
  continueAsNewAfterEvents?: number;
}

/**
 * The bounded state a review carries into its next run: per station its latest round and counters
 * (≈ 0.5 KB each, ≤ 100 stations), its steps (≤ 2 per station + 1, workflows/step-book.ts) and the
 * counter that keeps projection versions increasing. Earlier rounds live in the read model
 * (submissions) only.
 */
export interface ReviewCarried {
  state: ReviewState;
  steps: StepBook;
  /** The last projection version (activities/reviews projectSubmission). */
  version: number;
  /** When a reviewer last returned a round (epoch ms; 0: never). */
  lastReturnedAt: number;
}

/**
 * A submission, by reference (claim check): the API has stored its texts (submission_contents)
 * and files (the file store) and run the pre-check before sending this. Bounded: templates and
 * sections by domain/limits and the templates, attachments by MAX_ATTACHMENTS_PER_MATERIAL.
 */
export interface SubmitInput {
  submissionId: string;
  /** The station whose materials these are ('' when the milestone covers the contract as a whole). */
  station: string;
  materials: MaterialReference[];
  /** sha256 (hex) of domain/materials materialsDigestText over the section hashes: equal means nothing changed. */
  contentSha256: string;
  /** The pre-check's failures (domain/materials precheck), run by the API on the texts. */
  precheck: PrecheckFailure[];
  submittedBy: string;
}

export interface DecideInput {
  submissionId: string;
  outcome: ReviewDecision;
  reasons: ReasonGiven[];
  decidedBy: string;
}

/**
 * A station's latest round as the review keeps it: without its pre-check failures and decision
 * (they are in the read model), with the station's count of reviewer returns.
 */
export type StationRound = Omit<Round, 'precheck' | 'decision'> & {
  /** Rounds of this station returned by the reviewer (not by the pre-check): tooManyReturns counts these. */
  reviewerReturns: number;
};

export interface ReviewState {
  milestoneId: string;
  /**
   * The latest round of each station that has submitted, in the order stations first submitted:
   * bounded by the milestone's stations. `round` is that station's count of rounds.
   */
  rounds: StationRound[];
}

/** The review's result, small whatever the rounds: how many there were, and which stations were approved. */
export interface ReviewOutcome {
  milestoneId: string;
  rounds: number;
  approvedStations: string[];
  ended: boolean;
}

/** An Update's answer: the round's status, small; the API reads the round from the read model. */
export type RoundReceipt = Pick<Round, 'submissionId' | 'round' | 'status' | 'reviewDueAt'>;

export const submitUpdate = defineUpdate<RoundReceipt, [SubmitInput]>('submit');
export const decideUpdate = defineUpdate<RoundReceipt, [DecideInput]>('decide');

/**
 * A review tells its contract when the milestone is approved (every station it names): a tranche
 * released `{ afterApproval }` of it falls due from that day (issue 18; workflows/payment-clock.ts).
 */
export const milestoneApprovedSignal =
  defineSignal<[{ milestoneId: string; approvedOn: IsoDate }]>('milestoneApproved');
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');
export { contractEndedSignal } from './contract-ended';

export { reviewWorkflowId } from '../domain/ids';
