// Handing a workflow's stalled steps to the escalation engine, the same way for every workflow that
// has them (the contract, each review, each material request, the quotas): a step is booked open
// in its owner's step book (workflows/step-book.ts), its escalation workflow is started with the
// calendar in force (workflows/steps.ts) and told what changed in that calendar while it started
// (workflows/calendar-updates.ts); a resolved step is booked so and its escalation told why; when
// the owner ends, every step still open is closed. One step at a time, or — an owner that judges
// many at once, the quotas — a pass's steps together, in batches.
//
// Each path awaits what the four owners awaited when each wrote this itself (version 1.0): their
// running workflows replay through it, and one await more or less could reorder the commands of
// two handlers resumed by one workflow task. So `open` and `resolve` answer undefined, nothing to
// await, when nothing is handed over.
import type { WorkingCalendar } from '../domain/calendar';
import type { CalendarPatch } from '../domain/calendar-changes';
import type { Contract } from '../domain/contract';
import type { EscalationParty, StepBook, StepKind } from '../domain/escalation';
import type { StepResolution } from '../domain/events';
import { tellCalendar, tellChangedWhileStarting } from './calendar-updates';
import { escalationWorkflowId, type EscalationStep } from './escalation-messages';
import { openInBook, openInBookSteps, resolveInBook, type Opening } from './step-book';
import { openStep, resolveStep } from './steps';

/** Escalations started or told at once in a pass (one workflow task each batch, instead of one per step). */
const BATCH = 20;

/** What the handover needs of the workflow whose steps these are, read when a step is handed over. */
export interface StepOwner<D extends object = object> {
  /** The contract: its id, title, parties and ladders. */
  contract(): Contract;
  book(): StepBook<D>;
  /** The calendar in force. */
  calendar(): WorkingCalendar;
}

export interface StepHandoverOptions {
  /**
   * Handlers resolve steps the main loop opens (a review): a step resolved while its escalation is
   * still starting is told once it has started.
   */
  concurrent?: boolean;
  /** The calendar a step's escalation is given (default: the calendar in force). */
  calendarFor?: (calendar: WorkingCalendar, step: EscalationStep) => WorkingCalendar;
  /** Tells steps a calendar patch (default: all of it, tellCalendar). */
  tellSteps?: (steps: readonly EscalationStep[], patch: CalendarPatch, cause: string) => Promise<void>;
}

/** Who holds a step and the organizations in the ladder's places, when not the contract's (workflows/steps.ts openStep). */
export interface StepHolding {
  holder?: EscalationParty;
  parties?: Partial<Record<EscalationParty, string>>;
}

export class StepHandover<D extends object = object> {
  /** stepId → its escalation workflow starting. */
  private readonly starting = new Map<string, Promise<void>>();

  constructor(
    private readonly owner: StepOwner<D>,
    private readonly options: StepHandoverOptions = {},
  ) {}

  /**
   * Books the step of `kind` and `reference` open (with `detail` beside it in the book) and starts
   * the escalation of the step `step` builds for its new occurrence, then tells it what changed in
   * the calendar meanwhile. Undefined, nothing to await, when the step is open already.
   */
  open(
    kind: StepKind,
    reference: string,
    detail: D,
    step: (opening: Opening) => EscalationStep,
    holding: StepHolding = {},
  ): Promise<void> | undefined {
    const opening = openInBook(this.owner.book(), this.owner.contract().id, kind, reference, detail);
    return opening && this.start(step(opening), holding);
  }

  private async start(step: EscalationStep, holding: StepHolding): Promise<void> {
    const startedWith = this.owner.calendar();
    const started = openStep(
      this.owner.contract(),
      this.calendarFor(startedWith, step),
      step,
      holding.holder,
      holding.parties,
    );
    this.starting.set(step.stepId, started);
    try {
      await started;
    } finally {
      this.starting.delete(step.stepId);
    }
    const telling = tellChangedWhileStarting(startedWith, this.owner.calendar(), 'step', (patch, cause) =>
      this.tellSteps([step], patch, cause),
    );
    if (telling) await telling;
  }

