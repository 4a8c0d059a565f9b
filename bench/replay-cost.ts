// Benchmark (not a test): what replaying a contract's history costs per event, the work a worker
// does when it picks up a contract it does not hold in its cache (after a restart, an eviction, or
// a failed workflow task) — the cost a long history puts on every burst.
//   npm run bench -- replay [payments=380]
// Records `payments` payments as Updates (8 at a time) on one contract of a dev server, takes its
// first run's history, and replays prefixes of growing length (cut after a workflow task started,
// as a worker sees them) with Worker.runReplayHistory, three times each. Reports the median per
// prefix and the milliseconds per event above the smallest prefix's fixed cost (worker creation).
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { temporal as proto } from '@temporalio/proto';
import { shanghaiDate } from '../domain/dates';
import { workflowBundle } from '../server/worker';
import { contractWorkflowId, recordPaymentUpdate } from '../workflows/contract-messages';
import { sCountyContract } from '../tests/fixtures/s-county';
import { registerParties } from '../tests/helpers/parties';
import { startStack } from '../tests/helpers/stack';
import { TEST_ACTOR_SECRET } from '../tests/helpers/temporal';

const WORKFLOW_TASK_STARTED = proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
const ROUNDS = 3;

export async function benchReplay(payments = 380): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await startStack({ rateLimits: { authFailuresPerMinute: 30, writesPerMinute: 0 } });
  try {
    const parties = await registerParties(stack.http, stack.adminToken);
    const id = `replay-${Date.now()}`;
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }),
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    const handle = stack.client.workflow.getHandle(contractWorkflowId(id));
    const firstRunId = (await handle.describe()).runId;
    const today = shanghaiDate(Date.now());
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < payments) {
          const i = next++;
          await handle.executeUpdate(recordPaymentUpdate, {
            args: [
              {
                reference: `R-${i}`,
                amount: '1.00',
                receivedOn: today,
                fundingSource: 'fiscal',
                recordedBy: 'usr_bench',
              },
            ],
          });
        }
      }),
    );
    const history = await stack.client.workflow.getHandle(contractWorkflowId(id), firstRunId).fetchHistory();
    const events = history.events ?? [];
    const bundle = await workflowBundle(TEST_ACTOR_SECRET);
    // Prefixes ending just after a workflow task started, at about these lengths, and the whole run.
    const targets = [100, 500, 1000, 2000, 3000, events.length];
    const cuts = [
      ...new Set(targets.map((t) => lastTaskStartedAtOrBefore(events, t)).filter((c): c is number => c !== undefined)),
    ];
    const rows: { events: number; medianMs: number }[] = [];
    for (const cut of cuts) {
      const prefix = { events: events.slice(0, cut) };
      const samples: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const start = process.hrtime.bigint();
        await Worker.runReplayHistory({ workflowBundle: bundle }, prefix, `replay-${cut}-${round}`);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      rows.push({ events: cut, medianMs: samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]! });
    }
    const base = rows[0]!;
    console.log(
      `contract with ${payments} payments: first run ${events.length} events${events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes ? ' (continued as new)' : ''}`,
    );
    console.table(
      rows.map((r) => ({
        events: r.events,
        'replay median ms': r.medianMs.toFixed(1),
        'ms per event above the smallest':
          r === base ? '' : ((r.medianMs - base.medianMs) / (r.events - base.events)).toFixed(3),
      })),
    );
  } finally {
    await stack.stop();
  }
}

/** The length of the longest prefix of at most `limit` events that ends with a workflow task started. */
function lastTaskStartedAtOrBefore(events: proto.api.history.v1.IHistoryEvent[], limit: number): number | undefined {
  for (let i = Math.min(limit, events.length) - 1; i >= 0; i--)
    if (events[i]!.eventType === WORKFLOW_TASK_STARTED) return i + 1;
  return undefined;
}
