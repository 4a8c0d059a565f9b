// Asserting a workflow's refusal by its kind (workflows/rejection.ts REJECTION), the way the API
// tells refusals apart, rather than by an ApplicationFailure's fields or its English text.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import { rejectionSaid, type MessageCode, type Said } from '../../domain/messages';
import type { Problem } from '../../domain/problems';
import type { Rejection } from '../../workflows/rejection';

export interface RejectionSeen {
  failure: ApplicationFailure;
  /** The message as the catalog says it (absent for a refusal in plain English). */
  said: Said | undefined;
  /** The problems it lists field by field (422s), else an empty list. */
  problems: Problem[];
}

/**
 * Awaits `sending` (an Update sent with `executeUpdate`) and expects it refused with `kind` and,
 * when given, the catalog message `code`; answers what the refusal carries, for further checks.
 * Fails when the Update succeeded or failed some other way.
 */
export async function expectRejection(
  sending: Promise<unknown>,
  kind: Rejection,
  code?: MessageCode,
): Promise<RejectionSeen> {
  const outcome = await sending.then(
    (answer: unknown) => ({ answer }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome))
    throw new Error(`expected a ${kind} rejection, the Update answered ${JSON.stringify(outcome.answer)}`);
  expect(outcome.error).toBeInstanceOf(WorkflowUpdateFailedError);
  const failure = (outcome.error as WorkflowUpdateFailedError).cause;
  expect(failure).toBeInstanceOf(ApplicationFailure);
  const rejected = failure as ApplicationFailure;
  expect({ kind: rejected.type, message: rejected.message }).toEqual({ kind, message: expect.any(String) });
  const said = rejectionSaid(rejected.details);
  if (code !== undefined) expect(said?.code).toBe(code);
  return { failure: rejected, said, problems: (rejected.details?.[0] as Problem[] | null | undefined) ?? [] };
}
