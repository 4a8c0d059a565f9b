// Benchmark (not a test): what a typical contract-year costs in Temporal history, per workflow kind.
//   npm run bench -- histories
// One contract of the S county case (tests/fixtures/s-county.ts, dated from today) lives through
// its year on the time-skipping server: two stations with a monthly visit quota and a quarterly
// casework quota (station G records its first month, station Y nothing), a milestone reviewed in two
// rounds, a material request delivered in part then in full, the advance paid on time, the
// mid-term paid 10 days late (a missed checkpoint and an overdue tranche escalate), the rest a few
// days after the term. Reports per kind: workflows, runs, events and bytes (total and the largest run), the largest
// event and the longest workflow task, and writes bench/results/histories.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { temporal as proto } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { escalations } from '../db/schema';
import { validateContractDefinition } from '../domain/contract';
import { addDays, parseInstant, shanghaiDate } from '../domain/dates';
import { contractWorkflow } from '../workflows';
import { contractWorkflowId, recordPaymentUpdate, registeredUpdate } from '../workflows/contract-messages';
import { escalationWorkflowId } from '../workflows/escalation-messages';
import {
  deliverUpdate,
  materialRequestWorkflowId,
  requestMaterialsUpdate,
  reviewDeliveryUpdate,
} from '../workflows/material-request-messages';
import { quotaWorkflowId, recordProgressUpdate } from '../workflows/quota-messages';
import { decideUpdate, reviewWorkflowId, submitUpdate } from '../workflows/review-messages';
import { byReference, completeMaterial } from '../tests/fixtures/materials';
import { relativeDefinition } from '../tests/fixtures/relative-contract';
import { sCountyKinds } from '../tests/fixtures/s-county';
import { historyFigures, type HistoryFigures } from '../tests/helpers/history-size';
import { timeSkippingHarness } from '../tests/helpers/time-skipping';
import { storeTexts } from '../db/free-texts';

type Kind = 'contract' | 'review' | 'escalation' | 'material request' | 'quotas';

/** Every run of a workflow, first to last, following its continue-as-new chain. */
async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const first = await client.workflow.getHandle(workflowId).describe();
  // describe() names the latest run; walk back is not possible, so start from the first one.
  const firstRunId = first.raw.workflowExecutionInfo?.firstRunId ?? first.runId;
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

