// Messages of the escalation workflow (one per open step), shared with the contract workflow and the API.
import type { FreeText, TextReference } from '../domain/free-text';
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { EscalationLadder, EscalationParty, StepKind } from '../domain/escalation';

export interface StepMessage {
  en: string;
  'zh-CN': string;
}

export interface EscalationStep {
  contractId: string;
  contractTitle: string;
  kind: StepKind;
  /** What stalled: a checkpoint id, a tranche id, a milestone and station, … (domain/ids stepReference). */
  reference: string;
  /** Unique per occurrence of the step (a step can stall again after it resolved): domain/ids stepId. */
  stepId: string;
  dueAt: number;
  /** What is stalled and what is owed, for the messages: a text every notified party may read. */
  summary: StepMessage;
  /**
   * The same told to particular organizations (by id) that may read more than every party may,
   * e.g. a village its own volunteers' phones; their notices carry this text instead of `summary`.
   */
  summaryFor?: Record<string, StepMessage>;
}

export interface EscalationWorkflowInput {
  step: EscalationStep;
  ladder: EscalationLadder;
  calendar: WorkingCalendar;
  /** Organization of each party role in the contract (undefined when the contract names none). */
  parties: Partial<Record<EscalationParty, string>>;
  holder: EscalationParty;
}

export interface AcknowledgeInput {
  escalationId: string;
  organizationId: string;
  userId: string;
  /** Stored by the API (domain/free-text). */
  note: TextReference;
}

export interface Acknowledgement {
  escalationId: string;
  acknowledgedAt: string;
  acknowledgedBy: string;
  note: FreeText;
  /** The climb resumes at this instant unless the step is resolved first. */
  pausedUntil: string;
}

export const ESCALATION_REJECTION = {
  notFound: 'NotFound',
  notOpen: 'NotOpen',
  notNotified: 'NotNotified',
} as const;

/** The step's condition was met at `resolvedAt` (which may be before the signal is sent). */
export const stepResolvedSignal = defineSignal<[{ resolvedAt: string; reason: string }]>('stepResolved');
export const acknowledgeUpdate = defineUpdate<Acknowledgement, [AcknowledgeInput]>('acknowledge');

export { escalationId, escalationWorkflowId } from '../domain/ids';
