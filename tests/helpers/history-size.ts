// Measures a workflow run's history against Temporal's limits (2 MB per payload, 50 MB and 51,200
// events per run), for the worst-case tests and the bench. Sizes are the protobuf encodings Temporal
// stores; a workflow task's time is from its Started to its Completed (or Failed) event.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** Temporal's limits per run (defaults of the server). */
/**
 * Temporal's hard limits, and the TypeScript worker's isolate execution timeout (a workflow task that
 * runs longer is failed as a potential deadlock, 5 s by default).
 */
export const TEMPORAL_LIMITS = {
  payloadBytes: 2 * 1024 * 1024,
  historyBytes: 50 * 1024 * 1024,
  historyEvents: 51_200,
  isolateExecutionMs: 5_000,
} as const;

/**
 * The longest workflow task a worst-case test accepts: half the deadlock limit. A task's wall time on a
 * shared two-core machine swings with the other test file's load (0.4 s alone, 1.2 s beside a busy one),
 * so the bound proves the distance from the limit, not a speed.
 */
export const LONGEST_TASK_BOUND_MS = TEMPORAL_LIMITS.isolateExecutionMs / 2;

export interface HistoryFigures {
  runId: string;
  events: number;
  /** The whole run's history, protobuf-encoded, in bytes. */
  bytes: number;
  /** The largest single event, protobuf-encoded, in bytes (an upper bound on any payload in it). */
  largestEventBytes: number;
  largestEventType: string;
  /** The longest workflow task, Started → Completed/Failed, in milliseconds. */
  longestTaskMs: number;
  /** Workflow tasks that failed (a deadlock, a payload too large, a non-determinism). */
  failedTasks: number;
  /** Why each failed: its cause and message, so an assertion on failedTasks says why. */
  failures: string[];
}

const toMs = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;

/** Figures of one run's history (the current run when runId is omitted). */
export async function historyFigures(client: Client, workflowId: string, runId?: string): Promise<HistoryFigures> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  let largestEventBytes = 0;
  let largestEventType = '';
  let longestTaskMs = 0;
  let failedTasks = 0;
  const failures: string[] = [];
  let taskStartedAt: number | undefined;
  const EventType = temporal.api.enums.v1.EventType;
  for (const event of events) {
    const size = temporal.api.history.v1.HistoryEvent.encode(event).finish().length;
    if (size > largestEventBytes) {
      largestEventBytes = size;
      largestEventType = EventType[event.eventType ?? 0] ?? String(event.eventType);
    }
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) taskStartedAt = toMs(event.eventTime);
    if (
      event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED ||
      event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ) {
      if (taskStartedAt !== undefined) longestTaskMs = Math.max(longestTaskMs, toMs(event.eventTime) - taskStartedAt);
      taskStartedAt = undefined;
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
        failedTasks += 1;
        const failed = event.workflowTaskFailedEventAttributes;
        failures.push(`${failed?.cause ?? '?'}: ${failed?.failure?.message ?? ''}`.slice(0, 500));
      }
    }
  }
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  const description = await handle.describe();
  return {
    runId: runId ?? description.runId,
    events: events.length,
    bytes,
    largestEventBytes,
    largestEventType,
    longestTaskMs,
    failedTasks,
    failures,
  };
}

/**
 * Every payload of a run's history (Update arguments and results, activity inputs and results,
 * signals, memos, the workflow's input and result…) decoded as UTF-8 text and joined: what a
 * person could read out of that history. The current run when runId is omitted.
 */
export async function historyText(client: Client, workflowId: string, runId?: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const parts: string[] = [];
  const decoder = new TextDecoder();
  const walk = (value: unknown, depth: number): void => {
    if (depth > 64 || value === null || typeof value !== 'object') return;
    if (value instanceof Uint8Array) {
      parts.push(decoder.decode(value));
      return;
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) walk(child, depth + 1);
  };
  walk(history.events ?? [], 0);
  return parts.join('\n');
}
