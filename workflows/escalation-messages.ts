// Messages of the escalation workflow (one per open step), shared with the contract workflow and the API.
import type { Text } from '../domain/languages';
import type { FreeText, TextReference } from '../domain/free-text';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { EscalationLadder, EscalationParty, StepKind } from '../domain/escalation';
import type { Severity } from '../domain/severity';

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
  summary: Text;
  /**
   * The same told to particular organizations (by id) that may read more than every party may,
   * e.g. a village its own volunteers' phones; their notices carry this text instead of `summary`.
   */
  summaryFor?: Record<string, Text>;
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

/** The step's condition was met at `resolvedAt` (which may be before the signal is sent). */
export const stepResolvedSignal = defineSignal<[{ resolvedAt: string; reason: string }]>('stepResolved');
export const acknowledgeUpdate = defineUpdate<Acknowledgement, [AcknowledgeInput]>('acknowledge');

export { escalationId, escalationWorkflowId } from '../domain/ids';

/** Where an escalation stands: the answer of `escalationState` (small; times ISO 8601, UTC). */
export interface EscalationStateView {
  stepId: string;
  contractId: string;
  kind: StepKind;
  /** What stalled (domain/ids stepReference). */
  reference: string;
  /** When the step fell due (its hold began). */
  dueAt: string;
  /** The party holding the step, and its organization (null when the contract names none). */
  holder: EscalationParty;
  holderOrganizationId: string | null;
  /** Levels reached so far (0 before the first opens), of `levels` this contract's parties can be told at. */
  level: number;
  levels: number;
  /** The next level to open, when it fires and whom it tells; null once the top is reached or the step resolved. */
  nextLevel: { level: number; firesAt: string; severity: Severity; notify: EscalationParty[] } | null;
  /** An acknowledgement's pause, while it runs. */
  pausedUntil: string | null;
  /** Set once the step's condition was met. */
  resolved: { resolvedAt: string; reason: string } | null;
  /** The escalations opened so far, oldest first. */
  escalations: Array<{
    id: string;
    level: number;
    severity: Severity;
    state: string;
    notifiedOrganizationIds: string[];
    openedAt: string;
    closedAt?: string;
  }>;
}

/** Where the escalation stands (for operators: `temporal workflow query --type escalationState`). */
export const escalationStateQuery = defineQuery<EscalationStateView>('escalationState');
