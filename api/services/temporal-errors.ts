// Turns what Temporal answers into the API's errors.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Problem } from '../../domain/problems';
import { WORKFLOW_ID_TAKEN } from '../../workflows/children';
import { REJECTION } from '../../workflows/contract-messages';
import { ApiError, conflict, notFound, unprocessable } from '../errors';

/** The ApplicationFailure an Update's validator or handler rejected with, if that is what happened. */
export function updateRejection(error: unknown): ApplicationFailure | undefined {
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure ? error.cause : undefined;
}

export function apiErrorFromTemporal(error: unknown, what: string): unknown {
  const failure = updateRejection(error);
  if (failure) {
    const problems = (failure.details?.[0] as Problem[] | undefined) ?? undefined;
    switch (failure.type) {
      case REJECTION.invalid:
        return unprocessable(failure.message, problems);
      case REJECTION.conflict:
        return conflict(failure.message);
      case REJECTION.notFound:
        return notFound(failure.message);
      case REJECTION.notActive:
        return new ApiError(409, 'contract_not_active', failure.message);
    }
  }
  if (error instanceof WorkflowNotFoundError) {
    return new ApiError(409, 'contract_not_active', `${what}: the contract's workflow has ended`);
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return conflict(`${what}: a contract with this id already exists`);
  }
  return error;
}

/**
 * For the workflows a contract starts (material requests, quotas): what their Updates reject with,
 * or that they have finished, as the API's errors.
 */
export function apiErrorFromChild(error: unknown, closedMessage: string): unknown {
  const failure = updateRejection(error);
  if (failure) {
    const problems = (failure.details?.[0] as Problem[] | undefined) ?? undefined;
    if (failure.type === 'Invalid') return unprocessable(failure.message, problems);
    if (failure.type === 'NotFound') return notFound(failure.message);
    if (failure.type === 'Closed') return new ApiError(409, 'closed', failure.message);
  }
  if (error instanceof WorkflowNotFoundError) return new ApiError(409, 'closed', closedMessage);
  return apiErrorFromTemporal(error, closedMessage);
}

/**
 * A workflow just started that ended before answering (`error` is then WorkflowNotFoundError)
 * because a child's workflow id was taken: that reason as a 409, never a bare "has ended".
 */
export async function refusedStart(handle: WorkflowHandle, error: unknown): Promise<ApiError | undefined> {
  if (!(error instanceof WorkflowNotFoundError)) return undefined;
  try {
    await handle.result();
  } catch (failed) {
    const cause = failed instanceof WorkflowFailedError ? failed.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === WORKFLOW_ID_TAKEN) return conflict(cause.message);
  }
  return undefined;
}
