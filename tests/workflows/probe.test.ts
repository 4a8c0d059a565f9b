import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { events } from '../../db/schema';
import { workflowBundle } from '../../server/worker';
import { probeWorkflow } from '../../workflows';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { timeSkippingEnvironment, uniqueTaskQueue } from '../helpers/temporal';

describe('probe workflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;

  beforeAll(async () => {
    env = await timeSkippingEnvironment();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    await env?.teardown();
  });

  it('waits 30 days in seconds and records its event exactly once', async () => {
    const taskQueue = uniqueTaskQueue('probe');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ db: database.handle.db }),
    });
    const started = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(probeWorkflow, {
        workflowId: `probe-${taskQueue}`,
        taskQueue,
        args: [{ wait: '30 days' }],
      }),
    );
    const wallClock = Date.now() - started;

    const waited = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
    expect(waited).toBeGreaterThanOrEqual(30 * 24 * 3600 * 1000);
    expect(wallClock).toBeLessThan(30_000);

    const rows = await database.handle.db.select().from(events).where(eq(events.kind, 'probe.finished'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toMatchObject({ wait: '30 days', startedAt: result.startedAt });
  });
});
