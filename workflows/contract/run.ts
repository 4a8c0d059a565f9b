// One run of a contract's workflow: its state and what every part of the workflow shares — the
// refusals (the contract has ended, the run hands over), audit events, the announcements a change
// causes, and the projection that writes each change to the read model and then hands its stalled
// steps to the escalation engine. The handlers live beside it (ledger, amendments, children,
// calendar); workflows/contract.ts wires them and runs the main loop.
import { condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AuditEvent } from '../../domain/events';
import type { KeyedNotice } from '../../domain/notices';
import { contractAnnouncements } from '../../domain/announcements';
import { withOverrides, type WorkingCalendar } from '../../domain/calendar';
import { contractCalendarYears } from '../../domain/calendar-changes';
import type { Contract } from '../../domain/contract';
import { contractEventKey, contractNoticeKey } from '../../domain/ids';
import type { TermEndStatus } from '../../domain/status';
import { emptyLedgerSummary, type LedgerEntry } from '../../domain/ledger';
import { say } from '../../domain/messages';
import { tellCalendar, tellChangedWhileStarting, type StartedWithCalendar } from '../calendar-updates';
import type { ContractOutcome, ContractStateView, ContractWorkflowInput } from '../contract-messages';
import type { Amendment, ContractState } from '../../domain/contract-state';
import { RunHandover } from '../continue-as-new';
import { contractSearchAttributes, keepSearchAttributes, showContractDetails } from '../operator-view';
import { clockWatchedTranches, paymentClockStepChanges } from '../payment-clock';
import { projections } from '../projection';
import { reject, REJECTION } from '../rejection';
import { StepQueue } from './steps';

const { workingCalendar } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const { projectContract } = projections;

/** The calendar in force for a contract: the published years over the package's, its own days over both. */
export async function calendarInForce(contract: Contract): Promise<WorkingCalendar> {
  return withOverrides(await workingCalendar(contractCalendarYears(contract)), contract.calendar);
}

export class ContractRun {
  readonly state: ContractState;
  readonly contractId: string;
  /** Set by every change; the main loop clears it before it waits, and wakes when it is set. */
  changed = false;
  /** True once the contract is in the read model and its review and quota workflows run. */
  registered: boolean;
  /** Why the contract could not start (a child's workflow id was taken): its registration is refused with it. */
  startRefusal: string | undefined;
  /** Handing over to the next run (workflows/continue-as-new.ts): every Update's validator refuses meanwhile. */
  readonly handover: RunHandover;
  readonly steps: StepQueue;
  /** Whether the read model's row still needs the definition (first projection, after an amendment). */
  private definitionChanged: boolean;
  private definitionsInFlight = 0;

  constructor(input: ContractWorkflowInput) {
    this.state = input.state
      ? { ...input.state, contract: input.state.contract ?? input.contract }
      : {
          contract: input.contract,
          status: 'active',
          createdBy: input.createdBy,
          createdAt: input.createdAt,
          revision: 0,
          scheduleVersion: 1,
          ledger: emptyLedgerSummary(),
          announced: {},
        };
    this.contractId = this.state.contract.id;
    this.registered = this.state.revision > 0;
    this.handover = new RunHandover(() => say('contract_continuing', { id: this.contractId }));
    this.definitionChanged = !this.registered;
    this.steps = new StepQueue(this.state);
  }

  /** Reads the contract's calendar, once (a continued run carries it). */
  async loadCalendar(): Promise<void> {
    this.state.calendar ??= await calendarInForce(this.state.contract);
  }

  requireActive(): void {
    const { status } = this.state;
    if (status !== 'active') reject(REJECTION.notActive, say('contract_not_active', { id: this.contractId, status }));
  }

  /** Resolves once the contract is registered; refuses with the reason it could not start. */
  async untilRegistered(): Promise<void> {
    await condition(() => this.registered || this.startRefusal !== undefined);
    if (this.startRefusal !== undefined) reject(REJECTION.conflict, this.startRefusal);
  }

  /** The definition from now on (an amendment): the next projection carries it. */
  amendDefinition(contract: Contract): void {
    this.state.contract = contract;
    this.definitionChanged = true;
    this.changed = true;
  }

  /** An audit event of the next projection; `subject` (an announced key) tells apart events of one kind in it. */
  event(kind: string, actorId: string | null, payload: Record<string, unknown>, subject?: string): AuditEvent {
    return {
      idempotencyKey: contractEventKey(this.contractId, this.state.revision + 1, kind, subject),
      kind,
      actorId,
      occurredAt: new Date().toISOString(),
      payload,
    };
  }

