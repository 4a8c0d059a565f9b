// Who held a stalled step, and for how many working days, on the time-skipping server: a money step
// until the day its money arrived (by the receipt's date, however late it was entered); every step
// from the day after its due day (the last day it was on time); a party only while the step was in
// its hands (a submission waiting for its reviewer is the reviewer's, not the contractor's).
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { escalations, notifications, stepDelays } from '../../db/schema';
import { addWorkingDays, previousWorkingDay, workingDaysBetween, type WorkingCalendar } from '../../domain/calendar';
import { validateContractDefinition, type Contract, type ContractDefinitionInput } from '../../domain/contract';
import { addDays, parseInstant, shanghaiDate, startOfShanghaiDay } from '../../domain/dates';
import type { MaterialRequest } from '../../domain/material-requests';
import { quotaPeriods } from '../../domain/quotas';
import type { StepKind } from '../../domain/escalation';
import { announcedKey, stepId, stepReference } from '../../domain/ids';
import { contractWorkflow, materialRequestWorkflow, reviewWorkflow } from '../../workflows';
import {
  contractStateQuery,
  contractWorkflowId,
  recordPaymentUpdate,
  registeredUpdate,
  reversePaymentUpdate,
  terminateUpdate,
} from '../../workflows/contract-messages';
import { contractEndedSignal } from '../../workflows/contract-ended';
import { deliverUpdate, materialRequestWorkflowId } from '../../workflows/material-request-messages';
import { quotaWorkflowId, recordProgressUpdate } from '../../workflows/quota-messages';
import { decideUpdate, reviewWorkflowId, submitUpdate } from '../../workflows/review-messages';
import { byReference, completeMaterial } from '../fixtures/materials';
import { relativeDefinition } from '../fixtures/relative-contract';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { storedText } from '../helpers/texts';

const HOUR = 3600 * 1000;
const at9 = (day: string) => startOfShanghaiDay(day) + 9 * HOUR;
const at10 = (day: string) => startOfShanghaiDay(day) + 10 * HOUR;
/** Timers fire at their time, give or take the few milliseconds a workflow task takes. */
const expectAbout = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(60_000);

function contractOf(definition: ContractDefinitionInput): Contract {
  const result = validateContractDefinition(definition, (id) => sCountyKinds[id] ?? ('township' as never));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

/** The first Friday at least `minDays` after `now`'s Shanghai day. */
function fridayAfter(now: number, minDays: number): string {
  let day = addDays(shanghaiDate(now), minDays);
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== 5) day = addDays(day, 1);
  return day;
}

function calendarAround(now: number): WorkingCalendar {
  const year = Number(shanghaiDate(now).slice(0, 4));
  return calendarForYears(year - 3, year + 1);
}

/** The recorded delay of each step of a contract, once every step named has resolved. */
async function resolvedDelays(harness: TimeSkippingHarness, contractId: string, stepIds: string[]) {
  const rows = await eventually(
    () => harness.database.handle.db.select().from(stepDelays).where(eq(stepDelays.contractId, contractId)),
    (r) => stepIds.every((id) => r.some((row) => row.stepId === id && row.resolvedAt !== null)),
  );
  return new Map(rows.map((r) => [r.stepId, r]));
}

