// The contract's stalled money steps (missed checkpoints, overdue tranches, the payment clock's
// steps): a queue of changes that one drainer at a time hands to the escalation engine after each
// projection — a new stall starts an escalation workflow, a resolved one tells it — so a step's
// start always precedes its resolution. What each step is lives in the state's step book
// (state.steps, workflows/step-book.ts), so it survives continue-as-new; the queue is drained
// before a run hands over.
import type { StepChange } from '../../domain/announcements';
import type { StepResolution } from '../../domain/events';
import type { EscalationStep } from '../escalation-messages';
import { escalationWorkflowId } from '../escalation-messages';
import { openInBook, openInBookSteps, resolveInBook } from '../step-book';
import { openStep, resolveStep } from '../steps';
import type { WorkingCalendar } from '../../domain/calendar';
import type { ContractState } from '../../domain/contract-state';

/** What the queue needs of its contract's run (workflows/contract/run.ts), apart so the two do not import each other. */
export interface StepQueueHost {
  readonly state: ContractState;
  readonly contractId: string;
  /** Tells `workflowIds` what changed in the calendar since `since`, if anything did. */
  tellIfChanged(workflowIds: string[], since: WorkingCalendar, cause: string): Promise<void>;
}

/** A change of a step as the queue takes it: the domain's (domain/announcements) or the payment clock's. */
export type QueuedStepChange = Pick<StepChange, 'key' | 'resolve'> & { open?: Omit<EscalationStep, 'stepId'> };

export class StepQueue {
  private readonly queue: QueuedStepChange[] = [];
  private draining = false;

  constructor(private readonly run: StepQueueHost) {}

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
  async closeAll(reason: StepResolution): Promise<void> {
    const steps = this.run.state.steps ?? {};
    for (const { key } of openInBookSteps(steps)) {
      const at = Date.now();
      const stepId = resolveInBook(steps, key, at);
      if (stepId) await resolveStep(stepId, reason, at);
    }
  }

  /** Escalation workflow ids of the steps open now. */
  openWorkflowIds(): string[] {
    return openInBookSteps(this.run.state.steps ?? {}).map((s) => escalationWorkflowId(s.stepId));
  }

  private async apply(change: QueuedStepChange): Promise<void> {
    const { state, contractId } = this.run;
    const steps = (state.steps ??= {});
    if (change.open) {
      const opening = openInBook(steps, contractId, change.open.kind, change.open.reference, {});
      if (!opening) return;
      // A step that stalls again (a reversal after a recovery) is held again from when it was
      // last met, not from its original due time, so no day is charged to its holder twice.
      const dueAt =
        opening.occurrence > 1 ? Math.max(change.open.dueAt, opening.lastMetAt ?? Date.now()) : change.open.dueAt;
      const startedWith = state.calendar!;
      await openStep(state.contract, startedWith, { ...change.open, stepId: opening.stepId, dueAt });
      // The calendar changed while the step was starting: the step hears of it too.
      await this.run.tellIfChanged(
        [escalationWorkflowId(opening.stepId)],
        startedWith,
        'calendar changed while the step started',
      );
    } else if (change.resolve) {
      const stepId = resolveInBook(steps, change.key, change.resolve.at);
      if (stepId) await resolveStep(stepId, change.resolve.reason, change.resolve.at);
    }
  }
}
