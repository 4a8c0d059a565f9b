// Builds the grantflow worker: the workflow bundle, the activities with their real dependencies.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { requireSearchAttributes } from './search-attributes';
import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type BundleOptions,
  type WorkflowBundle,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { DEFAULT_TASK_QUEUE } from '../workflows/task-queue';

export const workflowsPath = path.resolve(__dirname, '../workflows/index.ts');
/** Inbound interceptor that checks every Update's actor claim (workflows/interceptors.ts). */
export const workflowInterceptorsPath = path.resolve(__dirname, '../workflows/interceptors.ts');

// The webpack the SDK bundles with (its own dependency), for its DefinePlugin.
const webpack = createRequire(require.resolve('@temporalio/worker'))('webpack') as {
  DefinePlugin: new (definitions: Record<string, string>) => WebpackPlugin;
};
type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
type WebpackPlugin = NonNullable<WebpackConfig['plugins']>[number];

const cachedBundles = new Map<string, Promise<WorkflowBundle>>();

/**
 * Bundles workflows/ once per process and secret (a few seconds of webpack), with the actor-claim
 * interceptor and `actorSecret` (GRANTFLOW_ACTOR_SECRET) compiled in: workflow code cannot read the
 * environment, and the secret must not travel in workflow inputs, which histories keep.
 */
export function workflowBundle(actorSecret: string): Promise<WorkflowBundle> {
  let bundle = cachedBundles.get(actorSecret);
  const prebuilt = bundle ? undefined : prebuiltBundle(actorSecret);
  if (prebuilt) {
    bundle = Promise.resolve(prebuilt);
    cachedBundles.set(actorSecret, bundle);
  }
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules: [workflowInterceptorsPath],
      logger: quietBundlerLogger,
      webpackConfigHook: (config) => ({
        ...config,
        plugins: [
          ...(config.plugins ?? []),
          new webpack.DefinePlugin({ __GRANTFLOW_ACTOR_SECRET__: JSON.stringify(actorSecret) }),
        ],
      }),
    });
    cachedBundles.set(actorSecret, bundle);
  }
  return bundle;
}

/** What a prebuilt bundle file holds: the code, and the digest of the secret compiled into it. */
export interface PrebuiltBundle {
  code: string;
  secretSha256: string;
}

export const secretDigest = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/**
 * The bundle at GRANTFLOW_WORKFLOW_BUNDLE (a JSON PrebuiltBundle, e.g. the one `npm test`'s global
 * setup writes once for every test file: tests/global-setup.ts), when it was built with this
 * secret; otherwise undefined and the workflows are bundled here. Saves each process the seconds
 * of webpack; a bundle of another secret is never used (its Updates' claims would all be refused).
 */
function prebuiltBundle(actorSecret: string): WorkflowBundle | undefined {
  const file = process.env.GRANTFLOW_WORKFLOW_BUNDLE;
  if (!file) return undefined;
  try {
    const prebuilt = JSON.parse(readFileSync(file, 'utf8')) as PrebuiltBundle;
    return prebuilt.secretSha256 === secretDigest(actorSecret) && typeof prebuilt.code === 'string'
      ? { code: prebuilt.code }
      : undefined;
  } catch {
    return undefined;
  }
}

const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string, meta?: unknown) {
    console.warn(message, meta ?? '');
  },
  error(message: string, meta?: unknown) {
    console.error(message, meta ?? '');
  },
};

export interface WorkerOptions {
  address: string;
  namespace: string;
  taskQueue?: string;
  deps: ActivityDeps;
  /** GRANTFLOW_ACTOR_SECRET: the API signs Updates with it, the workflows check (see workflowBundle). */
  actorSecret: string;
  /** How many workflow executions stay cached in memory. */
  maxCachedWorkflows?: number;
}

export async function createWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.address });
  try {
    // Workflows upsert grantflow's search attributes: without them every contract's task would fail.
    await requireSearchAttributes(connection.operatorService, options.namespace);
    const worker = await Worker.create({
      connection,
      namespace: options.namespace,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowBundle: await workflowBundle(options.actorSecret),
      activities: createActivities(options.deps),
      maxCachedWorkflows: options.maxCachedWorkflows ?? 500,
      shutdownGraceTime: '10 seconds',
    });
    return { worker, connection };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
