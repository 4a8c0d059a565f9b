// Handing stalled steps to the escalation engine from any workflow: start one escalation workflow
// per step occurrence, and tell it when the step's condition is met.
import { getExternalWorkflowHandle, log, ParentClosePolicy } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract } from '../domain/contract';
import { ladderFor, STEP_HOLDER, type EscalationParty } from '../domain/escalation';
import { PARTY_ROLES } from '../domain/organizations';
import type { StepResolution } from '../domain/events';
import { escalationWorkflow } from './escalation';
import { escalationWorkflowId, stepResolvedSignal, type EscalationStep } from './escalation-messages';
import { isWorkflowIdTaken, startOwnChild } from './children';
import { escalationStaticSummary } from './operator-view';

/** The organizations of a contract's party roles. */
export function partiesOf(contract: Contract): Partial<Record<EscalationParty, string>> {
  return Object.fromEntries(PARTY_ROLES.map((role) => [role, contract.parties[role]]));
}

export async function openStep(
  contract: Contract,
  calendar: WorkingCalendar,
  step: EscalationStep,
  holder: EscalationParty = STEP_HOLDER[step.kind],
  parties: Partial<Record<EscalationParty, string>> = partiesOf(contract),
): Promise<void> {
  try {
    await startOwnChild(
      escalationWorkflow,
      {
        workflowId: escalationWorkflowId(step.stepId),
        // The step outlives a continue-as-new of its owner, which closes it explicitly.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // What the Web UI lists it as (issue 19).
        staticSummary: escalationStaticSummary(step),
        args: [{ step, ladder: ladderFor(step.kind, contract.escalationPolicies), calendar, parties, holder }],
      },
      `The escalation of step ${step.stepId}`,
    );
  } catch (error) {
    if (!isWorkflowIdTaken(error)) throw error;
    // Step ids are injective (contract, kind, reference, occurrence), so the running workflow is
    // this very step's, left running when its owner was reset by an operator: it goes on climbing
    // and receives the step's resolution. Said loudly, as the start did not happen.
    log.error('escalation step already has a running workflow; that workflow keeps escalating it', {
      stepId: step.stepId,
      error: error.message,
    });
  }
}

export async function resolveStep(stepId: string, reason: StepResolution, at: number): Promise<void> {
  try {
    await getExternalWorkflowHandle(escalationWorkflowId(stepId)).signal(stepResolvedSignal, {
      resolvedAt: new Date(at).toISOString(),
      reason,
    });
  } catch (error) {
    // Its workflow is gone already (terminated by an operator): nothing is left to close.
    log.warn('could not signal a resolved step', { stepId, error: String(error) });
  }
}
