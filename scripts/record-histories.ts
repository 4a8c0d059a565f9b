// Records workflow histories under tests/histories/ for the replay test. Run after adding a
// scenario (npm run histories:record); never re-record to make a failing replay pass: since 1.0 a
// replay failure means a change broke running workflows and needs patched() (README, Architecture).
// Files are never overwritten: a history recorded by earlier code stays as it is, standing for the
// workflows that were running then.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { openDatabase } from '../db/client';
import { addDays, parseInstant, shanghaiDate } from '../domain/dates';
import { workflowBundle } from '../server/worker';
import { TEST_ACTOR_SECRET, timeSkippingEnvironment } from '../tests/helpers/temporal';
import { contractWorkflow, probeWorkflow } from '../workflows';
import { eq } from 'drizzle-orm';
import { escalations } from '../db/schema';
import { stepId, stepReference } from '../domain/ids';
import { acknowledgeUpdate, escalationWorkflowId } from '../workflows/escalation-messages';
import { decideUpdate, reviewWorkflowId, submitUpdate } from '../workflows/review-messages';
import {
  deliverUpdate,
  materialRequestWorkflowId,
  requestMaterialsUpdate,
  reviewDeliveryUpdate,
} from '../workflows/material-request-messages';
import { quotaWorkflowId, recordProgressUpdate } from '../workflows/quota-messages';
import {
  amendScheduleUpdate,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  reversePaymentUpdate,
  terminateUpdate,
} from '../workflows/contract-messages';
import { decideApplicationUpdate, fileApplicationUpdate } from '../workflows/payment-clock-messages';
import { completeMaterial } from '../tests/fixtures/materials';
import { relativeContract, relativeDefinition } from '../tests/fixtures/relative-contract';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../tests/fixtures/s-county';
import { validateContractDefinition } from '../domain/contract';
import { precheck } from '../domain/materials';
import { materialReferences } from '../api/services/submission-content';
import { storeTexts } from '../db/free-texts';
import { amendCalendarUpdate, calendarPublishedSignal } from '../workflows/calendar-messages';

const out = path.resolve(__dirname, '../tests/histories');

