// The payer's clock against amendments (issue 18, after review), on the time-skipping server: a
// window fixed at filing, steps that close whatever the terms later say, a tranche with an
// application standing that cannot be amended away, a clock that has started kept on the terms it
// started on, and an amendment's key covering its terms.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { contracts, stepDelays } from '../../db/schema';
import { addWorkingDays } from '../../domain/calendar';
import { validateContractDefinition, type Contract } from '../../domain/contract';
import { addDays, calendarDaysBetween, shanghaiDate } from '../../domain/dates';
import { MAX_PAYMENT_TERMS_CHANGES } from '../../domain/limits';
import { stepId, stepKey, stepReference } from '../../domain/ids';
import { trancheClock, type PaymentTermsInput } from '../../domain/payment-terms';
import { contractWorkflow } from '../../workflows';
import {
  amendScheduleUpdate,
  contractStateQuery,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  terminateUpdate,
  type AmendScheduleInput,
} from '../../workflows/contract-messages';
import { decideApplicationUpdate, fileApplicationUpdate } from '../../workflows/payment-clock-messages';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { storedText } from '../helpers/texts';
import { expectRejection } from '../helpers/rejections';
import { REJECTION } from '../../workflows/rejection';

const DAY = 24 * 3600 * 1000;
const TERMS: PaymentTermsInput = {
  basis: 'acceptance',
  payWithinDays: 30,
  acceptanceWorkingDays: 5,
  statute: 'sme_payment_2025',
  lateInterest: { kind: 'statutory_daily' },
};

function tranchesOf(year: number, firstId = 't1'): AmendScheduleInput['tranches'] {
  return [
    { id: firstId, label: 'First half', due: `${year}-01-31`, percent: 50, fundingSource: 'fiscal' },
    { id: 't2', label: 'Second half', due: `${year + 1}-12-31`, percent: 50, fundingSource: 'fiscal' },
  ];
}

