// The one place that answers "give me a Temporal server".
// TEMPORAL_ADDRESS set → that cluster. Otherwise the Temporal CLI's dev server (real server, SQLite
// persistence under the data directory, Web UI), started here and stopped by `stop()`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerSearchAttributeArgs } from './search-attributes';
import { temporalCliPath } from './temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { defineSearchAttributeKey } from '@temporalio/common';

export interface TemporalServer {
  address: string;
  namespace: string;
  /** Web UI, when this process started the server with its UI. */
  uiUrl?: string;
  /** True when this process started the server (and `stop` stops it). */
  owned: boolean;
  /** Why a supervised server is not serving right now (it died and is being restarted), or undefined. */
  problem?(): string | undefined;
  stop(): Promise<void>;
}

export interface TemporalServerOptions {
  /** Existing cluster (host:port). */
  address?: string;
  namespace: string;
  /** SQLite file for the dev server; undefined → in memory (lost on stop). */
  dbFilename?: string;
  /** gRPC port of a started dev server; 0 → any free port. */
  port?: number;
  /** Web UI port of a started dev server; 0 → any free port. */
  uiPort?: number;
  ip?: string;
  startTimeoutMs?: number;
  log?: (line: string) => void;
  /** Where the server's guard records its pid and the server's (default: the temp directory). */
  pidFile?: string;
  /** Dynamic configuration of a started dev server (key → JSON value), e.g. a shorter long-poll expiry for tests. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Restart the dev server when it dies after it was ready, on the same ports. */
  supervise?: {
    onRestart?(reason: string, attempt: number): void;
    onRestarted?(address: string): void;
    /** Called when it died too often; the server stays stopped. */
    onGiveUp?(reason: string): void;
  };
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Waits until the frontend answers for the namespace, or throws after `timeoutMs`. */
export async function waitForTemporal(
  address: string,
  namespace: string,
  timeoutMs: number,
  aborted: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const reason = aborted();
    if (reason) throw new Error(reason);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `Temporal at ${address} (namespace ${namespace}) not ready after ${timeoutMs} ms: ${String(lastError)}`,
  );
}

/** The guard that ties a server's life to this process's (see child-guard.mjs). */
const childGuard = path.resolve(__dirname, 'child-guard.mjs');

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Signals the guard's whole process group (the guard and its server). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Restarts of a dead dev server allowed within RESTART_WINDOW_MS before the engine gives up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 5 * 60_000;

async function startDevServer(cli: string, options: TemporalServerOptions): Promise<TemporalServer> {
  const ip = options.ip ?? '127.0.0.1';
  const wanted = options.port ?? 7233;
  const port = wanted === 0 || !(await portIsFree(wanted, ip)) ? await freePort(ip) : wanted;
  const uiWanted = options.uiPort ?? 8233;
  const uiPort = uiWanted === 0 || !(await portIsFree(uiWanted, ip)) ? await freePort(ip) : uiWanted;

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--ui-port', String(uiPort)];
  args.push('--namespace', options.namespace, '--log-level', 'warn', '--ui-disable-news-fetch');
  // grantflow's search attributes exist from the start (workflows/search-attributes.ts).
  args.push(...devServerSearchAttributeArgs());
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (options.dbFilename) {
    mkdirSync(path.dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  const pidFile = options.pidFile ?? path.join(os.tmpdir(), `grantflow-temporal-${process.pid}-${port}.pid`);
  mkdirSync(path.dirname(pidFile), { recursive: true });
  const address = `${ip}:${port}`;
  const log = options.log ?? (() => {});

  let child: ChildProcess;
  let stopping = false;
  const tail: string[] = [];
  // A crash of this process must not leave the server running (the guard also watches for it).
  const killOnExit = () => {
    if (!hasExited(child)) signalGroup(child, 'SIGKILL');
  };
  process.once('exit', killOnExit);

  /** Starts the server (through its guard, in a process group of its own) and waits until it answers. */
  async function launch(): Promise<void> {
    child = spawn(process.execPath, [childGuard, pidFile, '--', cli, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const started = child;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        log(line);
      }
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    let exited: string | undefined;
    started.once('exit', (code, signal) => {
      exited = `Temporal dev server exited (code ${code}, signal ${signal}) before it was ready:\n${tail.join('\n')}`;
    });
    try {
      await waitForTemporal(address, options.namespace, options.startTimeoutMs ?? 60_000, () => exited);
    } catch (error) {
      await stopChild(started, 2000);
      throw error;
    }
    if (options.supervise) {
      started.once('exit', (code, signal) => {
        // If the guard was the one killed, its server may live on in the group: end it before a restart.
        signalGroup(started, 'SIGKILL');
        void restart(`Temporal dev server exited (code ${code}, signal ${signal})`);
      });
    }
  }

  // Supervision: a dev server that dies while the engine runs is started again on the same ports
  // (the engine's clients keep their address); too many deaths in a row and the engine gives up.
  const restarts: number[] = [];
  let down: string | undefined;
  async function restart(reason: string): Promise<void> {
    if (stopping) return;
    down = `${reason}; restarting it`;
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      down = `${reason}; given up after ${MAX_RESTARTS} restarts`;
      options.supervise?.onGiveUp?.(
        `${reason}; it died ${MAX_RESTARTS + 1} times within ${RESTART_WINDOW_MS / 60_000} minutes:\n${tail.join('\n')}`,
      );
      return;
    }
    restarts.push(now);
    options.supervise?.onRestart?.(reason, restarts.length);
    // 0.5 s, 1 s, 2 s, …: time for the ports to be released and for a transient cause to pass.
    await new Promise((r) => setTimeout(r, 500 * 2 ** (restarts.length - 1)));
    if (stopping) return;
    try {
      await launch();
      down = undefined;
      options.supervise?.onRestarted?.(address);
    } catch (error) {
      await restart(error instanceof Error ? error.message : String(error));
    }
  }

  try {
    await launch();
  } catch (error) {
    process.removeListener('exit', killOnExit);
    throw error;
  }
  return {
    address,
    namespace: options.namespace,
    uiUrl: `http://${ip}:${uiPort}`,
    owned: true,
    problem: () => down,
    async stop() {
      stopping = true;
      await stopChild(child);
      process.removeListener('exit', killOnExit);
    },
  };
}

/** Fallback where no binary is installed but the SDK can download one. */
async function startDownloadedServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: options.ip ?? '127.0.0.1',
      port: options.port || undefined,
      namespace: options.namespace,
      dbFilename: options.dbFilename,
      ui: true,
      uiPort: options.uiPort || undefined,
      searchAttributes: SEARCH_ATTRIBUTES.map(({ name, type }) => defineSearchAttributeKey(name, type)),
    },
  });
  return {
    address: env.address,
    namespace: options.namespace,
    owned: true,
    stop: () => env.teardown(),
  };
}

export async function obtainTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  if (options.address) {
    await waitForTemporal(options.address, options.namespace, options.startTimeoutMs ?? 30_000);
    return { address: options.address, namespace: options.namespace, owned: false, stop: async () => {} };
  }
  const cli = temporalCliPath();
  return cli ? startDevServer(cli, options) : startDownloadedServer(options);
}
