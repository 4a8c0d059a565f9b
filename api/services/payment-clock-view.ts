// The payer's clock as the API shows it (issue 18): each tranche's clock and the contract's total
// interest, from the read model (ledger, payment applications, approved submissions) and the
// calendar in force. The rules are domain/payment-terms'.
import type { WorkflowClient } from '@temporalio/client';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { calendarInForce } from '../../db/calendar';
import type { Database } from '../../db/client';
import { contracts, paymentApplications, submissions } from '../../db/schema';
import { withOverrides, type WorkingCalendar } from '../../domain/calendar';
import type { Contract } from '../../domain/contract';
import { shanghaiDate, type IsoDate } from '../../domain/dates';
import { stepDueDay } from '../../domain/escalation';
import { ledgerDays, type LedgerEntry } from '../../domain/ledger';
import { formatMoney, type Fen } from '../../domain/money';
import type { ClockApplication, PaymentClockState } from '../../domain/payment-clock';
import {
  paymentTermsOf,
  releaseOf,
  trancheClock,
  trancheReceipts,
  type PaymentTerms,
  type TrancheApplication,
  type TrancheClock,
  windowOf,
} from '../../domain/payment-terms';
import { contractStateQuery, contractWorkflowId } from '../../workflows/contract-messages';

export type ApplicationRow = typeof paymentApplications.$inferSelect;

/**
 * The day each milestone was approved (every station it names, or the contract as a whole, has an
 * approved submission): the latest of those approvals' days. Missing while not approved.
 */
export async function milestoneApprovals(db: Database, contract: Contract): Promise<Map<string, IsoDate>> {
  const wanted = [
    ...new Set(contract.tranches.flatMap((t) => (typeof t.release === 'object' ? [t.release.afterApproval] : []))),
  ];
  const approvals = new Map<string, IsoDate>();
  if (wanted.length === 0) return approvals;
  const rows = await db
    .select({ milestoneId: submissions.milestoneId, station: submissions.station, decision: submissions.decision })
    .from(submissions)
    .where(
      and(
        eq(submissions.contractId, contract.id),
        inArray(submissions.milestoneId, wanted),
        eq(submissions.status, 'approved'),
      ),
    );
  for (const id of wanted) {
    const milestone = contract.milestones?.find((m) => m.id === id);
    if (!milestone) continue;
    const stations = milestone.stations.length > 0 ? milestone.stations : [''];
    let latest: IsoDate | undefined;
    let all = true;
    for (const station of stations) {
      const approved = rows.filter((r) => r.milestoneId === id && r.station === station);
      if (approved.length === 0) {
        all = false;
        break;
      }
      for (const r of approved) {
        const at = (r.decision as { decidedAt?: string } | null)?.decidedAt;
        const day = at ? shanghaiDate(Date.parse(at)) : undefined;
        if (day && (!latest || day > latest)) latest = day;
      }
    }
    if (all && latest) approvals.set(id, latest);
  }
  return approvals;
}

/** The calendar a contract's days are counted on: the official one in force, with the contract's overrides. */
export async function contractCalendar(db: Database, contract: Contract, asOf: IsoDate): Promise<WorkingCalendar> {
  const fromYear = Number(contract.term.start.slice(0, 4));
  const toYear = Math.max(Number(asOf.slice(0, 4)), new Date(contract.term.endAt).getUTCFullYear()) + 1;
  return withOverrides(await calendarInForce(db, fromYear, toYear), contract.calendar);
}

export interface PaymentClockView {
  terms: PaymentTerms;
  asOf: IsoDate;
  tranches: Array<{
    id: string;
    label: string;
    release: TrancheClock['release'];
    /** The terms its clock runs on: those in force on the day it started. */
    terms: PaymentTerms;
    clockStartedOn: IsoDate | null;
    releasedOn: IsoDate | null;
    applied: string;
    appliedOn: IsoDate | null;
    acceptanceDueOn: IsoDate | null;
    acceptedOn: IsoDate | null;
    deemedAcceptedOn: IsoDate | null;
    purchaserLateWorkingDays: number;
    paymentDueOn: IsoDate | null;
    outstanding: string;
    /** What is overdue on `asOf`: what the clock is owed and has not arrived, once its deadline passed (else 0). */
    overdue: string;
    overdueFen: Fen;
    daysOverdue: number;
    interest: string;
    interestFen: Fen;
    segments: Array<{ from: IsoDate; to: IsoDate; days: number; base: string; interest: string }>;
  }>;
  interest: string;
  interestFen: Fen;
}

