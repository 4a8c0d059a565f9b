// Temporal for tests: the time-skipping test server for deadlines, the dev server (or the cluster at
// TEMPORAL_ADDRESS) for Updates and integration. Servers start on free ports.
import { Connection, type Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { signingClientOptions } from '../../api/services/actor-claims';
import { temporalTestServerPath } from '../../server/temporal-binaries';
import { ensureSearchAttributes } from '../../server/search-attributes';
import { obtainTemporalServer, type TemporalServer } from '../../server/temporal-server';

/**
 * GRANTFLOW_ACTOR_SECRET of every test worker and client (workflowBundle(TEST_ACTOR_SECRET),
 * signingClientOptions(TEST_ACTOR_SECRET)); the replay test bundles with it too (validators, and so
 * the claim check, do not run on replay, so any secret replays any history).
 */
export const TEST_ACTOR_SECRET = 'test-actor-secret-0123456789abcdef-not-for-production';

/**
 * The time-skipping server; `env.client` signs its Updates as the API does, dated by the server's
 * skipped clock (which the workflows check a claim's expiry against).
 */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = temporalTestServerPath();
  // Read only when an Update is sent, after `env` exists.
  const env: TestWorkflowEnvironment = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
    client: signingClientOptions(TEST_ACTOR_SECRET, () => env.currentTimeMs()),
  });
  // The time-skipping server refuses a workflow's upsert of an attribute it does not know ("search
  // attribute … is not defined", the workflow task fails), and takes them through the operator
  // service like a cluster. It does not answer visibility queries (ListWorkflowExecutions):
  // listing by search attribute is tested on the dev server (tests/integration/search-attributes.test.ts).
  await ensureSearchAttributes(env.connection.operatorService, env.namespace ?? 'default');
  return env;
}

/** The dev server (started with grantflow's search attributes), or the cluster at TEMPORAL_ADDRESS (they are registered there). */
export async function devServer(
  options: { dbFilename?: string; dynamicConfig?: Record<string, string | number | boolean> } = {},
): Promise<TemporalServer> {
  const server = await obtainTemporalServer({
    address: process.env.TEMPORAL_ADDRESS,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    dbFilename: options.dbFilename,
    dynamicConfig: options.dynamicConfig,
    port: 0,
    uiPort: 0,
  });
  if (!server.owned) {
    const connection = await Connection.connect({ address: server.address });
    try {
      await ensureSearchAttributes(connection.operatorService, server.namespace);
    } finally {
      await connection.close();
    }
  }
  return server;
}

let counter = 0;
/** A task queue no other test uses. */
export function uniqueTaskQueue(name: string): string {
  counter += 1;
  return `test-${name}-${process.pid}-${Date.now()}-${counter}`;
}

/**
 * A Temporal client for API tests whose requests never reach a workflow (refused by roles, limits
 * or validation first): no server behind it, only what the API touches on every /v1 request — the
 * namespace and the per-request deadline wrapper.
 */
export function offlineTemporalClient(): Client {
  return {
    options: { namespace: 'default' },
    withDeadline: (_at: number, fn: () => Promise<unknown>) => fn(),
  } as unknown as Client;
}
