// `npm start`: Temporal dev server (unless TEMPORAL_ADDRESS), database, migrations, worker and API
// in one process tree, stopped together on SIGINT/SIGTERM. The API and the database (PGlite, or the
// pool of DATABASE_URL) live in this process; the worker runs as a supervised child process
// (worker-supervisor.ts) that reaches the embedded database through pglite-bridge.ts, so a worker
// that dies is restarted while the API goes on answering.
//
// Order matters: the data directory's lock first (a second start refuses before it touches
// anything), then the servers an earlier, killed start left behind are stopped, and only then is
// anything started. "grantflow is running" is printed once /readyz answers 200.
import path from 'node:path';
import { acquireDataDirOrExit } from './engine-lock';
import { stopOrphans } from './orphans';
import { servePglite } from './pglite-bridge';
import { obtainTemporalServer } from './temporal-server';
import { superviseWorker } from './worker-supervisor';
import {
  actorSecretOf,
  bootstrapAdmin,
  configOrExit,
  Lifecycle,
  logger,
  openConfiguredDatabase,
  startApi,
  Stopping,
  waitUntilReady,
} from './runtime';

async function main() {
  const config = configOrExit();
  const lock = await acquireDataDirOrExit(config.dataDir, 'engine');
  const lifecycle = new Lifecycle(() => lock.update({ state: 'stopping' })).handleSignals();

  const runDir = path.join(config.dataDir, 'run');
  const dbFilename = path.join(config.dataDir, 'temporal', 'dev-server.sqlite');
  try {
    // The dev server names its SQLite file, the worker and the guards name the run directory.
    for (const orphan of await stopOrphans(runDir, [dbFilename, `${runDir}${path.sep}`])) {
      logger.warn({ pid: orphan.pid, command: orphan.command }, 'stopped a server an earlier start left running');
    }
    const temporal = await lifecycle.start(
      'temporal',
      () =>
        obtainTemporalServer({
          address: config.temporalAddress,
          namespace: config.temporalNamespace,
          dbFilename,
          port: config.temporalPort,
          uiPort: config.temporalUiPort,
          pidFile: path.join(runDir, 'temporal.pid'),
          supervise: {
            onRestart: (reason, attempt) =>
              logger.error({ reason, attempt }, 'Temporal dev server died; restarting it on the same ports'),
            onRestarted: (address) => logger.info({ address }, 'Temporal dev server restarted'),
            onGiveUp: (reason) => {
              logger.fatal({ reason }, 'Temporal dev server keeps dying; stopping grantflow');
              void lifecycle.shutdown(1);
            },
          },
        }),
      (server) => server.stop(),
    );
    lock.update({ temporal: temporal.address });
    const database = await lifecycle.start(
      'database',
      () => openConfiguredDatabase(config),
      (db) => db.close(),
    );
    await bootstrapAdmin(config, database);
    // The worker child reaches the embedded database through this process (PGlite admits one).
    const bridge = database.pglite
      ? await lifecycle.start(
          'database bridge',
          () => servePglite(database.pglite!, path.join(runDir, 'pglite.sock')),
          (b) => b.close(),
        )
      : undefined;
    const worker = await lifecycle.start(
      'worker',
      async () =>
        superviseWorker({
          runDir,
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: temporal.address,
            // The secret the API signs Updates with (generated once under the data directory).
            GRANTFLOW_ACTOR_SECRET: actorSecretOf(config),
            ...(bridge ? { GRANTFLOW_PGLITE_SOCKET: bridge.socketPath } : {}),
          },
          log: logger,
        }),
      (supervisor) => supervisor.stop(),
    );
    // While the worker is down (restarting, or given up), /readyz says so; the API still answers.
    const workerProbe = {
      name: 'worker',
      check: async () => {
        const problem = worker.problem();
        if (problem) throw new Error(problem);
      },
    };
    // While the supervised dev server is down, /readyz says so at once (the Temporal client would
    // otherwise retry quietly and answer 200 a little late).
    const devServerProbe = {
      name: 'temporal dev server',
      check: async () => {
        const problem = temporal.problem?.();
        if (problem) throw new Error(problem);
      },
    };
    const api = await lifecycle.start(
      'api',
      () => startApi(config, temporal.address, database, [devServerProbe, workerProbe]),
      (a) => a.stop(),
    );
    lock.update({ url: api.url });

    await waitUntilReady(api.url, () => lifecycle.stopping);
    if (lifecycle.stopping) return;
    lock.update({ state: 'running' });
    console.log(
      [
        '',
        'grantflow is running',
        `  API:              ${api.url}`,
        `  API docs:         ${api.url}/docs`,
        `  Temporal:         ${temporal.address} (namespace ${temporal.namespace})`,
        ...(temporal.uiUrl ? [`  Temporal Web UI:  ${temporal.uiUrl}`] : []),
        `  Data directory:   ${config.dataDir}`,
        'Press Ctrl+C to stop (once: it drains the worker, then stops every server).',
        '',
      ].join('\n'),
    );
  } catch (error) {
    if (error instanceof Stopping) return; // a signal arrived while starting; the lifecycle stops the rest
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      // Another program holds the API's port: say so plainly, no stack trace.
      const { address, port } = error as { address?: string; port?: number };
      console.error(
        `Port ${port} on ${address} is taken by another program: stop it or set PORT to another port (PORT=0: any free port).`,
      );
    } else {
      logger.error({ err: error }, 'start failed');
    }
    await lifecycle.shutdown(1);
  }
}

void main();