/** Each tranche's clock on `asOf` (domain/payment-terms trancheClock) and the contract's total interest. */
export function paymentClockOf(
  contract: Contract,
  ledger: readonly LedgerEntry[],
  applications: readonly ApplicationRow[],
  approvals: ReadonlyMap<string, IsoDate>,
  calendar: WorkingCalendar,
  asOf: IsoDate,
): PaymentClockView {
  const terms = paymentTermsOf(contract);
  const days = Object.fromEntries(Object.entries(ledgerDays(contract, [...ledger])).map(([day, [net]]) => [day, net]));
  const receipts = trancheReceipts(contract.tranches, days);
  const tranches = [...contract.tranches]
    .sort((a, b) => a.dueAt - b.dueAt)
    .map((t) => {
      const apps: TrancheApplication[] = applications
        .filter((a) => a.tranche === t.id && a.filedOn !== null)
        .map((a) => ({
          id: a.id,
          filedOn: a.filedOn!,
          ...(a.acceptanceDueOn ? { acceptanceDueOn: a.acceptanceDueOn } : {}),
          amountFen: a.amountFen,
          ...(a.decidedOn && (a.status === 'accepted' || a.status === 'returned')
            ? {
                decision: {
                  outcome: a.status === 'accepted' ? ('accept' as const) : ('return' as const),
                  on: a.decidedOn,
                },
              }
            : {}),
        }));
      const release = releaseOf(t);
      const approvedOn = typeof release === 'object' ? (approvals.get(release.afterApproval) ?? null) : null;
      const clock = trancheClock(
        contract,
        { id: t.id, dueOn: stepDueDay(t.dueAt), amountFen: t.amountFen, release },
        apps,
        receipts.get(t.id) ?? [],
        approvedOn,
        calendar,
        asOf,
      );
      const overdueFen = clock.overdueFen;
      return {
        id: t.id,
        label: t.label,
        release,
        terms: clock.terms,
        clockStartedOn: clock.startedOn,
        releasedOn: clock.releasedOn,
        applied: formatMoney(clock.appliedFen),
        appliedOn: clock.appliedOn,
        acceptanceDueOn: clock.acceptanceDueOn,
        acceptedOn: clock.acceptedOn,
        deemedAcceptedOn: clock.deemedAcceptedOn,
        purchaserLateWorkingDays: clock.purchaserLateWorkingDays,
        paymentDueOn: clock.paymentDueOn,
        outstanding: formatMoney(clock.outstandingFen),
        overdue: formatMoney(overdueFen),
        overdueFen,
        daysOverdue: clock.daysOverdue,
        interest: formatMoney(clock.interestFen),
        interestFen: clock.interestFen,
        segments: clock.segments.map((s) => ({
          from: s.from,
          to: s.to,
          days: s.days,
          base: formatMoney(s.baseFen),
          interest: formatMoney(s.interestFen),
        })),
      };
    });
  const interestFen = tranches.reduce((s, t) => s + t.interestFen, 0);
  return { terms, asOf, tranches, interest: formatMoney(interestFen), interestFen };
}

/** What reads a contract's applications: the read model, and the contract's workflow for those still "filing". */
export interface ApplicationSources {
  db: Database;
  workflows: WorkflowClient;
}

/** How long a filing or a decision waits for a workflow to say whether it holds an application left "filing". */
const SETTLE_QUERY_MS = 5_000;
/**
 * How long one read (a contract's detail or list, a page of the payer's overdue list) waits in all
 * for workflows to say which of its rows left "filing" they hold: a read asks each contract once,
 * whatever its number of such rows, and past this deadline answers with the read model as it is
 * (the rows not settled: not listed, not counted) — a worker or Temporal down slows a read by this
 * much at most, never by a wait per row or per contract.
 */
