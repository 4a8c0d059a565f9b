// The whole engine for integration tests: a Temporal server, a fresh database, a worker on its own
// task queue and the API listening on a free port, spoken to over real HTTP.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { OutboundPolicy } from '../../domain/outbound';
import { buildApp } from '../../api/app';
import type { RateLimits } from '../../api/plugins/auth';
import { LocalFileStorage } from '../../api/services/file-storage';
import { signingClientOptions } from '../../api/services/actor-claims';
import { IdentityService } from '../../api/services/identity';
import { apiConnectionOptions } from '../../api/services/temporal-connection';
import type { UpdateGateOptions } from '../../api/services/update-gate';
import type { TemporalServer } from '../../server/temporal-server';
import { createWorker } from '../../server/worker';
import { createTestDatabase, type TestDatabase } from './database';
import { devServer, TEST_ACTOR_SECRET, uniqueTaskQueue } from './temporal';

export interface Stack {
  baseUrl: string;
  adminToken: string;
  taskQueue: string;
  client: Client;
  database: TestDatabase;
  app: FastifyInstance;
  worker: Worker;
  http: Http;
  stop(): Promise<void>;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type Http = <T = any>(
  method: string,
  path: string,
  options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
) => Promise<HttpResult<T>>;

export function httpClient(baseUrl: string): Http {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as any, headers: response.headers };
  };
}

export async function startStack(
  options: {
    temporal?: TemporalServer;
    smtpUrl?: string;
    filesDir?: string;
    outbound?: OutboundPolicy;
    rateLimits?: RateLimits;
    updateGate?: Partial<UpdateGateOptions>;
  } = {},
): Promise<Stack> {
  const temporal = options.temporal ?? (await devServer());
  const database = await createTestDatabase();
  const taskQueue = uniqueTaskQueue('stack');
  const adminToken = `gf_test_admin_${randomBytes(12).toString('hex')}`;
  await new IdentityService(database.handle.db).ensureAdmin(adminToken);

  const { worker, connection: workerConnection } = await createWorker({
    address: temporal.address,
    namespace: temporal.namespace,
    taskQueue,
    actorSecret: TEST_ACTOR_SECRET,
    deps: { db: database.handle.db, smtpUrl: options.smtpUrl, outbound: options.outbound },
    maxCachedWorkflows: 50,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: temporal.address, ...apiConnectionOptions() });
  // Signs its Updates as the API's client does (stack.client is the API's own client).
  const client = new Client({ connection, namespace: temporal.namespace, ...signingClientOptions(TEST_ACTOR_SECRET) });
  const fileStorage = options.filesDir ? new LocalFileStorage(options.filesDir) : undefined;
  const app = await buildApp({
    database: database.handle,
    temporal: client,
    taskQueue,
    logLevel: (process.env.STACK_LOG_LEVEL as 'silent') ?? 'silent',
    fileStorage,
    outbound: options.outbound,
    rateLimits: options.rateLimits,
    updateGate: options.updateGate,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    adminToken,
    taskQueue,
    client,
    database,
    app,
    worker,
    http: httpClient(baseUrl),
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
      await database.drop();
      if (!options.temporal) await temporal.stop();
    },
  };
}
