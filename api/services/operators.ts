// Workflows that need an operator: from Temporal's visibility, the running workflows of our task
// queue whose workflow task keeps failing (describe(): the pending workflow task's attempt) or that
// recorded a projection they cannot write (their memo, see workflows/projection.ts). Each one found
// is announced once in the administrators' inbox. One stuck workflow never stops the others.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/client';
import { writeNotifications } from '../../db/notifications';
import { contractIdOfWorkflowId } from '../../domain/ids';
import { stuckWorkflowNotification, type StuckReason, type StuckWorkflowNotice } from '../../domain/notices';
import { PROJECTION_FAILURE_MEMO, type ProjectionFailure } from '../../workflows/projection-messages';
import { ADMINISTRATORS_INBOX } from './inbox';

/** At most this many running workflows are looked at per scan (the answer says when there were more). */
export const MAX_SCANNED_WORKFLOWS = 2000;
/** A workflow task on its third attempt has failed twice in a row: Temporal's own "task issue" threshold. */
export const FAILING_TASK_ATTEMPTS = 3;
/** describe() calls in flight at once during a scan. */
const DESCRIBE_CONCURRENCY = 8;
const SCAN_DEADLINE_MS = 30_000;

export interface StuckWorkflow {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** The contract the workflow belongs to, when its id says (every grantflow workflow's does). */
  contractId: string | null;
  reason: StuckReason;
  /** workflow_task_failing: the pending workflow task's attempt; projection_failing: rounds of retries. */
  attempts: number;
  /** Since when (ISO 8601): the failing task's first scheduling, or the projection's first failure. */
  since: string | null;
  /** What failed (projection_failing: the activity and its error; workflow_task_failing: the task state). */
  detail: string;
  projection: ProjectionFailure | null;
}

export interface StuckScan {
  items: StuckWorkflow[];
  /** Running workflows looked at. */
  scanned: number;
  /** True when more than MAX_SCANNED_WORKFLOWS were running: the rest were not looked at. */
  truncated: boolean;
  scannedAt: string;
}

function isoFromTimestamp(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!t?.seconds) return null;
  return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

export class OperatorService {
  private last: StuckScan | undefined;
  private running: Promise<StuckScan> | undefined;

  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly log?: FastifyBaseLogger,
  ) {}

  /** The latest scan's result, if any ran (what /readyz reports without asking Temporal again). */
  get latest(): StuckScan | undefined {
    return this.last;
  }

  /** Scans now (joining a scan already under way) and announces what it finds to the administrators. */
  scan(): Promise<StuckScan> {
    this.running ??= this.scanOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async scanOnce(): Promise<StuckScan> {
    const result = await this.temporal.withDeadline(Date.now() + SCAN_DEADLINE_MS, () => this.find());
    this.last = result;
    await this.announce(result.items);
    return result;
  }

  private async find(): Promise<StuckScan> {
    const queue = this.taskQueue.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const running: WorkflowExecutionInfo[] = [];
    let truncated = false;
    for await (const info of this.temporal.workflow.list({
      query: `TaskQueue = '${queue}' AND ExecutionStatus = 'Running'`,
    })) {
      if (running.length === MAX_SCANNED_WORKFLOWS) {
        truncated = true;
        break;
      }
      running.push(info);
    }
    const found = await inBatches(running, DESCRIBE_CONCURRENCY, async (info) => this.inspect(info));
    return {
      items: found
        .flat()
        .sort((a, b) => (a.since ?? '').localeCompare(b.since ?? '') || a.workflowId.localeCompare(b.workflowId)),
      scanned: running.length,
      truncated,
      scannedAt: new Date().toISOString(),
    };
  }

  private async inspect(info: WorkflowExecutionInfo): Promise<StuckWorkflow[]> {
    const base = {
      workflowId: info.workflowId,
      runId: info.runId,
      workflowType: info.type,
      contractId: contractIdOfWorkflowId(info.workflowId),
    };
    const stuck: StuckWorkflow[] = [];
    const projection = info.memo?.[PROJECTION_FAILURE_MEMO] as ProjectionFailure | undefined;
    if (projection) {
      stuck.push({
        ...base,
        reason: 'projection_failing',
        attempts: projection.rounds,
        since: projection.since,
        detail: `${projection.activity}: ${projection.message} (${projection.pending} pending, next try ${projection.nextTryAt})`,
        projection,
      });
    }
    try {
      const description = await this.temporal.workflow.getHandle(info.workflowId, info.runId).describe();
      const task = description.raw.pendingWorkflowTask;
      if (task && (task.attempt ?? 0) >= FAILING_TASK_ATTEMPTS) {
        stuck.push({
          ...base,
          reason: 'workflow_task_failing',
          attempts: task.attempt ?? 0,
          since: isoFromTimestamp(task.originalScheduledTime),
          detail: `workflow task attempt ${task.attempt}; its failures are in the workflow's history`,
          projection: null,
        });
      }
    } catch (error) {
      // It may have closed since it was listed; a scan reports what it can.
      this.log?.debug({ err: error, workflowId: info.workflowId }, 'describe failed during the stuck-workflow scan');
    }
    return stuck;
  }

  /** One notice per workflow in the administrators' inbox (new ones only; the database dedups). */
  private async announce(items: StuckWorkflow[]): Promise<void> {
    if (items.length === 0) return;
    const at = new Date().toISOString();
    try {
      for (const item of items) {
        const notice: StuckWorkflowNotice = { ...item, at };
        await this.db.transaction((tx) =>
          writeNotifications(tx, item.contractId, [stuckWorkflowNotification(notice, ADMINISTRATORS_INBOX)]),
        );
      }
    } catch (error) {
      this.log?.warn({ err: error }, 'could not write stuck-workflow notices');
    }
  }

  /** Scans every `intervalMs` in the background until the returned function is called. */
  every(intervalMs: number): () => void {
    const timer = setInterval(() => {
      this.scan().catch((error) => this.log?.warn({ err: error }, 'stuck-workflow scan failed'));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
