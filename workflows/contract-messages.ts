// The contract workflow's messages, defined once and imported by the workflow and the API.
// Side-effect free: only definitions and plain types.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Contract, ContractDefinitionInput } from '../domain/contract';
import type { Amendment, ContractState, Termination } from '../domain/contract-state';
import type { TextReference } from '../domain/free-text';
import type { LedgerSummary, PaymentRequest } from '../domain/ledger';
import type { RecordOutcome } from '../domain/outcomes';
import type { ContractStatus } from '../domain/status';

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
  outcome: RecordOutcome;
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
