// A whole contract year on the time-skipping server: a checkpoint missed with the exact shortfall,
// recovered later with the right days late, and the contract completed when paid in full.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, escalations, events, ledgerEntries, notifications, stepDelays } from '../../db/schema';
import { shanghaiDate } from '../../domain/dates';
import { announcedKey, stepId as buildStepId, stepReference } from '../../domain/ids';
import { contractWorkflow } from '../../workflows';
import {
  contractStateQuery,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  reversePaymentUpdate,
  terminateUpdate,
} from '../../workflows/contract-messages';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { relativeContract } from '../fixtures/relative-contract';
import { eventually } from '../helpers/eventually';
import { storedText } from '../helpers/texts';

describe('contract workflow over a year (time-skipping)', () => {
  let harness: TimeSkippingHarness;

  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('misses the 80% checkpoint by the exact shortfall, recovers it, and completes', async () => {
    const { env, database } = harness;
    const { worker, taskQueue } = await harness.worker('year');
    const db = database.handle.db;
    await worker.runUntil(async () => {
      const startNow = await env.currentTimeMs();
      const contract = relativeContract(startNow, 'year-1');
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(startNow).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      const pay = (reference: string, amount: string, receivedOn: string) =>
        handle.executeUpdate(recordPaymentUpdate, {
          args: [{ reference, amount, receivedOn, fundingSource: 'fiscal', recordedBy: 'usr_finance' }],
        });

      const today = shanghaiDate(startNow);
      expect((await pay('P-1', '300000.00', today)).outcome).toBe('created');
      expect((await pay('P-2', '230000.00', today)).outcome).toBe('created');

      // Past the checkpoint (day 300): 923,200.00 required, 530,000.00 received.
      await env.sleep('302 days');
      const afterCheckpoint = await handle.query(contractStateQuery);
      expect(afterCheckpoint.announced[announcedKey('checkpoint', 'eighty')]).toBe('missed');
      const missed = await db.select().from(events).where(eq(events.kind, 'checkpoint.missed'));
      expect(missed).toHaveLength(1);
      expect(missed[0]!.payload).toMatchObject({
        requiredFen: 92_320_000,
        receivedByFen: 53_000_000,
        shortfallFen: 39_320_000,
      });
      // The shortfall went to the escalation engine: its first level tells the payer.
      const stepId = buildStepId(contract.id, 'paymentShortfall', stepReference(['eighty']), 1);
      const opened = await eventually(
        () => db.select().from(escalations).where(eq(escalations.stepId, stepId)),
        (rows) => rows.length > 0,
      );
      expect(opened[0]).toMatchObject({ level: 1, notifiedOrganizationIds: [contract.parties.payer] });
      const inbox = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.kind, 'escalation.paymentShortfall'), eq(notifications.contractId, contract.id)));
      expect(inbox.map((n) => n.organizationId)).toContain(contract.parties.payer);
      expect((inbox[0]!.body as Record<string, string>)['zh-CN']).toContain('¥393,200.00');

      // The shortfall arrives 10 days after the checkpoint's day.
      await env.sleep('8 days');
      const lateDay = shanghaiDate(await env.currentTimeMs());
      await pay('P-3', '393200.00', lateDay);
      const recovered = await db.select().from(events).where(eq(events.kind, 'checkpoint.recovered'));
      expect(recovered).toHaveLength(1);
      expect(recovered[0]!.payload).toMatchObject({ recoveredOn: lateDay, daysLate: 10, shortfallFen: 39_320_000 });
      // Recovery resolves the step: none of its escalations stays open, and the payer is charged the delay.
      const closed = await eventually(
        () => db.select().from(escalations).where(eq(escalations.stepId, stepId)),
        (rows) => rows.every((r) => r.state === 'resolved' || r.state === 'superseded'),
      );
      expect(closed.at(-1)!.state).toBe('resolved');
      const [delay] = await db.select().from(stepDelays).where(eq(stepDelays.stepId, stepId));
      expect(delay).toMatchObject({ holderParty: 'payer', holderOrganizationId: contract.parties.payer });
      expect(delay!.workingDays).toBeGreaterThanOrEqual(6);
      expect(delay!.workingDays).toBeLessThanOrEqual(10);

      await pay('P-4', '230800.00', lateDay);
      const final = await handle.result();
      expect(final.status).toBe('completed');
      const [row] = await db.select().from(contracts).where(eq(contracts.id, contract.id));
      expect(row).toMatchObject({ status: 'completed', receivedFen: 115_400_000 });
      expect(await db.select().from(ledgerEntries).where(eq(ledgerEntries.contractId, contract.id))).toHaveLength(4);
    });
  });
});