export const SETTLE_READ_MS = 2_000;

/** The applications `contractId`'s workflow holds, or undefined when it cannot say before `deadline` (epoch ms). */
async function heldApplications(
  workflows: WorkflowClient,
  contractId: string,
  deadline: number,
): Promise<PaymentClockState['applications'] | undefined> {
  if (Date.now() >= deadline) return undefined;
  try {
    const state = await workflows.withDeadline(deadline, () =>
      workflows.getHandle(contractWorkflowId(contractId)).query(contractStateQuery),
    );
    return state.paymentClock?.applications ?? {};
  } catch {
    return undefined;
  }
}

/**
 * `row` (still "filing") as the workflow holds it, `held`: "pending" with the workflow's days (and
 * returns), so that an application the workflow holds is always listed, counted on the payer's
 * clock and decidable.
 */
async function settleHeld(db: Database, row: ApplicationRow, held: ClockApplication): Promise<ApplicationRow> {
  const [contractRow] = await db.select().from(contracts).where(eq(contracts.id, row.contractId));
  const contract = contractRow!.definition as Contract;
  const acceptanceDueOn =
    held.acceptanceDueOn ?? windowOf(held, contract, await contractCalendar(db, contract, held.filedOn));
  await db
    .update(paymentApplications)
    .set({
      status: 'pending',
      tranche: held.tranche,
      amountFen: held.amountFen,
      filedAt: new Date(held.filedAt),
      filedOn: held.filedOn,
      acceptanceDueOn,
    })
    .where(and(eq(paymentApplications.id, row.id), eq(paymentApplications.status, 'filing')));
  return (await db.select().from(paymentApplications).where(eq(paymentApplications.id, row.id)))[0]!;
}

/**
 * A row still "filing" (its filing's answer lost: a timeout, a 5xx) settled as the workflow holds
 * it (settleHeld); undefined when the workflow does not hold it (or cannot be asked within
 * SETTLE_QUERY_MS).
 */
export async function settleFiling(
  { db, workflows }: ApplicationSources,
  row: ApplicationRow,
): Promise<ApplicationRow | undefined> {
  const held = (await heldApplications(workflows, row.contractId, Date.now() + SETTLE_QUERY_MS))?.[row.id];
  return held ? settleHeld(db, row, held) : undefined;
}

/**
 * A contract's applications, oldest first, as its workflow holds them: the rows left "filing" are
 * settled first, from one question to the workflow asked before `deadline` (epoch ms; default
 * SETTLE_READ_MS from now); one the workflow does not hold (or that could not be asked) stays
 * "filing". The one read of a contract's applications for its list, its detail's clock and the
 * payer's overdue list.
 */
export async function contractApplications(
  sources: ApplicationSources,
  contractId: string,
  deadline = Date.now() + SETTLE_READ_MS,
): Promise<ApplicationRow[]> {
  const rows = await sources.db
    .select()
    .from(paymentApplications)
    .where(eq(paymentApplications.contractId, contractId))
    .orderBy(asc(paymentApplications.createdAt), asc(paymentApplications.id));
  if (!rows.some((r) => r.status === 'filing')) return rows;
  const held = await heldApplications(sources.workflows, contractId, deadline);
  const settled: ApplicationRow[] = [];
  for (const row of rows) {
    const application = row.status === 'filing' ? held?.[row.id] : undefined;
    settled.push(application ? await settleHeld(sources.db, row, application) : row);
  }
  return settled;
}

/** The clock of a contract on `asOf`, from the read model (its applications as contractApplications reads them). */
export async function clockOfContract(
  sources: ApplicationSources,
  contract: Contract,
  ledger: readonly LedgerEntry[],
  asOf: IsoDate,
  /** When the read stops asking workflows about rows left "filing" (contractApplications). */
  deadline?: number,
): Promise<PaymentClockView> {
  const { db } = sources;
  return paymentClockOf(
    contract,
    ledger,
    await contractApplications(sources, contract.id, deadline),
    await milestoneApprovals(db, contract),
    await contractCalendar(db, contract, asOf),
    asOf,
  );
}
