// A published year's fan-out (workflows/calendar-updates.ts calendarPublicationWorkflow) over the
// read model: every active contract is read once a page at a time (keyset by id), across
// continue-as-new; then a second pass reads the contracts registered since shortly before it began
// — one registered while the first pass ran, behind its cursor, is told too.
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { contracts } from '../../db/schema';
import type { ContractStatus } from '../../domain/status';
import { workflowBundle } from '../../server/worker';
import { calendarPublicationWorkflow } from '../../workflows';
import { TEST_ACTOR_SECRET, uniqueTaskQueue } from '../helpers/temporal';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';

describe('calendar publication fan-out', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  const row = (id: string, status: ContractStatus, createdAt: Date) => ({
    id,
    workflowId: `contract:${id}`,
    title: id,
    status,
    valueFen: 100,
    receivedFen: 0,
    purchaserId: 'org_p',
    payerId: 'org_p',
    contractorId: 'org_c',
    evaluatorId: 'org_e',
    partyOrganizationIds: ['org_p', 'org_c', 'org_e'],
    definition: {},
    scheduleVersion: 1,
    amendments: [],
    announced: {},
    createdBy: 'usr_a',
    createdAt,
    revision: 1,
  });

  it('reads every active contract once, continues as new, then reads the ones registered meanwhile', async () => {
    const db = harness.database.handle.db;
    const { env } = harness;
    const old = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    // 250 active contracts (3 pages of 100), 5 ended ones that are never read.
    await db
      .insert(contracts)
      .values([
        ...Array.from({ length: 250 }, (_, i) => row(`fan-${String(i).padStart(3, '0')}`, 'active', old)),
        ...Array.from({ length: 5 }, (_, i) => row(`fan-ended-${i}`, 'terminated', old)),
      ]);
    const real = createActivities({ db });
    const calls: Array<{ afterId?: string; createdSince?: string; ids: string[] }> = [];
    let added = false;
    const taskQueue = uniqueTaskQueue('fanout');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(TEST_ACTOR_SECRET),
      activities: {
        ...real,
        async openContractIds(input: { afterId?: string; limit: number; createdSince?: string }) {
          const ids = await real.openContractIds(input);
          calls.push({
            ...(input.afterId ? { afterId: input.afterId } : {}),
            ...(input.createdSince ? { createdSince: input.createdSince } : {}),
            ids,
          });
          // Registered while the first pass runs, with an id the cursor has passed already.
          if (!added && input.afterId === 'fan-099') {
            added = true;
            await db.insert(contracts).values(row('fan-000-late', 'active', new Date()));
          }
          return ids;
        },
      },
    });
    const handle = await env.client.workflow.start(calendarPublicationWorkflow, {
      workflowId: `calendar-publication-test-${Date.now()}`,
      taskQueue,
      args: [{ year: 2027, version: 1, pagesPerRun: 2 }],
    });
    const result = await worker.runUntil(handle.result());

    const first = calls.filter((c) => !c.createdSince);
    const second = calls.filter((c) => c.createdSince);
    const firstIds = first.flatMap((c) => c.ids);
    expect(firstIds.filter((id) => id !== 'fan-000-late')).toHaveLength(250);
    expect(new Set(firstIds).size).toBe(firstIds.length);
    expect(firstIds.some((id) => id.startsWith('fan-ended'))).toBe(false);
    expect(first.map((c) => c.afterId)).toEqual([undefined, 'fan-099', 'fan-199']);
    expect(second.flatMap((c) => c.ids)).toEqual(['fan-000-late']);
    expect(result.signalled).toBe(firstIds.length + 1);
    // Two pages per run: the fan-out continued as new at least once.
    const description = await handle.describe();
    expect(description.runId).not.toBe(handle.firstExecutionRunId);
  });
});
