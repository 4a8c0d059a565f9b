// A statutory breach is not amended away (issue 18, after a hostile review): under
// sme_payment_2025 no schedule, terms or calendar amendment changes what a tranche in breach owes,
// its deadline or its interest — not with no application filed (basis due_date), not once paid
// late, not by moving an earlier paid tranche's money onto it, not by amending terms on the day a
// clock starts, and not by declaring past working days holidays (STATUTE_RULES.breachNotAmendedAway).
import { eq } from 'drizzle-orm';
import type { WorkflowClient } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clockOfContract } from '../../api/services/payment-clock-view';
import { ledgerEntryOf } from '../../api/services/contract-views';
import type { Database } from '../../db/client';
import { contracts, ledgerEntries } from '../../db/schema';
import { validateContractDefinition, type Contract } from '../../domain/contract';
import { addDays, calendarDaysBetween, shanghaiDate } from '../../domain/dates';
import { trancheClock, type PaymentTermsInput, type TrancheApplication } from '../../domain/payment-terms';
import { stepDueDay } from '../../domain/escalation';
import { calendarForYears } from '../../db/calendar';
import { isWorkingDay, withOverrides } from '../../domain/calendar';
import { stepKey, stepReference } from '../../domain/ids';
import { amendCalendarUpdate } from '../../workflows/calendar-messages';
import { contractWorkflow } from '../../workflows';
import {
  amendScheduleUpdate,
  contractStateQuery,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  terminateUpdate,
  type AmendScheduleInput,
  type ContractStateView,
} from '../../workflows/contract-messages';
import { decideApplicationUpdate, fileApplicationUpdate } from '../../workflows/payment-clock-messages';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { storedText } from '../helpers/texts';
import { expectRejection } from '../helpers/rejections';
import { REJECTION } from '../../workflows/rejection';

const DAY = 24 * 3600 * 1000;
const STATUTE_DUE_DATE: PaymentTermsInput = {
  basis: 'due_date',
  payWithinDays: 30,
  statute: 'sme_payment_2025',
  lateInterest: { kind: 'statutory_daily' },
};
const STATUTE_ACCEPTANCE: PaymentTermsInput = {
  basis: 'acceptance',
  payWithinDays: 30,
  acceptanceWorkingDays: 5,
  statute: 'sme_payment_2025',
  lateInterest: { kind: 'statutory_daily' },
};

