// Starting a child workflow whose id is derived from business ids (domain/ids). Those ids are
// injective, so a running workflow with the same id can only be a stray one (started by hand, or
// left over by an operator's reset): the start then fails loudly, naming the id, never silently.
import { ApplicationFailure, startChild, type ChildWorkflowHandle, type ChildWorkflowOptions, type Workflow } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type WithWorkflowArgs } from '@temporalio/common';

/** ApplicationFailure type of a child start whose workflow id is already taken. */
export const WORKFLOW_ID_TAKEN = 'WorkflowIdTaken';

type StartOptions<T extends Workflow> = WithWorkflowArgs<T, Omit<ChildWorkflowOptions, 'typeInfo'> & { typeInfo?: never }> & { workflowId: string };

/** Starts the child; a taken id becomes a non-retryable WORKFLOW_ID_TAKEN failure saying `what` it was for. */
export async function startOwnChild<T extends Workflow>(workflow: T, options: StartOptions<T>, what: string): Promise<ChildWorkflowHandle<T>> {
  try {
    return await startChild(workflow, options);
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    throw ApplicationFailure.create({
      type: WORKFLOW_ID_TAKEN,
      message: `${what} cannot start: workflow id "${options.workflowId}" is taken by another running workflow`,
      details: [{ workflowId: options.workflowId }],
      nonRetryable: true,
    });
  }
}

export function isWorkflowIdTaken(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && error.type === WORKFLOW_ID_TAKEN;
}
