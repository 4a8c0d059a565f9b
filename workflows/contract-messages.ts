// The contract workflow's messages, defined once and imported by the workflow and the API.
// Side-effect free: only definitions and plain types.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Checkpoint, Contract, ContractDefinitionInput, Tranche } from '../domain/contract';
import type { IsoDate } from '../domain/dates';
import type { FreeText, Resolved, TextReference } from '../domain/free-text';
import type { LedgerSummary, PaymentRequest } from '../domain/ledger';
import type { PaymentTerms } from '../domain/payment-terms';
import type { PaymentClockState } from './payment-clock-messages';
import type { StepBook } from './step-book';

export type { ContractStatus } from '../domain/status';
import type { ContractStatus } from '../domain/status';

export interface Amendment {
  /** From the request's Idempotency-Key (api/services/tokens idForKey): a retry is the same amendment. */
  id?: string;
  version: number;
  /** A reference inside the workflow, the text in the read model (domain/free-text). */
  reason: FreeText;
  amendedBy: string;
  amendedAt: string;
  tranches: Tranche[];
  checkpoints: Checkpoint[];
  /** The payment terms in force from this version, when the amendment changed them (issue 18). */
  paymentTerms?: PaymentTerms;
}

/**
 * What the workflow's decisions need; carried across continue-as-new and mirrored to the read
 * model. Bounded: nothing in it grows with use beyond the domain limits (the ledger is a
 * LedgerSummary; amendments and ledger entries are the read model's record, not the state's).
 */
export interface ContractState {
  contract: Contract;
  status: ContractStatus;
  createdBy: string;
  createdAt: string;
  /** Bumped on every change; the read model keeps only the newest revision. */
  revision: number;
  scheduleVersion: number;
  /** Totals, per-day aggregates and digests of the ledger (domain/ledger LedgerSummary). */
  ledger: LedgerSummary;
  /** Last status announced per checkpoint/tranche, by domain/ids announcedKey ("checkpoint~june-80" → "missed"). */
  announced: Record<string, string>;
  terminated?: Termination;
  endedAt?: string;
  /** Working-day calendar for the contract's years (with its overrides), fetched once. */
  calendar?: WorkingCalendar;
  /** Stalled steps handed to the escalation engine (workflows/step-book.ts). */
  steps?: StepBook;
  /** "<amendment id> <digest of its content>" of the most recent amendments (at most RECENT_AMENDMENT_IDS): a retry is not a second version, a key reused for other content is refused. */
  recentAmendmentIds?: string[];
  /** True once each milestone's review workflow was started. */
  reviewsStarted?: boolean;
  /** True once the indicator-quota workflow was started (contracts with quotas). */
  quotasStarted?: boolean;
  /** Ids of material requests whose workflows this contract started. */
  materialRequests?: string[];
  /** Payment applications' ids, amounts and dates (no texts): workflows/payment-clock.ts. */
  paymentClock?: PaymentClockState;
  /**
   * The day each milestone was approved (every station it names), as its review workflow told
   * (milestoneApprovedSignal): tranches released after it fall due from then. At most MAX_MILESTONES entries.
   */
  milestonesApproved?: Record<string, IsoDate>;
  /**
   * The version in force of the contract's own days (`contract.calendar`) once amended (issue 17;
   * version 1, absent here, is the definition's): who amended it, when, and why.
   */
  ownCalendar?: { version: number; reason: FreeText; amendedBy: string; amendedAt: string };
}

export interface Termination {
  /** A reference inside the workflow, the text in the read model (domain/free-text). */
  reason: FreeText;
  terminatedBy: string;
  terminatedAt: string;
}

export interface ContractWorkflowInput {
  contract: Contract;
  createdBy: string;
  createdAt: string;
  /** Present when continuing as new. */
  /** A continued run's state; its definition travels once, as `contract` above (never twice in one payload). */
  state?: Omit<ContractState, 'contract'> & { contract?: Contract };
  /** Continue as new once history is longer than this many events (default 1,000; tests lower it). */
  continueAsNewAfterEvents?: number;
  /** …or larger than this many bytes (default 3 MB). */
  continueAsNewAfterBytes?: number;
}

/** What a contract's workflow returns when it ends: small, the read model has the rest. */
export interface ContractOutcome {
  status: ContractStatus;
  revision: number;
  receivedFen: number;
  endedAt?: string;
  terminated?: Termination;
}

/** The contractState query's answer: the state without the ledger's digests and the calendar. */
export type ContractStateView = Omit<ContractState, 'ledger' | 'calendar'> & {
  ledger: Pick<LedgerSummary, 'count' | 'receivedFen' | 'byFundingSource' | 'byBudgetLine'>;
};

/** A payment as the API sends it: the note stored first, by reference (domain/free-text). */
export interface RecordPaymentInput extends Omit<PaymentRequest, 'note'> {
  note?: TextReference;
  recordedBy: string;
}

/**
 * A payment's or reversal's outcome, small on purpose: the entry itself (with its note) is read
 * from the read model (ledger_entries), committed before the Update answers.
 */
export interface LedgerResult {
  outcome: 'created' | 'duplicate';
  /** The ledger entry's reference (a reversal's: reversalReference of the payment's). */
  reference: string;
}

export interface ReversePaymentInput {
  reference: string;
  reason: TextReference;
  recordedBy: string;
}

export interface AmendScheduleInput {
  tranches: ContractDefinitionInput['tranches'];
  checkpoints: ContractDefinitionInput['checkpoints'];
  paymentTerms?: ContractDefinitionInput['paymentTerms'];
  reason: TextReference;
  amendedBy: string;
  /** Present when the request carried an Idempotency-Key: a repeat of a recent amendment changes nothing. */
  amendmentId?: string;
}

/** A termination or amendment as the read model and the API hold it: with its reason's text. */
export type StoredTermination = Resolved<Termination>;
export type StoredAmendment = Resolved<Amendment>;

export interface TerminateInput {
  reason: TextReference;
  terminatedBy: string;
}

/** How many amendment ids a contract remembers: retries come soon after their first attempt. */
export const RECENT_AMENDMENT_IDS = 20;

export const recordPaymentUpdate = defineUpdate<LedgerResult, [RecordPaymentInput]>('recordPayment');
export const reversePaymentUpdate = defineUpdate<LedgerResult, [ReversePaymentInput]>('reversePayment');
export const amendScheduleUpdate = defineUpdate<Amendment, [AmendScheduleInput]>('amendSchedule');
export const terminateUpdate = defineUpdate<Termination, [TerminateInput]>('terminate');
/** Resolves once the contract is in the read model and its review and quota workflows have started. */
export const registeredUpdate = defineUpdate<{ revision: number }, []>('registered');
export const contractStateQuery = defineQuery<ContractStateView>('contractState');

export { contractWorkflowId } from '../domain/ids';
