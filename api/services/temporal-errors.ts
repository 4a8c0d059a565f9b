// Turns what Temporal answers into the API's errors.
import {
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ACTOR_CLAIM_REFUSED } from '../../domain/actor-claim';
import { rejectionSaid, render, say } from '../../domain/messages';
import type { Problem } from '../../domain/problems';
import { WORKFLOW_ID_TAKEN } from '../../workflows/children';
import { REJECTION } from '../../workflows/contract-messages';
import { ApiError, conflict, notFound, unprocessable, type Message } from '../errors';
import { outageOf, ServiceUnavailableError } from '../outages';
import { isUpdateLimitStatus } from './temporal-connection';
import { throughUpdateGate, updatesRefusedByTemporal, UpdatesInFlightError } from './update-gate';

/** The ApplicationFailure an Update's validator or handler rejected with, if that is what happened. */
export function updateRejection(error: unknown): ApplicationFailure | undefined {
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure ? error.cause : undefined;
}

/** What a workflow's rejection says: its catalog message (workflows/rejection.ts), else its English text. */
export function rejectionMessage(failure: ApplicationFailure): Message {
  return rejectionSaid(failure.details) ?? failure.message;
}

/** The problems a workflow's rejection lists (its first detail), if any. */
export function rejectionProblems(failure: ApplicationFailure): Problem[] | undefined {
  return (failure.details?.[0] as Problem[] | null | undefined) ?? undefined;
}

export function apiErrorFromTemporal(error: unknown, what: string): unknown {
  const failure = updateRejection(error);
  if (failure) {
    const problems = rejectionProblems(failure);
    const message = rejectionMessage(failure);
    switch (failure.type) {
      case REJECTION.invalid:
        return unprocessable(message, problems);
      case REJECTION.conflict:
        return conflict(message);
      case REJECTION.notFound:
        return notFound(message);
      case REJECTION.notActive:
        return new ApiError(409, 'contract_not_active', message);
      case ACTOR_CLAIM_REFUSED:
        // Not the client's doing: this API and the worker hold different GRANTFLOW_ACTOR_SECRETs
        // (e.g. mid-rotation). Nothing was recorded; the request can be sent again once they agree.
        return new ServiceUnavailableError('worker', say('worker_refused_signature', { reason: failure.message }));
    }
  }
  if (error instanceof WorkflowNotFoundError) {
    return new ApiError(409, 'contract_not_active', say('subject_workflow_ended', { subject: what }));
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return conflict(say('contract_id_taken'));
  }
  // Temporal or its worker not answering (the request's deadline passed, RESOURCE_EXHAUSTED, an
  // aborted Update): 503 with Retry-After, never a 500. A workflow's own refusal is mapped above.
  return outageOf(error) ?? error;
}

/**
 * For the workflows a contract starts (material requests, quotas): what their Updates reject with,
 * or that they have finished, as the API's errors.
 */
export function apiErrorFromChild(error: unknown, closedMessage: Message): unknown {
  const failure = updateRejection(error);
  if (failure) {
    const problems = rejectionProblems(failure);
    const message = rejectionMessage(failure);
    if (failure.type === 'Invalid') return unprocessable(message, problems);
    if (failure.type === 'NotFound') return notFound(message);
    if (failure.type === 'Closed') return new ApiError(409, 'closed', message);
  }
  if (error instanceof WorkflowNotFoundError) return new ApiError(409, 'closed', closedMessage);
  return apiErrorFromTemporal(error, typeof closedMessage === 'string' ? closedMessage : render(closedMessage, 'en'));
}

/**
 * True when the workflow a message was sent to has closed: it no longer exists as a running
 * execution ("workflow execution already completed"), or it completed after accepting the Update
 * and before answering it.
 */
export function isWorkflowClosed(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  if (updateRejection(error)?.type === 'AcceptedUpdateCompletedWorkflow') return true;
  const details = error instanceof ServiceError ? (error.cause as { details?: unknown } | undefined)?.details : undefined;
  return typeof details === 'string' && /workflow execution already completed/i.test(details);
}