function contractOf(
  id: string,
  year: number,
  tranches: AmendScheduleInput['tranches'],
  paymentTerms: PaymentTermsInput,
): Contract {
  const result = validateContractDefinition(
    sCountyContract(sCountyOrgIds, {
      id,
      term: { start: `${year}-01-01`, end: `${year + 1}-12-31` },
      value: '100000.00',
      budgetLines: undefined,
      staffing: undefined,
      tranches,
      checkpoints: [],
      paymentTerms,
      closeGraceDays: 3650,
    } as never),
    (org) => sCountyKinds[org],
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

/**
 * A tranche's clock as GET /v1/contracts/:id computes it (api/services/payment-clock-view
 * clockOfContract, from the read model), once the read model holds the workflow's revision.
 */
async function readClock(
  db: Database,
  handle: { query: (q: typeof contractStateQuery) => Promise<{ revision: number }>; client: WorkflowClient },
  contractId: string,
  trancheId: string,
  asOf: string,
) {
  const { revision } = await handle.query(contractStateQuery);
  const [row] = await eventually(
    () => db.select().from(contracts).where(eq(contracts.id, contractId)),
    (rows) => (rows[0]?.revision ?? 0) >= revision,
  );
  const ledger = (await db.select().from(ledgerEntries).where(eq(ledgerEntries.contractId, contractId))).map(
    ledgerEntryOf,
  );
  const view = await clockOfContract({ db, workflows: handle.client }, row!.definition as Contract, ledger, asOf);
  return view.tranches.find((t) => t.id === trancheId)!;
}

/** A tranche's clock as the workflow computes it from its state (no money recorded: receipts none). */
async function stateClock(
  handle: { query: (q: typeof contractStateQuery) => Promise<ContractStateView> },
  trancheId: string,
  asOf: string,
) {
  const state = await handle.query(contractStateQuery);
  const t = state.contract.tranches.find((x) => x.id === trancheId)!;
  const apps: TrancheApplication[] = Object.entries(state.paymentClock?.applications ?? {})
    .filter(([, a]) => a.tranche === trancheId)
    .map(([id, a]) => ({
      id,
      filedOn: a.filedOn,
      amountFen: a.amountFen,
      ...(a.acceptanceDueOn ? { acceptanceDueOn: a.acceptanceDueOn } : {}),
      ...(a.decision ? { decision: { outcome: a.decision.outcome, on: a.decision.on } } : {}),
    }));
  const year = Number(asOf.slice(0, 4));
  return trancheClock(
    state.contract,
    { id: t.id, dueOn: stepDueDay(t.dueAt), amountFen: t.amountFen, release: t.release ?? 'on_due_date' },
    apps,
    [],
    null,
    withOverrides(calendarForYears(year - 1, year + 1), state.contract.calendar),
    asOf,
  );
}

/** The clock's figures a breach may not lose: what is overdue, the interest it bore, its deadline. */
const kept = (clock: { overdueFen: number; interestFen: number; paymentDueOn: string | null }) => ({
  overdueFen: clock.overdueFen,
  interestFen: clock.interestFen,
  paymentDueOn: clock.paymentDueOn,
});

const twoHalves = (
  year: number,
  first: Partial<AmendScheduleInput['tranches'][number]> = {},
): AmendScheduleInput['tranches'] => [
  { id: 't1', label: 'First half', due: `${year}-01-31`, percent: 50, fundingSource: 'fiscal', ...first },
  { id: 't2', label: 'Second half', due: `${year + 1}-12-31`, percent: 50, fundingSource: 'fiscal' },
];

describe('a statutory breach is not amended away', () => {
  let harness: TimeSkippingHarness;
  beforeEach(async () => {
    harness = await timeSkippingHarness();
  });
  afterEach(async () => {
    await harness?.teardown();
  });

  type Handle = Awaited<ReturnType<TimeSkippingHarness['env']['client']['workflow']['start']>>;
  interface Running {
    db: Database;
    handle: Handle;
    year: number;
    today: string;
    contractId: string;
    /** Sends a schedule amendment (`tranches` of this year, terms unchanged unless given). */
    amend: (tranches: AmendScheduleInput['tranches'], paymentTerms?: PaymentTermsInput) => Promise<unknown>;
    file: (applicationId: string, tranche: string, amountFen: number) => Promise<unknown>;
    accept: (applicationId: string) => Promise<{ decidedOn: string }>;
    pay: (reference: string, amount: string, receivedOn: string) => Promise<unknown>;
  }

  /**
   * Runs `scenario` on contract `id` (term from 1 January this year, `tranches` of this year's
   * number, `terms`), registered, on a worker of its own; terminates it afterwards.
   */
  async function onContract(
    id: string,
    tranches: (year: number) => AmendScheduleInput['tranches'],
    terms: PaymentTermsInput,
    scenario: (run: Running) => Promise<void>,
  ): Promise<void> {
    const { env } = harness;
    const db = harness.database.handle.db;
    const { worker, taskQueue } = await harness.worker(id);
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const year = Number(shanghaiDate(now).slice(0, 4));
      const contract = contractOf(id, year, tranches(year), terms);
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      await scenario({
        db,
        handle,
        year,
        today: shanghaiDate(now),
        contractId: contract.id,
        amend: async (schedule, paymentTerms) =>
          handle.executeUpdate(amendScheduleUpdate, {
            args: [
              {
                tranches: schedule,
                checkpoints: [],
                ...(paymentTerms ? { paymentTerms } : {}),
                reason: await storedText(db, 'amended'),
                amendedBy: 'usr_agency',
              },
            ],
          }),
        file: (applicationId, tranche, amountFen) =>
          handle.executeUpdate(fileApplicationUpdate, {
            args: [{ applicationId, tranche, amountFen, filedBy: 'usr_contractor' }],
          }),
        accept: (applicationId) =>
          handle.executeUpdate(decideApplicationUpdate, {
            args: [{ applicationId, outcome: 'accept', decidedBy: 'usr_agency' }],
          }),
        pay: (reference, amount, receivedOn) =>
          handle.executeUpdate(recordPaymentUpdate, {
            args: [{ reference, amount, receivedOn, fundingSource: 'fiscal', recordedBy: 'usr_finance' }],
          }),
      });
      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
      });
    });
  }

  /** Expects `amending` refused for the breach rule, then the clock as `after` reads it unchanged from `before`. */
  async function expectBreachKept(
    amending: Promise<unknown>,
    before: Parameters<typeof kept>[0],
    after: () => Promise<Parameters<typeof kept>[0]>,
  ) {
    const refused = await expectRejection(amending, REJECTION.invalid);
    expect(refused.problems.map((p) => p.code)).toContain('overdue_tranche_kept');
    expect(kept(await after())).toEqual(kept(before));
  }

  it(
    'basis due_date, no application ever filed: a tranche in breach of the statute keeps its due day (overdue_tranche_kept)',
    { timeout: 240_000 },
    async () => {
      await onContract('breach-due-date', twoHalves, STATUTE_DUE_DATE, async (run) => {
        const clock = () => readClock(run.db, run.handle, run.contractId, 't1', run.today);
        const before = await clock();
        // Sanity: t1 is in breach under the statute, with interest.
        expect(before.terms.statute).toBe('sme_payment_2025');
        expect(before.overdueFen).toBe(5_000_000);
        expect(before.interestFen).toBeGreaterThan(0);
        await expectBreachKept(run.amend(twoHalves(run.year, { due: `${run.year + 1}-06-30` })), before, clock);
      });
    },
  );

  it(
    'a tranche paid late keeps the interest it bore: moving its due day afterwards does not erase it',
    { timeout: 240_000 },
    async () => {
      await onContract('breach-paid-late', twoHalves, STATUTE_DUE_DATE, async (run) => {
        // An application on t1 (filed before the money) gives the contract a payer's clock record.
        await run.file('pa_l', 't1', 100);
        await run.pay('P-LATE', '50000.00', run.today);
        const clock = () => readClock(run.db, run.handle, run.contractId, 't1', run.today);
        const paid = await clock();
        expect(paid.overdueFen).toBe(0);
        expect(paid.interestFen).toBeGreaterThan(0);
        await expectBreachKept(run.amend(twoHalves(run.year, { due: run.today })), paid, clock);
      });
    },
  );

  it(
    'the breach of t2 stays when an earlier, paid tranche is shrunk or moved after it (its money would be re-applied to t2)',
    { timeout: 240_000 },
    async () => {
      const tranches = (year: number): AmendScheduleInput['tranches'] => [
        { id: 't1', label: 'Advance', due: `${year}-01-31`, percent: 40, fundingSource: 'fiscal' },
        { id: 't2', label: 'Mid-term', due: `${year}-03-31`, percent: 30, fundingSource: 'fiscal' },
        { id: 't3', label: 'Final', due: `${year + 1}-12-31`, percent: 30, fundingSource: 'fiscal' },
      ];
      await onContract('breach-realloc', tranches, STATUTE_DUE_DATE, async (run) => {
        await run.file('pa_x', 't1', 100);
        // t1 was paid on time (recorded now with the day the money arrived); t2 never was.
        await run.pay('P-T1', '40000.00', `${run.year}-01-20`);
        const clock = async () =>
          readClock(run.db, run.handle, run.contractId, 't2', shanghaiDate(await harness.env.currentTimeMs()));
        const before = await clock();
        expect(before.overdueFen).toBe(3_000_000);
        expect(before.interestFen).toBeGreaterThan(0);
        const [t1, t2, t3] = tranches(run.year);
        await expectBreachKept(run.amend([{ ...t1!, percent: 10 }, t2!, { ...t3!, percent: 60 }]), before, clock);
        await expectBreachKept(run.amend([t2!, { ...t1!, due: `${run.year}-06-30` }, t3!]), before, clock);
      });
    },
  );

  /** t1 released on application (due next year), t2 at the term's end. */
  const onApplication = (year: number) => twoHalves(year, { due: `${year + 1}-01-31`, release: 'on_application' });

  it(
    'an acceptance starts the clock; an amendment later that day (twice) does not change the terms it runs on',
    { timeout: 240_000 },
    async () => {
      await onContract('breach-same-day', onApplication, STATUTE_ACCEPTANCE, async (run) => {
        await run.file('pa_s1', 't1', 5_000_000);
        const { decidedOn } = await run.accept('pa_s1');
        const started = await stateClock(run.handle, 't1', decidedOn);
        expect(started.paymentDueOn).toBe(addDays(decidedOn, 30));
        // Later the same day: 60 days, then (a second change that day) no statute and no interest.
        await run.amend(onApplication(run.year), { ...STATUTE_ACCEPTANCE, payWithinDays: 60 });
        await run.amend(onApplication(run.year), {
          ...STATUTE_ACCEPTANCE,
          payWithinDays: 60,
          statute: 'none',
          lateInterest: { kind: 'none' },
        });
        const after = await stateClock(run.handle, 't1', addDays(decidedOn, 90));
        expect({
          paymentDueOn: after.paymentDueOn,
          statute: after.terms.statute,
          interestPositive: after.interestFen > 0,
        }).toEqual({ paymentDueOn: addDays(decidedOn, 30), statute: 'sme_payment_2025', interestPositive: true });
      });
    },
  );

  it(
    'under dayCount working, a breach is not erased by declaring the past working days of its period holidays (the contract\u2019s own days)',
    { timeout: 240_000 },
    async () => {
      const { env } = harness;
      const terms: PaymentTermsInput = { ...STATUTE_ACCEPTANCE, dayCount: 'working' };
      await onContract('breach-calendar', onApplication, terms, async (run) => {
        await run.file('pa_c1', 't1', 5_000_000);
        const { decidedOn } = await run.accept('pa_c1');
        const first = await stateClock(run.handle, 't1', decidedOn);
        // Past the deadline (30 working days after the acceptance) by a week.
        await env.sleep((calendarDaysBetween(decidedOn, first.paymentDueOn!) + 7) * DAY);
        const today = shanghaiDate(await env.currentTimeMs());
        const late = await stateClock(run.handle, 't1', today);
        expect(late.overdueFen).toBe(5_000_000);
        expect(late.interestFen).toBeGreaterThan(0);
        const paymentOverdue = stepKey('paymentOverdue', stepReference(['t1']));
        const stepOpen = async () => (await run.handle.query(contractStateQuery)).steps?.[paymentOverdue]?.open;
        expect(await stepOpen()).toBe(true);
        // The purchaser declares every working day since the acceptance a day off (fewer than 400).
        const calendar = calendarForYears(run.year, run.year + 1);
        const holidays: string[] = [];
        for (let d = addDays(decidedOn, 1); d <= today; d = addDays(d, 1))
          if (isWorkingDay(d, calendar)) holidays.push(d);
        await expectRejection(
          run.handle.executeUpdate(amendCalendarUpdate, {
            args: [{ holidays, workdays: [], reason: await storedText(run.db, 'days off'), amendedBy: 'usr_agency' }],
          }),
          REJECTION.invalid,
        );
        await env.sleep(DAY);
        expect(kept(await stateClock(run.handle, 't1', today))).toEqual(kept(late));
        // Any later change (here a schedule amendment that changes nothing) makes the workflow judge its clock again.
        await run.amend(onApplication(run.year));
        await env.sleep(DAY / 24);
        expect(await stepOpen()).toBe(true);
      });
    },
  );
});
