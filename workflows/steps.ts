// Handing stalled steps to the escalation engine from any workflow: start one escalation workflow
// per step occurrence, and tell it when the step's condition is met.
import { getExternalWorkflowHandle, log, ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract } from '../domain/contract';
import { ladderFor, STEP_HOLDER, type EscalationParty } from '../domain/escalation';
import { escalationWorkflow } from './escalation';
import { escalationWorkflowId, stepResolvedSignal, type EscalationStep } from './escalation-messages';

/** The organizations of a contract's party roles. */
export function partiesOf(contract: Contract): Partial<Record<EscalationParty, string>> {
  const { parties } = contract;
  return {
    purchaser: parties.purchaser,
    payer: parties.payer,
    contractor: parties.contractor,
    evaluator: parties.evaluator,
    oversight: parties.oversight,
  };
}

export async function openStep(
  contract: Contract,
  calendar: WorkingCalendar,
  step: EscalationStep,
  holder: EscalationParty = STEP_HOLDER[step.kind],
  parties: Partial<Record<EscalationParty, string>> = partiesOf(contract),
): Promise<void> {
  await startChild(escalationWorkflow, {
    workflowId: escalationWorkflowId(step.stepId),
    // The step outlives a continue-as-new of its owner, which closes it explicitly.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [{ step, ladder: ladderFor(step.kind, contract.escalationPolicies), calendar, parties, holder }],
  });
}

export async function resolveStep(stepId: string, reason: string, at: number): Promise<void> {
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
