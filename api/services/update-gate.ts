// Temporal admits at most 10 Updates in flight per workflow (history.maxInFlightUpdates); past that
// it answers RESOURCE_EXHAUSTED. So this API process keeps fewer than that in flight to any one
// workflow: further Updates wait their turn in a short FIFO queue, and past the queue's length or
// its wait they are answered 429 with Retry-After — a burst on one contract is queued or refused,
// never a 500, and never a pile of Updates the workflow's history has to carry.
// Memory is bounded: a lane exists only while its workflow has an Update in flight or waiting.
import { AsyncLocalStorage } from 'node:async_hooks';
import { say } from '../../domain/messages';
import { ApiError } from '../errors';
import { ServiceUnavailableError } from '../outages';

export interface UpdateGateOptions {
  /** Updates in flight to one workflow from this process at once (1–9: Temporal admits 10). */
  perWorkflow: number;
  /** Requests waiting for a slot on one workflow; one more is answered 429 at once. */
  queueLength: number;
  /** Longest wait for a slot, ms; then 429. */
  waitMs: number;
  /** The 429's Retry-After, seconds. */
  retryAfterSeconds: number;
}

export const DEFAULT_UPDATE_GATE: UpdateGateOptions = {
  perWorkflow: 8,
  queueLength: 32,
  waitMs: 5_000,
  retryAfterSeconds: 2,
};

/**
 * 429 `too_many_requests` with Retry-After: this process's gate for the workflow is full, so the
 * Update was never sent and nothing was recorded (an Idempotency-Key is not spent on it).
 */
export class UpdatesInFlightError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_requests', say('updates_in_flight_full', { seconds: retryAfterSeconds }));
  }
}

interface Waiter {
  admit(): void;
}

interface Lane {
  inFlight: number;
  waiting: Waiter[];
}

export interface GateTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: GateTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** At most `perWorkflow` calls of `run` at once per workflow id; the rest queued (bounded), then refused with 429. */
export class UpdateGate {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    readonly options: UpdateGateOptions = DEFAULT_UPDATE_GATE,
    private readonly timers: GateTimers = realTimers,
  ) {}

  /** Workflows with an Update in flight or waiting: the lanes held in memory. */
  get lanesHeld(): number {
    return this.lanes.size;
  }

  /** Updates in flight and waiting for `workflowId`. */
  load(workflowId: string): { inFlight: number; waiting: number } {
    const lane = this.lanes.get(workflowId);
    return { inFlight: lane?.inFlight ?? 0, waiting: lane?.waiting.length ?? 0 };
  }

  /** Runs `send` once a slot on `workflowId` is free; throws UpdatesInFlightError when none frees in time. */
  async run<T>(workflowId: string, send: () => Promise<T>): Promise<T> {
    await this.enter(workflowId);
    try {
      return await send();
    } finally {
      this.leave(workflowId);
    }
  }

  private enter(workflowId: string): Promise<void> | void {
    let lane = this.lanes.get(workflowId);
    if (!lane) {
      lane = { inFlight: 0, waiting: [] };
      this.lanes.set(workflowId, lane);
    }
    // FIFO: a newcomer never overtakes those already waiting.
    if (lane.inFlight < this.options.perWorkflow && lane.waiting.length === 0) {
      lane.inFlight += 1;
      return;
    }
    if (lane.waiting.length >= this.options.queueLength) {
      this.dropIfIdle(workflowId, lane);
      throw new UpdatesInFlightError(this.options.retryAfterSeconds);
    }
    const held = lane;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          this.timers.clearTimeout(timer);
          resolve();
        },
      };
      const timer = this.timers.setTimeout(() => {
        const at = held.waiting.indexOf(waiter);
        if (at >= 0) held.waiting.splice(at, 1);
        this.dropIfIdle(workflowId, held);
        reject(new UpdatesInFlightError(this.options.retryAfterSeconds));
      }, this.options.waitMs);
      held.waiting.push(waiter);
    });
  }

  private leave(workflowId: string): void {
    const lane = this.lanes.get(workflowId);
    if (!lane) return;
    const next = lane.waiting.shift();
    // The slot passes to the first waiter as is; otherwise it is given back.
    if (next) next.admit();
    else {
      lane.inFlight -= 1;
      this.dropIfIdle(workflowId, lane);
    }
  }

  private dropIfIdle(workflowId: string, lane: Lane): void {
    if (lane.inFlight <= 0 && lane.waiting.length === 0 && this.lanes.get(workflowId) === lane)
      this.lanes.delete(workflowId);
  }
}

const current = new AsyncLocalStorage<UpdateGate>();

/** Runs `fn` (a request's handler) with `gate` guarding every Update it sends through `throughUpdateGate`. */
export function withUpdateGate<T>(gate: UpdateGate, fn: () => T): T {
  return current.run(gate, fn);
}

/** `send` through the current request's gate (api/app.ts sets one per /v1 request); outside a request, at once. */
export function throughUpdateGate<T>(workflowId: string, send: () => Promise<T>): Promise<T> {
  const gate = current.getStore();
  return gate ? gate.run(workflowId, send) : send();
}

/**
 * The answer to an Update Temporal refused for its workflow's Updates in flight (other API
 * processes hold them): 503 with the current gate's Retry-After. Not a 429 as from the gate: seen
 * under load, an Update so refused was recorded after all (one Temporal had admitted, dropped when a
 * workflow task timed out, and was sent again), so its outcome is unknown — like any 503, the
 * request's texts, files and Idempotency-Key stay for the resend, which is recorded once.
 */
export function updatesRefusedByTemporal(): ServiceUnavailableError {
  const seconds = (current.getStore()?.options ?? DEFAULT_UPDATE_GATE).retryAfterSeconds;
  return new ServiceUnavailableError('temporal', say('updates_in_flight_refused', { seconds }), seconds);
}
