// The production topology on one machine: one Temporal dev server, one fresh PostgreSQL database,
// and API and worker processes started as `npm run start:api` / `npm run start:worker` start them
// (node with tsx on server/api-main.ts and server/worker-main.ts), each behind the engine's child
// guard so that none outlives the test or bench that started it.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../server/temporal-binaries';
import { freePort, type TemporalServer } from '../../server/temporal-server';
import { createTestDatabase, type TestDatabase } from './database';
import { devServer, TEST_ACTOR_SECRET } from './temporal';
import { waitFor } from './engine';
import { httpClient, type Http } from './stack';

export interface ReplicaProcess {
  role: 'api' | 'worker';
  /** The guard's process; `pid` is the node process it runs. */
  guard: ChildProcess;
  pid: number;
  output: () => string;
  /** Resolves with the process's exit code (128 + signal when killed). */
  exited: Promise<number>;
  /** The API's base URL (APIs only). */
  url?: string;
  http?: Http;
}

export interface Replicas {
  temporal: TemporalServer;
  database: TestDatabase;
  adminToken: string;
  apis: ReplicaProcess[];
  workers: ReplicaProcess[];
  /** Starts another worker (e.g. after one was stopped); `nodeArgs` before the script (--cpu-prof …). */
  startWorker(nodeArgs?: string[]): Promise<ReplicaProcess>;
  /** SIGTERM through the guard (the process drains and exits); resolves with its exit code. */
  stopProcess(replica: ReplicaProcess): Promise<number>;
  stop(): Promise<void>;
}

export interface ReplicaOptions {
  apis?: number;
  workers?: number;
  /** SQLite file of the dev server (so its size can be measured); in memory when unset. */
  temporalDbFilename?: string;
  /** Node options of the worker started i-th (e.g. ['--cpu-prof', '--cpu-prof-dir=…']). */
  workerNodeArgs?: (index: number) => string[];
  /** Extra environment of every process. */
  env?: NodeJS.ProcessEnv;
}

const GUARD = path.join(projectRoot, 'server', 'child-guard.mjs');

/** Starts the topology; needs DATABASE_URL (PostgreSQL: the embedded database admits one process). */
export async function startReplicas(options: ReplicaOptions = {}): Promise<Replicas> {
  if (!process.env.DATABASE_URL)
    throw new Error('replicas need DATABASE_URL: several processes share one PostgreSQL database');
  const temporal = await devServer({ dbFilename: options.temporalDbFilename });
  const database = await createTestDatabase();
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-replicas-'));
  const adminToken = `gf_replicas_admin_${randomBytes(12).toString('hex')}`;
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    DATABASE_URL: database.url,
    GRANTFLOW_ACTOR_SECRET: TEST_ACTOR_SECRET,
    GRANTFLOW_ADMIN_TOKEN: adminToken,
    GRANTFLOW_DATA_DIR: path.join(runDir, 'data'),
    // Benches and bursts measure the engine, not the per-user write limit.
    GRANTFLOW_RATE_LIMIT_WRITES: '0',
    // Temporal admits 10 Updates in flight per workflow; each API process keeps its share (README: bursts).
    GRANTFLOW_UPDATES_PER_WORKFLOW: String(Math.floor(10 / (options.apis ?? 2))),
    ...options.env,
  };
  const all: ReplicaProcess[] = [];
  let serial = 0;

  const spawnReplica = (role: 'api' | 'worker', nodeArgs: string[], env: NodeJS.ProcessEnv): ReplicaProcess => {
    serial += 1;
    const pidFile = path.join(runDir, `${role}-${serial}.pid`);
    const script = role === 'api' ? 'server/api-main.ts' : 'server/worker-main.ts';
    const guard = spawn(
      process.execPath,
      [GUARD, pidFile, '--', process.execPath, ...nodeArgs, '--import', 'tsx', script],
      {
        cwd: projectRoot,
        env: { ...baseEnv, ...env },
        // stdin stays open: the guard stops its process when this one goes away (EOF).
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let text = '';
    guard.stdout!.on('data', (d) => (text = (text + d).slice(-200_000)));
    guard.stderr!.on('data', (d) => (text = (text + d).slice(-200_000)));
    const exited = new Promise<number>((resolve) =>
      guard.once('exit', (code, signal) => resolve(code ?? 128 + (os.constants.signals[signal!] ?? 0))),
    );
    const replica: ReplicaProcess = { role, guard, pid: 0, output: () => text, exited };
    all.push(replica);
    void (async () => {
      while (replica.pid === 0 && guard.exitCode === null) {
        if (existsSync(pidFile)) replica.pid = JSON.parse(readFileSync(pidFile, 'utf8')).pid;
        else await new Promise((r) => setTimeout(r, 20));
      }
    })();
    return replica;
  };

  const startApi = async (): Promise<ReplicaProcess> => {
    const port = await freePort();
    // warn: at info the API logs every request, which a bench would pay for.
    const replica = spawnReplica('api', [], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    replica.url = `http://127.0.0.1:${port}`;
    replica.http = httpClient(replica.url);
    await waitFor(
      async () => {
        if (replica.guard.exitCode !== null) throw new Error(`API exited:\n${replica.output()}`);
        return (await fetch(`${replica.url}/healthz`).catch(() => undefined))?.status === 200;
      },
      120_000,
      'API listening',
      replica.output,
    );
    return replica;
  };

  const startWorker = async (nodeArgs: string[] = []): Promise<ReplicaProcess> => {
    const replica = spawnReplica('worker', nodeArgs, { LOG_LEVEL: 'info' });
    await waitFor(
      () => {
        if (replica.guard.exitCode !== null) throw new Error(`worker exited:\n${replica.output()}`);
        return replica.output().includes('grantflow worker running') && replica.pid !== 0;
      },
      120_000,
      'worker running',
      replica.output,
    );
    return replica;
  };

  /** SIGTERM (a drain), then SIGKILL after 30 s: a stop never hangs. */
  const stopProcess = async (replica: ReplicaProcess): Promise<number> => {
    if (replica.guard.exitCode === null) replica.guard.kill('SIGTERM');
    const killer = setTimeout(() => {
      if (replica.guard.exitCode === null) replica.guard.kill('SIGKILL');
    }, 30_000);
    try {
      return await replica.exited;
    } finally {
      clearTimeout(killer);
    }
  };

  try {
    // All at once: each worker bundles the workflows meanwhile (seconds of webpack).
    const [workers, apis] = await Promise.all([
      Promise.all(Array.from({ length: options.workers ?? 2 }, (_, i) => startWorker(options.workerNodeArgs?.(i)))),
      Promise.all(Array.from({ length: options.apis ?? 2 }, () => startApi())),
    ]);
    return {
      temporal,
      database,
      adminToken,
      apis,
      workers,
      startWorker,
      stopProcess,
      async stop() {
        await Promise.all(all.map(stopProcess));
        await database.drop();
        await temporal.stop();
        rmSync(runDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(all.map(stopProcess));
    await database.drop();
    await temporal.stop();
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
}
