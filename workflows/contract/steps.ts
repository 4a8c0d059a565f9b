// The contract's stalled money steps (missed checkpoints, overdue tranches, the payment clock's
// steps): a queue of changes that one drainer at a time hands to the escalation engine after each
// projection — a new stall starts an escalation workflow, a resolved one tells it — so a step's
// start always precedes its resolution. What each step is lives in the state (state.steps), so it
// survives continue-as-new; the queue is drained before a run hands over.
import { stepId as buildStepId } from '../../domain/ids';
import type { StepChange } from '../../domain/announcements';
import type { EscalationStep } from '../escalation-messages';
import { escalationWorkflowId } from '../escalation-messages';
import { openStep, resolveStep } from '../steps';
import type { ContractRun } from './run';

/** A change of a step as the queue takes it: the domain's (domain/announcements) or the payment clock's. */
export type QueuedStepChange = Pick<StepChange, 'key' | 'resolve'> & { open?: Omit<EscalationStep, 'stepId'> };

export class StepQueue {
  private readonly queue: QueuedStepChange[] = [];
  private draining = false;

  constructor(private readonly run: ContractRun) {}

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
  async closeAll(reason: string): Promise<void> {
    for (const step of Object.values(this.run.state.steps ?? {})) {
      if (!step.open) continue;
      step.open = false;
      await resolveStep(step.stepId, reason, Date.now());
    }
  }

  /** Escalation workflow ids of the steps open now. */
  openWorkflowIds(): string[] {
    return Object.values(this.run.state.steps ?? {})
      .filter((s) => s.open)
      .map((s) => escalationWorkflowId(s.stepId));
  }

  private async apply(change: QueuedStepChange): Promise<void> {
    const { state, contractId } = this.run;
    const steps = (state.steps ??= {});
    const current = steps[change.key];
    if (change.open && !current?.open) {
      const occurrence = (current?.occurrence ?? 0) + 1;
      const stepId = buildStepId(contractId, change.open.kind, change.open.reference, occurrence);
      steps[change.key] = { stepId, occurrence, open: true };
      // A step that stalls again (a reversal after a recovery) is held again from when it was
      // last met, not from its original due time, so no day is charged to its holder twice.
      const dueAt = occurrence > 1 ? Math.max(change.open.dueAt, current?.resolvedAt ?? Date.now()) : change.open.dueAt;
      const startedWith = state.calendar!;
      await openStep(state.contract, startedWith, { ...change.open, stepId, dueAt });
      // The calendar changed while the step was starting: the step hears of it too.
      await this.run.tellIfChanged([escalationWorkflowId(stepId)], startedWith, 'calendar changed while the step started');
    } else if (change.resolve && current?.open) {
      current.open = false;
      current.resolvedAt = change.resolve.at;
      await resolveStep(current.stepId, change.resolve.reason, change.resolve.at);
    }
  }
}
