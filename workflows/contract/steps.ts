// The contract's stalled money steps (missed checkpoints, overdue tranches, the payment clock's
// steps): a queue of changes that one drainer at a time hands to the escalation engine
// (workflows/step-handover.ts) after each projection — a new stall starts an escalation workflow, a
// resolved one tells it — so a step's start always precedes its resolution. What each step is
// lives in the state's step book (state.steps, workflows/step-book.ts), so it survives
// continue-as-new; the queue is drained before a run hands over.
import type { StepChange } from '../../domain/announcements';
import type { ContractState } from '../../domain/contract-state';
import type { StepResolution } from '../../domain/events';
import type { EscalationStep } from '../escalation-messages';
import { StepHandover } from '../step-handover';

/** A change of a step as the queue takes it: the domain's (domain/announcements) or the payment clock's. */
export type QueuedStepChange = Pick<StepChange, 'key' | 'resolve'> & { open?: Omit<EscalationStep, 'stepId'> };

export class StepQueue {
  private readonly queue: QueuedStepChange[] = [];
  private draining = false;
  private readonly handover: StepHandover;

  /** `state`: its contract run's (workflows/contract/run.ts). */
  constructor(state: ContractState) {
    this.handover = new StepHandover({
      contract: () => state.contract,
      book: () => (state.steps ??= {}),
      calendar: () => state.calendar!,
    });
  }

  push(...changes: QueuedStepChange[]): void {
    this.queue.push(...changes);
  }

  /** Keys of the changes queued and not yet handed over (not announced again meanwhile). */
  queuedKeys(): Set<string> {
    return new Set(this.queue.map((c) => c.key));
  }

  /** Hands the queued changes over, in order; a call while another drains leaves the work to it. */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.apply(this.queue.shift()!);
    } finally {
      this.draining = false;
    }
  }

  /** Resolves every step still open (the contract ended with `reason`). */
  closeAll(reason: StepResolution): Promise<void> {
    return this.handover.closeAll(reason);
  }

  /** Escalation workflow ids of the steps open now. */
  openWorkflowIds(): string[] {
    return this.handover.openWorkflowIds();
  }

  private async apply(change: QueuedStepChange): Promise<void> {
    if (change.open) {
      const open = change.open;
      const opening = this.handover.open(open.kind, open.reference, {}, ({ stepId, occurrence, lastMetAt }) => ({
        ...open,
        stepId,
        // A step that stalls again (a reversal after a recovery) is held again from when it was
        // last met, not from its original due time, so no day is charged to its holder twice.
        dueAt: occurrence > 1 ? Math.max(open.dueAt, lastMetAt ?? Date.now()) : open.dueAt,
      }));
      if (opening) await opening;
    } else if (change.resolve) {
      const resolving = this.handover.resolve(change.key, change.resolve.reason, change.resolve.at);
      if (resolving) await resolving;
    }
  }
}
