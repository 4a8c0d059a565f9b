// The payment ledger: entries are only ever added. A correction is a reversal entry that cancels an
// earlier payment as of that payment's own date.
import type { Contract, FundingSource } from './contract';
import { parseInstant, shanghaiDate, type IsoDate } from './dates';
import { formatMoney, moneyProblem, moneyProblemText, parseMoney, type Fen } from './money';
import type { Problem } from './problems';

export interface LedgerEntry {
  reference: string;
  kind: 'payment' | 'reversal';
  /** Signed: reversals are negative. */
  amountFen: Fen;
  /** The day the money arrived (for a reversal: the reversed payment's day). */
  receivedOn: IsoDate;
  fundingSource: FundingSource;
  budgetLine?: string;
  note?: string;
  /** For a reversal: the payment it cancels, and why. */
  reverses?: string;
  reason?: string;
  recordedBy: string;
  recordedAt: string;
}

export interface PaymentRequest {
  reference: string;
  amount: string;
  receivedOn: string;
  fundingSource: FundingSource;
  budgetLine?: string;
  note?: string;
}

export const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$/;

export function receivedTotal(ledger: readonly LedgerEntry[]): Fen {
  return ledger.reduce((sum, e) => sum + e.amountFen, 0);
}

export function reversalReference(reference: string): string {
  return `${reference}~reversal`;
}

/** True when a repeated request carries the same content as the recorded payment. */
export function samePayment(entry: LedgerEntry, request: PaymentRequest): boolean {
  const amount = moneyProblem(request.amount) ? undefined : parseMoney(request.amount);
  return (
    entry.kind === 'payment' &&
    entry.amountFen === amount &&
    entry.receivedOn === request.receivedOn &&
    entry.fundingSource === request.fundingSource &&
    (entry.budgetLine ?? null) === (request.budgetLine ?? null) &&
    (entry.note ?? '') === (request.note ?? '')
  );
}

export type PaymentCheck =
  | { outcome: 'new'; amountFen: Fen }
  | { outcome: 'duplicate'; entry: LedgerEntry }
  | { outcome: 'conflict'; message: string }
  | { outcome: 'invalid'; problems: Problem[] };

/** Decides what recording `request` would do, without doing it. `now`: the current instant. */
export function checkPayment(
  contract: Contract,
  ledger: readonly LedgerEntry[],
  request: PaymentRequest,
  now: number,
): PaymentCheck {
  const existing = ledger.find((e) => e.reference === request.reference);
  if (existing) {
    return samePayment(existing, request)
      ? { outcome: 'duplicate', entry: existing }
      : { outcome: 'conflict', message: `Payment reference ${request.reference} is already recorded with other content` };
  }
  const problems: Problem[] = [];
  if (!REFERENCE.test(request.reference)) {
    problems.push({ field: 'reference', reason: 'must be 1–100 letters, digits or . _ : / -, starting with a letter or digit' });
  }
  let amountFen: Fen | undefined;
  const problem = moneyProblem(request.amount);
  if (problem) problems.push({ field: 'amount', reason: moneyProblemText[problem] });
  else {
    amountFen = parseMoney(request.amount);
    const unpaid = contract.valueFen - receivedTotal(ledger);
    if (amountFen <= 0) problems.push({ field: 'amount', reason: 'must be greater than zero' });
    else if (amountFen > unpaid) {
      problems.push({ field: 'amount', reason: `exceeds what is still unpaid (${formatMoney(Math.max(0, unpaid))})` });
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(request.receivedOn) || parseInstant(request.receivedOn) === undefined) {
    problems.push({ field: 'receivedOn', reason: 'must be a date (YYYY-MM-DD)' });
  } else if (request.receivedOn > shanghaiDate(now)) {
    problems.push({ field: 'receivedOn', reason: `is in the future (today is ${shanghaiDate(now)} in Asia/Shanghai)` });
  }
  if (request.budgetLine !== undefined && !contract.budgetLines.some((l) => l.id === request.budgetLine)) {
    problems.push({ field: 'budgetLine', reason: `is not a budget line of this contract ("${request.budgetLine}")` });
  }
  if (problems.length > 0) return { outcome: 'invalid', problems };
  return { outcome: 'new', amountFen: amountFen! };
}

export type ReversalCheck =
  | { outcome: 'new'; original: LedgerEntry }
  | { outcome: 'duplicate'; entry: LedgerEntry }
  | { outcome: 'not_found' }
  | { outcome: 'conflict'; message: string };

export function checkReversal(ledger: readonly LedgerEntry[], reference: string, reason: string): ReversalCheck {
  const original = ledger.find((e) => e.reference === reference && e.kind === 'payment');
  if (!original) return { outcome: 'not_found' };
  const done = ledger.find((e) => e.reverses === reference);
  if (done) {
    return done.reason === reason
      ? { outcome: 'duplicate', entry: done }
      : { outcome: 'conflict', message: `Payment ${reference} was already reversed (${done.reason})` };
  }
  return { outcome: 'new', original };
}
