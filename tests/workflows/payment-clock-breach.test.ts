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

type Outcome = 'accepted' | { type?: string; problems?: unknown };
const outcomeOf = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    () => 'accepted' as const,
    (e: Error & { cause?: { type?: string; details?: unknown[] } }) => ({
      type: e.cause?.type,
      problems: e.cause?.details?.[0],
    }),
  );

describe('a statutory breach is not amended away', () => {
  let harness: TimeSkippingHarness;
  beforeEach(async () => {
    harness = await timeSkippingHarness();
  });
  afterEach(async () => {
    await harness?.teardown();
  });

  async function started(
    id: string,
    taskQueue: string,
    tranches: (year: number) => AmendScheduleInput['tranches'],
    terms: PaymentTermsInput,
  ) {
    const { env } = harness;
    const now = await env.currentTimeMs();
    const year = Number(shanghaiDate(now).slice(0, 4));
    const contract = contractOf(id, year, tranches(year), terms);
    const handle = await env.client.workflow.start(contractWorkflow, {
      workflowId: contractWorkflowId(contract.id),
      taskQueue,
      args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
    });
    await handle.executeUpdate(registeredUpdate);
    return { handle, year, today: shanghaiDate(now), contractId: contract.id };
  }

  it(
    'basis due_date, no application ever filed: a tranche in breach of the statute keeps its due day (overdue_tranche_kept)',
    { timeout: 240_000 },
    async () => {
      const db = harness.database.handle.db;
      const { worker, taskQueue } = await harness.worker('breach-due-date');
      await worker.runUntil(async () => {
        const tranches = (year: number): AmendScheduleInput['tranches'] => [
          { id: 't1', label: 'First half', due: `${year}-01-31`, percent: 50, fundingSource: 'fiscal' },
          { id: 't2', label: 'Second half', due: `${year + 1}-12-31`, percent: 50, fundingSource: 'fiscal' },
        ];
        const { handle, year, today, contractId } = await started(
          'breach-due-date',
          taskQueue,
          tranches,
          STATUTE_DUE_DATE,
        );
        const before = await readClock(db, handle, contractId, 't1', today);
        // Sanity: t1 is in breach under the statute, with interest.
        expect(before.terms.statute).toBe('sme_payment_2025');
        expect(before.overdueFen).toBe(5_000_000);
        expect(before.interestFen).toBeGreaterThan(0);
        const [t1, t2] = tranches(year);
        const moved = await outcomeOf(
          handle.executeUpdate(amendScheduleUpdate, {
            args: [
              {
                tranches: [{ ...t1!, due: `${year + 1}-06-30` }, t2!],
                checkpoints: [],
                reason: await storedText(db, 'move'),
                amendedBy: 'usr_agency',
              },
            ],
          }),
        );
        const after = await readClock(db, handle, contractId, 't1', today);
        expect({ moved, overdueFen: after.overdueFen, interestFen: after.interestFen }).toEqual({
          moved: expect.objectContaining({
            type: 'Invalid',
            problems: [expect.objectContaining({ code: 'overdue_tranche_kept' })],
          }),
          overdueFen: before.overdueFen,
          interestFen: before.interestFen,
        });
        await handle.executeUpdate(terminateUpdate, {
          args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
        });
      });
    },
  );

  it(
    'a tranche paid late keeps the interest it bore: moving its due day afterwards does not erase it',
    { timeout: 240_000 },
    async () => {
      const db = harness.database.handle.db;
      const { worker, taskQueue } = await harness.worker('breach-paid-late');
      await worker.runUntil(async () => {
        const tranches = (year: number): AmendScheduleInput['tranches'] => [
          { id: 't1', label: 'First half', due: `${year}-01-31`, percent: 50, fundingSource: 'fiscal' },
          { id: 't2', label: 'Second half', due: `${year + 1}-12-31`, percent: 50, fundingSource: 'fiscal' },
        ];
        const { handle, year, today, contractId } = await started(
          'breach-paid-late',
          taskQueue,
          tranches,
          STATUTE_DUE_DATE,
        );
        // An application on t1 (filed before the money) makes state.paymentClock exist, so breachedTrancheProblems runs at all.
        await handle.executeUpdate(fileApplicationUpdate, {
          args: [{ applicationId: 'pa_l', tranche: 't1', amountFen: 100, filedBy: 'usr_contractor' }],
        });
        await handle.executeUpdate(recordPaymentUpdate, {
          args: [
            {
              reference: 'P-LATE',
              amount: '50000.00',
              receivedOn: today,
              fundingSource: 'fiscal',
              recordedBy: 'usr_finance',
            },
          ],
        });
        const paid = await readClock(db, handle, contractId, 't1', today);
        expect(paid.overdueFen).toBe(0);
        expect(paid.interestFen).toBeGreaterThan(0);
        const [t1, t2] = tranches(year);
        const moved = await outcomeOf(
          handle.executeUpdate(amendScheduleUpdate, {
            args: [
              {
                tranches: [{ ...t1!, due: today }, t2!],
                checkpoints: [],
                reason: await storedText(db, 'move'),
                amendedBy: 'usr_agency',
              },
            ],
          }),
        );
        const after = await readClock(db, handle, contractId, 't1', today);
        expect({ moved, interestFen: after.interestFen }).toEqual({
          moved: expect.objectContaining({ type: 'Invalid' }),
          interestFen: paid.interestFen,
        });
        await handle.executeUpdate(terminateUpdate, {
          args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
        });
      });
    },
  );

  it(
    'the breach of t2 stays when an earlier, paid tranche is shrunk or moved after it (its money would be re-applied to t2)',
    { timeout: 240_000 },
    async () => {
      const { env } = harness;
      const db = harness.database.handle.db;
      const { worker, taskQueue } = await harness.worker('breach-realloc');
      await worker.runUntil(async () => {
        const tranches = (year: number): AmendScheduleInput['tranches'] => [
          { id: 't1', label: 'Advance', due: `${year}-01-31`, percent: 40, fundingSource: 'fiscal' },
          { id: 't2', label: 'Mid-term', due: `${year}-03-31`, percent: 30, fundingSource: 'fiscal' },
          { id: 't3', label: 'Final', due: `${year + 1}-12-31`, percent: 30, fundingSource: 'fiscal' },
        ];
        const { handle, year, today, contractId } = await started(
          'breach-realloc',
          taskQueue,
          tranches,
          STATUTE_DUE_DATE,
        );
        // Make breachedTrancheProblems run (it returns [] while state.paymentClock is absent): an application on t1.
        await handle.executeUpdate(fileApplicationUpdate, {
          args: [{ applicationId: 'pa_x', tranche: 't1', amountFen: 100, filedBy: 'usr_contractor' }],
        });
        // t1 was paid on time (recorded now with the day the money arrived); t2 never was.
        await handle.executeUpdate(recordPaymentUpdate, {
          args: [
            {
              reference: 'P-T1',
              amount: '40000.00',
              receivedOn: `${year}-01-20`,
              fundingSource: 'fiscal',
              recordedBy: 'usr_finance',
            },
          ],
        });
        const before = await readClock(db, handle, contractId, 't2', today);
        expect(before.overdueFen).toBe(3_000_000);
        expect(before.interestFen).toBeGreaterThan(0);
        const [t1, t2, t3] = tranches(year);
        const shrink = await outcomeOf(
          handle.executeUpdate(amendScheduleUpdate, {
            args: [
              {
                tranches: [{ ...t1!, percent: 10 }, t2!, { ...t3!, percent: 60 }],
                checkpoints: [],
                reason: await storedText(db, 'shrink t1'),
                amendedBy: 'usr_agency',
              },
            ],
          }),
        );
        const after = await readClock(db, handle, contractId, 't2', shanghaiDate(await env.currentTimeMs()));
        expect({ shrink, overdueFen: after.overdueFen, interestFen: after.interestFen }).toEqual({
          shrink: expect.objectContaining({ type: 'Invalid' }),
          overdueFen: before.overdueFen,
          interestFen: before.interestFen,
        });
        await handle.executeUpdate(terminateUpdate, {
          args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
        });
      });
    },
  );

  it(
    'an acceptance starts the clock; an amendment later that day (twice) does not change the terms it runs on',
    { timeout: 240_000 },
    async () => {
      const db = harness.database.handle.db;
      const { worker, taskQueue } = await harness.worker('breach-same-day');
      await worker.runUntil(async () => {
        const tranches = (year: number): AmendScheduleInput['tranches'] => [
          {
            id: 't1',
            label: 'First half',
            due: `${year + 1}-01-31`,
            percent: 50,
            fundingSource: 'fiscal',
            release: 'on_application',
          },
          { id: 't2', label: 'Second half', due: `${year + 1}-12-31`, percent: 50, fundingSource: 'fiscal' },
        ];
        const { handle, year } = await started('breach-same-day', taskQueue, tranches, STATUTE_ACCEPTANCE);
        await handle.executeUpdate(fileApplicationUpdate, {
          args: [{ applicationId: 'pa_s1', tranche: 't1', amountFen: 5_000_000, filedBy: 'usr_contractor' }],
        });
        const decided = await handle.executeUpdate(decideApplicationUpdate, {
          args: [{ applicationId: 'pa_s1', outcome: 'accept', decidedBy: 'usr_agency' }],
        });
        const started_ = await stateClock(handle, 't1', decided.decidedOn);
        expect(started_.paymentDueOn).toBe(addDays(decided.decidedOn, 30));
        // Later the same day: 60 days, then (a second change that day) no statute and no interest.
        for (const terms of [
          { ...STATUTE_ACCEPTANCE, payWithinDays: 60 },
          {
            ...STATUTE_ACCEPTANCE,
            payWithinDays: 60,
            statute: 'none' as const,
            lateInterest: { kind: 'none' as const },
          },
        ]) {
          await handle.executeUpdate(amendScheduleUpdate, {
            args: [
              {
                tranches: tranches(year),
                checkpoints: [],
                paymentTerms: terms,
                reason: await storedText(db, 'same day'),
                amendedBy: 'usr_agency',
              },
            ],
          });
        }
        const later = addDays(decided.decidedOn, 90);
        const after = await stateClock(handle, 't1', later);
        expect({
          paymentDueOn: after.paymentDueOn,
          statute: after.terms.statute,
          interestPositive: after.interestFen > 0,
        }).toEqual({
          paymentDueOn: addDays(decided.decidedOn, 30),
          statute: 'sme_payment_2025',
          interestPositive: true,
        });
        await handle.executeUpdate(terminateUpdate, {
          args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
        });
      });
    },
  );
  it(
    'under dayCount working, a breach is not erased by declaring the past working days of its period holidays (the contract\u2019s own days)',
    { timeout: 240_000 },
    async () => {
      const { env } = harness;
      const db = harness.database.handle.db;
      const { worker, taskQueue } = await harness.worker('breach-calendar');
      await worker.runUntil(async () => {
        const tranches = (year: number): AmendScheduleInput['tranches'] => [
          {
            id: 't1',
            label: 'First half',
            due: `${year + 1}-01-31`,
            percent: 50,
            fundingSource: 'fiscal',
            release: 'on_application',
          },
          { id: 't2', label: 'Second half', due: `${year + 1}-12-31`, percent: 50, fundingSource: 'fiscal' },
        ];
        const { handle, year } = await started('breach-calendar', taskQueue, tranches, {
          ...STATUTE_ACCEPTANCE,
          dayCount: 'working',
        });
        await handle.executeUpdate(fileApplicationUpdate, {
          args: [{ applicationId: 'pa_c1', tranche: 't1', amountFen: 5_000_000, filedBy: 'usr_contractor' }],
        });
        const decided = await handle.executeUpdate(decideApplicationUpdate, {
          args: [{ applicationId: 'pa_c1', outcome: 'accept', decidedBy: 'usr_agency' }],
        });
        const first = await stateClock(handle, 't1', decided.decidedOn);
        // Past the deadline (30 working days after the acceptance) by a week.
        await env.sleep((calendarDaysBetween(decided.decidedOn, first.paymentDueOn!) + 7) * DAY);
        const today = shanghaiDate(await env.currentTimeMs());
        const late = await stateClock(handle, 't1', today);
        expect(late.overdueFen).toBe(5_000_000);
        expect(late.interestFen).toBeGreaterThan(0);
        const paymentOverdue = stepKey('paymentOverdue', stepReference(['t1']));
        expect((await handle.query(contractStateQuery)).steps?.[paymentOverdue]?.open).toBe(true);
        // The purchaser declares every working day since the acceptance a day off (fewer than 400).
        const calendar = calendarForYears(year, year + 1);
        const holidays: string[] = [];
        for (let d = addDays(decided.decidedOn, 1); d <= today; d = addDays(d, 1))
          if (isWorkingDay(d, calendar)) holidays.push(d);
        const amended = await outcomeOf(
          handle.executeUpdate(amendCalendarUpdate, {
            args: [{ holidays, workdays: [], reason: await storedText(db, 'days off'), amendedBy: 'usr_agency' }],
          }),
        );
        await env.sleep(DAY);
        const after = await stateClock(handle, 't1', today);
        const state = await handle.query(contractStateQuery);
        // Any later change (here a schedule amendment that changes nothing) makes the workflow judge its clock again.
        await handle.executeUpdate(amendScheduleUpdate, {
          args: [
            {
              tranches: tranches(year),
              checkpoints: [],
              reason: await storedText(db, 'nothing'),
              amendedBy: 'usr_agency',
            },
          ],
        });
        await env.sleep(DAY / 24);
        expect({
          amended,
          paymentDueOn: after.paymentDueOn,
          overdueFen: after.overdueFen,
          interestFen: after.interestFen,
          stepOpen: state.steps?.[paymentOverdue]?.open,
        }).toEqual({
          amended: expect.objectContaining({ type: 'Invalid' }),
          paymentDueOn: late.paymentDueOn,
          overdueFen: late.overdueFen,
          interestFen: late.interestFen,
          stepOpen: true,
        });
        await handle.executeUpdate(terminateUpdate, {
          args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
        });
      });
    },
  );
});
