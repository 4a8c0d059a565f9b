// A workflow that proves the whole chain works: it waits durably, then records one audit event
// through an activity. Used by readiness checks of a deployment and by the tests.
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { probeEventKey } from '../domain/ids';

const { recordEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface ProbeInput {
  /** How long to wait durably, e.g. '30 days' or 1000 (ms). */
  wait: string | number;
}

export interface ProbeResult {
  startedAt: string;
  finishedAt: string;
}

export async function probeWorkflow(input: ProbeInput): Promise<ProbeResult> {
  const startedAt = new Date().toISOString();
  await sleep(input.wait);
  const finishedAt = new Date().toISOString();
  await recordEvent({
    idempotencyKey: probeEventKey(workflowInfo().workflowId, workflowInfo().runId, 'finished'),
    kind: 'probe.finished',
    occurredAt: finishedAt,
    payload: { startedAt, wait: input.wait },
  });
  return { startedAt, finishedAt };
}
