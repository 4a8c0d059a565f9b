// Issue 12, worst case for quotas: the longest term the limits allow (10 years) with the most
// stations and monthly per-station quotas, every station short every month. The quota workflow
// judges period by period (never the whole term at once) and keeps one open step per quota and
// station, so each workflow task stays under 1 s and each run's history bounded, on the
// time-skipping server.
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { validateContractDefinition, type ContractDefinitionInput } from '../../domain/contract';
import { addDays, shanghaiDate } from '../../domain/dates';
import { QUOTA_METRICS } from '../../domain/quotas';
import { quotaWorkflow } from '../../workflows';
import { contractEndedSignal } from '../../workflows/contract-ended';
import { escalationWorkflowId } from '../../workflows/escalation-messages';
import { quotaStateQuery, quotaWorkflowId } from '../../workflows/quota-messages';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';
import { historyFigures, TEMPORAL_LIMITS, type HistoryFigures, LONGEST_TASK_BOUND_MS } from '../helpers/history-size';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';

// The most stations and quotas a contract may have. domain/limits.ts is getting MAX_STATIONS and
// MAX_QUOTAS from another change; until then these are the figures the worst case is drawn for.
const STATIONS = 50;
const QUOTAS = 20;
const TERM_YEARS = 10;
const HOUR = 3600 * 1000;

/** Every run of a workflow, first to last, following its continue-as-new chain. */
async function runsOf(client: Client, workflowId: string, firstRunId: string): Promise<string[]> {
  const runs = [firstRunId];
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runs.at(-1)).fetchHistory();
    const last = history.events?.at(-1);
    const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (last?.eventType !== proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW || !next)
      return runs;
    runs.push(next);
  }
}

/** The last day of the month `months` − 1 after the one `day` is in (1: that month's own). */
function endOfMonth(day: string, months: number): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7)) + months];
  const first = `${y + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}-01`;
  return addDays(first, -1);
}

describe('worst case: a 10-year term with the most stations and monthly quotas (time-skipping)', () => {
  // One server per case: work a finished case leaves on its stopped worker's queue would hold the
  // next case's clock.
  let harness: TimeSkippingHarness | undefined;
  beforeEach(async () => {
    harness = await timeSkippingHarness();
  });
  afterEach(async () => {
    await harness?.teardown();
    harness = undefined;
  });

  /**
   * A 10-year term whose last `months` months are still ahead when the contract is registered
   * (the 120 − `months` behind it are shown, never escalated), every station short every month.
   */
  async function drive(name: string, stations: number, quotas: number, months: number): Promise<void> {
    const { env } = harness!;
    const { worker, taskQueue } = await harness!.worker(name);
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const end = endOfMonth(shanghaiDate(now), months);
      const afterEnd = addDays(end, 1);
      const start = `${Number(afterEnd.slice(0, 4)) - TERM_YEARS}${afterEnd.slice(4)}`;
      const definition: ContractDefinitionInput = sCountyContract(sCountyOrgIds, {
        id: `${name}-${now}`,
        term: { start, end },
        tranches: [{ id: 't1', label: 'All', due: end, percent: 100, fundingSource: 'fiscal' }],
        checkpoints: [],
        stations: Array.from({ length: stations }, (_, i) => ({
          id: `S${i}`,
          name: `Station ${i}`,
          township: `Town ${i}`,
          villages: [],
        })),
        quotas: Array.from({ length: quotas }, (_, i) => ({
          id: `q${i}`,
          metric: QUOTA_METRICS[i % QUOTA_METRICS.length]!,
          perStation: true,
          period: 'month' as const,
          target: 5,
        })),
      });
      const result = validateContractDefinition(definition, (id) => sCountyKinds[id]);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      const contract = result.value;
      const workflowId = quotaWorkflowId(contract.id);
      const handle = await env.client.workflow.start(quotaWorkflow, {
        workflowId,
        taskQueue,
        args: [{ contract, calendar: calendarForYears(Number(start.slice(0, 4)), Number(end.slice(0, 4)) + 1) }],
      });

      const stepIds: string[] = [];
      for (let month = months; month >= 1; month--) {
        // A month ends: every station is short on every quota; the previous month's steps are superseded.
        const monthEnd = endOfMonth(shanghaiDate(now), months - month + 1);
        await env.sleep(Date.parse(`${monthEnd}T16:00:00Z`) - (await env.currentTimeMs()) + HOUR);
        const state = await env.client.workflow.getHandle(workflowId).query(quotaStateQuery);
        expect(Object.keys(state.steps)).toHaveLength(stations * quotas);
        expect(Object.values(state.steps).every((s) => s.periodKey === monthEnd.slice(0, 7))).toBe(true);
        // Only the months still needed keep progress counts, whatever the term's length.
        expect(state.progress).toEqual([]);
        stepIds.push(...Object.values(state.steps).map((s) => s.stepId));
      }

      await env.client.workflow.getHandle(workflowId).signal(contractEndedSignal, { status: 'terminated' });
      const final = await env.client.workflow.getHandle(workflowId).result();
      expect(final.steps).toEqual({});
      // Every escalation it started closes with it.
      for (const stepId of stepIds.slice(0, 20))
        expect((await env.client.workflow.getHandle(escalationWorkflowId(stepId)).describe()).status.name).not.toBe(
          'FAILED',
        );

      const runs = await runsOf(env.client, workflowId, handle.firstExecutionRunId);
      const figures: HistoryFigures[] = [];
      for (const runId of runs) figures.push(await historyFigures(env.client, workflowId, runId));
      console.table(figures.map((f) => ({ ...f, runId: f.runId.slice(0, 8), kb: Math.round(f.bytes / 1024) })));
      let started = 0;
      for (const runId of runs) {
        const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
        started += (history.events ?? []).filter(
          (e) => e.eventType === proto.api.enums.v1.EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
        ).length;
      }
      expect(started).toBe(months * stations * quotas);
      for (const f of figures) {
        expect(f.failedTasks, f.failures.join('\n')).toBe(0);
        expect(f.largestEventBytes).toBeLessThan(0.25 * TEMPORAL_LIMITS.payloadBytes);
        expect(f.longestTaskMs).toBeLessThan(LONGEST_TASK_BOUND_MS);
        expect(f.bytes).toBeLessThan(0.1 * TEMPORAL_LIMITS.historyBytes);
        expect(f.events).toBeLessThan(0.1 * TEMPORAL_LIMITS.historyEvents);
      }
    });
  }

  // Every escalation is a workflow with its own notifications: the month-to-month hand-over is shown
  // on a smaller contract, the full size judged for one month (1,000 shortfalls at once).
  it('supersedes each shortfall when the next month is judged, with bounded state', { timeout: 120_000 }, async () => {
    await drive('worst-quotas-months', 5, 4, 2);
  });

  it(
    `judges the last month of ${STATIONS} stations × ${QUOTAS} quotas with bounded tasks and history`,
    { timeout: 420_000 },
    async () => {
      await drive('worst-quotas', STATIONS, QUOTAS, 1);
    },
  );
});
