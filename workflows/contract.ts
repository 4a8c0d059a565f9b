// One durable workflow per contract, for its whole life: it keeps the ledger's summary (the entries
// are the read model's record), watches every checkpoint and tranche on durable timers, announces
// misses and recoveries, and mirrors each change into the read model through an idempotent
// projection activity. Its state is bounded (see ContractState) and it continues as new before its
// history grows past domain/limits CONTRACT_RUN_MAX_EVENTS events or CONTRACT_RUN_MAX_BYTES.
//
// Shaped like temporalio/samples-typescript's safe-message-handlers: this function wires the
// handlers and runs the main loop; the run's state and what the parts share are in
// workflows/contract/run.ts, the handlers beside it (ledger, amendments, children, calendar), the
// stalled steps' queue in contract/steps.ts and what is announced in domain/announcements.ts.
import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import { shanghaiDateTime } from '../domain/dates';
import { CONTRACT_RUN_MAX_BYTES, CONTRACT_RUN_MAX_EVENTS } from '../domain/limits';
import { nextDeadline } from '../domain/status';
import {
  contractStateQuery,
  registeredUpdate,
  type ContractOutcome,
  type ContractWorkflowInput,
} from './contract-messages';
import type { ContractState } from '../domain/contract-state';
import { installAmendments } from './contract/amendments';
import { installCalendar } from './contract/calendar';
import { endChildren, installMaterialRequests, startChildren } from './contract/children';
import { installLedger } from './contract/ledger';
import { ContractRun } from './contract/run';
import { historyIsLong } from './continue-as-new';
import { installPaymentClock, paymentClockWakeUp } from './payment-clock';
import { waitUntil } from './wait';

const DAY_MS = 24 * 3600 * 1000;

export async function contractWorkflow(input: ContractWorkflowInput): Promise<ContractOutcome> {
  const run = new ContractRun(input);
  // Every handler is set before the first await: an Update without its handler at the end of the
  // first activation would be refused.
  setHandler(contractStateQuery, () => run.view());
  setHandler(registeredUpdate, async () => {
    await run.untilRegistered();
    return { revision: run.state.revision };
  });
  installLedger(run);
  installAmendments(run);
  installMaterialRequests(run);
  installCalendar(run);
  // Payment applications and the payer's legal clock (issue 18): workflows/payment-clock.ts.
  installPaymentClock({
    state: () => run.state,
    registered: () => run.registered,
    untilRegistered: () => run.untilRegistered(),
    requireActive: () => run.requireActive(),
    refuseWhileHandingOver: () => run.handover.refuseWhileHandingOver(),
    record: async (kind, actorId, payload) => {
      run.changed = true;
      await run.projectChange([], run.event(kind, actorId, payload));
    },
    markChanged: () => {
      run.changed = true;
    },
  });

  await run.loadCalendar();
  await startChildren(run);
  if (!run.registered) {
    await run.project([], [run.event('contract.started', run.state.createdBy, { contract: run.state.contract })]);
    // Registered (and its creation answered) only once the children run: a submission or progress
    // sent right after the answer finds its review or quota workflow.
    run.registered = true;
  }

  while (run.state.status === 'active') {
    const now = Date.now();
    if (!(await turn(run, input, now))) break;
    // Arrears and the next deadline move with time alone: brought up to date before each wait.
    run.changed = false;
    run.showToOperators();
    // From the turn's instant: a deadline passed while the turn awaited wakes the loop at once.
    const next = nextWakeUp(run.state, now);
    await waitUntil(
      () => run.changed || run.state.status !== 'active',
      next,
      next === undefined
        ? undefined
        : `Wakes ${shanghaiDateTime(next)} Asia/Shanghai: next checkpoint, tranche, term end or close`,
    );
  }

  await condition(allHandlersFinished);
  // Its steps close saying how it ended (the loop runs while it is active).
  const { status } = run.state;
  await run.steps.closeAll(status === 'active' ? 'contract ended' : `contract ${status}`);
  await endChildren(run);
  return run.outcome();
}

/**
 * One turn of the main loop at `now`: announces what time changed, ends the contract when its term is over
 * (completed when paid in full, closed with arrears after the grace), and hands over to a new run
 * when this one's history is long. Answers whether the contract is still active.
 */
async function turn(run: ContractRun, input: ContractWorkflowInput, now: number): Promise<boolean> {
  const { state } = run;
  const due = run.announce(now);
  // Steps queued without an event (a tranche the payer's clock took over or let go) are handed over too.
  if (due.events.length > 0 || run.steps.queuedKeys().size > 0) await run.project([], due.events, due.notices);
  // A handler may have ended the contract (terminated it) while the turn awaited.
  if (state.status !== 'active') return false;
  const { contract } = state;
  const unpaid = contract.valueFen - state.ledger.receivedFen;
  if (now >= contract.term.endAt && unpaid <= 0) {
    await run.end('completed', now, run.event('contract.completed', null, { receivedFen: state.ledger.receivedFen }));
    return false;
  }
  if (now >= contract.term.endAt + contract.closeGraceDays * DAY_MS) {
    await run.end('closed', now, run.event('contract.closed_with_arrears', null, { unpaidFen: unpaid }));
    return false;
  }
  const limits = {
    events: input.continueAsNewAfterEvents ?? CONTRACT_RUN_MAX_EVENTS,
    bytes: input.continueAsNewAfterBytes ?? CONTRACT_RUN_MAX_BYTES,
  };
  if (historyIsLong(limits)) {
    run.handover.handingOver = true;
    await condition(allHandlersFinished);
    // The definition travels once, as the input's contract (amended since the first run, perhaps):
    // twice, a definition at the body limit plus the ledger summary could pass 2 MB.
    const { contract: current, ...carried } = state;
    await continueAsNew<typeof contractWorkflow>({ ...input, contract: current, state: carried });
  }
  return true;
}

/** The next instant at which something falls due, or undefined when nothing is left to wait for. */
function nextWakeUp(state: ContractState, now: number): number | undefined {
  const { contract } = state;
  const graceEnd = contract.term.endAt + contract.closeGraceDays * DAY_MS;
  const times = [nextDeadline(contract, now), contract.term.endAt, graceEnd, paymentClockWakeUp(state, now)].filter(
    (t): t is number => t !== undefined && t > now,
  );
  return times.length > 0 ? Math.min(...times) : undefined;
}
