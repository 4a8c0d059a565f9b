// Builds the grantflow worker: the workflow bundle, the activities with their real dependencies.
import path from 'node:path';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { DEFAULT_TASK_QUEUE } from '../workflows/task-queue';

export const workflowsPath = path.resolve(__dirname, '../workflows/index.ts');

let cachedBundle: Promise<WorkflowBundle> | undefined;

/** Bundles workflows/ once per process (a few seconds of webpack). */
export function workflowBundle(): Promise<WorkflowBundle> {
  cachedBundle ??= bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
  return cachedBundle;
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
  /** How many workflow executions stay cached in memory. */
  maxCachedWorkflows?: number;
}

export async function createWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: options.namespace,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowBundle: await workflowBundle(),
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
