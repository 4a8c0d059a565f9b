// The payer's legal clock on the contract workflow (issue 18), on the time-skipping server: an
// application the purchaser leaves undecided past its window opens an acceptanceOverdue step on
// the purchaser's ladder, charged by working days up to its decision; the payer's deadline runs
// from the window's end all the same, and money unpaid after it opens a paymentOverdue step whose
// text names the statute, the days and the interest, resolved from the day the money arrived.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { escalations, stepDelays } from '../../db/schema';
import { addWorkingDays, workingDaysBetween } from '../../domain/calendar';
import { validateContractDefinition, type Contract } from '../../domain/contract';
import { addDays, calendarDaysBetween, shanghaiDate } from '../../domain/dates';
import { stepId, stepReference } from '../../domain/ids';
import { moneyText } from '../../domain/money';
import { interestFor } from '../../domain/payment-terms';
import { contractWorkflow } from '../../workflows';
import {
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  terminateUpdate,
} from '../../workflows/contract-messages';
import { decideApplicationUpdate, fileApplicationUpdate } from '../../workflows/payment-clock-messages';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { storedText } from '../helpers/texts';
import { expectRejection } from '../helpers/rejections';
import { REJECTION } from '../../workflows/rejection';

const DAY = 24 * 3600 * 1000;

