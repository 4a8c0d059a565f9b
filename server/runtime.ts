// Pieces shared by the three entry points (all-in-one, api, worker).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ReadinessProbe } from '../api/routes/health';
import { ACTOR_SECRET_MIN_LENGTH } from '../domain/actor-claim';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { DEFAULT_TASK_QUEUE } from '../workflows/task-queue';
import { ConfigError, LOG_LEVELS, loadConfig, type Config } from './config';
import { createWorker } from './worker';

// A child process of the engine (the worker) marks its lines: they share the engine's stdout.
const role = process.env.GRANTFLOW_LOG_PROCESS;
// An unknown LOG_LEVEL logs at info until configOrExit names the mistake (pino would throw here, at import).
const requestedLevel = process.env.LOG_LEVEL || 'info';
export const logger = pino({
  level: (LOG_LEVELS as readonly string[]).includes(requestedLevel) ? requestedLevel : 'info',
  base: role ? { process: role } : undefined,
});

/**
 * Loads the configuration, or prints what is wrong and exits. `requireTemporalAddress` is set by
 * the separate API and worker processes: they also need GRANTFLOW_ACTOR_SECRET, since each would
 * otherwise generate its own and the worker would refuse every Update the API signs.
 */
export function configOrExit(options: { requireTemporalAddress?: boolean } = {}): Config {
  try {
    const config = loadConfig();
    const problems: string[] = [];
    if (options.requireTemporalAddress && !config.temporalAddress) {
      problems.push('TEMPORAL_ADDRESS is required for this process (host:port of the Temporal frontend)');
    }
    if (options.requireTemporalAddress && !config.actorSecret) {
      problems.push(
        'GRANTFLOW_ACTOR_SECRET is required for this process: the same value (at least 32 characters, e.g. `openssl rand -hex 32`) for the API and the worker',
      );
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(78); // EX_CONFIG
  }
}

/**
 * GRANTFLOW_ACTOR_SECRET, or (for `npm start`, which runs API and worker together) the one kept in
 * `<data directory>/actor-secret`, generated on first use: 32 random bytes, base64url, mode 0600.
 */
export function actorSecretOf(config: Config): string {
  if (config.actorSecret) return config.actorSecret;
  const file = path.join(config.dataDir, 'actor-secret');
  mkdirSync(config.dataDir, { recursive: true });
  try {
    // 'wx': never overwrite; every later start (and a concurrent one) reads the same secret.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    logger.info({ file }, 'generated GRANTFLOW_ACTOR_SECRET (the API signs Updates with it, workflows check)');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < ACTOR_SECRET_MIN_LENGTH)
    throw new ConfigError([
      `${file} holds a secret shorter than ${ACTOR_SECRET_MIN_LENGTH} characters: remove the file or set GRANTFLOW_ACTOR_SECRET`,
    ]);
  return secret;
}

export async function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  mkdirSync(config.dataDir, { recursive: true });
  const database = openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  await database.migrate();
  logger.info({ database: database.kind }, 'database ready, migrations applied');
  return database;
}

/** Creates the administrator on first start; prints a generated token exactly once. */
export async function bootstrapAdmin(config: Config, database: DatabaseHandle): Promise<void> {
  // Loaded here, not at the top: the worker process (which shares this module) never needs the API.
  const { IdentityService } = await import('../api/services/identity');
  const { generatedToken } = await new IdentityService(database.db).ensureAdmin(config.adminToken);
  if (generatedToken) {
    console.log(
      `\nAdministrator token (shown once, stored only as a hash; keep it safe):\n  ${generatedToken}\n` +
        'Set GRANTFLOW_ADMIN_TOKEN to choose your own instead.\n',
    );
  }
}

export async function startWorker(config: Config, address: string, database: DatabaseHandle) {
  const { worker, connection } = await createWorker({
    address,
    namespace: config.temporalNamespace,
    taskQueue: DEFAULT_TASK_QUEUE,
    actorSecret: actorSecretOf(config),
    maxCachedWorkflows: config.workerCachedWorkflows,
    deps: { db: database.db, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, outbound: config.outbound },
  });
  const running = worker.run();
  running.catch((error) => logger.error({ err: error }, 'worker stopped with an error'));
  return {
    worker,
    running,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      // Every workflow and activity task in progress has finished (or its grace ran out).
      logger.info('worker drained');
      await connection.close();
    },
  };
}

