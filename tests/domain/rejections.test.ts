// One vocabulary of refusals (workflows/rejection.ts) and one translation into HTTP
// (api/services/temporal-errors.ts): each kind's status and error code are public, so they are
// listed here, and every kind a workflow can refuse with has exactly one of them.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import { ServiceUnavailableError } from '../../api/outages';
import { apiErrorFromRejection, apiErrorFromTemporal } from '../../api/services/temporal-errors';
import { say } from '../../domain/messages';
import { problem } from '../../domain/problems';
import { isRejection, reject, REJECTION } from '../../workflows/rejection';

/** What the API answered for each kind before the kinds were one list (status, error code). */
const PUBLIC_ANSWERS: Record<keyof typeof REJECTION, [number, string]> = {
  invalid: [422, 'unprocessable'],
  notFound: [404, 'not_found'],
  conflict: [409, 'conflict'],
  notActive: [409, 'contract_not_active'],
  closed: [409, 'closed'],
  reviewClosed: [409, 'review_closed'],
  escalationNotOpen: [409, 'escalation_not_open'],
  notNotified: [403, 'forbidden'],
  handingOver: [503, 'unavailable'],
  workflowIdTaken: [409, 'conflict'],
  actorClaimRefused: [503, 'unavailable'],
};

/** The ApplicationFailure `reject()` throws. */
function thrown(run: () => never): ApplicationFailure {
  try {
    run();
  } catch (failure) {
    return failure as ApplicationFailure;
  }
  throw new Error('reject() did not throw');
}

describe('rejections', () => {
  it('answers each kind with its one status and error code, the refused Update or the failure alike', () => {
    for (const [name, [status, code]] of Object.entries(PUBLIC_ANSWERS)) {
      const kind = REJECTION[name as keyof typeof REJECTION];
      const failure = thrown(() => reject(kind, say('payment_invalid'), [problem('amount', 'above_zero')]));
      expect(failure.nonRetryable).toBe(true);
      const direct = apiErrorFromRejection(failure);
      const viaUpdate = apiErrorFromTemporal(new WorkflowUpdateFailedError('rejected', failure)) as ApiError;
      expect([direct?.statusCode, direct?.code], name).toEqual([status, code]);
      expect([viaUpdate.statusCode, viaUpdate.code], name).toEqual([status, code]);
    }
  });

  it('has distinct kinds, each recognised, and nothing else taken for one', () => {
    const kinds = Object.values(REJECTION);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const kind of kinds) expect(isRejection(kind)).toBe(true);
    fc.assert(
      fc.property(
        fc.string().filter((s) => !(kinds as string[]).includes(s)),
        (type) => {
          expect(isRejection(type)).toBe(false);
          expect(
            apiErrorFromRejection(ApplicationFailure.create({ type, message: 'x', nonRetryable: true })),
          ).toBeUndefined();
        },
      ),
    );
  });

  it('carries the problems to a 422 and the catalog message to every answer', () => {
    const failure = thrown(() => reject(REJECTION.invalid, say('payment_invalid'), [problem('amount', 'above_zero')]));
    const answer = apiErrorFromRejection(failure)!;
    expect(answer.said).toEqual(say('payment_invalid'));
    expect(answer.details).toEqual([expect.objectContaining({ field: 'amount', code: 'above_zero' })]);
    const plain = apiErrorFromRejection(
      thrown(() => reject(REJECTION.workflowIdTaken, 'The review cannot start: workflow id "x" is taken')),
    )!;
    expect(plain.message).toBe('The review cannot start: workflow id "x" is taken');
  });

  it('tells a worker whose secret differs apart from the workflow being busy', () => {
    const claim = apiErrorFromRejection(thrown(() => reject(REJECTION.actorClaimRefused, 'Update x refused: forged')));
    const busy = apiErrorFromRejection(
      thrown(() => reject(REJECTION.handingOver, say('contract_continuing', { id: 'S-1' }))),
    );
    expect(claim).toBeInstanceOf(ServiceUnavailableError);
    expect(busy).toBeInstanceOf(ServiceUnavailableError);
    expect([(claim as ServiceUnavailableError).down, (busy as ServiceUnavailableError).down]).toEqual([
      'worker',
      'temporal',
    ]);
  });
});