  /**
   * Books the step of `key` resolved at `at` (epoch ms; with `forget`, its entry goes: its
   * reference never recurs) and tells its escalation `reason`. Undefined, nothing to await, when
   * the step is not open.
   */
  resolve(key: string, reason: StepResolution, at: number, { forget = false } = {}): Promise<void> | undefined {
    const stepId = resolveInBook(this.owner.book(), key, at, { forget });
    if (!stepId) return undefined;
    return this.options.concurrent ? this.resolveOnceStarted(stepId, reason, at) : resolveStep(stepId, reason, at);
  }

  private async resolveOnceStarted(stepId: string, reason: StepResolution, at: number): Promise<void> {
    await this.starting.get(stepId);
    await resolveStep(stepId, reason, at);
  }

  /** Resolves every step still open, now, with `reason` (its owner ends). */
  async closeAll(reason: StepResolution): Promise<void> {
    for (const { key } of openInBookSteps(this.owner.book())) {
      const telling = this.resolve(key, reason, Date.now());
      // A review (concurrent) awaited each step in 1.0, even one a handler resolved meanwhile
      // (its resolve was an async function): one microtask each, kept so its commands keep their order.
      if (this.options.concurrent) await telling;
      else if (telling) await telling;
    }
  }

  /** The escalation workflow ids of the steps open now (a calendar change is passed on to them). */
  openWorkflowIds(): string[] {
    return openInBookSteps(this.owner.book()).map((step) => escalationWorkflowId(step.stepId));
  }

  /**
   * A pass over many steps at `at` (epoch ms; with `forget`, a step it resolves leaves the book: its
   * reference never recurs): the steps it resolves and opens are booked at once,
   * and handed over together when the owner calls its handOver — the resolved ones first, so a
   * superseded step and its successor never race for the same party's attention, then the opened
   * ones, BATCH at a time each, then the opened ones told what changed in the calendar while they
   * started.
   */
  pass(at: number, { forget = false } = {}): StepPass<D> {
    const resolved: Array<{ stepId: string; reason: StepResolution }> = [];
    const opened: EscalationStep[] = [];
    const book = this.owner.book();
    return {
      resolve: (key, reason) => {
        const stepId = resolveInBook(book, key, at, { forget });
        if (stepId) resolved.push({ stepId, reason });
      },
      open: (kind, reference, detail, step) => {
        const opening = openInBook(book, this.owner.contract().id, kind, reference, detail);
        if (opening) opened.push(step(opening));
        return opening;
      },
      handOver: () => this.handOverPass(resolved, opened, at),
    };
  }

  private async handOverPass(
    resolved: ReadonlyArray<{ stepId: string; reason: StepResolution }>,
    opened: readonly EscalationStep[],
    at: number,
  ): Promise<void> {
    for (let i = 0; i < resolved.length; i += BATCH) {
      await Promise.all(resolved.slice(i, i + BATCH).map((r) => resolveStep(r.stepId, r.reason, at)));
    }
    const startedWith = this.owner.calendar();
    for (let i = 0; i < opened.length; i += BATCH) {
      await Promise.all(
        opened
          .slice(i, i + BATCH)
          .map((step) => openStep(this.owner.contract(), this.calendarFor(startedWith, step), step)),
      );
    }
    const telling = tellChangedWhileStarting(startedWith, this.owner.calendar(), 'steps', (patch, cause) =>
      this.tellSteps(opened, patch, cause),
    );
    if (telling) await telling;
  }

  private calendarFor(calendar: WorkingCalendar, step: EscalationStep): WorkingCalendar {
    return this.options.calendarFor ? this.options.calendarFor(calendar, step) : calendar;
  }

  private tellSteps(steps: readonly EscalationStep[], patch: CalendarPatch, cause: string): Promise<void> {
    return this.options.tellSteps
      ? this.options.tellSteps(steps, patch, cause)
      : tellCalendar(
          steps.map((step) => escalationWorkflowId(step.stepId)),
          patch,
          cause,
        );
  }
}

/** The steps of one pass (StepHandover.pass). */
export interface StepPass<D extends object = object> {
  /** Books the step of `key` resolved; its escalation is told at handOver. */
  resolve(key: string, reason: StepResolution): void;
  /** Books the step open, as open does; its escalation starts at handOver. Its opening, or undefined when open already. */
  open(kind: StepKind, reference: string, detail: D, step: (opening: Opening) => EscalationStep): Opening | undefined;
  /** Hands the pass's steps over. */
  handOver(): Promise<void>;
}
