// One time-skipping environment and one fresh database per test file, and a worker per test (a
// Worker runs once) on its own task queue.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { workflowBundle } from '../../server/worker';
import { createTestDatabase, type TestDatabase } from './database';
import { TEST_ACTOR_SECRET, timeSkippingEnvironment, uniqueTaskQueue } from './temporal';

export interface TimeSkippingHarness {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  /** A new worker with the real activities on a new task queue. */
  worker(name: string): Promise<{ worker: Worker; taskQueue: string }>;
  teardown(): Promise<void>;
}

export async function timeSkippingHarness(): Promise<TimeSkippingHarness> {
  const env = await timeSkippingEnvironment();
  const database = await createTestDatabase();
  return {
    env,
    database,
    async worker(name) {
      const taskQueue = uniqueTaskQueue(name);
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(TEST_ACTOR_SECRET),
        activities: createActivities({ db: database.handle.db }),
      });
      return { worker, taskQueue };
    },
    async teardown() {
      await database.drop();
      await env.teardown();
    },
  };
}
