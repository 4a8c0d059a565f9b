// Durability of the contract workflow: continue-as-new carries every payment, and a worker killed
// with SIGKILL mid-contract, restarted against a file-backed dev server, loses and duplicates nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { signingClientOptions } from '../../api/services/actor-claims';
import { openDatabase } from '../../db/client';
import { events, ledgerEntries } from '../../db/schema';
import { shanghaiDate } from '../../domain/dates';
import { projectRoot } from '../../server/temporal-binaries';
import type { TemporalServer } from '../../server/temporal-server';
import { workflowBundle } from '../../server/worker';
import { contractWorkflow } from '../../workflows';
import {
  contractStateQuery,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
} from '../../workflows/contract-messages';
import { DEFAULT_TASK_QUEUE } from '../../workflows/task-queue';
import { relativeContract } from '../fixtures/relative-contract';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { devServer, TEST_ACTOR_SECRET, uniqueTaskQueue } from '../helpers/temporal';

const paymentArgs = (i: number) => ({
  reference: `P-${String(i).padStart(3, '0')}`,
  amount: '100.00',
  receivedOn: shanghaiDate(Date.now()),
  fundingSource: 'fiscal' as const,
  recordedBy: 'usr_finance',
});

describe('continue-as-new', () => {
  let temporal: TemporalServer;
  let database: TestDatabase;
  let connection: Connection;

  beforeAll(async () => {
    temporal = await devServer();
    database = await createTestDatabase();
    connection = await Connection.connect({ address: temporal.address });
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
    await temporal?.stop();
  });

  it('carries the whole ledger into the new run and keeps accepting payments', async () => {
    const client = new Client({
      connection,
      namespace: temporal.namespace,
      ...signingClientOptions(TEST_ACTOR_SECRET),
    });
    const taskQueue = uniqueTaskQueue('can');
    const workerConnection = await NativeConnection.connect({ address: temporal.address });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowBundle: await workflowBundle(TEST_ACTOR_SECRET),
      activities: createActivities({ db: database.handle.db }),
    });
    await worker.runUntil(async () => {
      const contract = relativeContract(Date.now(), `can-${Date.now()}`);
      const handle = await client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [
          { contract, createdBy: 'usr_agency', createdAt: new Date().toISOString(), continueAsNewAfterEvents: 60 },
        ],
      });
      const firstRun = handle.firstExecutionRunId;
      await handle.executeUpdate(registeredUpdate);
      for (let i = 1; i <= 40; i++) {
        const result = await handle.executeUpdate(recordPaymentUpdate, { args: [paymentArgs(i)] });
        expect(result.outcome).toBe('created');
      }
      // A repeat after the new run began is still recognised as a duplicate.
      expect((await handle.executeUpdate(recordPaymentUpdate, { args: [paymentArgs(1)] })).outcome).toBe('duplicate');

      const description = await client.workflow.getHandle(handle.workflowId).describe();
      expect(description.runId).not.toBe(firstRun);
      const state = await client.workflow.getHandle(handle.workflowId).query(contractStateQuery);
      expect(state.ledger.count).toBe(40);
      const rows = await database.handle.db
        .select()
        .from(ledgerEntries)
        .where(eq(ledgerEntries.contractId, contract.id));
      expect(rows).toHaveLength(40);
      const recorded = await database.handle.db.select().from(events).where(eq(events.contractId, contract.id));
      expect(recorded.filter((e) => e.kind === 'payment.recorded')).toHaveLength(40);
      expect(recorded.filter((e) => e.kind === 'contract.started')).toHaveLength(1);
    });
    await workerConnection.close();
  });
});

describe('a worker killed with SIGKILL mid-contract', () => {
  let temporal: TemporalServer;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let workerEnv: NodeJS.ProcessEnv;
  // Every worker process this test starts, so none outlives a failed assertion.
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-sigkill-'));
    temporal = await devServer({ dbFilename: path.join(dataDir, 'temporal.sqlite') });
    workerEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      GRANTFLOW_DATA_DIR: dataDir,
      GRANTFLOW_ACTOR_SECRET: TEST_ACTOR_SECRET,
      LOG_LEVEL: 'warn',
    };
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase();
      workerEnv.DATABASE_URL = database.url;
    }
  });
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await database?.drop();
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The production worker entry point, as a separate process.
  const startWorkerProcess = (): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/worker-main.ts'], {
      cwd: projectRoot,
      env: workerEnv,
      stdio: 'ignore',
    });
    started.push(child);
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

  it('loses nothing and duplicates nothing', async () => {
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({
      connection,
      namespace: temporal.namespace,
      ...signingClientOptions(TEST_ACTOR_SECRET),
    });
    const contract = relativeContract(Date.now(), `sigkill-${Date.now()}`);

    let worker = startWorkerProcess();
    const handle = await client.workflow.start(contractWorkflow, {
      workflowId: contractWorkflowId(contract.id),
      taskQueue: DEFAULT_TASK_QUEUE,
      args: [{ contract, createdBy: 'usr_agency', createdAt: new Date().toISOString() }],
    });
    await handle.executeUpdate(registeredUpdate);
    for (let i = 1; i <= 5; i++) await handle.executeUpdate(recordPaymentUpdate, { args: [paymentArgs(i)] });

    // Kill the worker while payments 6–8 are in flight.
    const inFlight = [6, 7, 8].map((i) => handle.executeUpdate(recordPaymentUpdate, { args: [paymentArgs(i)] }));
    await new Promise((r) => setTimeout(r, 30));
    const gone = exited(worker);
    worker.kill('SIGKILL');
    await gone;

    worker = startWorkerProcess();
    const outcomes = await Promise.all(inFlight);
    expect(outcomes.map((o) => o.reference)).toEqual(['P-006', 'P-007', 'P-008']);
    for (let i = 9; i <= 10; i++) await handle.executeUpdate(recordPaymentUpdate, { args: [paymentArgs(i)] });
    // Re-sending an in-flight payment after the crash is recognised, not applied twice.
    expect((await handle.executeUpdate(recordPaymentUpdate, { args: [paymentArgs(7)] })).outcome).toBe('duplicate');

    expect((await handle.query(contractStateQuery)).ledger.count).toBe(10);
    // Payments 6–8 raced each other, so only the set is fixed, not their order.
    const references = Array.from({ length: 10 }, (_, i) => paymentArgs(i + 1).reference);

    const stopped = exited(worker);
    worker.kill('SIGTERM');
    await stopped;
    await connection.close();

    // The read model, opened only now that no worker holds it.
    const readModel = database?.handle ?? openDatabase({ dataDir });
    const rows = await readModel.db.select().from(ledgerEntries).where(eq(ledgerEntries.contractId, contract.id));
    expect(rows.map((r) => r.reference).sort()).toEqual(references);
    const recorded = await readModel.db.select().from(events).where(eq(events.contractId, contract.id));
    expect(recorded.filter((e) => e.kind === 'payment.recorded')).toHaveLength(10);
    if (!database) await readModel.close();
  });
});
