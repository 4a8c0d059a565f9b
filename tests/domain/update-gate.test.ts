// The per-workflow in-flight gate (api/services/update-gate.ts): at most K Updates in flight to one
// workflow, a bounded FIFO queue behind them with a bounded wait, 429 with Retry-After past either,
// and no memory kept for a workflow once nothing is in flight or waiting. Timers are driven by hand,
// so nothing here depends on the machine's speed.
import { ServiceError } from '@temporalio/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sendToWorkflow } from '../../api/services/temporal-errors';
import { ServiceUnavailableError } from '../../api/outages';
import { UpdateGate, UpdatesInFlightError, withUpdateGate, type GateTimers } from '../../api/services/update-gate';

/** Timers fired by the test: `fire()` runs every timer due. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: GateTimers = {
    setTimeout: (fn) => {
      pending.set(++next, fn);
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    get pending() {
      return pending.size;
    },
    fire() {
      const due = [...pending.values()];
      pending.clear();
      for (const fn of due) fn();
    },
  };
}

/** A send the test finishes by hand. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('update gate', () => {
  it('lets K through, queues Q in order, refuses the next at once with 429 and Retry-After', async () => {
    const clock = manualTimers();
    const gate = new UpdateGate({ perWorkflow: 2, queueLength: 2, waitMs: 1000, retryAfterSeconds: 3 }, clock.timers);
    const started: number[] = [];
    const sends = Array.from({ length: 5 }, () => deferred());
    const runs = sends.map((s, i) =>
      gate.run('wf-1', async () => {
        started.push(i);
        await s.done;
        return i;
      }),
    );
    const fifth = runs[4]!.catch((e: unknown) => e);
    await settle();
    expect(started).toEqual([0, 1]);
    expect(gate.load('wf-1')).toEqual({ inFlight: 2, waiting: 2 });
    const refused = await fifth;
    expect(refused).toBeInstanceOf(UpdatesInFlightError);
    expect(refused).toMatchObject({ statusCode: 429, code: 'too_many_requests', retryAfterSeconds: 3 });

    // Another workflow has its own slots.
    expect(await gate.run('wf-2', async () => 'other')).toBe('other');

    sends[1]!.finish();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    sends[0]!.finish();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const s of sends) s.finish();
    expect(await Promise.all(runs.slice(0, 4))).toEqual([0, 1, 2, 3]);
    expect(gate.lanesHeld).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('refuses a request that waited its bound; the ones in flight go on', async () => {
    const clock = manualTimers();
    const gate = new UpdateGate({ perWorkflow: 1, queueLength: 4, waitMs: 1000, retryAfterSeconds: 1 }, clock.timers);
    const first = deferred();
    const running = gate.run('wf', () => first.done);
    const waiting = gate.run('wf', async () => 'never').catch((e: unknown) => e);
    await settle();
    expect(gate.load('wf')).toEqual({ inFlight: 1, waiting: 1 });
    clock.fire();
    expect(await waiting).toBeInstanceOf(UpdatesInFlightError);
    expect(gate.load('wf')).toEqual({ inFlight: 1, waiting: 0 });
    first.finish();
    await running;
    expect(gate.lanesHeld).toBe(0);
  });

  it('gives the slot back when a send fails', async () => {
    const gate = new UpdateGate({ perWorkflow: 1, queueLength: 0, waitMs: 1000, retryAfterSeconds: 1 });
    await expect(gate.run('wf', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.lanesHeld).toBe(0);
    expect(await gate.run('wf', async () => 'next')).toBe('next');
  });

  it('keeps its bounds and forgets idle workflows, whatever arrives, finishes or times out', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('arrive' as const), workflow: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('timeout' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(op, { maxLength: 40 }),
        async (k, q, ops) => {
          const clock = manualTimers();
          const gate = new UpdateGate(
            { perWorkflow: k, queueLength: q, waitMs: 1000, retryAfterSeconds: 1 },
            clock.timers,
          );
          const running: { workflow: number; order: number; finish: () => void }[] = [];
          const admitted = new Map<number, number[]>();
          const outcomes: Promise<unknown>[] = [];
          let arrivals = 0;
          for (const o of ops) {
            if (o.kind === 'arrive') {
              const order = arrivals++;
              const s = deferred();
              outcomes.push(
                gate
                  .run(`wf-${o.workflow}`, async () => {
                    admitted.set(o.workflow, [...(admitted.get(o.workflow) ?? []), order]);
                    running.push({ workflow: o.workflow, order, finish: s.finish });
                    await s.done;
                  })
                  .catch((e: unknown) => expect(e).toBeInstanceOf(UpdatesInFlightError)),
              );
            } else if (o.kind === 'finish' && running.length > 0) {
              running.splice(o.pick % running.length, 1)[0]!.finish();
            } else if (o.kind === 'timeout') {
              clock.fire();
            }
            await settle();
            for (let w = 0; w <= 2; w++) {
              const { inFlight, waiting } = gate.load(`wf-${w}`);
              expect(inFlight).toBeLessThanOrEqual(k);
              expect(waiting).toBeLessThanOrEqual(q);
              expect(running.filter((r) => r.workflow === w)).toHaveLength(inFlight);
              // FIFO: each workflow's requests start in the order they arrived.
              const order = admitted.get(w) ?? [];
              expect(order).toEqual([...order].sort((a, b) => a - b));
            }
          }
          while (running.length > 0) {
            running.shift()!.finish();
            await settle();
          }
          clock.fire();
          await Promise.all(outcomes);
          expect(gate.lanesHeld).toBe(0);
          expect(clock.pending).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("an Update Temporal refused for its workflow's Updates in flight", () => {
  const exhausted = () =>
    new ServiceError('Workflow Update failed', {
      cause: Object.assign(
        new Error('8 RESOURCE_EXHAUSTED: limit on number of concurrent in-flight updates has been reached (10)'),
        {
          code: 8,
          details: 'limit on number of concurrent in-flight updates has been reached (10)',
        },
      ),
    });
  const late = { recorded: async () => undefined, closed: () => new UpdatesInFlightError(0) };

  it("is answered 503 with the gate's Retry-After (its outcome unknown: texts, files and the Idempotency-Key kept), never a 500", async () => {
    const gate = new UpdateGate({ perWorkflow: 8, queueLength: 0, waitMs: 1000, retryAfterSeconds: 7 });
    const refused = await withUpdateGate(gate, () =>
      sendToWorkflow('wf', async () => Promise.reject(exhausted()), late),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceUnavailableError);
    expect(refused).toMatchObject({ statusCode: 503, code: 'unavailable', retryAfterSeconds: 7 });
    expect(gate.lanesHeld).toBe(0);
  });
});