describe('money dated on time but recorded late (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('charges the payer nothing for money that arrived on time, whenever it was entered', async () => {
    const { env } = harness;
    const { worker, taskQueue } = await harness.worker('registered-late');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      // The contract, registered after the fact (its term long over, still payable).
      const contract = contractOf(
        sCountyContract(sCountyOrgIds, {
          id: 'late-2024',
          term: { start: '2024-01-01', end: '2024-12-31' },
          value: '100000.00',
          budgetLines: [{ id: 'personnel', kind: 'personnel', amount: '100000.00' }],
          staffing: undefined,
          tranches: [
            { id: 't1', label: 'First half', due: '2024-06-28', percent: 50, fundingSource: 'fiscal' },
            { id: 't2', label: 'Second half', due: '2024-12-31', percent: 50, fundingSource: 'fiscal' },
          ],
          checkpoints: [{ id: 'c1', by: '2024-06-28', minPercent: 50 }],
          closeGraceDays: 3650,
        }),
      );
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      await handle.executeUpdate(recordPaymentUpdate, {
        args: [
          {
            reference: 'P-1',
            amount: '50000.00',
            receivedOn: '2024-06-28',
            fundingSource: 'fiscal',
            recordedBy: 'usr_finance',
          },
        ],
      });
      expect((await handle.query(contractStateQuery)).announced[announcedKey('checkpoint', 'c1')]).toBe('met');
      const delays = await resolvedDelays(harness, contract.id, [
        stepId(contract.id, 'paymentShortfall', stepReference(['c1']), 1),
        stepId(contract.id, 'trancheOverdue', stepReference(['t1']), 1),
      ]);
      expect(delays.get(stepId(contract.id, 'paymentShortfall', stepReference(['c1']), 1))).toMatchObject({
        holderParty: 'payer',
        workingDays: 0,
      });
      expect(delays.get(stepId(contract.id, 'trancheOverdue', stepReference(['t1']), 1))).toMatchObject({
        holderParty: 'payer',
        workingDays: 0,
      });
      // The second half is still owed: its step stays open.
      expect(delays.get(stepId(contract.id, 'trancheOverdue', stepReference(['t2']), 1))!.resolvedAt).toBeNull();
      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(harness.database.handle.db, 'test over'), terminatedBy: 'usr_agency' }],
      });
      await handle.result();
    });
  });
});

// Its own environment: workflows left by the test above (on a stopped worker's task queue) would
// hold the time-skipping clock.
describe('money recorded late, recovered late and reversed (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('stops holding at the receipt date on time, recovered late, and again after a reversal, counting no day twice', async () => {
    const { env } = harness;
    const { worker, taskQueue } = await harness.worker('dated-money');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const calendar = calendarAround(now);
      const friday = fridayAfter(now, 14); // c1 and t1 due
      const later = addDays(friday, 14); // c2 due, a Friday too
      const definition = relativeDefinition(now, 'dated-money');
      definition.tranches = [
        { id: 't1', label: 'First half', due: friday, percent: 50, fundingSource: 'fiscal' },
        { id: 't2', label: 'Second half', due: definition.term.end, percent: 50, fundingSource: 'fiscal' },
      ];
      definition.checkpoints = [
        { id: 'c1', by: friday, minPercent: 50 },
        { id: 'c2', by: later, minPercent: 75 },
      ];
      const contract = contractOf(definition);
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      const pay = (reference: string, amount: string, receivedOn: string) =>
        handle.executeUpdate(recordPaymentUpdate, {
          args: [{ reference, amount, receivedOn, fundingSource: 'fiscal', recordedBy: 'usr_finance' }],
        });
      const step = (kind: StepKind, ref: string, n: number) => stepId(contract.id, kind, stepReference([ref]), n);

      // Half the value, received on the due Friday, entered the next Tuesday at 10:00: met, 0 days.
      await env.sleep(at10(addDays(friday, 4)) - (await env.currentTimeMs()));
      await pay('P-1', '577000.00', friday);
      expect((await handle.query(contractStateQuery)).announced[announcedKey('checkpoint', 'c1')]).toBe('met');
      let delays = await resolvedDelays(harness, contract.id, [
        step('paymentShortfall', 'c1', 1),
        step('trancheOverdue', 't1', 1),
      ]);
      expect(delays.get(step('paymentShortfall', 'c1', 1))!.workingDays).toBe(0);
      expect(delays.get(step('trancheOverdue', 't1', 1))!.workingDays).toBe(0);

      // c2 (75 %) is missed; the quarter it lacks arrives on the Monday after, entered on Thursday:
      // held until Monday, not Thursday.
      const monday = addDays(later, 3);
      const thursday = addDays(later, 6);
      await env.sleep(at10(thursday) - (await env.currentTimeMs()));
      await pay('P-2', '288500.00', monday);
      expect((await handle.query(contractStateQuery)).announced[announcedKey('checkpoint', 'c2')]).toBe('recovered');
      delays = await resolvedDelays(harness, contract.id, [step('paymentShortfall', 'c2', 1)]);
      expect(delays.get(step('paymentShortfall', 'c2', 1))!.workingDays).toBe(
        workingDaysBetween(later, monday, calendar),
      );
      expect(workingDaysBetween(later, monday, calendar)).toBeLessThan(workingDaysBetween(later, thursday, calendar));

      // The first payment bounces (reversed the next day): it never arrived, so c1 and c2 stall again;
      // money arriving the Monday after covers both. c1 is held again from its own due day (its
      // first stall charged nothing), c2 from the day it was last covered: no day counted twice.
      await env.sleep(at10(addDays(thursday, 1)) - (await env.currentTimeMs()));
      await handle.executeUpdate(reversePaymentUpdate, {
        args: [
          {
            reference: 'P-1',
            reason: await storedText(harness.database.handle.db, 'bounced'),
            recordedBy: 'usr_finance',
          },
        ],
      });
      const nextMonday = addDays(thursday, 4);
      await env.sleep(at10(nextMonday) - (await env.currentTimeMs()));
      await pay('P-3', '577000.00', nextMonday);
      delays = await resolvedDelays(harness, contract.id, [
        step('paymentShortfall', 'c1', 2),
        step('paymentShortfall', 'c2', 2),
      ]);
      expect(delays.get(step('paymentShortfall', 'c1', 2))!.workingDays).toBe(
        workingDaysBetween(friday, nextMonday, calendar),
      );
      const c2Total =
        delays.get(step('paymentShortfall', 'c2', 1))!.workingDays! +
        delays.get(step('paymentShortfall', 'c2', 2))!.workingDays!;
      expect(c2Total).toBe(workingDaysBetween(later, nextMonday, calendar));

      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(harness.database.handle.db, 'test over'), terminatedBy: 'usr_agency' }],
      });
      await handle.result();
    });
  });
});

