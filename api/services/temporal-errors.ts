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
import { rejectionSaid, say } from '../../domain/messages';
import type { Problem } from '../../domain/problems';
import { isRejection, REJECTION, type Rejection } from '../../workflows/rejection';
import { ApiError, conflict, forbidden, notFound, unprocessable, type Message } from '../errors';
import { causes } from '../../domain/causes';
import { outageOf, ServiceUnavailableError } from '../outages';
import { isUpdateLimitStatus } from './temporal-connection';
import { throughUpdateGate, updatesRefusedByTemporal, UpdatesInFlightError } from './update-gate';

/** The ApplicationFailure an Update's validator or handler rejected with, if that is what happened. */
export function updateRejection(error: unknown): ApplicationFailure | undefined {
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure
    ? error.cause
    : undefined;
}

/** What a workflow's rejection says: its catalog message (workflows/rejection.ts), else its English text. */
export function rejectionMessage(failure: ApplicationFailure): Message {
  return rejectionSaid(failure.details) ?? failure.message;
}

/** The problems a workflow's rejection lists (its first detail), if any. */
export function rejectionProblems(failure: ApplicationFailure): Problem[] | undefined {
  return (failure.details?.[0] as Problem[] | null | undefined) ?? undefined;
}

/**
 * The API's one answer to each kind of workflow rejection (workflows/rejection.ts REJECTION, whose
 * comments say the same): typed over the kinds, so a kind without an answer fails the typecheck.
 */
const ANSWERS: Record<Rejection, (message: Message, failure: ApplicationFailure) => ApiError> = {
  [REJECTION.invalid]: (message, failure) => unprocessable(message, rejectionProblems(failure)),
  [REJECTION.notFound]: (message) => notFound(message),
  [REJECTION.conflict]: (message) => conflict(message),
  [REJECTION.notActive]: (message) => new ApiError(409, 'contract_not_active', message),
  [REJECTION.closed]: (message) => new ApiError(409, 'closed', message),
  [REJECTION.reviewClosed]: (message) => new ApiError(409, 'review_closed', message),
  [REJECTION.escalationNotOpen]: (message) => new ApiError(409, 'escalation_not_open', message),
  [REJECTION.notNotified]: (message) => forbidden(message),
  // Reached only once sendAgainWhileHandingOver's resends ran out: nothing was recorded, a moment's outage.
  [REJECTION.handingOver]: (message) => new ServiceUnavailableError('temporal', message, 1),
  [REJECTION.workflowIdTaken]: (message) => conflict(message),
  // Not the client's doing: this API and the worker hold different GRANTFLOW_ACTOR_SECRETs (e.g.
  // mid-rotation). Nothing was recorded; the request can be sent again once they agree.
  [REJECTION.actorClaimRefused]: (_message, failure) =>
    new ServiceUnavailableError('worker', say('worker_refused_signature', { reason: failure.message })),
};

/** The API's answer to a workflow's rejection (an Update refused, or a workflow failed with one), or undefined for any other failure. */
export function apiErrorFromRejection(failure: ApplicationFailure): ApiError | undefined {
  return isRejection(failure.type) ? ANSWERS[failure.type](rejectionMessage(failure), failure) : undefined;
}

/**
 * What Temporal answered, as the API's error: a workflow's rejection by its kind; a workflow that
 * is gone as 409 naming `what`; Temporal or its worker not answering as 503.
 */
export function apiErrorFromTemporal(error: unknown, what = 'The request'): unknown {
  const failure = updateRejection(error);
  const rejected = failure && apiErrorFromRejection(failure);
  if (rejected) return rejected;
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
 * True when the workflow a message was sent to has closed: it no longer exists as a running
 * execution ("workflow execution already completed"), or it completed after accepting the Update
 * and before answering it.
 */
export function isWorkflowClosed(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  if (updateRejection(error)?.type === 'AcceptedUpdateCompletedWorkflow') return true;
  const details =
    error instanceof ServiceError ? (error.cause as { details?: unknown } | undefined)?.details : undefined;
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
}

/** How long a request refused with REJECTION.handingOver is sent again: a run hands over within a few workflow tasks. */
const HANDOVER_RESEND_MS = 10_000;

/**
 * Sends, and again while the workflow refuses with REJECTION.handingOver (it is continuing as new:
 * nothing was recorded, its next run takes the request a moment later), for up to
 * HANDOVER_RESEND_MS; then, or on any other outcome, returns or throws what the last send did.
 */
export async function sendAgainWhileHandingOver<T>(send: () => Promise<T>, clock: () => number = Date.now): Promise<T> {
  const until = clock() + HANDOVER_RESEND_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (updateRejection(error)?.type !== REJECTION.handingOver || clock() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10 * attempt, 200)));
    }
  }
}

/**
 * Every route that sends an Update to a workflow goes through here, so a repeat or a late call
 * after the workflow closed is answered from the read model — the record as it stands, or a 409 —
 * and never surfaces as a 500; a workflow handing over to its next run is sent the request again
 * (sendAgainWhileHandingOver), and its refusals are answered by their kind (apiErrorFromTemporal).
 * Each send passes the request's in-flight gate for `workflowId`
 * (api/services/update-gate.ts): a burst on one workflow waits its turn or is answered 429 with
 * Retry-After; an Update Temporal refused because the workflow has all the Updates in flight it
 * admits (other API processes sent them) is answered 503 with Retry-After (its outcome unknown).
 */
export async function sendToWorkflow<T>(workflowId: string, send: () => Promise<T>, late: LateCall<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await throughUpdateGate(workflowId, () => sendAgainWhileHandingOver(send));
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
      if (!isWorkflowClosed(error)) throw apiErrorFromTemporal(error);
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
  for (const e of causes(error)) {
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (isUpdateLimitStatus(code, details)) return true;
  }
  return false;
}

/** Sends of an Update that met a failing workflow task, before the API answers 503. */
const UPDATE_TASK_FAILURE_TRIES = 4;

/** Temporal's answer to an Update whose workflow task failed or closed the workflow before taking it (FAILED_PRECONDITION). */
export function isUpdateTaskFailure(error: unknown): boolean {
  for (const e of causes(error)) {
    const { code, details, message } = e as { code?: unknown; details?: unknown; message?: unknown };
    const text = `${typeof details === 'string' ? details : ''} ${typeof message === 'string' ? message : ''}`;
    if ((code === undefined || code === GRPC_FAILED_PRECONDITION) && /unexpected workflow task failure/i.test(text))
      return true;
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
    if (cause instanceof ApplicationFailure && cause.type === REJECTION.workflowIdTaken)
      return apiErrorFromRejection(cause);
  }
  return undefined;
}