function contractOf(id: string, year: number): Contract {
  const result = validateContractDefinition(
    sCountyContract(sCountyOrgIds, {
      id,
      term: { start: `${year}-01-01`, end: `${year + 1}-12-31` },
      value: '100000.00',
      budgetLines: undefined,
      staffing: undefined,
      tranches: [
        { id: 't1', label: 'First half', due: `${year}-01-31`, percent: 50, fundingSource: 'fiscal' },
        { id: 't2', label: 'Second half', due: `${year + 1}-12-31`, percent: 50, fundingSource: 'fiscal' },
      ],
      checkpoints: [],
      paymentTerms: {
        basis: 'acceptance',
        payWithinDays: 30,
        acceptanceWorkingDays: 5,
        statute: 'sme_payment_2025',
        lateInterest: { kind: 'statutory_daily' },
      },
      closeGraceDays: 3650,
    }),
    (org) => sCountyKinds[org],
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('the payer’s clock (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('charges the purchaser for a late acceptance and the payer, with interest, for a late payment', async () => {
    const { env } = harness;
    const db = harness.database.handle.db;
    const { worker, taskQueue } = await harness.worker('payment-clock');
    await worker.runUntil(async () => {
      const start = await env.currentTimeMs();
      const year = Number(shanghaiDate(start).slice(0, 4));
      const calendar = calendarForYears(year, year + 1);
      const contract = contractOf('clock-1', year);
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(start).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      const filed = await handle.executeUpdate(fileApplicationUpdate, {
        args: [{ applicationId: 'pa_1', tranche: 't1', amountFen: 5_000_000, filedBy: 'usr_contractor' }],
      });
      const filedOn = filed.filedOn;
      const windowEnd = addWorkingDays(filedOn, 5, calendar);
      expect(filed).toMatchObject({ outcome: 'created', acceptanceDueOn: windowEnd });
      // More than the tranche owes beside it: refused.
      const refused = await expectRejection(
        handle.executeUpdate(fileApplicationUpdate, {
          args: [{ applicationId: 'pa_2', tranche: 't1', amountFen: 1, filedBy: 'usr_contractor' }],
        }),
        REJECTION.invalid,
        'application_cannot_be_filed',
      );
      expect(refused.problems.map((p) => p.field)).toEqual(['amount']);

      // Three working days past the window, still undecided: the purchaser's step is open.
      const late = addWorkingDays(windowEnd, 3, calendar);
      await env.sleep(calendarDaysBetween(shanghaiDate(await env.currentTimeMs()), late) * DAY);
      const acceptanceStep = stepId(contract.id, 'acceptanceOverdue', stepReference(['pa_1']), 1);
      const opened = await eventually(
        () => db.select().from(escalations).where(eq(escalations.stepId, acceptanceStep)),
        (rows) => rows.length > 0,
      );
      expect(opened[0]).toMatchObject({ stepKind: 'acceptanceOverdue', notifiedParties: ['purchaser'] });
      const paymentDueOn = addDays(windowEnd, 30);
      expect((opened[0]!.summary as { 'zh-CN': string })['zh-CN']).toContain('《保障中小企业款项支付条例》');

      const decided = await handle.executeUpdate(decideApplicationUpdate, {
        args: [{ applicationId: 'pa_1', outcome: 'accept', decidedBy: 'usr_agency' }],
      });
      expect(decided).toMatchObject({ outcome: 'created', decision: 'accept', late: true });
      const [acceptanceDelay] = await eventually(
        () =>
          db
            .select()
            .from(stepDelays)
            .where(and(eq(stepDelays.stepId, acceptanceStep))),
        (rows) => rows[0]?.resolvedAt !== null && rows.length > 0,
      );
      expect(acceptanceDelay).toMatchObject({
        holderParty: 'purchaser',
        workingDays: workingDaysBetween(windowEnd, decided.decidedOn, calendar),
      });
      expect(acceptanceDelay!.workingDays).toBeGreaterThanOrEqual(3);

      // Ten days past the deadline (from the window's end, not the late acceptance): the payer's step.
      const tenLate = addDays(paymentDueOn, 10);
      await env.sleep(calendarDaysBetween(shanghaiDate(await env.currentTimeMs()), tenLate) * DAY);
      const paymentStep = stepId(contract.id, 'paymentOverdue', stepReference(['t1']), 1);
      const [payment] = await eventually(
        () => db.select().from(escalations).where(eq(escalations.stepId, paymentStep)),
        (rows) => rows.length > 0,
      );
      expect(payment).toMatchObject({ stepKind: 'paymentOverdue', notifiedParties: ['payer'] });
      const summary = (payment!.summary as { en: string }).en;
      // Opened the day after the deadline: one day of interest on 50,000.00 at 0.05 %.
      expect(summary).toContain('State Council Order No. 802');
      expect(summary).toContain('overdue by 1 day as of');
      expect(summary).toContain(moneyText(interestFor(5_000_000, 1, { kind: 'statutory_daily' }), 'en'));

      const today = shanghaiDate(await env.currentTimeMs());
      await handle.executeUpdate(recordPaymentUpdate, {
        args: [
          {
            reference: 'P-1',
            amount: '50000.00',
            receivedOn: today,
            fundingSource: 'fiscal',
            recordedBy: 'usr_finance',
          },
        ],
      });
      const [paymentDelay] = await eventually(
        () => db.select().from(stepDelays).where(eq(stepDelays.stepId, paymentStep)),
        (rows) => rows.length > 0 && rows[0]!.resolvedAt !== null,
      );
      expect(paymentDelay).toMatchObject({
        holderParty: 'payer',
        workingDays: workingDaysBetween(paymentDueOn, today, calendar),
      });
      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(db, 'test over'), terminatedBy: 'usr_agency' }],
      });
      await handle.result();
    });
  });

  // As every Update that needs the contract's calendar: one sent before the contract is registered
  // (its calendar still loading) waits for the registration instead of being refused.
  it('files an application sent before the contract is registered once it is', async () => {
    const { env } = harness;
    const { worker, taskQueue } = await harness.worker('payment-clock-early');
    await worker.runUntil(async () => {
      const start = await env.currentTimeMs();
      // The term began last year: its first tranche is past due, so open to applications.
      const year = Number(shanghaiDate(start).slice(0, 4)) - 1;
      const contract = contractOf('clock-early', year);
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(start).toISOString() }],
      });
      const filed = await handle.executeUpdate(fileApplicationUpdate, {
        args: [{ applicationId: 'pa_early', tranche: 't1', amountFen: 5_000_000, filedBy: 'usr_contractor' }],
      });
      const calendar = calendarForYears(year, year + 1);
      expect(filed).toMatchObject({
        outcome: 'created',
        acceptanceDueOn: addWorkingDays(filed.filedOn, 5, calendar),
      });
      expect(await handle.executeUpdate(registeredUpdate)).toMatchObject({ revision: expect.any(Number) });
      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(harness.database.handle.db, 'test over'), terminatedBy: 'usr_agency' }],
      });
      await handle.result();
    });
  });
});
