// The payment ledger: entries are only ever added. A correction is a reversal entry that cancels an
// earlier payment as of that payment's own date. The entries (notes and all) are the record in
// PostgreSQL (ledger_entries); the contract's workflow keeps only a LedgerSummary — the totals and
// digests its decisions need — so its state stays bounded however the ledger is used.
import type { Contract, FundingSource } from './contract';
import { parseInstant, shanghaiDate, type IsoDate } from './dates';
import { shortDigest } from './digest';
import { freeTextDigest, type FreeText, type Resolved } from './free-text';
import { mulDivFloor } from './integers';
import { formatMoney, moneyProblem, parseMoney, type Fen } from './money';
import { moneyTextProblem, problem, type Problem } from './problems';
import { say, type Said } from './messages';

const conflictOf = (said: Said) => ({ outcome: 'conflict' as const, said });

export const LEDGER_KINDS = ['payment', 'reversal'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntry {
  reference: string;
  kind: LedgerKind;
  /** Signed: reversals are negative. */
  amountFen: Fen;
  /** The day the money arrived (for a reversal: the reversed payment's day). */
  receivedOn: IsoDate;
  fundingSource: FundingSource;
  budgetLine?: string;
  /** A reference inside workflows, the text in the read model (domain/free-text). */
  note?: FreeText;
  /** For a reversal: the payment it cancels, and why. */
  reverses?: string;
  reason?: FreeText;
  recordedBy: string;
  recordedAt: string;
}

/** A ledger entry as the read model holds it: note and reason as texts. */
export type StoredLedgerEntry = Resolved<LedgerEntry>;

export interface PaymentRequest {
  reference: string;
  amount: string;
  receivedOn: string;
  fundingSource: FundingSource;
  budgetLine?: string;
  /** The text from a client; a reference once the API has stored it (domain/free-text). */
  note?: FreeText;
}

export const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$/;

export function receivedTotal(ledger: readonly LedgerEntry[]): Fen {
  return ledger.reduce((sum, e) => sum + e.amountFen, 0);
}

/**
 * The ledger reference of the reversal of payment `reference` (public: the API answers with it).
 * Injective and never a payment's: a payment's reference matches REFERENCE, which has no "~".
 */
export function reversalReference(reference: string): string {
  return `${reference}~reversal`;
}

/**
 * What a contract's workflow knows of its ledger: enough to decide exactly what the whole ledger
 * would decide (checkpoints, tranches, payroll, duplicates, reversals), nothing that grows with a
 * note's length. Plain JSON, carried across continue-as-new.
 *
 * Bound: every map has at most `count` keys, and `count` ≤ MAX_PAYMENTS_PER_CONTRACT (2,000,
 * domain/limits.ts). A recorded payment costs at most ~130 bytes in `payments` (22-character
 * digests of its reference, its content and its reversal's reason; its amount, day, funding
 * source and budget line index), a day ~35 bytes in `days`: at most ~330 KB, under a quarter of
 * Temporal's 2 MB payload limit. With the reference's or note's text instead it could be 4 MB.
 */
export interface LedgerSummary {
  /** Entries recorded, payments and reversals. */
  count: number;
  /** The sum of every entry (reversals are negative), in fen. */
  receivedFen: Fen;
  /** Per day money arrived (receivedOn): [net fen, personnel share in fen] (see personnelShare). */
  days: Record<IsoDate, [Fen, Fen]>;
  /** Net fen per funding source. */
  byFundingSource: Partial<Record<FundingSource, Fen>>;
  /** Net fen per budget line id ('' for entries naming none). */
  byBudgetLine: Record<string, Fen>;
  /**
   * Each payment by shortDigest(reference): "contentDigest amountFen receivedOn fundingSource
   * budgetLineIndex|- reversalReasonDigest|-" (see RecordedPayment).
   */
  payments: Record<string, string>;
}

/** A payment as the summary remembers it (unpacked). */
export interface RecordedPayment {
  /** paymentContentDigest of what was recorded. */
  content: string;
  amountFen: Fen;
  receivedOn: IsoDate;
  fundingSource: FundingSource;
  budgetLine?: string;
  /** shortDigest of the reason, once reversed. */
  reversedBecause?: string;
}

export function emptyLedgerSummary(): LedgerSummary {
  return { count: 0, receivedFen: 0, days: {}, byFundingSource: {}, byBudgetLine: {}, payments: {} };
}

/** The digest that tells a repeated payment (same content) from a conflicting one. */
export function paymentContentDigest(p: {
  amountFen: Fen;
  receivedOn: string;
  fundingSource: string;
  budgetLine?: string;
  note?: FreeText;
}): string {
  // The note by its digest: the same whether the note is the text (read model) or its reference (workflow).
  return shortDigest(
    JSON.stringify([p.amountFen, p.receivedOn, p.fundingSource, p.budgetLine ?? null, freeTextDigest(p.note)]),
  );
}

function packPayment(contract: Contract, p: RecordedPayment): string {
  const line = p.budgetLine === undefined ? '-' : String(contract.budgetLines.findIndex((l) => l.id === p.budgetLine));
  return [p.content, p.amountFen, p.receivedOn, p.fundingSource, line, p.reversedBecause ?? '-'].join(' ');
}

function unpackPayment(contract: Contract, packed: string): RecordedPayment {
  const [content, amount, receivedOn, fundingSource, line, reversed] = packed.split(' ') as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    content,
    amountFen: Number(amount),
    receivedOn,
    fundingSource: fundingSource as FundingSource,
    ...(line !== '-' ? { budgetLine: contract.budgetLines[Number(line)]!.id } : {}),
    ...(reversed !== '-' ? { reversedBecause: reversed } : {}),
  };
}

