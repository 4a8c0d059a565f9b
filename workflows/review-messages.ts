// Messages of a milestone's review cycle, shared by the contract workflow, the review workflow and the API.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract, Milestone } from '../domain/contract';
import type { MaterialSubmission, PrecheckFailure, ReasonGiven, SectionChange } from '../domain/materials';

export interface ReviewWorkflowInput {
  contract: Contract;
  milestone: Milestone;
  calendar: WorkingCalendar;
}

export interface SubmitInput {
  submissionId: string;
  /** The station whose materials these are ('' when the milestone covers the contract as a whole). */
  station: string;
  materials: MaterialSubmission[];
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
  materials: MaterialSubmission[];
  submittedBy: string;
  submittedAt: string;
  /** Failures of the automatic pre-check; a round that fails it is returned at once. */
  precheck: PrecheckFailure[];
  /** When the reviewer must decide by (rounds that passed the pre-check). */
  reviewDueAt: string | null;
  decision: { outcome: 'approve' | 'return'; reasons: ReasonGiven[]; decidedBy: string; decidedAt: string } | null;
  /** Per-section changes against the station's previous round. */
  diff: SectionChange[];
}

export interface ReviewState {
  milestoneId: string;
  /** Rounds of every station, oldest first. */
  rounds: Round[];
}

export const REVIEW_REJECTION = {
  /** The review has ended with its contract (409 review_closed). */
  closed: 'Closed',
  notAccepting: 'NotAccepting',
  invalid: 'Invalid',
  notFound: 'NotFound',
  notInReview: 'NotInReview',
} as const;

export const submitUpdate = defineUpdate<Round, [SubmitInput]>('submit');
export const decideUpdate = defineUpdate<Round, [DecideInput]>('decide');
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');
export { contractEndedSignal } from './contract-ended';

export { reviewWorkflowId } from '../domain/ids';
