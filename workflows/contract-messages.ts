// The contract workflow's messages, defined once and imported by the workflow and the API.
// Side-effect free: only definitions and plain types.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Checkpoint, Contract, ContractDefinitionInput, Tranche } from '../domain/contract';
import type { LedgerEntry, PaymentRequest } from '../domain/ledger';

export type ContractStatus = 'active' | 'completed' | 'closed' | 'terminated';

export interface Amendment {
  version: number;
  reason: string;
  amendedBy: string;
  amendedAt: string;
  tranches: Tranche[];
  checkpoints: Checkpoint[];
}

/** Everything the workflow knows; carried across continue-as-new and mirrored to the read model. */
export interface ContractState {
  contract: Contract;
  status: ContractStatus;
  createdBy: string;
  createdAt: string;
  /** Bumped on every change; the read model keeps only the newest revision. */
  revision: number;
  scheduleVersion: number;
  amendments: Amendment[];
  ledger: LedgerEntry[];
  /** Last status announced per checkpoint/tranche, by domain/ids announcedKey ("checkpoint~june-80" → "missed"). */
  announced: Record<string, string>;
  terminated?: Termination;
  endedAt?: string;
  /** Working-day calendar for the contract's years (with its overrides), fetched once. */
  calendar?: WorkingCalendar;
  /** Stalled steps handed to the escalation engine, by domain/ids stepKey (kind and reference). */
  steps?: Record<string, { stepId: string; occurrence: number; open: boolean; resolvedAt?: number }>;
  /** True once each milestone's review workflow was started. */
  reviewsStarted?: boolean;
  /** True once the indicator-quota workflow was started (contracts with quotas). */
  quotasStarted?: boolean;
  /** Ids of material requests whose workflows this contract started. */
  materialRequests?: string[];
  /**
   * Which behaviours this contract runs with, decided once when it started (patched()) and carried
   * across continue-as-new, so a contract never changes behaviour in mid-life.
   */
  features?: { escalationEngine: boolean; milestoneReviews: boolean };
}

export interface Termination {
  reason: string;
  terminatedBy: string;
  terminatedAt: string;
}

export interface ContractWorkflowInput {
  contract: Contract;
  createdBy: string;
  createdAt: string;
  /** Present when continuing as new. */
  state?: ContractState;
  /** Continue as new once history is longer than this (tests lower it). */
  continueAsNewAfterEvents?: number;
}

export interface RecordPaymentInput extends PaymentRequest {
  recordedBy: string;
}

export interface LedgerResult {
  outcome: 'created' | 'duplicate';
  entry: LedgerEntry;
}

export interface ReversePaymentInput {
  reference: string;
  reason: string;
  recordedBy: string;
}

export interface AmendScheduleInput {
  tranches: ContractDefinitionInput['tranches'];
  checkpoints: ContractDefinitionInput['checkpoints'];
  reason: string;
  amendedBy: string;
}

export interface TerminateInput {
  reason: string;
  terminatedBy: string;
}

/** ApplicationFailure types the updates reject with; the API maps them to status codes. */
export const REJECTION = {
  invalid: 'Invalid', // 422, details: Problem[]
  conflict: 'Conflict', // 409
  notFound: 'NotFound', // 404
  notActive: 'NotActive', // 409
} as const;

export const recordPaymentUpdate = defineUpdate<LedgerResult, [RecordPaymentInput]>('recordPayment');
export const reversePaymentUpdate = defineUpdate<LedgerResult, [ReversePaymentInput]>('reversePayment');
export const amendScheduleUpdate = defineUpdate<Amendment, [AmendScheduleInput]>('amendSchedule');
export const terminateUpdate = defineUpdate<Termination, [TerminateInput]>('terminate');
/** Resolves once the contract is in the read model and its review and quota workflows have started. */
export const registeredUpdate = defineUpdate<{ revision: number }, []>('registered');
export const contractStateQuery = defineQuery<ContractState>('contractState');

export { contractWorkflowId } from '../domain/ids';
