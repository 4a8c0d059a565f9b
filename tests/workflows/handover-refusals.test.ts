// While a run hands over to its next one (continue-as-new, workflows/continue-as-new.ts), every
// Update sent to it is refused with REJECTION.handingOver by its validator, nothing recorded (the
// API sends it again, to the next run) — for the contract's every Update and the quotas' progress,
// not only payments. Driven on the dev server (Updates do not skip time): the history is pushed
// past a lowered continueAsNewAfterEvents by signals that change nothing, then a payment (or a
// progress record) whose projection is held keeps the run handing over while the others are sent.
import { Client, Connection, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { signingClientOptions } from '../../api/services/actor-claims';
import { calendarForYears } from '../../db/calendar';
import { storeTexts } from '../../db/free-texts';
import { validateContractDefinition } from '../../domain/contract';
import { shanghaiDate } from '../../domain/dates';
import type { TextReference } from '../../domain/free-text';
import type { MaterialRequest } from '../../domain/material-requests';
import type { TemporalServer } from '../../server/temporal-server';
import { workflowBundle } from '../../server/worker';
import { contractWorkflow, quotaWorkflow } from '../../workflows';
import { amendCalendarUpdate, calendarChangedSignal } from '../../workflows/calendar-messages';
import { contractEndedSignal } from '../../workflows/contract-ended';
import {
  amendScheduleUpdate,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  reversePaymentUpdate,
  terminateUpdate,
} from '../../workflows/contract-messages';
import { requestMaterialsUpdate } from '../../workflows/material-request-messages';
import { decideApplicationUpdate, fileApplicationUpdate } from '../../workflows/payment-clock-messages';
import { quotaWorkflowId, recordProgressUpdate } from '../../workflows/quota-messages';
import { REJECTION } from '../../workflows/rejection';
import { milestoneApprovedSignal } from '../../workflows/review-messages';
import { relativeContract, relativeDefinition } from '../fixtures/relative-contract';
import { sCountyKinds } from '../fixtures/s-county';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { expectRejection } from '../helpers/rejections';
import { devServer, TEST_ACTOR_SECRET, uniqueTaskQueue } from '../helpers/temporal';

/** Continue as new past this many events: more than a contract's registration takes, reached by signals. */
const EVENTS = 60;

/**
 * Sends `update` and answers how it ended: refused, at once; accepted (the run took it), its
 * handler waits for the held projection, so after a while it counts as not refused.
 */
async function refusal<R, A extends [unknown]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<R, A>,
  args: A,
): Promise<R> {
  const sent = await handle.startUpdate(update, { args, waitForStage: WorkflowUpdateStage.ACCEPTED });
  let timer: NodeJS.Timeout | undefined;
  const taken = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${update.name} was taken while the run hands over`)), 10_000);
  });
  try {
    return await Promise.race([sent.result(), taken]);
  } finally {
    clearTimeout(timer);
  }
}

/** A projection that waits while the gate is closed, and says when one is waiting. */
function gate() {
  let open: () => void = () => {};
  let entered: () => void = () => {};
  const state = {
    closed: false,
    opened: Promise.resolve(),
    entered: Promise.resolve(),
    close() {
      state.closed = true;
      state.opened = new Promise<void>((resolve) => (open = resolve));
      state.entered = new Promise<void>((resolve) => (entered = resolve));
    },
    open() {
      state.closed = false;
      open();
    },
    async pass() {
      if (!state.closed) return;
      entered();
      await state.opened;
    },
  };
  return state;
}

describe('an Update sent while its workflow hands over to its next run (dev server)', () => {
  let temporal: TemporalServer;
  let database: TestDatabase;
  let connection: Connection;
  let client: Client;
  /** A reason stored as the API stores it (claim check). */
  let reason: TextReference;

  beforeAll(async () => {
    temporal = await devServer();
    database = await createTestDatabase();
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: temporal.namespace, ...signingClientOptions(TEST_ACTOR_SECRET) });
    reason = (await storeTexts(database.handle.db, 'handover', ['Budget cut']))[0]!;
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
    await temporal?.stop();
  });

  /** A worker whose contract and progress projections pass `held`. */
  async function worker(name: string, held: ReturnType<typeof gate>) {
    const real = createActivities({ db: database.handle.db });
    const taskQueue = uniqueTaskQueue(name);
    const workerConnection = await NativeConnection.connect({ address: temporal.address });
    const created = await Worker.create({
      connection: workerConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowBundle: await workflowBundle(TEST_ACTOR_SECRET),
      activities: {
        ...real,
        projectContract: async (...args: Parameters<typeof real.projectContract>) => {
          await held.pass();
          return real.projectContract(...args);
        },
        projectProgress: async (...args: Parameters<typeof real.projectProgress>) => {
          await held.pass();
          return real.projectProgress(...args);
        },
      },
    });
    return { worker: created, taskQueue, close: () => workerConnection.close() };
  }

  /** Sends `signal` until the run's history is past EVENTS (each adds a workflow task, and changes nothing). */
  async function lengthen(handle: WorkflowHandle, signal: () => Promise<void>): Promise<void> {
    expect((await handle.describe()).historyLength).toBeLessThan(EVENTS);
    while ((await handle.describe()).historyLength <= EVENTS + 4) await signal();
  }

  it('refuses each of a contract’s Updates with HandingOver, records none, and the next run takes them', async () => {
    const held = gate();
    const { worker: w, taskQueue, close } = await worker('handover-contract', held);
    await w.runUntil(async () => {
      const contract = relativeContract(Date.now(), `handover-${Date.now()}`);
      const handle = await client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [
          { contract, createdBy: 'usr_agency', createdAt: new Date().toISOString(), continueAsNewAfterEvents: EVENTS },
        ],
      });
      await handle.executeUpdate(registeredUpdate);
      const firstRun = (await handle.describe()).runId;
      // A milestone the contract does not have: heard, and nothing changes.
      await lengthen(handle, () =>
        handle.signal(milestoneApprovedSignal, { milestoneId: 'none', approvedOn: shanghaiDate(Date.now()) }),
      );
      const payment = (reference: string) => ({
        reference,
        amount: '100.00',
        receivedOn: shanghaiDate(Date.now()),
        fundingSource: 'fiscal' as const,
        recordedBy: 'usr_finance',
      });
      try {
        // A payment whose projection is held: the run decides to hand over and waits for it.
        held.close();
        const first = await handle.startUpdate(recordPaymentUpdate, {
          args: [payment('P-1')],
          waitForStage: WorkflowUpdateStage.ACCEPTED,
        });
        await held.entered;

        // Accepted, each would be answered or refused otherwise (terminated, invalid, not found).
        const refused = <R, A extends [unknown]>(update: UpdateDefinition<R, A>, ...args: A) =>
          expectRejection(refusal(handle, update, args), REJECTION.handingOver, 'contract_continuing');
        await refused(recordPaymentUpdate, payment('P-2'));
        await refused(reversePaymentUpdate, { reference: 'P-1', reason, recordedBy: 'usr_finance' });
        await refused(terminateUpdate, { reason, terminatedBy: 'usr_agency' });
        await refused(amendScheduleUpdate, { tranches: [], checkpoints: [], reason, amendedBy: 'usr_agency' });
        await refused(amendCalendarUpdate, { holidays: [], workdays: [], reason, amendedBy: 'usr_agency' });
        await refused(requestMaterialsUpdate, { id: 'mr-1', contractId: contract.id } as MaterialRequest);
        await refused(fileApplicationUpdate, {
          applicationId: 'pa-1',
          tranche: 't1',
          amountFen: 100,
          filedBy: 'usr_a',
        });
        await refused(decideApplicationUpdate, { applicationId: 'pa-1', outcome: 'accept', decidedBy: 'usr_a' });

        // The payment in flight finishes in this run; the next run takes what was refused.
        held.open();
        expect(await first.result()).toEqual({ outcome: 'created', reference: 'P-1' });
      } finally {
        held.open();
      }
      const terminated = await handle.executeUpdate(terminateUpdate, {
        args: [{ reason, terminatedBy: 'usr_agency' }],
      });
      expect(terminated.terminatedBy).toBe('usr_agency');
      expect((await handle.describe()).runId).not.toBe(firstRun);
      // Nothing refused was recorded: one payment.
      expect((await handle.result()).receivedFen).toBe(10_000);
    });
    await close();
  });

  it('refuses progress with HandingOver while the quotas hand over', async () => {
    const held = gate();
    const { worker: w, taskQueue, close } = await worker('handover-quotas', held);
    await w.runUntil(async () => {
      const now = Date.now();
      const definition = relativeDefinition(now, `handover-quotas-${now}`);
      definition.quotas = [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 8 }];
      const validated = validateContractDefinition(definition, (id) => sCountyKinds[id]);
      if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
      const contract = validated.value;
      const year = Number(shanghaiDate(now).slice(0, 4));
      const calendar = calendarForYears(year, year + 1);
      const handle = await client.workflow.start(quotaWorkflow, {
        workflowId: quotaWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, calendar, continueAsNewAfterEvents: EVENTS }],
      });
      const firstRun = (await handle.describe()).runId;
      // A patch that changes nothing: heard, and no step or wait moves.
      await lengthen(handle, () =>
        handle.signal(calendarChangedSignal, {
          patch: { years: [], coveredYears: calendar.coveredYears },
          cause: 'test',
        }),
      );
      const progress = (id: string) => ({
        id,
        station: contract.stations[0]!.id,
        metric: 'village_visits' as const,
        count: 1,
        date: shanghaiDate(Date.now()),
        evidence: { attachments: [] },
        recordedBy: 'usr_station',
      });
      try {
        held.close();
        const first = await handle.startUpdate(recordProgressUpdate, {
          args: [progress('pr-1')],
          waitForStage: WorkflowUpdateStage.ACCEPTED,
        });
        await held.entered;
        await expectRejection(
          refusal(handle, recordProgressUpdate, [progress('pr-2')]),
          REJECTION.handingOver,
          'contract_continuing',
        );
        held.open();
        expect((await first.result()).id).toBe('pr-1');
      } finally {
        held.open();
      }
      // The next run takes it.
      expect((await handle.executeUpdate(recordProgressUpdate, { args: [progress('pr-2')] })).id).toBe('pr-2');
      expect((await handle.describe()).runId).not.toBe(firstRun);
      await handle.signal(contractEndedSignal, { status: 'terminated' });
      const final = await handle.result();
      expect(final.progress.reduce((n, p) => n + p.count, 0)).toBe(2);
    });
    await close();
  });
});
