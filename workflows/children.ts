// Starting a child workflow whose id is derived from business ids (domain/ids). Those ids are
// injective, so a running workflow with the same id can only be a stray one (started by hand, or
// left over by an operator's reset): the start then fails loudly, naming the id, never silently.
import {
  ApplicationFailure,
  startChild,
  type ChildWorkflowHandle,
  type ChildWorkflowOptions,
  type Workflow,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type WithWorkflowArgs } from '@temporalio/common';
import { reject, REJECTION } from './rejection';

type StartOptions<T extends Workflow> = WithWorkflowArgs<
  T,
  Omit<ChildWorkflowOptions, 'typeInfo'> & { typeInfo?: never }
> & { workflowId: string };

/** Starts the child; a taken id is refused (REJECTION.workflowIdTaken) saying `what` it was for and the id. */
export async function startOwnChild<T extends Workflow>(
  workflow: T,
  options: StartOptions<T>,
  what: string,
): Promise<ChildWorkflowHandle<T>> {
  try {
    return await startChild(workflow, options);
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    reject(
      REJECTION.workflowIdTaken,
      `${what} cannot start: workflow id "${options.workflowId}" is taken by another running workflow`,
    );
  }
}

export function isWorkflowIdTaken(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && error.type === REJECTION.workflowIdTaken;
}