export async function benchHistories(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const harness = await timeSkippingHarness();
  const { env, database } = harness;
  const db = database.handle.db;
  // Free texts are stored first, as the API does (claim check): workflows carry references.
  const text = async (body: string) => (await storeTexts(db, 'bench', [body]))[0]!;
  const { worker, taskQueue } = await harness.worker('bench-histories');
  const figures = new Map<Kind, HistoryFigures[]>();
  const workflows = new Map<Kind, number>();

  await worker.runUntil(async () => {
    const now = await env.currentTimeMs();
    const start = shanghaiDate(now);
    const definition = relativeDefinition(now, `bench-year-${now}`);
    definition.stations = [
      { id: 'G', name: 'Station G', township: 'G Town', villages: ['org_village_1'] },
      { id: 'Y', name: 'Station Y', township: 'Y Town', villages: ['org_village_2'] },
    ];
    definition.quotas = [
      { id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 8 },
      { id: 'cases', metric: 'casework', perStation: true, period: 'quarter', target: 6 },
    ];
    definition.milestones = [
      {
        id: 'q1',
        title: 'Quarterly report',
        due: addDays(start, 90),
        stations: [],
        materials: ['activity_evidence_pack'],
        reviewWorkingDays: 3,
        maxRounds: 2,
      },
    ];
    const validated = validateContractDefinition(definition, (id) => sCountyKinds[id]);
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    const contract = validated.value;
    const handle = await env.client.workflow.start(contractWorkflow, {
      workflowId: contractWorkflowId(contract.id),
      taskQueue,
      args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
    });
    await handle.executeUpdate(registeredUpdate);
    const today = async () => shanghaiDate(await env.currentTimeMs());
    const pay = async (reference: string, amount: string) =>
      handle.executeUpdate(recordPaymentUpdate, {
        args: [
          {
            reference,
            amount,
            receivedOn: await today(),
            fundingSource: 'fiscal',
            recordedBy: 'usr_finance',
            note: await text('财政直接支付，见凭证'),
          },
        ],
      });

    // The advance, on time.
    await pay('P-1', '461600.00');

    // A material request from station G to its village, delivered in part, then in full.
    const due = addDays(start, 7);
    await handle.executeUpdate(requestMaterialsUpdate, {
      args: [
        {
          id: 'mr_bench',
          contractId: contract.id,
          station: 'G',
          villages: ['org_village_1'],
          title: 'Visit records',
          items: [{ id: 'visits', kind: 'visit_records', quantity: 10 }],
          due,
          dueAt: parseInstant(due)!,
          contacts: [{ id: 'ct_b', village: 'org_village_1', name: 'Wang Li', phone: '13800000001', hamlet: 'Banli' }],
          requestedBy: 'usr_station',
          requestedAt: new Date(now).toISOString(),
        },
      ],
    });
    const request = env.client.workflow.getHandle(materialRequestWorkflowId(contract.id, 'mr_bench'));
    await request.executeUpdate(deliverUpdate, {
      args: [
        {
          deliveryId: 'dl_1',
          village: 'org_village_1',
          items: [{ itemId: 'visits', quantity: 4 }],
          attachments: [],
          deliveredBy: 'usr_liaison',
        },
      ],
    });

    // The milestone's review: returned once, approved at the second round.
    const review = env.client.workflow.getHandle(reviewWorkflowId(contract.id, 'q1'));
    const material = completeMaterial('activity_evidence_pack');
    const materials = [{ ...material, attachments: material.attachments.map(({ content: _c, ...meta }) => meta) }];
    await review.executeUpdate(submitUpdate, {
      args: [
        {
          submissionId: 'sub_b1',
          station: '',
          ...byReference(materials, ['activity_evidence_pack']),
          submittedBy: 'usr_station',
        },
      ],
    });
    await review.executeUpdate(decideUpdate, {
      args: [
        {
          submissionId: 'sub_b1',
          outcome: 'return',
          reasons: [{ code: 'goals_vague', templateId: 'activity_evidence_pack', sectionId: 'plan' }],
          decidedBy: 'usr_eval',
        },
      ],
    });

    const quotas = env.client.workflow.getHandle(quotaWorkflowId(contract.id));
    let records = 0;
    for (let month = 0; month < 12; month++) {
      // Station G records its first month's visits and casework; station Y records nothing. (Only
      // before the first period is judged: the time-skipping server fails an Update sent to the
      // quota workflow after it has started escalations — "invalid history builder state".)
      const day = await today();
      if (month === 0) {
        for (const metric of ['village_visits', 'casework'] as const) {
          await quotas.executeUpdate(recordProgressUpdate, {
            args: [
              {
                id: `pr_${++records}`,
                station: 'G',
                metric,
                count: 8,
                date: day,
                evidence: { note: await text('走访记录已上传'), attachments: [] },
                recordedBy: 'usr_station',
              },
            ],
          });
        }
      }
      if (month === 0) {
        await env.sleep('10 days');
        await request.executeUpdate(deliverUpdate, {
          args: [
            {
              deliveryId: 'dl_2',
              village: 'org_village_1',
              items: [{ itemId: 'visits', quantity: 6 }],
              attachments: [],
              deliveredBy: 'usr_liaison',
            },
          ],
        });
        for (const deliveryId of ['dl_1', 'dl_2']) {
          await request.executeUpdate(reviewDeliveryUpdate, {
            args: [{ deliveryId, items: [{ itemId: 'visits', outcome: 'accept' }], reviewedBy: 'usr_station' }],
          });
        }
        const revised = [
          {
            ...materials[0]!,
            sections: {
              ...materials[0]!.sections,
              plan: '活动方案：每月在 5 个村各开展 1 次长者互助小组，每次 10 人，由驻站社工带领。'.repeat(2),
            },
          },
        ];
        await review.executeUpdate(submitUpdate, {
          args: [
            {
              submissionId: 'sub_b2',
              station: '',
              ...byReference(revised, ['activity_evidence_pack']),
              submittedBy: 'usr_station',
            },
          ],
        });
        await review.executeUpdate(decideUpdate, {
          args: [{ submissionId: 'sub_b2', outcome: 'approve', reasons: [], decidedBy: 'usr_eval' }],
        });
        await env.sleep('20 days');
      } else if (month === 9) {
        // Day ~300 passes unpaid (the checkpoint is missed, the mid-term tranche overdue); paid 10 days late.
        await env.sleep('40 days');
        await pay('P-2', '461600.00');
      } else if (month === 10) {
        await env.sleep('20 days');
      } else {
        await env.sleep('30 days');
      }
    }
    // The final tranche a few days late (it escalates, then closes): paid after the term's last
    // instant, not at it — on the time-skipping server an end signalled to the quota workflow at
    // the very instant its own last timer fires fails its task ("invalid history builder state").
    await env.sleep('6 days');
    await pay('P-3', '230800.00');
    await handle.result();
    await quotas.result();
    await request.result();
    await review.result();
    const steps = [
      ...new Set(
        (await db.select().from(escalations).where(eq(escalations.contractId, contract.id))).map((e) => e.stepId),
      ),
    ];
    for (const stepId of steps) await env.client.workflow.getHandle(escalationWorkflowId(stepId)).result();

    const ids: Array<[Kind, string]> = [
      ['contract', handle.workflowId],
      ['review', review.workflowId],
      ['material request', request.workflowId],
      ['quotas', quotas.workflowId],
      ...steps.map((s): [Kind, string] => ['escalation', escalationWorkflowId(s)]),
    ];
    for (const [kind, workflowId] of ids) {
      workflows.set(kind, (workflows.get(kind) ?? 0) + 1);
      for (const runId of await runsOf(env.client, workflowId)) {
        const list = figures.get(kind) ?? [];
        list.push(await historyFigures(env.client, workflowId, runId));
        figures.set(kind, list);
      }
    }
  });
  await harness.teardown();

  const rows = [...figures.entries()].map(([kind, runs]) => ({
    kind,
    workflows: workflows.get(kind)!,
    runs: runs.length,
    events: runs.reduce((s, r) => s + r.events, 0),
    kb: Math.round(runs.reduce((s, r) => s + r.bytes, 0) / 1024),
    largestRunEvents: Math.max(...runs.map((r) => r.events)),
    largestRunKb: Math.round(Math.max(...runs.map((r) => r.bytes)) / 1024),
    largestEventKb: Math.round((Math.max(...runs.map((r) => r.largestEventBytes)) / 1024) * 10) / 10,
    longestTaskMs: Math.max(...runs.map((r) => r.longestTaskMs)),
    failedTasks: runs.reduce((s, r) => s + r.failedTasks, 0),
  }));
  console.table(rows);
  const dir = path.resolve(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'histories.json'),
    `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`,
  );
}