describe('a due day anchored on the last day on time (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('climbs a month and a quarter quota, a checkpoint and a material request due at midnight from the same due day', async () => {
    const { env, database } = harness;
    const db = database.handle.db;
    const { worker, taskQueue } = await harness.worker('due-day');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const calendar = calendarAround(now);
      const start = shanghaiDate(now);
      const definition = relativeDefinition(now, 'due-day');
      definition.quotas = [
        { id: 'visits', metric: 'village_visits', perStation: false, period: 'month', target: 8 },
        { id: 'cases', metric: 'casework', perStation: false, period: 'quarter', target: 30 },
      ];
      const [month] = quotaPeriods(definition.quotas[0]!, start, definition.term.end);
      const [quarter] = quotaPeriods(definition.quotas[1]!, start, definition.term.end);
      // For comparison, a checkpoint by the month's last day (nothing is paid).
      definition.checkpoints = [{ id: 'c1', by: month!.to, minPercent: 10 }];
      const contract = contractOf(definition);
      const handle = await env.client.workflow.start(contractWorkflow, {
        workflowId: contractWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
      });
      await handle.executeUpdate(registeredUpdate);
      // A material request due at 00:00 after the month's last day: on time through that day.
      const due = `${addDays(month!.to, 1)}T00:00`;
      const request: MaterialRequest = {
        id: 'mr_midnight',
        contractId: contract.id,
        station: 'G',
        villages: ['org_village_1'],
        title: 'Month-end visit records',
        items: [{ id: 'visits', kind: 'visit_records', quantity: 4 }],
        due,
        dueAt: parseInstant(due)!,
        contacts: [],
        requestedBy: 'usr_station',
        requestedAt: new Date(now).toISOString(),
      };
      const requestHandle = await env.client.workflow.start(materialRequestWorkflow, {
        workflowId: materialRequestWorkflowId(contract.id, request.id),
        taskQueue,
        args: [{ contract, calendar, request }],
      });

      // Reminded on the working day before the due day (not before the day after it).
      const previous = previousWorkingDay(month!.to, calendar);
      await env.sleep(at9(previous) + HOUR - (await env.currentTimeMs()));
      const [reminder] = await eventually(
        () =>
          db
            .select()
            .from(notifications)
            .where(and(eq(notifications.contractId, contract.id), eq(notifications.kind, 'material_request.reminder'))),
        (r) => r.length === 1,
      );
      expectAbout(reminder!.createdAt.getTime(), at9(previous));

      // Each level counts working days from the day after its due day, the same for every kind.
      const levelAt = (dueDay: string, n: number) => at9(addWorkingDays(dueDay, n, calendar));
      const lastDue = quarter!.to > month!.to ? quarter!.to : month!.to;
      await env.sleep(levelAt(lastDue, 5) + HOUR - (await env.currentTimeMs()));
      const rows = await eventually(
        () =>
          db
            .select()
            .from(escalations)
            .where(eq(escalations.contractId, contract.id))
            .orderBy(asc(escalations.openedAt)),
        (r) =>
          ['paymentShortfall', 'quotaShortfall', 'materialRequestOverdue'].every((k) =>
            r.some((e) => e.stepKind === k && e.level >= 2),
          ),
      );
      const opened = (kind: string, reference: string, level: number) =>
        rows
          .find((e) => e.stepKind === kind && e.stepReference.startsWith(reference) && e.level === level)!
          .openedAt.getTime();
      expectAbout(opened('paymentShortfall', 'c1', 2), levelAt(month!.to, 5));
      expectAbout(opened('quotaShortfall', stepReference(['visits', month!.key]), 2), levelAt(month!.to, 5));
      expectAbout(opened('quotaShortfall', stepReference(['cases', quarter!.key]), 2), levelAt(quarter!.to, 5));
      expectAbout(opened('materialRequestOverdue', 'mr_midnight', 2), levelAt(month!.to, 2));

      // Progress and the village's delivery arrive late, on the 7th working day: 7 days held.
      const seventh = addWorkingDays(lastDue, 7, calendar);
      await env.sleep(at10(seventh) - (await env.currentTimeMs()));
      const quotaHandle = env.client.workflow.getHandle(quotaWorkflowId(contract.id));
      for (const [quota, window] of [
        [definition.quotas[0]!, month!],
        [definition.quotas[1]!, quarter!],
      ] as const) {
        await quotaHandle.executeUpdate(recordProgressUpdate, {
          args: [
            {
              id: `pr_${quota.id}`,
              station: 'G',
              metric: quota.metric,
              count: window.target,
              date: window.to,
              evidence: { attachments: [] },
              recordedBy: 'usr_g',
            },
          ],
        });
      }
      await requestHandle.executeUpdate(deliverUpdate, {
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
      const visitsStep = stepId(contract.id, 'quotaShortfall', stepReference(['visits', month!.key]), 1);
      const casesStep = stepId(contract.id, 'quotaShortfall', stepReference(['cases', quarter!.key]), 1);
      const requestStep = stepId(
        contract.id,
        'materialRequestOverdue',
        stepReference(['mr_midnight', 'org_village_1']),
        1,
      );
      const delays = await resolvedDelays(harness, contract.id, [visitsStep, casesStep, requestStep]);
      expect(delays.get(visitsStep)!.workingDays).toBe(workingDaysBetween(month!.to, seventh, calendar));
      expect(delays.get(casesStep)!.workingDays).toBe(7);
      expect(delays.get(requestStep)!.workingDays).toBe(workingDaysBetween(month!.to, seventh, calendar));
      expect(shanghaiDate(delays.get(visitsStep)!.since.getTime())).toBe(month!.to);
      expect(shanghaiDate(delays.get(requestStep)!.since.getTime())).toBe(month!.to);

      // Started here rather than by the contract, so told of its end here.
      await requestHandle.signal(contractEndedSignal, { status: 'terminated' });
      await requestHandle.result();
      await handle.executeUpdate(terminateUpdate, {
        args: [{ reason: await storedText(harness.database.handle.db, 'test over'), terminatedBy: 'usr_agency' }],
      });
      await handle.result();
    });
  });
});

