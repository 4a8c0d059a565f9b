// The worker of `npm start`, run as a child process by worker-supervisor.ts (through child-guard.mjs)
// so that a worker that dies — however it dies — takes only itself down; the engine restarts it.
//   node --import tsx server/worker-child.ts RUN_DIR/
// RUN_DIR names the engine's data directory on the command line (server/orphans.ts recognises a
// leftover by it). The engine passes TEMPORAL_ADDRESS, and either DATABASE_URL (its own pool) or
// GRANTFLOW_PGLITE_SOCKET (the engine's embedded database through server/pglite-bridge.ts).
// It does not take the data directory's lock: the engine holds it for both.
import { openBridgedDatabase } from './pglite-bridge';
import { configOrExit, Lifecycle, logger, openConfiguredDatabase, startWorker, Stopping } from './runtime';
import { waitForTemporal } from './temporal-server';
import { WORKER_READY_MESSAGE } from './worker-supervisor';

async function main() {
  // SIGTERM (from the guard, when the engine stops) drains the worker, then closes the database.
  const lifecycle = new Lifecycle().handleSignals();
  const config = configOrExit({ requireTemporalAddress: true });
  const address = config.temporalAddress!;
  const socket = process.env.GRANTFLOW_PGLITE_SOCKET;
  await waitForTemporal(address, config.temporalNamespace, 120_000);
  // With DATABASE_URL the engine has applied the migrations already; applying them again is a no-op.
  const database = await lifecycle.start(
    'database',
    async () => (config.databaseUrl || !socket ? openConfiguredDatabase(config) : openBridgedDatabase(socket)),
    (db) => db.close(),
  );
  await database.ping();
  const worker = await lifecycle.start(
    'worker',
    () => startWorker(config, address, database),
    (w) => w.stop(),
  );
  // A worker that stops by itself (its run() failed or ended) is a dead worker: exit, the engine restarts it.
  const ended = () => {
    if (!lifecycle.stopping) void lifecycle.shutdown(70, { reason: 'the worker stopped by itself' });
  };
  worker.running.then(ended, ended);
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), process: 'worker', pid: process.pid, msg: WORKER_READY_MESSAGE })}\n`,
  );
}

main().catch((error) => {
  if (error instanceof Stopping) return; // a signal arrived while starting; the lifecycle exits
  logger.error({ err: error }, 'worker failed to start');
  process.exit(1);
});