/** The payment recorded under `reference`, if any. */
export function recordedPayment(
  contract: Contract,
  summary: LedgerSummary,
  reference: string,
): RecordedPayment | undefined {
  const packed = summary.payments[shortDigest(reference)];
  return packed === undefined ? undefined : unpackPayment(contract, packed);
}

/**
 * The part of an entry that counts as personnel money: all of it when the contract has no budget
 * lines, all or nothing when it names a line, otherwise its share of the personnel lines in the
 * budget, rounded toward zero so that a reversal takes back exactly what its payment gave.
 */
export function personnelShare(contract: Contract, amountFen: Fen, budgetLine: string | undefined): Fen {
  if (contract.budgetLines.length === 0) return amountFen;
  if (budgetLine !== undefined)
    return contract.budgetLines.find((l) => l.id === budgetLine)?.kind === 'personnel' ? amountFen : 0;
  const personnelBudget = contract.budgetLines
    .filter((l) => l.kind === 'personnel')
    .reduce((s, l) => s + l.amountFen, 0);
  return Math.sign(amountFen) * mulDivFloor(Math.abs(amountFen), personnelBudget, contract.valueFen);
}

/** Per day: [net fen, personnel fen] of the entries. */
export function ledgerDays(contract: Contract, ledger: readonly LedgerEntry[]): Record<IsoDate, [Fen, Fen]> {
  const days: Record<IsoDate, [Fen, Fen]> = {};
  for (const e of ledger)
    addToDay(days, e.receivedOn, e.amountFen, personnelShare(contract, e.amountFen, e.budgetLine));
  return days;
}

function addToDay(days: Record<IsoDate, [Fen, Fen]>, day: IsoDate, amountFen: Fen, personnelFen: Fen): void {
  const d = (days[day] ??= [0, 0]);
  d[0] += amountFen;
  d[1] += personnelFen;
}

/** A total kept under `key`, 0 when there is none (never an inherited member such as "constructor"). */
const ownOr0 = (totals: Record<string, Fen>, key: string): Fen => (Object.hasOwn(totals, key) ? totals[key]! : 0);

/** Adds one entry (a payment or a reversal) to the summary, in place. */
export function addToSummary(contract: Contract, summary: LedgerSummary, entry: LedgerEntry): void {
  summary.count += 1;
  summary.receivedFen += entry.amountFen;
  addToDay(
    summary.days,
    entry.receivedOn,
    entry.amountFen,
    personnelShare(contract, entry.amountFen, entry.budgetLine),
  );
  summary.byFundingSource[entry.fundingSource] = ownOr0(summary.byFundingSource, entry.fundingSource) + entry.amountFen;
  const line = entry.budgetLine ?? '';
  summary.byBudgetLine[line] = ownOr0(summary.byBudgetLine, line) + entry.amountFen;
  if (entry.kind === 'payment') {
    summary.payments[shortDigest(entry.reference)] = packPayment(contract, {
      content: paymentContentDigest(entry),
      amountFen: entry.amountFen,
      receivedOn: entry.receivedOn,
      fundingSource: entry.fundingSource,
      ...(entry.budgetLine !== undefined ? { budgetLine: entry.budgetLine } : {}),
    });
  } else if (entry.reverses !== undefined) {
    const key = shortDigest(entry.reverses);
    const original = unpackPayment(contract, summary.payments[key]!);
    summary.payments[key] = packPayment(contract, {
      ...original,
      reversedBecause: shortDigest(freeTextDigest(entry.reason)),
    });
  }
}