async function main() {
  mkdirSync(out, { recursive: true });
  // Its client signs Updates as the API does (workflows refuse unsigned ones).
  const env = await timeSkippingEnvironment();
  const database = openDatabase({ memory: true });
  await database.migrate();
  // Free texts are stored first, as the API does (claim check): workflows carry references.
  const text = async (body: string) => (await storeTexts(database.db, 'history', [body]))[0]!;
  const taskQueue = 'record-histories';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(TEST_ACTOR_SECRET),
    activities: createActivities({ db: database.db }),
  });

  // Only scenarios with a history still to record are run (the time-skipping server sometimes stalls
  // on a long scenario: fewer scenarios, fewer chances; a stalled run is simply run again).
  const missing = (...names: string[]) => names.some((name) => !existsSync(path.join(out, `${name}.json`)));
  const save = async (name: string, workflowId: string) => {
    if (existsSync(path.join(out, `${name}.json`))) {
      console.log(`kept ${name} (already recorded)`);
      return;
    }
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
    console.log(`recorded ${name} (${history.events?.length} events)`);
  };

  await worker.runUntil(async () => {
    if (missing('contract-source-terminated')) {
      // The source case, backdated: checkpoint missed at once, then terminated.
      const source = validateContractDefinition(
        sCountyContract(sCountyOrgIds, { id: 'history-source', closeGraceDays: 3650 }),
        (id) => sCountyKinds[id],
      );
      if (!source.ok) throw new Error('fixture invalid');
      const second = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(source.value.id),
        taskQueue,
        args: [
          {
            contract: source.value,
            createdBy: 'usr_agency',
            createdAt: new Date(await env.currentTimeMs()).toISOString(),
          },
        ],
      });
      await second.executeUpdate(registeredUpdate);
      await second.executeUpdate(recordPaymentUpdate, {
        args: [
          {
            reference: 'CZ-1',
            amount: '530000.00',
            receivedOn: '2023-03-10',
            fundingSource: 'fiscal',
            recordedBy: 'usr_finance',
          },
        ],
      });
      await second.executeUpdate(terminateUpdate, {
        args: [{ reason: await text('dissolved'), terminatedBy: 'usr_agency' }],
      });
      await second.result();
      await save('contract-source-terminated', second.workflowId);
    }

    if (missing('contract-year', 'escalation-payment-shortfall')) {
      // A contract year: payments, a reversal, an amendment, a missed then recovered checkpoint, completion.
      const now = await env.currentTimeMs();
      const year = relativeContract(now, 'history-year');
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(year.id),
        taskQueue,
        args: [{ contract: year, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      const pay = async (reference: string, amount: string) =>
        handle.executeUpdate(recordPaymentUpdate, {
          args: [
            {
              reference,
              amount,
              receivedOn: shanghaiDate(await env.currentTimeMs()),
              fundingSource: 'fiscal',
              recordedBy: 'usr_finance',
            },
          ],
        });
      await pay('P-1', '300000.00');
      await pay('P-2', '230000.00');
      await pay('P-X', '1000.00');
      await handle.executeUpdate(reversePaymentUpdate, {
        args: [{ reference: 'P-X', reason: await text('wrong contract'), recordedBy: 'usr_finance' }],
      });
      const start = shanghaiDate(now);
      await handle.executeUpdate(amendScheduleUpdate, {
        args: [
          {
            reason: await text('move the advance'),
            amendedBy: 'usr_agency',
            tranches: [
              { id: 't1', label: 'Advance', due: addDays(start, 90), percent: 40, fundingSource: 'fiscal' },
              { id: 't2', label: 'Mid-term', due: addDays(start, 300), percent: 40, fundingSource: 'fiscal' },
              { id: 't3', label: 'Final', due: addDays(start, 364), percent: 20, fundingSource: 'fiscal' },
            ],
            checkpoints: [{ id: 'eighty', by: addDays(start, 300), minPercent: 80 }],
          },
        ],
      });
      await env.sleep('302 days');
      // The shortfall's escalation is open: the payer acknowledges it, then pays.
      const shortfallStep = stepId(year.id, 'paymentShortfall', stepReference(['eighty']), 1);
      const [open] = await database.db.select().from(escalations).where(eq(escalations.stepId, shortfallStep));
      await env.client.workflow.getHandle(escalationWorkflowId(shortfallStep)).executeUpdate(acknowledgeUpdate, {
        args: [
          {
            escalationId: open!.id,
            organizationId: year.parties.payer,
            userId: 'usr_finance',
            note: await text('transfer on its way'),
          },
        ],
      });
      await env.sleep('8 days');
      await pay('P-3', '393200.00');
      await pay('P-4', '230800.00');
      await handle.result();
      await env.client.workflow.getHandle(escalationWorkflowId(shortfallStep)).result();
      await save('contract-year', handle.workflowId);
      await save('escalation-payment-shortfall', escalationWorkflowId(shortfallStep));
    }

    if (missing('contract-with-milestone', 'review-returned-then-approved')) {
      // A contract with a milestone: its review cycle runs as a child; one round returned, one approved
      // (the approval told to the contract, whose mid-term tranche it releases).
      const reviewNow = await env.currentTimeMs();
      const withMilestone = relativeDefinition(reviewNow, 'history-review');
      withMilestone.milestones = [
        {
          id: 'q1',
          title: 'Quarterly report',
          due: addDays(shanghaiDate(reviewNow), 90),
          stations: [],
          materials: ['activity_evidence_pack'],
          reviewWorkingDays: 3,
          maxRounds: 2,
        },
      ];
      // The mid-term tranche is payable once the report is approved: the review tells the contract (issue 18).
      withMilestone.tranches = withMilestone.tranches.map((t) =>
        t.id === 't2' ? { ...t, release: { afterApproval: 'q1' } } : t,
      );
      const reviewed = validateContractDefinition(withMilestone, (id) => sCountyKinds[id]);
      if (!reviewed.ok) throw new Error('fixture invalid');
      const third = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(reviewed.value.id),
        taskQueue,
        args: [{ contract: reviewed.value, createdBy: 'usr_agency', createdAt: new Date(reviewNow).toISOString() }],
      });
      await third.executeUpdate(registeredUpdate);
      const review = env.client.workflow.getHandle(reviewWorkflowId(reviewed.value.id, 'q1'));
      const material = completeMaterial('activity_evidence_pack');
      const materials = [{ ...material, attachments: material.attachments.map(({ content: _c, ...meta }) => meta) }];
      // Sent as the API sends them: by reference, pre-checked (claim check).
      const byReference = (ms: typeof materials) => {
        const { references, contentSha256 } = materialReferences(ms);
        return { materials: references, contentSha256, precheck: precheck(ms, ['activity_evidence_pack']) };
      };
      await review.executeUpdate(submitUpdate, {
        args: [{ submissionId: 'sub_h1', station: '', ...byReference(materials), submittedBy: 'usr_station' }],
      });
      await review.executeUpdate(decideUpdate, {
        args: [
          {
            submissionId: 'sub_h1',
            outcome: 'return',
            reasons: [{ code: 'goals_vague', templateId: 'activity_evidence_pack', sectionId: 'plan' }],
            decidedBy: 'usr_eval',
          },
        ],
      });
      await env.sleep('10 days');
      // Round 2 rewrites the section the reason named: an identical resubmission is refused.
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
        args: [{ submissionId: 'sub_h2', station: '', ...byReference(revised), submittedBy: 'usr_station' }],
      });
      await review.executeUpdate(decideUpdate, {
        args: [{ submissionId: 'sub_h2', outcome: 'approve', reasons: [], decidedBy: 'usr_eval' }],
      });
      await review.result();
      await save('contract-with-milestone', third.workflowId);
      await save('review-returned-then-approved', review.workflowId);
    }

    if (missing('contract-village-chain', 'material-request-returned-then-accepted', 'quotas-short-then-terminated')) {
      // The village chain: a contract with a monthly visit quota and a material request. The request
      // is delivered in part, falls overdue, is delivered in full and accepted; a station misses its
      // first month's visits; then the contract is terminated and its children close.
      const chainNow = await env.currentTimeMs();
      const chain = relativeDefinition(chainNow, 'history-village');
      chain.stations = [
        {
          id: 'G',
          name: 'Station G',
          township: 'G Town',
          villages: ['org_village_1'],
          townshipOrganization: 'org_township_g',
        },
        { id: 'Y', name: 'Station Y', township: 'Y Town', villages: ['org_village_2'] },
      ];
      chain.quotas = [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 8 }];
      const chainKinds: Record<string, string> = { ...sCountyKinds, org_township_g: 'township' };
      const chained = validateContractDefinition(chain, (id) => chainKinds[id] as never);
      if (!chained.ok) throw new Error('fixture invalid');
      const fourth = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(chained.value.id),
        taskQueue,
        args: [{ contract: chained.value, createdBy: 'usr_agency', createdAt: new Date(chainNow).toISOString() }],
      });
      await fourth.executeUpdate(registeredUpdate);
      const today = shanghaiDate(chainNow);
      const due = addDays(today, 7);
      await fourth.executeUpdate(requestMaterialsUpdate, {
        args: [
          {
            id: 'mr_history',
            contractId: chained.value.id,
            station: 'G',
            villages: ['org_village_1'],
            title: 'Visit records',
            items: [{ id: 'visits', kind: 'visit_records', quantity: 10 }],
            due,
            dueAt: parseInstant(due)!,
            contacts: [
              { id: 'ct_h', village: 'org_village_1', name: 'Wang Li', phone: '13800000001', hamlet: 'Banli' },
            ],
            requestedBy: 'usr_station',
            requestedAt: new Date(chainNow).toISOString(),
          },
        ],
      });
      const requestHandle = env.client.workflow.getHandle(materialRequestWorkflowId(chained.value.id, 'mr_history'));
      await requestHandle.executeUpdate(deliverUpdate, {
        args: [
          {
            deliveryId: 'dl_h1',
            village: 'org_village_1',
            items: [{ itemId: 'visits', quantity: 4 }],
            attachments: [],
            deliveredBy: 'usr_liaison',
          },
        ],
      });
      const quotas = env.client.workflow.getHandle(quotaWorkflowId(chained.value.id));
      await quotas.executeUpdate(recordProgressUpdate, {
        args: [
          {
            id: 'pr_h1',
            station: 'G',
            metric: 'village_visits',
            count: 8,
            date: today,
            evidence: { attachments: [] },
            recordedBy: 'usr_station',
          },
        ],
      });
      await env.sleep('12 days');
      await requestHandle.executeUpdate(deliverUpdate, {
        args: [
          {
            deliveryId: 'dl_h2',
            village: 'org_village_1',
            items: [{ itemId: 'visits', quantity: 6 }],
            attachments: [],
            deliveredBy: 'usr_liaison',
          },
        ],
      });
      await requestHandle.executeUpdate(reviewDeliveryUpdate, {
        args: [
          {
            deliveryId: 'dl_h1',
            items: [{ itemId: 'visits', outcome: 'return', reason: await text('unsigned') }],
            reviewedBy: 'usr_station',
          },
        ],
      });
      await requestHandle.executeUpdate(deliverUpdate, {
        args: [
          {
            deliveryId: 'dl_h3',
            village: 'org_village_1',
            items: [{ itemId: 'visits', quantity: 4 }],
            attachments: [],
            deliveredBy: 'usr_liaison',
          },
        ],
      });
      for (const deliveryId of ['dl_h2', 'dl_h3']) {
        await requestHandle.executeUpdate(reviewDeliveryUpdate, {
          args: [{ deliveryId, items: [{ itemId: 'visits', outcome: 'accept' }], reviewedBy: 'usr_station' }],
        });
      }
      await requestHandle.result();
      await env.sleep('25 days');
      await fourth.executeUpdate(terminateUpdate, {
        args: [{ reason: await text('merged into a new lot'), terminatedBy: 'usr_agency' }],
      });
      await fourth.result();
      await quotas.result();
      await save('contract-village-chain', fourth.workflowId);
      await save('material-request-returned-then-accepted', requestHandle.workflowId);
      await save('quotas-short-then-terminated', quotas.workflowId);
    }

    if (missing('contract-restalled')) {
      // A checkpoint missed, recovered, then missed again when the recovering payment is reversed.
      const restallNow = await env.currentTimeMs();
      const restall = relativeContract(restallNow, 'history-restall');
      const fifth = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(restall.id),
        taskQueue,
        args: [{ contract: restall, createdBy: 'usr_agency', createdAt: new Date(restallNow).toISOString() }],
      });
      await fifth.executeUpdate(registeredUpdate);
      const payRestall = async (reference: string, amount: string) =>
        fifth.executeUpdate(recordPaymentUpdate, {
          args: [
            {
              reference,
              amount,
              receivedOn: shanghaiDate(await env.currentTimeMs()),
              fundingSource: 'fiscal',
              recordedBy: 'usr_finance',
            },
          ],
        });
      await payRestall('R-1', '530000.00');
      await env.sleep('302 days');
      await payRestall('R-2', '393200.00');
      await env.sleep('10 days');
      await fifth.executeUpdate(reversePaymentUpdate, {
        args: [{ reference: 'R-2', reason: await text('bounced'), recordedBy: 'usr_finance' }],
      });
      await env.sleep('3 days');
      await fifth.executeUpdate(terminateUpdate, {
        args: [{ reason: await text('recorded'), terminatedBy: 'usr_agency' }],
      });
      await fifth.result();
      await save('contract-restalled', fifth.workflowId);
    }

    if (missing('contract-calendar-amended', 'escalation-calendar-amended')) {
      // A missed checkpoint escalating; a year published (the contract re-reads its calendar) and
      // the purchaser's own days off ahead (the open step's levels still ahead move).
      const calendarNow = await env.currentTimeMs();
      const amended = relativeContract(calendarNow, 'history-calendar');
      const sixth = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(amended.id),
        taskQueue,
        args: [{ contract: amended, createdBy: 'usr_agency', createdAt: new Date(calendarNow).toISOString() }],
      });
      await sixth.executeUpdate(registeredUpdate);
      await env.sleep('302 days');
      const day = shanghaiDate(await env.currentTimeMs());
      await sixth.signal(calendarPublishedSignal, { year: Number(day.slice(0, 4)) + 1, version: 1 });
      await env.sleep('1 hour');
      await sixth.executeUpdate(amendCalendarUpdate, {
        args: [
          {
            holidays: [addDays(day, 2), addDays(day, 3)],
            workdays: [],
            reason: await text('county festival'),
            amendedBy: 'usr_agency',
          },
        ],
      });
      await env.sleep('10 days');
      const shortfallStep = stepId(amended.id, 'paymentShortfall', stepReference(['eighty']), 1);
      await sixth.executeUpdate(terminateUpdate, {
        args: [{ reason: await text('recorded'), terminatedBy: 'usr_agency' }],
      });
      await sixth.result();
      await env.client.workflow.getHandle(escalationWorkflowId(shortfallStep)).result();
      await save('contract-calendar-amended', sixth.workflowId);
      await save('escalation-calendar-amended', escalationWorkflowId(shortfallStep));
    }

    if (missing('contract-payment-clock')) {
      // Issue 18: an application accepted late (deemed accepted at its window's end), the payer
      // late after the statutory deadline, then paid.
      const clockNow = await env.currentTimeMs();
      const year = Number(shanghaiDate(clockNow).slice(0, 4));
      const clockContract = validateContractDefinition(
        sCountyContract(sCountyOrgIds, {
          id: 'history-payment-clock',
          term: { start: `${year}-01-01`, end: `${year + 1}-12-31` },
          value: '100000.00',
          budgetLines: undefined,
          staffing: undefined,
          tranches: [
            { id: 't1', label: 'First half', due: `${year}-01-31`, percent: 50, fundingSource: 'fiscal' },
            {
              id: 't2',
              label: 'Second half',
              due: `${year + 1}-12-31`,
              percent: 50,
              fundingSource: 'fiscal',
              release: 'on_application',
            },
          ],
          checkpoints: [],
          paymentTerms: {
            basis: 'acceptance',
            payWithinDays: 30,
            acceptanceWorkingDays: 5,
            statute: 'sme_payment_2025',
            lateInterest: { kind: 'statutory_daily' },
          },
          closeGraceDays: 3650,
        }),
        (id) => sCountyKinds[id],
      );
      if (!clockContract.ok) throw new Error('fixture invalid');
      const sixth = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(clockContract.value.id),
        taskQueue,
        args: [{ contract: clockContract.value, createdBy: 'usr_agency', createdAt: new Date(clockNow).toISOString() }],
      });
      await sixth.executeUpdate(registeredUpdate);
      await sixth.executeUpdate(fileApplicationUpdate, {
        args: [{ applicationId: 'pa_1', tranche: 't1', amountFen: 5_000_000, filedBy: 'usr_contractor' }],
      });
      await env.sleep('12 days');
      await sixth.executeUpdate(decideApplicationUpdate, {
        args: [{ applicationId: 'pa_1', outcome: 'accept', decidedBy: 'usr_agency' }],
      });
      await env.sleep('40 days');
      await sixth.executeUpdate(recordPaymentUpdate, {
        args: [
          {
            reference: 'PC-1',
            amount: '50000.00',
            receivedOn: shanghaiDate(await env.currentTimeMs()),
            fundingSource: 'fiscal',
            recordedBy: 'usr_finance',
          },
        ],
      });
      await env.sleep('1 day');
      await sixth.executeUpdate(terminateUpdate, {
        args: [{ reason: await text('recorded'), terminatedBy: 'usr_agency' }],
      });
      await sixth.result();
      await save('contract-payment-clock', sixth.workflowId);
    }

    if (missing('contract-application-before-registration')) {
      // An application sent while the contract starts: it waits for the registration (patched
      // 'applications-wait-for-registration'), then is filed.
      const earlyNow = await env.currentTimeMs();
      const earlyYear = Number(shanghaiDate(earlyNow).slice(0, 4)) - 1;
      const early = validateContractDefinition(
        sCountyContract(sCountyOrgIds, {
          id: 'history-application-early',
          term: { start: `${earlyYear}-01-01`, end: `${earlyYear + 1}-12-31` },
          value: '100000.00',
          budgetLines: undefined,
          staffing: undefined,
          tranches: [
            { id: 't1', label: 'First half', due: `${earlyYear}-01-31`, percent: 50, fundingSource: 'fiscal' },
            { id: 't2', label: 'Second half', due: `${earlyYear + 1}-12-31`, percent: 50, fundingSource: 'fiscal' },
          ],
          checkpoints: [],
          paymentTerms: { basis: 'acceptance', payWithinDays: 30, acceptanceWorkingDays: 5 },
          closeGraceDays: 3650,
        }),
        (id) => sCountyKinds[id],
      );
      if (!early.ok) throw new Error('fixture invalid');
      const seventh = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(early.value.id),
        taskQueue,
        args: [{ contract: early.value, createdBy: 'usr_agency', createdAt: new Date(earlyNow).toISOString() }],
      });
      await seventh.executeUpdate(fileApplicationUpdate, {
        args: [{ applicationId: 'pa_1', tranche: 't1', amountFen: 5_000_000, filedBy: 'usr_contractor' }],
      });
      await seventh.executeUpdate(registeredUpdate);
      await seventh.executeUpdate(terminateUpdate, {
        args: [{ reason: await text('recorded'), terminatedBy: 'usr_agency' }],
      });
      await seventh.result();
      await save('contract-application-before-registration', seventh.workflowId);
    }

    if (missing('probe')) {
      const probe = await env.client.workflow.start(probeWorkflow, {
        workflowId: 'history-probe',
        taskQueue,
        args: [{ wait: '30 days' }],
      });
      await probe.result();
      await save('probe', probe.workflowId);
    }
  });
  await database.close();
  await env.teardown();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
