// One book of the stalled steps a workflow has handed to the escalation engine: the contract, each
// review, each material request and the quotas keep theirs alike — by domain/ids stepKey (the
// step's kind and reference), each entry with the occurrence that makes the id of its latest
// stalling (domain/ids stepId: a step that stalls again is a new occurrence, with an escalation
// workflow of its own) and whether it is open. Plain JSON, so it is carried across
// continue-as-new as it is. Bounded by its owner's references (checkpoints, tranches and
// applications; stations; villages); an owner whose references never recur (quota periods)
// forgets a step when it resolves.
import type { StepBook, StepKind } from '../domain/escalation';
import { stepId as buildStepId, stepKey } from '../domain/ids';

/** A step just opened: its key, its new occurrence and that occurrence's id, and when the occurrence before was met. */
export interface Opening {
  key: string;
  stepId: string;
  occurrence: number;
  /** Epoch ms; absent for a first occurrence. */
  lastMetAt?: number;
}

/**
 * Records the step of `kind` and `reference` of contract `contractId` open, as its next
 * occurrence (with `detail` beside it), and answers it; undefined, and nothing recorded, when that
 * step is open already.
 */
export function openInBook<D extends object>(
  book: StepBook<D>,
  contractId: string,
  kind: StepKind,
  reference: string,
  detail: D,
): Opening | undefined {
  const key = stepKey(kind, reference);
  const current = book[key];
  if (current?.open) return undefined;
  const occurrence = (current?.occurrence ?? 0) + 1;
  const stepId = buildStepId(contractId, kind, reference, occurrence);
  book[key] = { ...detail, stepId, occurrence, open: true };
  return { key, stepId, occurrence, ...(current?.resolvedAt !== undefined ? { lastMetAt: current.resolvedAt } : {}) };
}

/**
 * Records the step of `key` resolved at `at` (epoch ms) and answers its id; undefined, and nothing
 * recorded, when it is not open. With `forget`, its entry goes (its reference never recurs).
 */
export function resolveInBook(book: StepBook, key: string, at: number, { forget = false } = {}): string | undefined {
  const step = book[key];
  if (!step?.open) return undefined;
  if (forget) delete book[key];
  else {
    step.open = false;
    step.resolvedAt = at;
  }
  return step.stepId;
}

/** The open steps, in the order they were first booked: key and id. */
export function openInBookSteps(book: StepBook): Array<{ key: string; stepId: string }> {
  return Object.entries(book)
    .filter(([, step]) => step.open)
    .map(([key, step]) => ({ key, stepId: step.stepId }));
}
