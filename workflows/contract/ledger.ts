// The contract's ledger Updates: recording a payment and reversing one. The workflow keeps the
// ledger's summary (domain/ledger LedgerSummary); the entries are the read model's record, written
// by the projection before the Update answers. Each Update has one check, run by its validator and
// again by its handler (the state may have moved between them).
import { setHandler, condition } from '@temporalio/workflow';
import type { AuditEvent } from '../../domain/events';
import { shortDigest } from '../../domain/digest';
import type { FreeText } from '../../domain/free-text';
import {
  addToSummary,
  checkPayment,
  checkReversal,
  reversalEntry,
  reversalReference,
  type LedgerEntry,
} from '../../domain/ledger';
import { paymentLimitProblem } from '../../domain/limits';
import { say } from '../../domain/messages';
import { recordPaymentUpdate, reversePaymentUpdate, type RecordPaymentInput } from '../contract-messages';
import { reject, REJECTION } from '../rejection';
import type { ContractRun } from './run';

export function installLedger(run: ContractRun): void {
  const entries = new LedgerEntries(run);
  installPayments(run, entries);
  installReversals(run, entries);
}

/** What payments and reversals share: recording an entry, and answering a repeat once its entry is written. */
class LedgerEntries {
  /** Payments (by reference digest) whose projection, or their reversal's, is still being written: a repeat waits for it. */
  private readonly projecting = new Set<string>();

  constructor(private readonly run: ContractRun) {}

  /** A repeat is answered once the entry it repeats is in the read model (where the API reads it). */
  async recorded(reference: string) {
    const key = shortDigest(reference);
    await condition(() => !this.projecting.has(key));
    return { outcome: 'duplicate' as const, reference };
  }

  /** Adds an entry to the summary at once (a concurrent repeat sees it) and projects it; `key`: what a repeat waits for. */
  async record(entry: LedgerEntry, change: AuditEvent, key: string): Promise<void> {
    const { run } = this;
    addToSummary(run.state.contract, run.state.ledger, entry);
    run.changed = true;
    this.projecting.add(key);
    try {
      await run.projectChange([entry], change);
    } finally {
      this.projecting.delete(key);
    }
  }
}

/** The recordPayment Update. */
function installPayments(run: ContractRun, entries: LedgerEntries): void {
  const { state } = run;

  /**
   * The payment's amount when it is new, 'duplicate' when it repeats one recorded; refused when the
   * contract has ended, the ledger is full (MAX_PAYMENTS_PER_CONTRACT; reversals stay possible, a
   * mistake can always be corrected) or the payment breaks a rule. In the handler again: two
   * Updates validated together at the limit would otherwise both be recorded.
   */
  const paymentCheck = (request: RecordPaymentInput): number | 'duplicate' => {
    const check = checkPayment(state.contract, state.ledger, request, Date.now());
    if (check.outcome === 'duplicate') return 'duplicate';
    run.requireActive();
    const overLimit = paymentLimitProblem(Object.keys(state.ledger.payments).length);
    if (overLimit) reject(REJECTION.invalid, say('payment_invalid'), [overLimit]);
    if (check.outcome === 'conflict') reject(REJECTION.conflict, check.said);
    if (check.outcome === 'invalid') reject(REJECTION.invalid, say('payment_invalid'), check.problems);
    return check.amountFen;
  };

  setHandler(
    recordPaymentUpdate,
    async (request) => {
      const amountFen = paymentCheck(request);
      if (amountFen === 'duplicate') return entries.recorded(request.reference);
      const entry: LedgerEntry = {
        reference: request.reference,
        kind: 'payment',
        amountFen,
        receivedOn: request.receivedOn,
        fundingSource: request.fundingSource,
        ...(request.budgetLine !== undefined ? { budgetLine: request.budgetLine } : {}),
        ...(request.note !== undefined ? { note: request.note } : {}),
        recordedBy: request.recordedBy,
        recordedAt: new Date().toISOString(),
      };
      await entries.record(
        entry,
        run.event('payment.recorded', request.recordedBy, { ...entry }),
        shortDigest(request.reference),
      );
      return { outcome: 'created', reference: entry.reference };
    },
    {
      validator: (request) => {
        run.handover.refuseWhileHandingOver();
        paymentCheck(request);
      },
    },
  );
}

/** The reversePayment Update: a correction as a new, negative entry. */
function installReversals(run: ContractRun, entries: LedgerEntries): void {
  const { state } = run;

  /** The payment reversed when the reversal is new or repeats one; refused when there is no such payment or it conflicts. */
  const reversalCheck = (request: { reference: string; reason: FreeText }) => {
    const check = checkReversal(state.contract, state.ledger, request.reference, request.reason);
    if (check.outcome === 'not_found') reject(REJECTION.notFound, say('no_payment', { reference: request.reference }));
    if (check.outcome === 'conflict') reject(REJECTION.conflict, check.said);
    if (check.outcome === 'new') run.requireActive();
    return check;
  };

  setHandler(
    reversePaymentUpdate,
    async (request) => {
      const check = reversalCheck(request);
      // Keyed by the payment's reference: its reversal's projection is what a repeat waits for.
      if (check.outcome === 'duplicate')
        return entries.recorded(request.reference).then(() => ({
          outcome: 'duplicate' as const,
          reference: reversalReference(request.reference),
        }));
      const entry = reversalEntry(request.reference, check.original, request, new Date().toISOString());
      await entries.record(
        entry,
        run.event('payment.reversed', request.recordedBy, { ...entry }),
        shortDigest(request.reference),
      );
      return { outcome: 'created', reference: entry.reference };
    },
    {
      validator: (request) => {
        run.handover.refuseWhileHandingOver();
        reversalCheck(request);
      },
    },
  );
}