export async function startApi(
  config: Config,
  address: string,
  database: DatabaseHandle,
  probes: ReadinessProbe[] = [],
) {
  const { buildApp } = await import('../api/app');
  const { signingClientOptions } = await import('../api/services/actor-claims');
  const { apiConnectionOptions } = await import('../api/services/temporal-connection');
  const connection = await Connection.connect({ address, ...apiConnectionOptions() });
  const temporal = new Client({
    connection,
    namespace: config.temporalNamespace,
    ...signingClientOptions(actorSecretOf(config)),
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({
      database,
      temporal,
      taskQueue: DEFAULT_TASK_QUEUE,
      logLevel: config.logLevel,
      dataDir: config.dataDir,
      outbound: config.outbound,
      rateLimits: config.rateLimits,
      probes,
      temporalDeadlineMs: config.temporalDeadlineSeconds * 1000,
      updateGate: config.updateGate,
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const { port } = app.server.address() as { port: number };
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    app,
    url: `http://${shownHost}:${port}`,
    async stop() {
      await app.close();
      await connection.close();
    },
  };
}

/** Milliseconds after the first stop signal during which further signals are taken as the same request. */
export const FORCE_GRACE_MS = 2000;

type Step = { name: string; run: () => Promise<void> };

/**
 * What a process started, stopped in reverse order on SIGINT/SIGTERM (or `shutdown`), then exit.
 *
 * One Ctrl+C in a terminal often arrives twice: the terminal signals the whole foreground process
 * group and `npm start` forwards the signal to its child as well. Signals within FORCE_GRACE_MS of
 * the first are therefore the same request and are ignored; a signal after that forces the exit
 * (the servers' guards and the `exit` hooks still kill the child servers).
 */
export class Lifecycle {
  private readonly steps: Step[] = [];
  private inFlight: Promise<unknown> | undefined;
  private firstSignalAt: number | undefined;
  stopping = false;

  constructor(private readonly onStopping?: () => void) {}

  /** Handles SIGINT and SIGTERM for the rest of the process's life. */
  handleSignals(): this {
    const handler = (signal: NodeJS.Signals) => {
      if (!this.stopping) {
        this.firstSignalAt = Date.now();
        void this.shutdown(0, { signal });
        return;
      }
      const since = Date.now() - (this.firstSignalAt ?? 0);
      if (since < FORCE_GRACE_MS) {
        logger.info(
          { signal },
          `already stopping (a signal more than ${FORCE_GRACE_MS / 1000} s after the first forces the exit)`,
        );
        return;
      }
      logger.warn({ signal }, 'another signal while stopping: exiting now without draining');
      process.exit(130);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return this;
  }

  /** Starts one piece; its `stop` runs at shutdown. Throws Stopping if a shutdown began meanwhile. */
  async start<T>(name: string, begin: () => Promise<T>, stop: (value: T) => Promise<void>): Promise<T> {
    if (this.stopping) throw new Stopping();
    const started = begin().then((value) => {
      this.steps.unshift({ name, run: () => stop(value) });
      return value;
    });
    this.inFlight = started;
    const value = await started;
    this.inFlight = undefined;
    if (this.stopping) throw new Stopping();
    return value;
  }

  /** Registers a stop step for something already started. */
  add(name: string, run: () => Promise<void>): void {
    this.steps.unshift({ name, run });
  }

  /** Stops everything (waiting for a piece still starting), then exits with `code` (1 if a step failed). */
  async shutdown(code: number, context: Record<string, unknown> = {}): Promise<never> {
    if (this.stopping) return new Promise<never>(() => {});
    this.stopping = true;
    this.firstSignalAt ??= Date.now();
    this.onStopping?.();
    logger.info(context, 'shutting down');
    await this.inFlight?.catch(() => {});
    for (const step of this.steps) {
      try {
        await step.run();
        logger.info({ step: step.name }, 'stopped');
      } catch (error) {
        code = code || 1;
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info('all stopped');
    process.exit(code);
  }
}

/** Thrown by Lifecycle.start when a shutdown began while the process was starting. */
export class Stopping extends Error {
  constructor() {
    super('stopping');
    this.name = 'Stopping';
  }
}

/** Runs `steps` in order on SIGINT/SIGTERM, then exits (see Lifecycle for repeated signals). */
export function onShutdown(steps: Step[]): void {
  const lifecycle = new Lifecycle().handleSignals();
  for (const step of [...steps].reverse()) lifecycle.add(step.name, step.run);
}

/**
 * Waits until GET `url`/readyz answers 200, checking every 200 ms and logging what is not ready
 * every 15 s.
 */
export async function waitUntilReady(url: string, isStopping: () => boolean): Promise<void> {
  let lastReport = Date.now();
  let last = '';
  while (!isStopping()) {
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      if (response.status === 200) return;
      last = await response.text();
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() - lastReport > 15_000) {
      logger.warn({ readyz: last }, 'the API is not ready yet');
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
