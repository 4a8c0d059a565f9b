// Where a contract stands at an instant: received, due, arrears, each checkpoint and tranche, and
// payroll coverage. A pure function of (contract, ledger, now), so the workflow (deciding when to
// escalate, from its LedgerSummary) and the read model (answering the API, from the entries)
// always agree: both reduce the ledger to the same per-day totals first.
import type { Contract, FundingSource } from './contract';
import {
  addDays,
  addMonths,
  calendarDaysBetween,
  completedMonths,
  shanghaiDate,
  startOfShanghaiDay,
  type IsoDate,
} from './dates';
import { divFloor, mulDivFloor } from './integers';
import type { Fen } from './money';
import { ledgerDays, type LedgerEntry, type LedgerSummary } from './ledger';

/** The ledger's entries, or the workflow's summary of them: every figure is the same from either. */
export type LedgerInput = readonly LedgerEntry[] | LedgerSummary;

function daysOf(contract: Contract, ledger: LedgerInput): Record<IsoDate, [Fen, Fen]> {
  return isEntries(ledger) ? ledgerDays(contract, ledger) : ledger.days;
}

function isEntries(ledger: LedgerInput): ledger is readonly LedgerEntry[] {
  return Array.isArray(ledger);
}

/** A contract's lifecycle: one list for the workflow, the API's schemas and the page's labels. */
export const CONTRACT_STATUSES = ['active', 'completed', 'closed', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/**
 * How a contract ends by itself once its term is over (its workflow's main loop): completed when
 * paid in full, closed with arrears after the grace. Terminated is the purchaser's doing.
 */
export const TERM_END_STATUSES = ['completed', 'closed'] as const satisfies readonly ContractStatus[];
export type TermEndStatus = (typeof TERM_END_STATUSES)[number];

/** Whether `status` (a contract's, or how it ended) is one its term's end gives it. */
export function endedWithTerm(status: string | undefined): status is TermEndStatus {
  return (TERM_END_STATUSES as readonly (string | undefined)[]).includes(status);
}

export const CHECKPOINT_STATES = ['pending', 'met', 'missed', 'recovered'] as const;
export type CheckpointState = (typeof CHECKPOINT_STATES)[number];

export const TRANCHE_STATES = ['upcoming', 'paid', 'overdue'] as const;
export type TrancheState = (typeof TRANCHE_STATES)[number];

/**
 * A payment application's status in the read model: `filing` while the API has written its row and
 * the contract's workflow has not yet taken it (api/services/payment-applications.ts), then pending
 * acceptance, accepted (or deemed so) or returned.
 */
export const PAYMENT_APPLICATION_STATUSES = ['filing', 'pending', 'accepted', 'returned'] as const;
export type PaymentApplicationStatus = (typeof PAYMENT_APPLICATION_STATUSES)[number];

export interface CheckpointStatus {
  id: string;
  by: string;
  minPercent: number;
  requiredFen: Fen;
  /** Received by the checkpoint's time (so far, while pending). */
  receivedByFen: Fen;
  status: CheckpointState;
  /** What was missing at the checkpoint's time (0 unless missed or recovered). */
  shortfallFen: Fen;
  /** What is still missing now (0 unless missed). */
  outstandingFen: Fen;
  recoveredOn: IsoDate | null;
  /**
   * Met or recovered: the day from which the money received has covered the required amount (the
   * receipts' dates, not the days they were entered), on or before `by` when met. The day the
   * payer stopped holding the checkpoint (see moneyStepHeldUntil). null otherwise.
   */
  coveredOn: IsoDate | null;
  /** Recovered: days from the checkpoint to recovery. Missed: days so far. */
  daysLate: number | null;
}

export interface TrancheStatus {
  id: string;
  label: string;
  due: string;
  amountFen: Fen;
  fundingSource: FundingSource;
  status: TrancheState;
  outstandingFen: Fen;
  /** Paid: the day from which the money received has covered it and every earlier tranche. */
  paidOn: IsoDate | null;
}

/**
 * The instant (epoch ms) a money step — a checkpoint or a tranche — stopped being held by the
 * payer: the first moment of `coveredOn`, the day its amount was reached by the receipts' own
 * dates (CheckpointStatus.coveredOn, TrancheStatus.paidOn), so money entered days after it arrived
 * is not charged for those days; that day itself counts as held when it is after the due day.
 * Never later than `now`.
 */
export function moneyStepHeldUntil(coveredOn: IsoDate, now: number): number {
  return Math.min(startOfShanghaiDay(coveredOn), now);
}

export interface PayrollStatus {
  headcount: number;
  monthlyPayrollFen: Fen;
  personnelReceivedFen: Fen;
  monthsCovered: number;
  monthsUnfunded: number;
  /** Whole months of the term (at least 1): monthsCovered + monthsUnfunded never exceed it. */
  termMonths: number;
  /** The first day the personnel money does not pay for (may lie after the term). */
  runOutDate: IsoDate;
}

export interface ContractFigures {
  receivedFen: Fen;
  dueToDateFen: Fen;
  arrearsFen: Fen;
  unpaidFen: Fen;
  checkpoints: CheckpointStatus[];
  tranches: TrancheStatus[];
  payroll?: PayrollStatus;
}

interface DayTotal {
  day: IsoDate;
  cumulativeFen: Fen;
}

/** Cumulative receipts at the end of each day that had entries, up to `now`. */
function dailyTotals(days: Record<IsoDate, [Fen, Fen]>, now: number): DayTotal[] {
  let cumulative = 0;
  return Object.keys(days)
    .filter((day) => startOfShanghaiDay(day) <= now)
    .sort()
    .map((day) => {
      cumulative += days[day]![0];
      return { day, cumulativeFen: cumulative };
    });
}

function totalAt(totals: DayTotal[], instant: number): Fen {
  let result = 0;
  for (const t of totals) {
    if (startOfShanghaiDay(t.day) > instant) break;
    result = t.cumulativeFen;
  }
  return result;
}

/** The day from which the total has stayed at or above `amount` (undefined if it is below now). */
function reachedOn(totals: DayTotal[], amount: Fen): IsoDate | undefined {
  let since: IsoDate | undefined;
  for (const t of totals) {
    if (t.cumulativeFen >= amount) since ??= t.day;
    else since = undefined;
  }
  return since;
}

function checkpointStatus(contract: Contract, totals: DayTotal[], now: number): CheckpointStatus[] {
  const today = shanghaiDate(now);
  const current = totals.at(-1)?.cumulativeFen ?? 0;
  return contract.checkpoints.map((c) => {
    const base = { id: c.id, by: c.by, minPercent: c.minPercent, requiredFen: c.requiredFen };
    const receivedByFen = totalAt(totals, Math.min(c.byAt, now));
    if (now < c.byAt) {
      return {
        ...base,
        receivedByFen,
        status: 'pending',
        shortfallFen: 0,
        outstandingFen: 0,
        recoveredOn: null,
        coveredOn: null,
        daysLate: null,
      };
    }
    if (receivedByFen >= c.requiredFen) {
      // Reached by the checkpoint's day (a required amount of 0 is reached by then at the latest).
      const coveredOn = reachedOn(totals, c.requiredFen) ?? shanghaiDate(c.byAt);
      return {
        ...base,
        receivedByFen,
        status: 'met',
        shortfallFen: 0,
        outstandingFen: 0,
        recoveredOn: null,
        coveredOn,
        daysLate: null,
      };
    }
    const byDay = shanghaiDate(c.byAt);
    const shortfallFen = c.requiredFen - receivedByFen;
    if (current >= c.requiredFen) {
      const recoveredOn = reachedOn(totals, c.requiredFen)!;
      return {
        ...base,
        receivedByFen,
        status: 'recovered',
        shortfallFen,
        outstandingFen: 0,
        recoveredOn,
        coveredOn: recoveredOn,
        daysLate: calendarDaysBetween(byDay, recoveredOn),
      };
    }
    return {
      ...base,
      receivedByFen,
      status: 'missed',
      shortfallFen,
      outstandingFen: c.requiredFen - current,
      recoveredOn: null,
      coveredOn: null,
      daysLate: calendarDaysBetween(byDay, today),
    };
  });
}

function trancheStatus(contract: Contract, totals: DayTotal[], now: number): TrancheStatus[] {
  const received = totals.at(-1)?.cumulativeFen ?? 0;
  let cumulative = 0;
  return [...contract.tranches]
    .sort((a, b) => a.dueAt - b.dueAt)
    .map((t) => {
      cumulative += t.amountFen;
      const outstandingFen = Math.min(t.amountFen, Math.max(0, cumulative - received));
      const paidOn = outstandingFen === 0 ? (reachedOn(totals, cumulative) ?? null) : null;
      return {
        id: t.id,
        label: t.label,
        due: t.due,
        amountFen: t.amountFen,
        fundingSource: t.fundingSource,
        status: outstandingFen === 0 ? 'paid' : t.dueAt <= now ? 'overdue' : 'upcoming',
        outstandingFen,
        paidOn,
      };
    });
}

/** Personnel money received by `now`: each entry's personnelShare (domain/ledger), summed. */
export function personnelReceived(contract: Contract, ledger: LedgerInput, now: number): Fen {
  return personnelByDays(daysOf(contract, ledger), now);
}

function personnelByDays(days: Record<IsoDate, [Fen, Fen]>, now: number): Fen {
  let total = 0;
  for (const [day, [, personnelFen]] of Object.entries(days)) {
    if (startOfShanghaiDay(day) <= now) total += personnelFen;
  }
  return total;
}

/**
 * Payroll coverage over the term, in whole months of the term (`termMonths`, at least 1):
 * `monthsCovered` is what the personnel money pays for, never more than the term's months;
 * `monthsUnfunded` counts the months elapsed so far of which no day is paid for (a month paid in
 * part is not without money). So covered + unfunded ≤ max(covered, months elapsed) ≤ termMonths.
 */
export function payrollStatus(contract: Contract, ledger: LedgerInput, now: number): PayrollStatus | undefined {
  return payrollStatusOfDays(contract, daysOf(contract, ledger), now);
}

function payrollStatusOfDays(
  contract: Contract,
  days: Record<IsoDate, [Fen, Fen]>,
  now: number,
): PayrollStatus | undefined {
  if (!contract.staffing) return undefined;
  const { headcount, monthlyPayrollFen } = contract.staffing;
  const personnelReceivedFen = personnelByDays(days, now);
  const startDay = shanghaiDate(contract.term.startAt);
  const fundedFen = Math.max(0, personnelReceivedFen);
  const coverage = payrollCoverage(startDay, fundedFen, monthlyPayrollFen);
  const endDay = shanghaiDate(contract.term.endAt);
  const today = shanghaiDate(now);
  const termMonths = Math.max(1, completedMonths(startDay, addDays(endDay, 1)));
  const monthsElapsed = Math.min(completedMonths(startDay, today), termMonths);
  // The months with at least one day paid for: the whole ones, and the one the rest runs into.
  const monthsTouched = coverage.wholeMonths + (fundedFen > coverage.wholeMonths * monthlyPayrollFen ? 1 : 0);
  const monthsUnfunded = Math.max(0, monthsElapsed - monthsTouched);
  return {
    headcount,
    monthlyPayrollFen,
    personnelReceivedFen,
    // Hundredths of a month counted in integers; the number is only their public form.
    monthsCovered: Math.min(coverage.hundredthsOfMonths, termMonths * 100) / 100,
    monthsUnfunded,
    termMonths,
    runOutDate: coverage.runOutDate,
  };
}

/**
 * How far `fundedFen` (≥ 0) pays a payroll of `monthlyPayrollFen` a month from `startDay`, in
 * integers only: whole months, then the days of the next month the rest pays for, each day of
 * that month costing monthlyPayroll / its length (rounded down: a day is covered only in full).
 * `runOutDate` is the first day not paid for; `hundredthsOfMonths` is the coverage in 1/100
 * months, rounded down.
 */
export function payrollCoverage(
  startDay: IsoDate,
  fundedFen: Fen,
  monthlyPayrollFen: Fen,
): { wholeMonths: number; hundredthsOfMonths: number; runOutDate: IsoDate } {
  const wholeMonths = divFloor(fundedFen, monthlyPayrollFen);
  const restFen = fundedFen - wholeMonths * monthlyPayrollFen;
  // Salaries run out part-way through the first month the money does not cover.
  const monthStart = addMonths(startDay, wholeMonths);
  const monthLength = calendarDaysBetween(monthStart, addMonths(startDay, wholeMonths + 1));
  const runOutDate = addDays(monthStart, mulDivFloor(restFen, monthLength, monthlyPayrollFen));
  return { wholeMonths, hundredthsOfMonths: mulDivFloor(fundedFen, 100, monthlyPayrollFen), runOutDate };
}

/** The sum of the tranches due by `now`. */
export function dueToDate(contract: Pick<Contract, 'tranches'>, now: number): Fen {
  return contract.tranches.filter((t) => t.dueAt <= now).reduce((s, t) => s + t.amountFen, 0);
}

/** Due to date minus received, never below zero. */
export function arrears(contract: Pick<Contract, 'tranches'>, receivedFen: Fen, now: number): Fen {
  return Math.max(0, dueToDate(contract, now) - receivedFen);
}

/**
 * The first instant (epoch ms) from which the contract is in arrears having received `receivedFen`
 * and nothing more, or null if that money covers every tranche. Arrears only change at a tranche's
 * due instant, so `arrears(contract, receivedFen, now) > 0` exactly when this is at or before
 * `now`: the read model stores it so "overdue" is an indexed comparison (issue 19).
 */
export function arrearsFrom(contract: Pick<Contract, 'tranches'>, receivedFen: Fen): number | null {
  const instants = [...new Set(contract.tranches.map((t) => t.dueAt))].sort((a, b) => a - b);
  return instants.find((at) => arrears(contract, receivedFen, at) > 0) ?? null;
}

/** The next checkpoint or tranche date after `now`. */
export function nextDeadline(contract: Contract, now: number): number | undefined {
  const times = [...contract.checkpoints.map((c) => c.byAt), ...contract.tranches.map((t) => t.dueAt)].filter(
    (t) => t > now,
  );
  return times.length > 0 ? Math.min(...times) : undefined;
}

export function contractFigures(contract: Contract, ledger: LedgerInput, now: number): ContractFigures {
  const days = daysOf(contract, ledger);
  const totals = dailyTotals(days, now);
  const receivedFen = totals.at(-1)?.cumulativeFen ?? 0;
  const dueToDateFen = dueToDate(contract, now);
  const payroll = payrollStatusOfDays(contract, days, now);
  return {
    receivedFen,
    dueToDateFen,
    arrearsFen: Math.max(0, dueToDateFen - receivedFen),
    unpaidFen: Math.max(0, contract.valueFen - receivedFen),
    checkpoints: checkpointStatus(contract, totals, now),
    tranches: trancheStatus(contract, totals, now),
    ...(payroll ? { payroll } : {}),
  };
}
