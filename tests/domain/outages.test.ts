// api/outages.ts tells an outage (503) from a refusal (4xx) and from a bug (500), however deeply
// the driver's or gRPC's error is wrapped.
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import { outageOf } from '../../api/outages';
import { apiErrorFromTemporal, sendAgainWhileHandingOver } from '../../api/services/temporal-errors';
import { REJECTION } from '../../workflows/rejection';

/** `error` wrapped `depth` times, as Drizzle and the Temporal client wrap what they catch. */
function wrapped(error: Error, depth: number): Error {
  let current = error;
  for (let i = 0; i < depth; i += 1) current = new Error(`Failed query: select ${i}`, { cause: current });
  return current;
}

const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('outages', () => {
  it('maps every database connection failure to 503 naming the database, at any depth', () => {
    const failures = fc.oneof(
      fc
        .constantFrom('ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT')
        .map((code) => pgError(code, `write ${code}`)),
      fc.constantFrom('08006', '08001', '57P01', '57P03', '53300', '3D000').map((code) => pgError(code, 'server gone')),
      fc.constant(pgError('55000', 'database "x" is not currently accepting connections')),
      fc.constant(new Error('PGlite is closed')),
    );
    fc.assert(
      fc.property(failures, fc.integer({ min: 0, max: 5 }), (failure, depth) => {
        const outage = outageOf(wrapped(failure, depth));
        expect(outage).toMatchObject({
          statusCode: 503,
          code: 'unavailable',
          down: 'database',
          retryAfterSeconds: expect.any(Number),
        });
        expect(outage!.message).toMatch(/database/);
      }),
    );
  });

  it('maps Temporal not answering to 503: deadline, cancelled, unavailable, resource exhausted, aborted Update', () => {
    const failures = fc.oneof(
      fc.constantFrom(1, 4, 8, 14).map((code) => new ServiceError('call failed', { cause: grpcError(code, 'x') })),
      fc.constant(
        new WorkflowUpdateRPCTimeoutOrCancelledError('timed out', { cause: grpcError(4, 'Deadline exceeded') }),
      ),
      fc.constant(new ServiceError('update was aborted')),
    );
    fc.assert(
      fc.property(failures, fc.integer({ min: 0, max: 3 }), (failure, depth) => {
        expect(outageOf(wrapped(failure, depth))).toMatchObject({ statusCode: 503, down: 'temporal' });
        expect(apiErrorFromTemporal(failure, 'A payment')).toMatchObject({ statusCode: 503, down: 'temporal' });
      }),
    );
  });

  it('leaves refusals and bugs alone: a workflow rejection keeps its 4xx, data errors and others are no outage', () => {
    const refusal = new WorkflowUpdateFailedError(
      'rejected',
      ApplicationFailure.create({ type: REJECTION.invalid, message: 'no', nonRetryable: true }),
    );
    const mapped = apiErrorFromTemporal(refusal, 'A payment');
    expect(mapped).toBeInstanceOf(ApiError);
    expect((mapped as ApiError).statusCode).toBe(422);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom('23505', '22021', '42P01', '23514', 'ERR_X').map((code) => pgError(code, 'refused')),
          fc.string({ maxLength: 40 }).map((message) => new TypeError(message)),
          fc.constantFrom(3, 5, 6, 7, 9).map((code) => grpcError(code, 'refused')),
        ),
        (error) => {
          expect(outageOf(error)).toBeUndefined();
        },
      ),
    );
  });

  it("leaves a client's own failure alone: an aborted upload (ECONNRESET, 400) is not a database outage", () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 });
    expect(outageOf(aborted)).toBeUndefined();
    expect(outageOf(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))?.statusCode).toBe(503);
  });

  it('answers 503, never 500, when a workflow is still handing over after the resends', async () => {
    const handingOver = new WorkflowUpdateFailedError(
      'refused',
      ApplicationFailure.create({ type: REJECTION.handingOver, message: 'continuing as new', nonRetryable: true }),
    );
    let now = 0;
    let sent = 0;
    const refused = await sendAgainWhileHandingOver(
      () => {
        sent += 1;
        now += 3_000; // each attempt "takes" 3 s of the 10 s window
        return Promise.reject(handingOver);
      },
      () => now,
    ).catch((e: unknown) => e);
    expect(sent).toBeGreaterThan(1);
    expect(refused).toBe(handingOver);
    const answer = apiErrorFromTemporal(refused);
    expect(answer).toBeInstanceOf(ApiError);
    expect([(answer as ApiError).statusCode, (answer as ApiError).code]).toEqual([503, 'unavailable']);
  });
});
