// Messages of a contract's indicator-quota workflow (a child of the contract), shared with the
// contract workflow and the API. Side-effect free: only definitions and plain types.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract } from '../domain/contract';
import type { IsoDate } from '../domain/dates';
import type { ProgressEntry, ProgressRecord } from '../domain/quotas';
import type { BookedStep, StepBook } from '../domain/escalation';

/** What the quotas keep beside a shortfall step in their step book: the period it judged. */
export interface QuotaShortfall {
  /** When the step fell due, epoch ms. */
  dueAt: number;
  quotaId: string;
  /** null for a quota the stations owe together. */
  station: string | null;
  periodKey: string;
  from: IsoDate;
  to: IsoDate;
  target: number;
}

/** A shortfall handed to the escalation engine and not yet closed. */
export type OpenQuotaStep = BookedStep & QuotaShortfall;

/**
 * Bounded whatever the term: periods are judged one at a time up to `judgedThrough`, never
 * enumerated; at most one step is open per quota and station (a period's shortfall closes when
 * the next period is judged), and progress is kept only for the periods still to be judged or
 * with an open step — at most quotas × stations steps and stations × metrics × 6 months of buckets.
 */
export interface QuotaState {
  /**
   * Progress counted per station, metric and month (a month lies within one period of either
   * kind), for the months still needed (see above); the read model keeps every record.
   */
  progress: ProgressEntry[];
  /** Records of the last days, to recognise a retried record (older retries are answered by the API's Idempotency-Key store). */
  recent: Array<{ id: string; recordedAt: string }>;
  /** Open shortfall steps (workflows/step-book.ts; references: quota, station if any, period), forgotten once resolved. */
  steps: StepBook<QuotaShortfall>;
  ended: boolean;
  /** How the contract ended (completed, closed, terminated). */
  endedStatus?: string;
  /**
   * Only periods ending after this instant (when the contract was registered) escalate: a contract
   * entered after the fact does not flood its parties with shortfalls nobody could have acted on.
   */
  judgingFrom: number;
  /** Every period ending at or before this instant has been judged (each is judged once). */
  judgedThrough: number;
}

export interface QuotaWorkflowInput {
  contract: Contract;
  calendar: WorkingCalendar;
  /** Present when continuing as new. */
  state?: QuotaState;
  /** Continue as new past this many events after a judging pass (default 1,000; tests may lower it). */
  continueAsNewAfterEvents?: number;
}

export const recordProgressUpdate = defineUpdate<ProgressRecord, [Omit<ProgressRecord, 'recordedAt'>]>(
  'recordProgress',
);
export const quotaStateQuery = defineQuery<QuotaState>('quotaState');

export { quotaWorkflowId } from '../domain/ids';