export interface LateCall<T> {
  /**
   * Read from the read model once the workflow has closed: the answer when the request repeats
   * what was recorded (the record as it stands; null when the caller reads the record itself),
   * else undefined. May throw a more precise 4xx (a repeat with other content: 409 conflict;
   * something that never existed: 404).
   */
  recorded: () => Promise<T | undefined>;
  /** The 409 for any other call after the workflow closed, with a code saying why. */
  closed: () => Promise<ApiError> | ApiError;
  /** The workflow's own refusals as the API's errors (default: a contract workflow's mapping). */
  rejected?: (error: unknown) => unknown;
}

/**
 * Every route that sends an Update to a workflow goes through here, so a repeat or a late call
 * after the workflow closed is answered from the read model — the record as it stands, or a 409 —
 * and never surfaces as a 500. Each send passes the request's in-flight gate for `workflowId`
 * (api/services/update-gate.ts): a burst on one workflow waits its turn or is answered 429 with
 * Retry-After; an Update Temporal refused because the workflow has all the Updates in flight it
 * admits (other API processes sent them) is answered 503 with Retry-After (its outcome unknown).
 */
export async function sendToWorkflow<T>(workflowId: string, send: () => Promise<T>, late: LateCall<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await throughUpdateGate(workflowId, send);
    } catch (error) {
      if (error instanceof UpdatesInFlightError) throw error;
      if (isUpdateLimitExhausted(error)) throw updatesRefusedByTemporal();
      // The Update met the workflow task in which the workflow closed (or a task that failed): it was
      // not applied. Sent again it meets the closed workflow (the late path below) or a task that works.
      if (isUpdateTaskFailure(error)) {
        if (attempt < UPDATE_TASK_FAILURE_TRIES) {
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          continue;
        }
        throw new ServiceUnavailableError('temporal', say('workflow_busy_retry'));
      }
      if (!isWorkflowClosed(error)) throw late.rejected ? late.rejected(error) : apiErrorFromTemporal(error, 'The request');
      const recorded = await late.recorded();
      if (recorded !== undefined) return recorded;
      throw await late.closed();
    }
  }
}

/**
 * Temporal refused the Update because its workflow has as many Updates in flight (or in its run)
 * as it admits: RESOURCE_EXHAUSTED from UpdateWorkflowExecution, wrapped in a ServiceError.
 */
export function isUpdateLimitExhausted(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (isUpdateLimitStatus(code, details)) return true;
  }
  return false;
}

/** Sends of an Update that met a failing workflow task, before the API answers 503. */
const UPDATE_TASK_FAILURE_TRIES = 4;

/** Temporal's answer to an Update whose workflow task failed or closed the workflow before taking it (FAILED_PRECONDITION). */
export function isUpdateTaskFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code, details, message } = e as { code?: unknown; details?: unknown; message?: unknown };
    const text = `${typeof details === 'string' ? details : ''} ${typeof message === 'string' ? message : ''}`;
    if ((code === undefined || code === GRPC_FAILED_PRECONDITION) && /unexpected workflow task failure/i.test(text)) return true;
  }
  return false;
}

const GRPC_FAILED_PRECONDITION = 9;

/**
 * A workflow just started that ended before answering (`error` is then WorkflowNotFoundError)
 * because a child's workflow id was taken: that reason as a 409, never a bare "has ended".
 */
export async function refusedStart(handle: WorkflowHandle, error: unknown): Promise<ApiError | undefined> {
  return error instanceof WorkflowNotFoundError ? startRefusal(handle) : undefined;
}

/** Why a workflow just started has already failed, when a child's workflow id was taken: a 409 naming it. */
export async function startRefusal(handle: WorkflowHandle): Promise<ApiError | undefined> {
  try {
    await handle.result();
  } catch (failed) {
    const cause = failed instanceof WorkflowFailedError ? failed.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === WORKFLOW_ID_TAKEN) return conflict(cause.message);
  }
  return undefined;
}
