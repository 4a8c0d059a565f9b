// Is a worker polling our task queue? Temporal keeps the pollers it saw per task queue with the
// time each last polled; a live worker long-polls at least once a minute (the server's long-poll
// expiry), so a poller not seen for longer than the window is a worker that went away.
import type { Client } from '@temporalio/client';

/** A live worker re-polls at least every 60 s; 90 s leaves a margin. */
export const DEFAULT_POLL_WINDOW_MS = 90_000;

const ASK_DEADLINE_MS = 3000;

// temporal.api.enums.v1.TaskQueueType
const WORKFLOW_TASK_QUEUE = 1;
const ACTIVITY_TASK_QUEUE = 2;

export interface WorkerPresence {
  /** Pollers seen within the window, per task queue type. */
  workflowPollers: number;
  activityPollers: number;
}

export class WorkerService {
  constructor(
    private readonly temporal: Client,
    readonly taskQueue: string,
    private readonly pollWindowMs = DEFAULT_POLL_WINDOW_MS,
  ) {}

  /** How many workers polled the task queue for workflow and for activity tasks within the window. */
  async presence(): Promise<WorkerPresence> {
    const count = async (taskQueueType: number) => {
      const answer = await this.temporal.workflowService.describeTaskQueue({
        namespace: this.temporal.options.namespace,
        taskQueue: { name: this.taskQueue },
        taskQueueType,
      });
      const since = Date.now() - this.pollWindowMs;
      return (answer.pollers ?? []).filter((p) => {
        const at = Number(p.lastAccessTime?.seconds ?? 0) * 1000 + Math.floor((p.lastAccessTime?.nanos ?? 0) / 1e6);
        return at >= since;
      }).length;
    };
    // Its own short deadline: this is asked when Temporal may itself be what is down.
    const [workflowPollers, activityPollers] = await this.temporal.withDeadline(Date.now() + ASK_DEADLINE_MS, () =>
      Promise.all([count(WORKFLOW_TASK_QUEUE), count(ACTIVITY_TASK_QUEUE)]),
    );
    return { workflowPollers, activityPollers };
  }

  /** Resolves when a worker polls both kinds of task; rejects naming what is missing (a readiness check). */
  async check(): Promise<string> {
    const { workflowPollers, activityPollers } = await this.presence();
    const seconds = Math.round(this.pollWindowMs / 1000);
    if (workflowPollers === 0)
      throw new Error(`no worker has polled task queue ${this.taskQueue} for workflow tasks within ${seconds} s`);
    if (activityPollers === 0)
      throw new Error(`no worker has polled task queue ${this.taskQueue} for activity tasks within ${seconds} s`);
    return `${workflowPollers} workflow and ${activityPollers} activity poller(s) on ${this.taskQueue}`;
  }

  /**
   * True when no worker polls for workflow or for activity tasks (a workflow needs both to answer:
   * its projections are activities), as `check` says; false when both are polled or Temporal cannot say.
   */
  async isAbsent(): Promise<boolean> {
    try {
      const { workflowPollers, activityPollers } = await this.presence();
      return workflowPollers === 0 || activityPollers === 0;
    } catch {
      return false;
    }
  }
}
