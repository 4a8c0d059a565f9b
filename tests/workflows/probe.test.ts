import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../db/schema';
import { probeWorkflow } from '../../workflows';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';

describe('probe workflow on the time-skipping server', () => {
  let harness: TimeSkippingHarness;

  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('waits 30 days in seconds and records its event exactly once', async () => {
    const { env, database } = harness;
    const { worker, taskQueue } = await harness.worker('probe');
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