/** The summary of a whole ledger (entries in the order recorded). */
export function summarize(contract: Contract, ledger: readonly LedgerEntry[]): LedgerSummary {
  const summary = emptyLedgerSummary();
  for (const entry of ledger) addToSummary(contract, summary, entry);
  return summary;
}

export type PaymentCheck =
  | { outcome: 'new'; amountFen: Fen }
  | { outcome: 'duplicate' }
  | { outcome: 'conflict'; said: Said }
  | { outcome: 'invalid'; problems: Problem[] };

/** Decides what recording `request` would do, without doing it. `now`: the current instant. */
export function checkPayment(
  contract: Contract,
  ledger: LedgerSummary,
  request: PaymentRequest,
  now: number,
): PaymentCheck {
  const existing = recordedPayment(contract, ledger, request.reference);
  if (existing) {
    const amountFen = moneyProblem(request.amount) ? undefined : parseMoney(request.amount);
    // Only a valid amount can equal the recorded one (NaN never matches a digest of a number).
    const same = amountFen !== undefined && existing.content === paymentContentDigest({ ...request, amountFen });
    return same
      ? { outcome: 'duplicate' }
      : conflictOf(say('payment_reference_used', { reference: request.reference }));
  }
  const problems: Problem[] = [];
  if (!REFERENCE.test(request.reference)) {
    problems.push(problem('reference', 'reference_format'));
  }
  let amountFen: Fen | undefined;
  const wrong = moneyProblem(request.amount);
  if (wrong) problems.push(moneyTextProblem('amount', wrong));
  else {
    amountFen = parseMoney(request.amount);
    const unpaid = contract.valueFen - ledger.receivedFen;
    if (amountFen <= 0) problems.push(problem('amount', 'above_zero'));
    else if (amountFen > unpaid) {
      problems.push(problem('amount', 'exceeds_unpaid', { unpaid: formatMoney(Math.max(0, unpaid)) }));
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(request.receivedOn) || parseInstant(request.receivedOn) === undefined) {
    problems.push(problem('receivedOn', 'day_required'));
  } else if (request.receivedOn > shanghaiDate(now)) {
    problems.push(problem('receivedOn', 'in_future', { today: shanghaiDate(now) }));
  }
  if (request.budgetLine !== undefined && !contract.budgetLines.some((l) => l.id === request.budgetLine)) {
    problems.push(problem('budgetLine', 'not_a_budget_line', { id: request.budgetLine }));
  }
  if (problems.length > 0) return { outcome: 'invalid', problems };
  return { outcome: 'new', amountFen: amountFen! };
}

export type ReversalCheck =
  | { outcome: 'new'; original: RecordedPayment }
  | { outcome: 'duplicate' }
  | { outcome: 'not_found' }
  | { outcome: 'conflict'; said: Said };

export function checkReversal(
  contract: Contract,
  ledger: LedgerSummary,
  reference: string,
  reason: FreeText,
): ReversalCheck {
  const original = recordedPayment(contract, ledger, reference);
  if (!original) return { outcome: 'not_found' };
  if (original.reversedBecause !== undefined) {
    return original.reversedBecause === shortDigest(freeTextDigest(reason))
      ? { outcome: 'duplicate' }
      : conflictOf(say('payment_reversed_otherwise', { reference }));
  }
  return { outcome: 'new', original };
}

/** The reversal entry that cancels `original` (recorded under `reference`). */
export function reversalEntry(
  reference: string,
  original: RecordedPayment,
  request: { reason: FreeText; recordedBy: string },
  recordedAt: string,
): LedgerEntry {
  return {
    reference: reversalReference(reference),
    kind: 'reversal',
    amountFen: -original.amountFen,
    receivedOn: original.receivedOn,
    fundingSource: original.fundingSource,
    ...(original.budgetLine !== undefined ? { budgetLine: original.budgetLine } : {}),
    reverses: reference,
    reason: request.reason,
    recordedBy: request.recordedBy,
    recordedAt,
  };
}