function contractOf(id: string, year: number): Contract {
  const result = validateContractDefinition(
    sCountyContract(sCountyOrgIds, {
      id,
      term: { start: `${year}-01-01`, end: `${year + 1}-12-31` },
      value: '100000.00',
      budgetLines: undefined,
      staffing: undefined,
      tranches: tranchesOf(year),
      checkpoints: [],
      paymentTerms: TERMS,
      closeGraceDays: 3650,
    } as never),
    (org) => sCountyKinds[org],
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('the payer’s clock when the schedule or the terms are amended', () => {
  // A time-skipping server and a database per test: one test's escalation ladders would otherwise
  // keep firing, in real time, through every month the next test skips (170 s instead of 5 s).
  let harness: TimeSkippingHarness;
  beforeEach(async () => {
    harness = await timeSkippingHarness();
  });
  afterEach(async () => {
    await harness?.teardown();
  });

  async function started(id: string, taskQueue: string) {
    const { env } = harness;
    const start = await env.currentTimeMs();
    const year = Number(shanghaiDate(start).slice(0, 4));
    const contract = contractOf(id, year);
    const handle = await env.client.workflow.start(contractWorkflow, {
      workflowId: contractWorkflowId(contract.id),
      taskQueue,
      args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(start).toISOString() }],
    });
    await handle.executeUpdate(registeredUpdate);
    return { handle, contract, year, calendar: calendarForYears(year, year + 1) };
  }

  it('an acceptanceOverdue step opened before the window is widened by amendment closes when the application is decided; the decision counts as late', async () => {
    const { env } = harness;
    const db = harness.database.handle.db;
    const { worker, taskQueue } = await harness.worker('clock-widened');
    await worker.runUntil(async () => {
      const { handle, contract, year, calendar } = await started('clock-widened', taskQueue);
      const filed = await handle.executeUpdate(fileApplicationUpdate, {
        args: [{ applicationId: 'pa_w1', tranche: 't1', amountFen: 5_000_000, filedBy: 'usr_contractor' }],
      });
      const windowEnd = addWorkingDays(filed.filedOn, 5, calendar);
      await env.sleep(
        calendarDaysBetween(shanghaiDate(await env.currentTimeMs()), addWorkingDays(windowEnd, 3, calendar)) * DAY,
      );
      const step = stepId(contract.id, 'acceptanceOverdue', stepReference(['pa_w1']), 1);
      await eventually(
        () => db.select().from(stepDelays).where(eq(stepDelays.stepId, step)),
        (rows) => rows.length > 0,
      );
      // The purchaser widens its own window to 60 working days, then accepts.
      await handle.executeUpdate(amendScheduleUpdate, {
        args: [
          {
            tranches: tranchesOf(year),
            checkpoints: [],
            paymentTerms: { ...TERMS, acceptanceWorkingDays: 60 },
            reason: await storedText(db, 'wider window'),
            amendedBy: 'usr_agency',
          },
        ],
      });
      // A return is no longer possible: the window (fixed at filing) has ended, the application stands deemed accepted.
      // (One check, decideCheck, refuses it in the validator and again in the handler.)
      const returned = await expectRejection(
        handle.executeUpdate(decideApplicationUpdate, {
          args: [{ applicationId: 'pa_w1', outcome: 'return', decidedBy: 'usr_agency' }],
        }),
        REJECTION.conflict,
        'application_deemed_accepted',
      );
      expect(returned.failure.message).toMatch(/deemed accepted/);
      const decided = await handle.executeUpdate(decideApplicationUpdate, {
        args: [{ applicationId: 'pa_w1', outcome: 'accept', decidedBy: 'usr_agency' }],
      });
      expect(decided.late).toBe(true);
      const rows = await eventually(
        () => db.select().from(stepDelays).where(eq(stepDelays.stepId, step)),
        (r) => r[0]?.resolvedAt != null,
      );
      expect(rows[0]!.resolvedAt).not.toBeNull();
      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
      });
      await handle.result();
    });
  });

  it(
    'a tranche whose accepted application is still unpaid is not amended away (422 naming it); terms amended after its clock started leave its deadline and its paymentOverdue step, which closes when paid',
    { timeout: 240_000 },
    async () => {
      const { env } = harness;
      const db = harness.database.handle.db;
      const { worker, taskQueue } = await harness.worker('clock-amended-away');
      await worker.runUntil(async () => {
        const { handle, contract, year } = await started('clock-amended-away', taskQueue);
        await handle.executeUpdate(fileApplicationUpdate, {
          args: [{ applicationId: 'pa_w2', tranche: 't1', amountFen: 5_000_000, filedBy: 'usr_contractor' }],
        });
        const decided = await handle.executeUpdate(decideApplicationUpdate, {
          args: [{ applicationId: 'pa_w2', outcome: 'accept', decidedBy: 'usr_agency' }],
        });
        const dueOn = addDays(decided.decidedOn, 30);
        await env.sleep(calendarDaysBetween(shanghaiDate(await env.currentTimeMs()), addDays(dueOn, 3)) * DAY);
        const step = stepId(contract.id, 'paymentOverdue', stepReference(['t1']), 1);
        await eventually(
          () => db.select().from(stepDelays).where(eq(stepDelays.stepId, step)),
          (rows) => rows.length > 0,
        );
        // Renaming t1 away while its application is owed: refused, naming the tranche.
        await expectRejection(
          handle.executeUpdate(amendScheduleUpdate, {
            args: [
              {
                tranches: tranchesOf(year, 't1b'),
                checkpoints: [],
                reason: await storedText(db, 'rename'),
                amendedBy: 'usr_agency',
              },
            ],
          }),
          REJECTION.invalid,
        );
        // Under the statute what a tranche in breach owes, its deadline and its interest come out of
        // an amendment as they went in: halving t1 is refused naming the rule. On basis acceptance its
        // deadline runs from the acceptance, so moving its due day or its release changes none of it.
        const amend = async (tranches: AmendScheduleInput['tranches']) =>
          handle.executeUpdate(amendScheduleUpdate, {
            args: [{ tranches, checkpoints: [], reason: await storedText(db, 'move'), amendedBy: 'usr_agency' }],
          });
        const [first, second] = tranchesOf(year);
        const refused = await expectRejection(
          amend([
            { ...first!, percent: 40 },
            { ...second!, percent: 60 },
          ]),
          REJECTION.invalid,
        );
        expect(refused.problems).toEqual([
          expect.objectContaining({
            field: 'tranches',
            code: 'overdue_tranche_kept',
            params: expect.objectContaining({ id: 't1', day: dueOn, rule: 'sme_payment_2025.breach_not_amended_away' }),
          }),
        ]);
        await amend([{ ...first!, due: `${year}-06-30` }, second!]);
        await amend([first!, { ...second!, due: `${year + 1}-11-30` }]);
        // The terms change to basis due_date and 60 days: t1's clock started on its acceptance, on
        // basis acceptance and 30 days, and keeps running on them — the breach is not amended away.
        const amendedOn = shanghaiDate(await env.currentTimeMs());
        await handle.executeUpdate(amendScheduleUpdate, {
          args: [
            {
              tranches: tranchesOf(year),
              checkpoints: [],
              paymentTerms: { ...TERMS, basis: 'due_date', payWithinDays: 60 },
              reason: await storedText(db, 'basis'),
              amendedBy: 'usr_agency',
            },
          ],
        });
        await env.sleep(2 * DAY);
        const state = await handle.query(contractStateQuery);
        expect(state.contract.paymentTermsHistory).toEqual([
          { terms: expect.objectContaining({ basis: 'acceptance', payWithinDays: 30 }), until: addDays(amendedOn, 1) },
        ]);
        expect(state.steps?.[stepKey('paymentOverdue', stepReference(['t1']))]?.open).toBe(true);
        expect((await db.select().from(stepDelays).where(eq(stepDelays.stepId, step)))[0]!.resolvedAt).toBeNull();
        // The read model's definition (what the API computes its clock from) carries the same history: due 30 days after the acceptance.
        const [row] = await db.select().from(contracts).where(eq(contracts.id, contract.id));
        const t1 = { id: 't1', dueOn: `${year}-01-31`, amountFen: 5_000_000 };
        const accepted = {
          id: 'pa_w2',
          filedOn: decided.decidedOn,
          amountFen: 5_000_000,
          decision: { outcome: 'accept' as const, on: decided.decidedOn },
        };
        const readClock = trancheClock(
          row!.definition as Contract,
          t1,
          [accepted],
          [],
          null,
          calendarForYears(year, year + 2),
          shanghaiDate(await env.currentTimeMs()),
        );
        expect(readClock).toMatchObject({
          paymentDueOn: dueOn,
          terms: expect.objectContaining({ basis: 'acceptance', payWithinDays: 30 }),
        });
        const today = shanghaiDate(await env.currentTimeMs());
        await handle.executeUpdate(recordPaymentUpdate, {
          args: [
            {
              reference: 'P-W2',
              amount: '50000.00',
              receivedOn: today,
              fundingSource: 'fiscal',
              recordedBy: 'usr_finance',
            },
          ],
        });
        const rows = await eventually(
          () => db.select().from(stepDelays).where(eq(stepDelays.stepId, step)),
          (r) => r[0]?.resolvedAt != null,
        );
        expect(rows[0]!.resolvedAt).not.toBeNull();
        await handle.executeUpdate(terminateUpdate, {
          args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
        });
        await handle.result();
      });
    },
  );

  it(
    `the terms change on at most ${MAX_PAYMENT_TERMS_CHANGES} days: the next change is refused, naming paymentTerms and the limit`,
    { timeout: 240_000 },
    async () => {
      const { env } = harness;
      const db = harness.database.handle.db;
      const { worker, taskQueue } = await harness.worker('clock-terms-limit');
      await worker.runUntil(async () => {
        const { handle, year } = await started('clock-terms-limit', taskQueue);
        const amend = async (payWithinDays: number) =>
          handle.executeUpdate(amendScheduleUpdate, {
            args: [
              {
                tranches: tranchesOf(year),
                checkpoints: [],
                paymentTerms: { ...TERMS, payWithinDays },
                reason: await storedText(db, `terms ${payWithinDays}`),
                amendedBy: 'usr_agency',
              },
            ],
          });
        for (let i = 0; i < MAX_PAYMENT_TERMS_CHANGES; i += 1) {
          await amend(31 + i);
          await env.sleep(DAY);
        }
        const refused = await expectRejection(amend(10), REJECTION.invalid);
        expect(refused.problems).toEqual([
          expect.objectContaining({
            field: 'paymentTerms',
            code: 'too_many_terms_changes',
            params: expect.objectContaining({ limit: MAX_PAYMENT_TERMS_CHANGES }),
          }),
        ]);
        const state = await handle.query(contractStateQuery);
        expect(state.contract.paymentTermsHistory).toHaveLength(MAX_PAYMENT_TERMS_CHANGES);
        expect(state.contract.paymentTerms?.payWithinDays).toBe(30 + MAX_PAYMENT_TERMS_CHANGES);
        await handle.executeUpdate(terminateUpdate, {
          args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
        });
        await handle.result();
      });
    },
  );

  it('an amendment retried under the same id with other paymentTerms is refused (409), not answered with the old terms', async () => {
    const db = harness.database.handle.db;
    const { worker, taskQueue } = await harness.worker('clock-amendment-key');
    await worker.runUntil(async () => {
      const { handle, year } = await started('clock-amendment-key', taskQueue);
      const reason = await storedText(db, 'terms');
      const first = {
        tranches: tranchesOf(year),
        checkpoints: [],
        paymentTerms: { ...TERMS, payWithinDays: 45 },
        reason,
        amendedBy: 'usr_agency',
        amendmentId: 'am_same',
      };
      expect((await handle.executeUpdate(amendScheduleUpdate, { args: [first] })).version).toBe(2);
      // A retry after a 503 (the API's idempotency record freed) with other terms: same tranches, checkpoints, reason.
      const second = { ...first, paymentTerms: { ...TERMS, payWithinDays: 60 } };
      await expectRejection(handle.executeUpdate(amendScheduleUpdate, { args: [second] }), REJECTION.conflict);
      // The same retry with the same terms is the same amendment.
      expect((await handle.executeUpdate(amendScheduleUpdate, { args: [first] })).version).toBe(2);
      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(db, 'over'), terminatedBy: 'usr_agency' }],
      });
      await handle.result();
    });
  });
});