describe('days charged to the party holding a milestone (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('charges the contractor only while it has to submit, and the reviewer its own clock', async () => {
    const { env } = harness;
    const { worker, taskQueue } = await harness.worker('milestone-holder');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const calendar = calendarAround(now);
      const friday = fridayAfter(now, 14);
      const thursday = addDays(friday, -1);
      const after = (n: number) => addWorkingDays(friday, n, calendar);
      const definition = relativeDefinition(now, 'milestone-holder');
      const milestone = (id: string, due: string, maxRounds = 3) => ({
        id,
        title: `Milestone ${id}`,
        due,
        stations: [],
        materials: ['activity_evidence_pack'],
        reviewWorkingDays: 10,
        maxRounds,
      });
      definition.milestones = [
        milestone('early', friday), // submitted the day before, approved inside review time
        milestone('late', friday), // submitted 3 working days late, approved inside review time
        milestone('returned', friday), // in review on the due day, returned after it, resubmitted
        milestone('rounds', addDays(friday, 90), 1), // returned more often than planned
      ];
      const contract = contractOf(definition);
      const handles = new Map(
        await Promise.all(
          contract.milestones!.map(
            async (m) =>
              [
                m.id,
                await env.client.workflow.start(reviewWorkflow, {
                  workflowId: reviewWorkflowId(contract.id, m.id),
                  taskQueue,
                  args: [{ contract, milestone: m, calendar }],
                }),
              ] as const,
          ),
        ),
      );
      const material = completeMaterial('activity_evidence_pack');
      const materials = [{ ...material, attachments: material.attachments.map(({ content: _c, ...meta }) => meta) }];
      // Each round rewrites a section (a resubmission identical to the returned round is refused).
      const firstSection = Object.keys(material.sections)[0]!;
      const roundOf = (submissionId: string) =>
        materials.map((m) => ({
          ...m,
          sections: { ...m.sections, [firstSection]: `${m.sections[firstSection]}（${submissionId}）` },
        }));
      const submit = (m: string, submissionId: string) =>
        handles.get(m)!.executeUpdate(submitUpdate, {
          args: [
            {
              submissionId,
              station: '',
              ...byReference(roundOf(submissionId), ['activity_evidence_pack']),
              submittedBy: 'usr_station',
            },
          ],
        });
      const decide = (m: string, submissionId: string, outcome: 'approve' | 'return') =>
        handles.get(m)!.executeUpdate(decideUpdate, {
          args: [
            {
              submissionId,
              outcome,
              reasons:
                outcome === 'return'
                  ? [{ code: 'evidence_missing' as const, templateId: 'activity_evidence_pack', sectionId: 'evidence' }]
                  : [],
              decidedBy: 'usr_evaluator',
            },
          ],
        });

      // In time order; each at 10:00 (plus minutes to keep the order) of its day.
      const timeline: Array<[number, () => Promise<unknown>]> = [
        [at10(thursday), () => submit('early', 'e1')],
        [at10(thursday), () => submit('returned', 'r1')],
        [at10(thursday), () => submit('rounds', 'x1')],
        [at10(thursday) + 60_000, () => decide('rounds', 'x1', 'return')],
        [at10(thursday) + 120_000, () => submit('rounds', 'x2')],
        // The second return is one more than planned: tooManyReturns, the contractor's.
        [at10(thursday) + 180_000, () => decide('rounds', 'x2', 'return')],
        [at10(addWorkingDays(thursday, 2, calendar)), () => submit('rounds', 'x3')],
        [at10(after(2)), () => decide('returned', 'r1', 'return')],
        [at10(after(3)), () => submit('late', 'l1')],
        [at10(after(5)), () => submit('returned', 'r2')],
        [at10(after(6)), () => decide('late', 'l1', 'approve')],
        [at10(after(7)), () => decide('returned', 'r2', 'approve')],
        [at10(addWorkingDays(thursday, 9, calendar)), () => decide('early', 'e1', 'approve')],
        [at10(after(9)), () => decide('rounds', 'x3', 'approve')],
      ];
      for (const [at, action] of timeline.sort((a, b) => a[0] - b[0])) {
        const wait = at - (await env.currentTimeMs());
        if (wait > 0) await env.sleep(wait);
        await action();
      }
      for (const h of handles.values()) await h.result();

      const db = harness.database.handle.db;
      const rows = await eventually(
        () => db.select().from(stepDelays).where(eq(stepDelays.contractId, contract.id)),
        (r) => r.length >= 3 && r.every((row) => row.resolvedAt !== null),
      );
      const held = (kind: string, reference: string) =>
        rows
          .filter((r) => r.stepKind === kind && r.stepReference === reference)
          .map((r) => [r.holderParty, r.workingDays]);
      // The case: submitted the day before it was due, approved inside review time: nothing.
      expect(held('milestoneOverdue', 'early')).toEqual([]);
      // Submitted late: held by the contractor until the day it submitted.
      expect(held('milestoneOverdue', 'late')).toEqual([['contractor', 3]]);
      // In review on the due day (the reviewer's); returned on the 2nd working day after it: the
      // contractor's again until it resubmitted on the 5th.
      expect(held('milestoneOverdue', 'returned')).toEqual([['contractor', 3]]);
      // Too many returns: the contractor's until it resubmitted, two working days later.
      expect(held('tooManyReturns', 'rounds')).toEqual([['contractor', 2]]);
      // Every review was decided in time: no reviewOverdue.
      expect(rows.filter((r) => r.stepKind === 'reviewOverdue')).toEqual([]);
    });
  });
});
