// The one place that answers "give me a Temporal server".
// TEMPORAL_ADDRESS set → that cluster. Otherwise the Temporal CLI's dev server (real server, SQLite
// persistence under the data directory, Web UI), started here and stopped by `stop()`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath } from './temporal-binaries';

export interface TemporalServer {
  address: string;
  namespace: string;
  /** Web UI, when this process started the server with its UI. */
  uiUrl?: string;
  /** True when this process started the server (and `stop` stops it). */
  owned: boolean;
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
  throw new Error(`Temporal at ${address} (namespace ${namespace}) not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startDevServer(cli: string, options: TemporalServerOptions): Promise<TemporalServer> {
  const ip = options.ip ?? '127.0.0.1';
  const wanted = options.port ?? 7233;
  const port = wanted === 0 || !(await portIsFree(wanted, ip)) ? await freePort(ip) : wanted;
  const uiWanted = options.uiPort ?? 8233;
  const uiPort = uiWanted === 0 || !(await portIsFree(uiWanted, ip)) ? await freePort(ip) : uiWanted;

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--ui-port', String(uiPort)];
  args.push('--namespace', options.namespace, '--log-level', 'warn', '--ui-disable-news-fetch');
  if (options.dbFilename) {
    mkdirSync(path.dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }

  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.log?.(line);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `Temporal dev server exited (code ${code}, signal ${signal}) before it was ready:\n${tail.join('\n')}`;
  });
  // A crash of this process must not leave the server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const address = `${ip}:${port}`;
  try {
    await waitForTemporal(address, options.namespace, options.startTimeoutMs ?? 60_000, () => exited);
  } catch (error) {
    await stopChild(child, 2000);
    process.removeListener('exit', killOnExit);
    throw error;
  }
  return {
    address,
    namespace: options.namespace,
    uiUrl: `http://${ip}:${uiPort}`,
    owned: true,
    async stop() {
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