describe('contract closing with arrears (time-skipping)', () => {
  let harness: TimeSkippingHarness;

  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('closes at the end of the term plus the grace period when money is still owed', async () => {
    const { env, database } = harness;
    const { worker, taskQueue } = await harness.worker('closed');
    await worker.runUntil(async () => {
      const startNow = await env.currentTimeMs();
      const contract = relativeContract(startNow, 'closing-1');
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(startNow).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      await handle.executeUpdate(recordPaymentUpdate, {
        args: [
          {
            reference: 'P-1',
            amount: '530000.00',
            receivedOn: shanghaiDate(startNow),
            fundingSource: 'fiscal',
            recordedBy: 'usr_finance',
          },
        ],
      });
      const final = await handle.result();
      expect(final.status).toBe('closed');
      // Term (364 days) plus 30 days of grace, in workflow time.
      expect(Date.parse(final.endedAt!) - startNow).toBeGreaterThanOrEqual((364 + 30) * 24 * 3600 * 1000);
      const db = database.handle.db;
      const [row] = await db.select().from(contracts).where(eq(contracts.id, contract.id));
      expect(row).toMatchObject({ status: 'closed', receivedFen: 53_000_000 });
      const closed = await db.select().from(events).where(eq(events.kind, 'contract.closed_with_arrears'));
      expect(closed[0]!.payload).toEqual({ unpaidFen: 62_400_000 });
      const overdue = await db.select().from(events).where(eq(events.kind, 'tranche.overdue'));
      expect(overdue.map((e) => (e.payload as { id: string }).id).sort()).toEqual(['t2', 't3']);
    });
  });
});

// Its own environment, so no workflow left by another test holds the clock.
describe('a checkpoint that stalls again (time-skipping)', () => {
  let harness: TimeSkippingHarness;

  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('holds the payer again from the day the checkpoint was met, not from its original day', async () => {
    const { env, database } = harness;
    const { worker, taskQueue } = await harness.worker('restall');
    const db = database.handle.db;
    await worker.runUntil(async () => {
      const startNow = await env.currentTimeMs();
      const contract = relativeContract(startNow, 'restall-1');
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(startNow).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      const pay = (reference: string, amount: string, receivedOn: string) =>
        handle.executeUpdate(recordPaymentUpdate, {
          args: [{ reference, amount, receivedOn, fundingSource: 'fiscal', recordedBy: 'usr_finance' }],
        });

      await pay('P-1', '530000.00', shanghaiDate(startNow));
      await env.sleep('302 days');
      const recoveredOn = shanghaiDate(await env.currentTimeMs());
      await pay('P-2', '393200.00', recoveredOn);
      const first = buildStepId(contract.id, 'paymentShortfall', stepReference(['eighty']), 1);
      const [met] = await eventually(
        () => db.select().from(stepDelays).where(eq(stepDelays.stepId, first)),
        (rows) => rows[0]?.resolvedAt != null,
      );

      // Ten days later the recovering payment turns out to be a mistake: it is reversed.
      await env.sleep('10 days');
      await handle.executeUpdate(reversePaymentUpdate, {
        args: [{ reference: 'P-2', reason: await storedText(db, 'bounced'), recordedBy: 'usr_finance' }],
      });
      const second = buildStepId(contract.id, 'paymentShortfall', stepReference(['eighty']), 2);
      const [again] = await eventually(
        () => db.select().from(stepDelays).where(eq(stepDelays.stepId, second)),
        (rows) => rows.length === 1,
      );
      // The second stall starts where the first one ended: no day is counted twice.
      expect(again!.since.getTime()).toBe(met!.resolvedAt!.getTime());
      expect(again!.since.getTime()).toBeGreaterThan(met!.since.getTime());

      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(db, 'test over'), terminatedBy: 'usr_agency' }],
      });
      expect((await handle.result()).status).toBe('terminated');
    });
  });
});
