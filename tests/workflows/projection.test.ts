// A projection that keeps failing is never retried silently forever: the real contract workflow and
// activities, with the read model failing for one contract as a lost connection does, stop after
// PROJECTION's bounded attempts, record the failure in the memo, and write it an hour later.
import { temporal } from '@temporalio/proto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../db/schema';
import { contractWorkflowId } from '../../domain/ids';
import { contractWorkflow } from '../../workflows';
import { PROJECTION } from '../../workflows/activity-options';
import { PROJECTION_FAILURE_MEMO, type ProjectionFailure } from '../../workflows/projection-messages';
import { relativeContract } from '../fixtures/relative-contract';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';

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
    const { worker, taskQueue } = await harness.worker('projection');
    const contract = relativeContract(Date.now(), `PROJ-${Date.now()}`);
    // The read model's contracts table fails for this contract as a lost connection does
    // (SQLSTATE 08006: retryable, unlike a data error).
    const db = database.handle.db;
    await db.execute(
      sql.raw(`
        create function projection_broken() returns trigger language plpgsql as $$
        begin
          if new.id = '${contract.id}' then
            raise exception 'connection lost' using errcode = 'connection_failure';
          end if;
          return new;
        end $$
      `),
    );
    await db.execute(
      sql.raw(
        'create trigger projection_broken before insert or update on contracts for each row execute function projection_broken()',
      ),
    );
    const memo = async () => {
      const description = await env.client.workflow.getHandle(contractWorkflowId(contract.id)).describe();
      return description.memo?.[PROJECTION_FAILURE_MEMO] as ProjectionFailure | undefined;
    };
    const failedAttempts = async () => {
      const { events } = await env.client.workflow.getHandle(contractWorkflowId(contract.id)).fetchHistory();
      return events!
        .filter((e) => e.activityTaskFailedEventAttributes)
        .map((e) => e.activityTaskFailedEventAttributes!);
    };

    await worker.runUntil(async () => {
      await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date().toISOString() }],
      });
      // 10 attempts with 1 s doubling backoff take about 8.5 minutes.
      await env.sleep('15 minutes');
      const failed = await failedAttempts();
      expect(failed).toHaveLength(1);
      expect(failed[0]!.retryState).toBe(temporal.api.enums.v1.RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
      const started = (
        await env.client.workflow.getHandle(contractWorkflowId(contract.id)).fetchHistory()
      ).events!.find(
        // Event ids are Longs: compared as numbers (`>` would compare their strings).
        (e) => e.activityTaskStartedEventAttributes && Number(e.eventId) > Number(failed[0]!.scheduledEventId),
      );
      expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(PROJECTION.retry!.maximumAttempts);
      expect(await memo()).toMatchObject({
        activity: 'projectContract',
        rounds: 1,
        pending: 1,
        message: expect.stringMatching(/connection lost/),
      });

      // Nothing more until the hour is up.
      await env.sleep('30 minutes');
      expect(await failedAttempts()).toHaveLength(1);

      // Repaired: the next try writes it and the memo no longer names a failure.
      await db.execute(sql.raw('drop trigger projection_broken on contracts'));
      await env.sleep('40 minutes');
      expect(await memo()).toBeUndefined();
      const [row] = await db.select().from(contracts).where(eq(contracts.id, contract.id));
      expect(row).toBeDefined();
      expect(await failedAttempts()).toHaveLength(1);
    });
  }, 120_000);
});
