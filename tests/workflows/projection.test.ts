// A projection that keeps failing is never retried silently forever: the real contract workflow,
// with a projection activity that fails like a database that is down, stops after PROJECTION's
// bounded attempts, records the failure in its memo, and writes it an hour later once it can.
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { contractWorkflowId } from '../../domain/ids';
import { workflowBundle } from '../../server/worker';
import { contractWorkflow } from '../../workflows';
import { PROJECTION } from '../../workflows/activity-options';
import { PROJECTION_FAILURE_MEMO, type ProjectionFailure } from '../../workflows/projection-messages';
import { relativeContract } from '../fixtures/relative-contract';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { uniqueTaskQueue } from '../helpers/temporal';

describe('projections that cannot be written', () => {
  let harness: TimeSkippingHarness;

  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('are tried a bounded number of times, recorded in the memo, and written an hour later', async () => {
    const { env, database } = harness;
    const real = createActivities({ db: database.handle.db });
    let attempts = 0;
    let broken = true;
    const taskQueue = uniqueTaskQueue('projection');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        ...real,
        async projectContract(input: Parameters<typeof real.projectContract>[0]) {
          attempts += 1;
          // Retryable, as a lost connection is: only the retry policy's bound stops it.
          if (broken) throw ApplicationFailure.retryable('connect ECONNREFUSED 127.0.0.1:5432', 'Error');
          return real.projectContract(input);
        },
      },
    });
    const contract = relativeContract(Date.now(), `PROJ-${Date.now()}`);
    const memo = async () => {
      const description = await env.client.workflow.getHandle(contractWorkflowId(contract.id)).describe();
      return description.memo?.[PROJECTION_FAILURE_MEMO] as ProjectionFailure | undefined;
    };

    await worker.runUntil(async () => {
      await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date().toISOString() }],
      });
      // 10 attempts with 1 s doubling backoff take about 8.5 minutes.
      await env.sleep('15 minutes');
      expect(attempts).toBe(PROJECTION.retry!.maximumAttempts);
      expect(await memo()).toMatchObject({ activity: 'projectContract', rounds: 1, pending: 1, message: expect.stringMatching(/ECONNREFUSED/) });

      // Nothing more until the hour is up.
      await env.sleep('30 minutes');
      expect(attempts).toBe(10);

      // Repaired: the next try writes it and the memo no longer names a failure.
      broken = false;
      await env.sleep('40 minutes');
      expect(attempts).toBe(11);
      expect(await memo()).toBeUndefined();
    });
  }, 120_000);
});
