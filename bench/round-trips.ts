// Benchmark (not a test) of issue 19's fewer round trips, before and after, in one run on one dev
// server and one database:
//   creation: start + registration Update (before) vs one Update-with-Start (after), same worker;
//   payments: projections as regular activities (before: a bundle with bench/remote-projection-mode.ts
//             swapped in) vs local activities (after), each on its own worker and task queue.
//   npm run bench:round-trips -- [contracts=40] [payments=100]
// Interleaved in rounds so machine noise hits both sides alike; prints p50/p99 and after/before ratios.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type BundleOptions,
} from '@temporalio/worker';
import { createActivities } from '../activities';
import { signingClientOptions } from '../api/services/actor-claims';
import { shanghaiDate } from '../domain/dates';
import { workflowBundle, workflowInterceptorsPath, workflowsPath } from '../server/worker';
import type { contractWorkflow } from '../workflows';
import { contractWorkflowId, recordPaymentUpdate, registeredUpdate } from '../workflows/contract-messages';
import { relativeContract } from '../tests/fixtures/relative-contract';
import { createTestDatabase } from '../tests/helpers/database';
import { devServer, TEST_ACTOR_SECRET, uniqueTaskQueue } from '../tests/helpers/temporal';

const contracts = Number(process.argv[2] ?? 40);
const payments = Number(process.argv[3] ?? 100);
const ROUND = 5;

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
type WebpackPlugin = NonNullable<WebpackConfig['plugins']>[number];
const webpack = createRequire(require.resolve('@temporalio/worker'))('webpack') as {
  DefinePlugin: new (definitions: Record<string, string>) => WebpackPlugin;
  NormalModuleReplacementPlugin: new (pattern: RegExp, replacement: string) => WebpackPlugin;
};

/** The workflows as they were before issue 19's local projections (everything else current). */
function remoteProjectionBundle() {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [workflowInterceptorsPath],
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) },
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        new webpack.DefinePlugin({ __GRANTFLOW_ACTOR_SECRET__: JSON.stringify(TEST_ACTOR_SECRET) }),
        new webpack.NormalModuleReplacementPlugin(
          /[\\/]projection-mode(\.ts)?$/,
          path.resolve(__dirname, 'remote-projection-mode.ts'),
        ),
      ],
    }),
  });
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99) };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function report(what: string, before: number[], after: number[]) {
  const b = stats(before);
  const a = stats(after);
  const f = (x: number) => x.toFixed(1).padStart(8);
  console.log(
    `${what.padEnd(34)} before p50 ${f(b.p50)} ms p99 ${f(b.p99)} ms | after p50 ${f(a.p50)} ms p99 ${f(a.p99)} ms | ratio p50 ${(a.p50 / b.p50).toFixed(2)} p99 ${(a.p99 / b.p99).toFixed(2)}  (n=${a.n})`,
  );
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const temporal = await devServer();
  const database = await createTestDatabase();
  const activities = createActivities({ db: database.handle.db });
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace, ...signingClientOptions(TEST_ACTOR_SECRET) });
  const localQueue = uniqueTaskQueue('bench-local');
  const remoteQueue = uniqueTaskQueue('bench-remote');
  const [localBundle, remoteBundle] = await Promise.all([workflowBundle(TEST_ACTOR_SECRET), remoteProjectionBundle()]);
  const workers = await Promise.all([
    Worker.create({
      connection: workerConnection,
      namespace: temporal.namespace,
      taskQueue: localQueue,
      workflowBundle: localBundle,
      activities,
    }),
    Worker.create({
      connection: workerConnection,
      namespace: temporal.namespace,
      taskQueue: remoteQueue,
      workflowBundle: remoteBundle,
      activities,
    }),
  ]);
  const running = workers.map((w) => w.run());
  const stamp = Date.now();
  const contractInput = (id: string) =>
    [
      { contract: relativeContract(Date.now(), id), createdBy: 'usr_bench', createdAt: new Date().toISOString() },
    ] as Parameters<typeof contractWorkflow>;

  try {
    // Warm up both workers (bundle load, connection, first workflow in the cache).
    for (const queue of [localQueue, remoteQueue]) {
      const id = `warm-${queue}`;
      await client.workflow.executeUpdateWithStart(registeredUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof contractWorkflow>('contractWorkflow', {
          workflowId: contractWorkflowId(id),
          taskQueue: queue,
          workflowIdConflictPolicy: 'FAIL',
          args: contractInput(id),
        }),
      });
    }

    // Creation: the two ways the API has started a contract, on the same worker.
    const createBefore: number[] = [];
    const createAfter: number[] = [];
    for (let round = 0; round * ROUND < contracts; round++) {
      for (let k = 0; k < ROUND; k++) {
        const i = round * ROUND + k;
        const before = `rt-before-${stamp}-${i}`;
        createBefore.push(
          await time(async () => {
            const handle = await client.workflow.start<typeof contractWorkflow>('contractWorkflow', {
              workflowId: contractWorkflowId(before),
              taskQueue: localQueue,
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
              args: contractInput(before),
            });
            await handle.executeUpdate(registeredUpdate);
          }),
        );
        const after = `rt-after-${stamp}-${i}`;
        createAfter.push(
          await time(() =>
            client.workflow.executeUpdateWithStart(registeredUpdate, {
              startWorkflowOperation: new WithStartWorkflowOperation<typeof contractWorkflow>('contractWorkflow', {
                workflowId: contractWorkflowId(after),
                taskQueue: localQueue,
                workflowIdReusePolicy: 'REJECT_DUPLICATE',
                workflowIdConflictPolicy: 'FAIL',
                args: contractInput(after),
              }),
            }),
          ),
        );
      }
    }

    // Payments: one contract per worker, one payment at a time, alternating.
    const remoteId = `warm-${remoteQueue}`;
    const localId = `warm-${localQueue}`;
    const today = shanghaiDate(Date.now());
    const pay = (id: string, i: number) =>
      client.workflow.getHandle(contractWorkflowId(id)).executeUpdate(recordPaymentUpdate, {
        args: [
          { reference: `RT-${i}`, amount: '1.00', receivedOn: today, fundingSource: 'fiscal', recordedBy: 'usr_bench' },
        ],
      });
    const payBefore: number[] = [];
    const payAfter: number[] = [];
    for (let i = 0; i < payments; i++) {
      payBefore.push(await time(() => pay(remoteId, i)));
      payAfter.push(await time(() => pay(localId, i)));
    }
    const eventsOf = async (id: string) =>
      (await client.workflow.getHandle(contractWorkflowId(id)).fetchHistory()).events!.length;

    console.log(
      `\nround trips (issue 19), ${contracts} creations and ${payments} payments per side, ${new Date().toISOString()}`,
    );
    report('contract creation (start+Update → UwS)', createBefore, createAfter);
    report('payment (activity → local activity)', payBefore, payAfter);
    const [eb, ea] = [await eventsOf(remoteId), await eventsOf(localId)];
    console.log(`history events after ${payments} payments: before ${eb}, after ${ea} (ratio ${(ea / eb).toFixed(2)})`);
  } finally {
    for (const w of workers) w.shutdown();
    await Promise.all(running);
    await workerConnection.close();
    await connection.close();
    await database.drop();
    await temporal.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
