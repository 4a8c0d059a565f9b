// Pieces shared by the three entry points (all-in-one, api, worker).
import { mkdirSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../api/app';
import { IdentityService } from '../api/services/identity';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { DEFAULT_TASK_QUEUE } from '../workflows/task-queue';
import { ConfigError, loadConfig, type Config } from './config';
import { createWorker } from './worker';

export const logger = pino({ level: process.env.LOG_LEVEL || 'info', base: undefined });

/** Loads the configuration, or prints what is wrong and exits. */
export function configOrExit(options: { requireTemporalAddress?: boolean } = {}): Config {
  try {
    const config = loadConfig();
    if (options.requireTemporalAddress && !config.temporalAddress) {
      throw new ConfigError(['TEMPORAL_ADDRESS is required for this process (host:port of the Temporal frontend)']);
    }
    return config;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(78); // EX_CONFIG
  }
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
      await connection.close();
    },
  };
}

export async function startApi(config: Config, address: string, database: DatabaseHandle) {
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
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

/**
 * Runs `steps` in order on SIGINT/SIGTERM, then exits. A second signal exits at once.
 */
export function onShutdown(steps: Array<{ name: string; run: () => Promise<void> }>): void {
  let stopping = false;
  const handler = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    let code = 0;
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        code = 1;
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(code);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
