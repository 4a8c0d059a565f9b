// Continuing a long-lived workflow as new (the contract, each milestone's review, the quotas):
// once its history is long — Temporal suggests it, or it passed its limits (domain/limits) — a run
// hands over to its next one. While it does, it takes no new Update: the validator of every Update
// refuses first with REJECTION.handingOver (nothing recorded; the API sends it again, to the next
// run), so that the handlers in flight finish even under a steady stream; then it continues as
// new, carrying its state. The refusal is in the validators only: those are not replayed, and the
// handler of an accepted Update runs in the same workflow task as its validator, so it never sees
// the run handing over.
import { workflowInfo } from '@temporalio/workflow';
import type { Said } from '../domain/messages';
import { reject, REJECTION } from './rejection';

/** How long a run's history may grow before it continues as new. */
export interface HistoryLimits {
  events: number;
  bytes: number;
}

/** Whether this run's history is long: Temporal suggests continuing as new, or it passed `limits`. */
export function historyIsLong(limits: HistoryLimits): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limits.events || info.historySize > limits.bytes;
}

/** Whether a run is handing over to its next one, and its Updates' refusal meanwhile. */
export class RunHandover {
  /** Set once the run is to continue as new (cleared if it finishes instead). */
  handingOver = false;

  /** `said`: the refusal's message (domain/messages). */
  constructor(private readonly said: () => Said) {}

  /** First in the validator of every Update of the run: refused while it hands over. */
  refuseWhileHandingOver(): void {
    if (this.handingOver) reject(REJECTION.handingOver, this.said());
  }
}
