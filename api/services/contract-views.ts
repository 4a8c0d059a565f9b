// How a contract reads at the API: money as decimal strings, figures computed for "now" from the
// read model with the same domain function the workflow uses.
import type { ledgerEntries } from '../../db/schema';
import type { ContractRow } from './visibility';
import { calendarWarnings } from '../../domain/calendar-years';
import type { Contract } from '../../domain/contract';
import { shanghaiDate } from '../../domain/dates';
import type { StoredLedgerEntry } from '../../domain/ledger';
import { formatMoney } from '../../domain/money';
import { arrears, contractFigures, dueToDate, nextDeadline } from '../../domain/status';
import type { StoredAmendment, StoredTermination } from '../../domain/contract-state';

type LedgerRow = typeof ledgerEntries.$inferSelect;

export function ledgerEntryOf(row: LedgerRow): StoredLedgerEntry {
  return {
    reference: row.reference,
    kind: row.kind,
    amountFen: row.amountFen,
    receivedOn: row.receivedOn,
    fundingSource: row.fundingSource,
    ...(row.budgetLine !== null ? { budgetLine: row.budgetLine } : {}),
    ...(row.note !== null ? { note: row.note } : {}),
    ...(row.reverses !== null ? { reverses: row.reverses } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt.toISOString(),
  };
}

export function ledgerEntryView(entry: StoredLedgerEntry) {
  return {
    reference: entry.reference,
    kind: entry.kind,
    amount: formatMoney(entry.amountFen),
    receivedOn: entry.receivedOn,
    fundingSource: entry.fundingSource,
    budgetLine: entry.budgetLine ?? null,
    note: entry.note ?? null,
    reverses: entry.reverses ?? null,
    reason: entry.reason ?? null,
    recordedBy: entry.recordedBy,
    recordedAt: entry.recordedAt,
  };
}

function definitionView(contract: Contract) {
  return {
    term: { start: contract.term.start, end: contract.term.end },
    parties: contract.parties,
    stations: contract.stations.map((s) => ({ ...s, townshipOrganization: s.townshipOrganization ?? null })),
    quotas: contract.quotas ?? [],
    milestones: (contract.milestones ?? []).map((m) => ({
      id: m.id,
      title: m.title,
      due: m.due,
      stations: m.stations,
      materials: m.materials,
      reviewer: m.reviewer,
      reviewWorkingDays: m.reviewWorkingDays,
      maxRounds: m.maxRounds,
    })),
    budgetLines: contract.budgetLines.map((l) => ({ id: l.id, kind: l.kind, amount: formatMoney(l.amountFen) })),
    staffing: contract.staffing
      ? { headcount: contract.staffing.headcount, monthlyPayroll: formatMoney(contract.staffing.monthlyPayrollFen) }
      : null,
    closeGraceDays: contract.closeGraceDays,
  };
}

/** The list entry of a contract: needs only the row (received total kept by the projection). */
export function contractSummary(row: ContractRow, now: number) {
  const contract = row.definition as Contract;
  const due = dueToDate(contract, now);
  const owed = arrears(contract, row.receivedFen, now);
  const next = nextDeadline(contract, now);
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    value: formatMoney(row.valueFen),
    received: formatMoney(row.receivedFen),
    dueToDate: formatMoney(due),
    arrears: formatMoney(owed),
    overdue: owed > 0,
    nextDeadline: next !== undefined ? shanghaiDate(next) : null,
  };
}

/** `hasSchedule`: whether a year has an official calendar (db/calendar.ts coveredYearTest). */
export function contractDetail(
  row: ContractRow,
  ledger: StoredLedgerEntry[],
  now: number,
  hasSchedule: (year: number) => boolean = () => true,
) {
  const contract = row.definition as Contract;
  const figures = contractFigures(contract, ledger, now);
  return {
    ...contractSummary(row, now),
    ...definitionView(contract),
    calendarWarnings: calendarWarnings(
      { start: shanghaiDate(contract.term.startAt), end: shanghaiDate(contract.term.endAt) },
      hasSchedule,
    ),
    unpaid: formatMoney(figures.unpaidFen),
    asOf: new Date(now).toISOString(),
    checkpoints: figures.checkpoints.map((c) => ({
      id: c.id,
      by: c.by,
      minPercent: c.minPercent,
      required: formatMoney(c.requiredFen),
      receivedBy: formatMoney(c.receivedByFen),
      status: c.status,
      shortfall: formatMoney(c.shortfallFen),
      outstanding: formatMoney(c.outstandingFen),
      recoveredOn: c.recoveredOn,
      daysLate: c.daysLate,
    })),
    tranches: figures.tranches.map((t) => {
      const defined = contract.tranches.find((d) => d.id === t.id);
      return {
        id: t.id,
        label: t.label,
        due: t.due,
        amount: formatMoney(t.amountFen),
        percent: defined?.percent ?? null,
        fundingSource: t.fundingSource,
        status: t.status,
        outstanding: formatMoney(t.outstandingFen),
        paidOn: t.paidOn,
      };
    }),
    payroll: figures.payroll
      ? {
          headcount: figures.payroll.headcount,
          monthlyPayroll: formatMoney(figures.payroll.monthlyPayrollFen),
          personnelReceived: formatMoney(figures.payroll.personnelReceivedFen),
          monthsCovered: figures.payroll.monthsCovered,
          monthsUnfunded: figures.payroll.monthsUnfunded,
          termMonths: figures.payroll.termMonths,
          runOutDate: figures.payroll.runOutDate,
        }
      : null,
    ledger: ledger.map(ledgerEntryView),
    scheduleVersion: row.scheduleVersion,
    // Appended by version as projections commit, so ordered here.
    amendments: [...(row.amendments as StoredAmendment[])]
      .sort((a, b) => a.version - b.version)
      .map((a) => ({
        version: a.version,
        reason: a.reason,
        amendedBy: a.amendedBy,
        amendedAt: a.amendedAt,
      })),
    termination: (row.termination as StoredTermination | null) ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    endedAt: row.endedAt ? row.endedAt.toISOString() : null,
  };
}
