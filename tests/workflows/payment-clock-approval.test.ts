// A tranche released `{ afterApproval }` of a milestone under basis due_date (issue 18, after
// review), on the time-skipping server: its due date passing before the approval charges nobody;
// the review tells the contract when the milestone is approved, the payer's deadline runs from
// then (payWithinDays after the approval, or the due date if later), and once it passes a
// paymentOverdue step climbs the payer's ladder with the statute, the approval, the days and the
// interest in its texts — closed, from the day the money arrived, when it is paid.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { escalations, stepDelays } from '../../db/schema';
import { workingDaysBetween } from '../../domain/calendar';
import { validateContractDefinition } from '../../domain/contract';
import { addDays, calendarDaysBetween, dayText, shanghaiDate } from '../../domain/dates';
import { stepId, stepReference } from '../../domain/ids';
import { moneyText } from '../../domain/money';
import { interestFor } from '../../domain/payment-terms';
import { contractWorkflow } from '../../workflows';
import {
  contractStateQuery,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  terminateUpdate,
} from '../../workflows/contract-messages';
import { decideUpdate, reviewWorkflowId, submitUpdate } from '../../workflows/review-messages';
import { byReference, completeMaterial } from '../fixtures/materials';
import { relativeDefinition } from '../fixtures/relative-contract';
import { sCountyKinds } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { storedText } from '../helpers/texts';

const DAY = 24 * 3600 * 1000;

describe('a tranche released after a milestone’s approval (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it(
    'falls due payWithinDays after the approval; past that a paymentOverdue step climbs the payer’s ladder and closes when paid',
    { timeout: 240_000 },
    async () => {
      const { env } = harness;
      const db = harness.database.handle.db;
      const { worker, taskQueue } = await harness.worker('clock-approval');
      await worker.runUntil(async () => {
        const now = await env.currentTimeMs();
        const start = shanghaiDate(now);
        const calendar = calendarForYears(Number(start.slice(0, 4)), Number(start.slice(0, 4)) + 2);
        const definition = relativeDefinition(now, 'clock-approval');
        // Mid-term (40 % of 1,154,000.00 = 461,600.00) is due on day 5, payable once the quarterly report is approved.
        definition.tranches = [
          { id: 't1', label: 'Advance', due: addDays(start, 200), percent: 40, fundingSource: 'fiscal' },
          {
            id: 't2',
            label: 'Mid-term',
            due: addDays(start, 5),
            percent: 40,
            fundingSource: 'fiscal',
            release: { afterApproval: 'q1' },
          },
          { id: 't3', label: 'Final', due: addDays(start, 364), percent: 20, fundingSource: 'fiscal' },
        ];
        definition.milestones = [
          {
            id: 'q1',
            title: 'Quarterly report',
            due: addDays(start, 90),
            stations: [],
            materials: ['activity_evidence_pack'],
            reviewWorkingDays: 3,
            maxRounds: 2,
          },
        ];
        definition.paymentTerms = {
          basis: 'due_date',
          payWithinDays: 30,
          statute: 'sme_payment_2025',
          lateInterest: { kind: 'statutory_daily' },
        };
        const validated = validateContractDefinition(definition, (id) => sCountyKinds[id]);
        if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
        const contract = validated.value;
        const handle = await env.client.workflow.start(contractWorkflow, {
          workflowId: contractWorkflowId(contract.id),
          taskQueue,
          args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
        });
        await handle.executeUpdate(registeredUpdate);

        // Day 10: the due date has passed, the milestone is not approved: nothing is late yet.
        await env.sleep(10 * DAY);
        const trancheStep = stepId(contract.id, 'trancheOverdue', stepReference(['t2']), 1);
        expect(await db.select().from(escalations).where(eq(escalations.stepId, trancheStep))).toEqual([]);

        // The report is submitted and approved: the review tells the contract.
        const review = env.client.workflow.getHandle(reviewWorkflowId(contract.id, 'q1'));
        await review.executeUpdate(submitUpdate, {
          args: [
            {
              submissionId: 'sub_a1',
              station: '',
              ...byReference([completeMaterial('activity_evidence_pack')], ['activity_evidence_pack']),
              submittedBy: 'usr_station',
            },
          ],
        });
        await review.executeUpdate(decideUpdate, {
          args: [{ submissionId: 'sub_a1', outcome: 'approve', reasons: [], decidedBy: 'usr_eval' }],
        });
        const approvedOn = shanghaiDate(await env.currentTimeMs());
        const state = await eventually(
          () => handle.query(contractStateQuery),
          (s) => s.milestonesApproved?.q1 !== undefined,
        );
        expect(state.milestonesApproved).toEqual({ q1: approvedOn });

        // The deadline: 30 days after the approval (later than the due date).
        const paymentDueOn = addDays(approvedOn, 30);
        await env.sleep(calendarDaysBetween(shanghaiDate(await env.currentTimeMs()), addDays(paymentDueOn, 3)) * DAY);
        const paymentStep = stepId(contract.id, 'paymentOverdue', stepReference(['t2']), 1);
        const [opened] = await eventually(
          () => db.select().from(escalations).where(eq(escalations.stepId, paymentStep)),
          (rows) => rows.length > 0,
        );
        expect(opened).toMatchObject({ stepKind: 'paymentOverdue', notifiedParties: ['payer'] });
        const summary = opened!.summary as { en: string; 'zh-CN': string };
        // Opened the day after the deadline: one day of interest on 461,600.00 at 0.05 % (230.80).
        expect(summary.en).toBe(
          `Tranche "Mid-term" (payable since milestone "Quarterly report" was approved on ${dayText(approvedOn, 'en')}): ` +
            `under the Regulation on Ensuring Payments to SMEs (State Council Order No. 802) the payer was to pay by ${dayText(paymentDueOn, 'en')}; ` +
            `${moneyText(46_160_000, 'en')} is unpaid, overdue by 1 day as of ${dayText(addDays(paymentDueOn, 1), 'en')}, ` +
            `late-payment interest so far ${moneyText(interestFor(46_160_000, 1, { kind: 'statutory_daily' }), 'en')} at 0.05 % per day (statutory).`,
        );
        expect(moneyText(interestFor(46_160_000, 1, { kind: 'statutory_daily' }), 'en')).toContain('230.80');
        expect(summary['zh-CN']).toContain(
          `评估节点「Quarterly report」于 ${dayText(approvedOn, 'zh-CN')}通过评审后应付`,
        );
        expect(summary['zh-CN']).toContain('《保障中小企业款项支付条例》');
        // Still no trancheOverdue for it: the clock, not the due date, watches this tranche.
        expect(await db.select().from(escalations).where(eq(escalations.stepId, trancheStep))).toEqual([]);

        const today = shanghaiDate(await env.currentTimeMs());
        await handle.executeUpdate(recordPaymentUpdate, {
          args: [
            {
              reference: 'P-MID',
              amount: '461600.00',
              receivedOn: today,
              fundingSource: 'fiscal',
              recordedBy: 'usr_finance',
            },
          ],
        });
        const [delay] = await eventually(
          () => db.select().from(stepDelays).where(eq(stepDelays.stepId, paymentStep)),
          (rows) => rows.length > 0 && rows[0]!.resolvedAt !== null,
        );
        expect(delay).toMatchObject({
          holderParty: 'payer',
          workingDays: workingDaysBetween(paymentDueOn, today, calendar),
        });
        await handle.executeUpdate(terminateUpdate, {
          args: [{ reason: await storedText(db, 'test over'), terminatedBy: 'usr_agency' }],
        });
        await handle.result();
      });
    },
  );
});
