// Messages of a milestone's review cycle, shared by the contract workflow, the review workflow and the API.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract, Milestone } from '../domain/contract';
import type { MaterialReference, PrecheckFailure, ReasonGiven } from '../domain/materials';

export interface ReviewWorkflowInput {
  contract: Contract;
  milestone: Milestone;
  calendar: WorkingCalendar;
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
  outcome: 'approve' | 'return';
  reasons: ReasonGiven[];
  decidedBy: string;
}

export type RoundStatus = 'prechecking' | 'returned' | 'in_review' | 'approved';

export interface Round {
  submissionId: string;
  contractId: string;
  milestoneId: string;
  station: string;
  round: number;
  status: RoundStatus;
  /** Identifies the content (see SubmitInput); the texts are read from submission_contents. */
  contentSha256: string;
  submittedBy: string;
  submittedAt: string;
  /** Failures of the automatic pre-check; a round that fails it is returned at once. */
  precheck: PrecheckFailure[];
  /** When the reviewer must decide by (rounds that passed the pre-check). */
  reviewDueAt: string | null;
  decision: { outcome: 'approve' | 'return'; reasons: ReasonGiven[]; decidedBy: string; decidedAt: string } | null;
}

export interface ReviewState {
  milestoneId: string;
  /** Rounds of every station, oldest first. */
  rounds: Round[];
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

export const REVIEW_REJECTION = {
  /** The review has ended with its contract (409 review_closed). */
  closed: 'Closed',
  notAccepting: 'NotAccepting',
  invalid: 'Invalid',
  notFound: 'NotFound',
  notInReview: 'NotInReview',
} as const;

export const submitUpdate = defineUpdate<RoundReceipt, [SubmitInput]>('submit');
export const decideUpdate = defineUpdate<RoundReceipt, [DecideInput]>('decide');
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');
export { contractEndedSignal } from './contract-ended';

export { reviewWorkflowId } from '../domain/ids';
