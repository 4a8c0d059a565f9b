// Messages of a contract's indicator-quota workflow (a child of the contract), shared with the
// contract workflow and the API. Side-effect free: only definitions and plain types.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract } from '../domain/contract';
import type { AttachmentMeta } from '../domain/materials';
import type { ProgressEntry } from '../domain/quotas';

export interface ProgressRecord extends ProgressEntry {
  id: string;
  evidence: { note?: string; attachments: AttachmentMeta[] };
  recordedBy: string;
  recordedAt: string;
}

export interface QuotaState {
  /**
   * Progress counted per station, metric and month (a month lies within one period of either
   * kind), so the state stays small however many records a long contract collects.
   */
  progress: ProgressEntry[];
  /** Records of the last days, to recognise a retried record (older retries are answered by the API's Idempotency-Key store). */
  recent: Array<{ id: string; recordedAt: string }>;
  /** Shortfall steps handed to the escalation engine, by their reference (domain/ids: quota, station if any, period). */
  steps: Record<string, { stepId: string; open: boolean; dueAt?: number }>;
  ended: boolean;
  /** How the contract ended (completed, closed, terminated). */
  endedStatus?: string;
  /**
   * Only periods ending after this instant (when the contract was registered) escalate: a contract
   * entered after the fact does not flood its parties with shortfalls nobody could have acted on.
   */
  judgingFrom: number;
}

export interface QuotaWorkflowInput {
  contract: Contract;
  calendar: WorkingCalendar;
  /** Present when continuing as new. */
  state?: QuotaState;
}

export const QUOTA_REJECTION = {
  invalid: 'Invalid', // 422, details: Problem[]
  closed: 'Closed', // 409
} as const;

export const recordProgressUpdate = defineUpdate<ProgressRecord, [Omit<ProgressRecord, 'recordedAt'>]>('recordProgress');
export const quotaStateQuery = defineQuery<QuotaState>('quotaState');

export { quotaWorkflowId } from '../domain/ids';