  /**
   * The events and notices for what changed since it was last announced (domain/announcements),
   * with the steps that calls for queued. Synchronous, so concurrent handlers never announce twice.
   */
  announce(now: number): { events: AuditEvent[]; notices: KeyedNotice[] } {
    const { state } = this;
    // The payer's clock watches some tranches: late from its deadline, their paymentOverdue step climbs instead.
    const due = contractAnnouncements(state.contract, state.ledger, state.announced, now, {
      watched: clockWatchedTranches(state, now),
      isOpen: (key) => state.steps?.[key]?.open ?? false,
      queued: this.steps.queuedKeys(),
    });
    state.announced = due.announced;
    const events = due.events.map((e) => this.event(e.kind, null, e.payload, e.subject));
    const notices = due.notices.map((n) => ({
      ...n.notice,
      idempotencyKey: contractNoticeKey(this.contractId, state.revision + 1, n.subject, n.status),
    }));
    this.steps.push(...due.steps);
    const clock = paymentClockStepChanges(state, now, this.steps.queuedKeys());
    this.steps.push(...clock.steps);
    events.push(...clock.events.map((e) => this.event(e.kind, null, e.payload, e.subject)));
    return { events, notices };
  }

  /**
   * Writes the change to the read model — `entries`, `events`, `notices` and `amendment` are what
   * is new; the definition travels only when it changed, so a payment's projection stays small —
   * then hands the queued steps over and brings the operators' view up to date.
   */
  async project(
    entries: LedgerEntry[],
    events: AuditEvent[],
    notices: KeyedNotice[] = [],
    amendment?: Amendment,
  ): Promise<void> {
    const { state } = this;
    state.revision += 1;
    const { ledger, calendar: _calendar, steps: _steps, contract, ...rest } = state;
    // While a projection carrying the definition is in flight, later ones carry it too: one of
    // them may commit first, and the row takes only the newest revision.
    const withDefinition = this.definitionChanged || this.definitionsInFlight > 0;
    this.definitionChanged = false;
    if (withDefinition) this.definitionsInFlight += 1;
    try {
      await projectContract({
        contractId: this.contractId,
        snapshot: { ...rest, ...(withDefinition ? { contract } : {}), receivedFen: ledger.receivedFen },
        entries,
        events,
        notices,
        ...(amendment ? { amendment } : {}),
      });
    } finally {
      if (withDefinition) this.definitionsInFlight -= 1;
    }
    await this.steps.drain();
    this.showToOperators();
  }

  /** A change by a party, projected together with what it caused (a recovered checkpoint, …). */
  async projectChange(entries: LedgerEntry[], change: AuditEvent, amendment?: Amendment): Promise<void> {
    const caused = this.announce(Date.now());
    await this.project(entries, [change, ...caused.events], caused.notices, amendment);
  }

  /** Ends the contract at `now` (epoch ms) with `status` (its term is over) and its event. */
  async end(status: TermEndStatus, now: number, change: AuditEvent): Promise<void> {
    this.state.status = status;
    this.state.endedAt = new Date(now).toISOString();
    await this.project([], [change]);
  }

  /** Search attributes (upserted when a value changed) and current details, as of now (issue 19). */
  showToOperators(): void {
    const now = Date.now();
    keepSearchAttributes(contractSearchAttributes(this.state, now));
    showContractDetails(this.state, now);
  }

  /** Tells `workflowIds`, started with the calendar `startedWith`, what changed in it while they started, if anything did. */
  async tellChangedWhileStarting(
    workflowIds: string[],
    startedWith: WorkingCalendar,
    what: StartedWithCalendar,
  ): Promise<void> {
    const telling = tellChangedWhileStarting(startedWith, this.state.calendar, what, (patch, cause) =>
      tellCalendar(workflowIds, patch, cause),
    );
    if (telling) await telling;
  }

  /** The contractState query's answer: the state without the ledger's digests and the calendar. */
  view(): ContractStateView {
    const { ledger, calendar: _calendar, ...rest } = this.state;
    const { count, receivedFen, byFundingSource, byBudgetLine } = ledger;
    return { ...rest, ledger: { count, receivedFen, byFundingSource, byBudgetLine } };
  }

  /** What the workflow returns when it ends: small, the read model has the rest. */
  outcome(): ContractOutcome {
    const { state } = this;
    return {
      status: state.status,
      revision: state.revision,
      receivedFen: state.ledger.receivedFen,
      ...(state.endedAt ? { endedAt: state.endedAt } : {}),
      ...(state.terminated ? { terminated: state.terminated } : {}),
    };
  }
}
