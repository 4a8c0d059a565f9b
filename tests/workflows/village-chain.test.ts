// The village chain on the time-skipping server: a material request reminded the working day
// before it is due, then climbing the village ladder across working days (village liaison, village
// committee, township) until the village delivers; a monthly visit quota missed and escalated,
// then met by progress recorded late.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { escalations, materialRequests, notifications, stepDelays } from '../../db/schema';
import { withOverrides, workingDaysBetween } from '../../domain/calendar';
import { validateContractDefinition, type Contract, type ContractDefinitionInput } from '../../domain/contract';
import { addDays, dayText, parseInstant, shanghaiDate, startOfShanghaiDay } from '../../domain/dates';
import { stepReference } from '../../domain/ids';
import type { MaterialRequest } from '../../domain/material-requests';
import { quotaPeriods } from '../../domain/quotas';
import { materialRequestWorkflow, quotaWorkflow } from '../../workflows';
import { contractEndedSignal } from '../../workflows/contract-ended';
import {
  deliverUpdate,
  materialRequestWorkflowId,
  reviewDeliveryUpdate,
} from '../../workflows/material-request-messages';
import { quotaWorkflowId, recordProgressUpdate } from '../../workflows/quota-messages';
import { relativeDefinition } from '../fixtures/relative-contract';
import { sCountyKinds } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';

const HOUR = 3600 * 1000;
const TOWNSHIP = 'org_township_g';
const kinds: Record<string, string> = { ...sCountyKinds, [TOWNSHIP]: 'township' };

function contractOf(definition: ContractDefinitionInput): Contract {
  const result = validateContractDefinition(definition, (id) => kinds[id] as never);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

/** Station G works through village 1 and answers to G township's government. */
function villageContract(now: number, id: string): Contract {
  const definition = relativeDefinition(now, id);
  definition.stations = [
    { id: 'G', name: 'Station G', township: 'G Town', villages: ['org_village_1'], townshipOrganization: TOWNSHIP },
    { id: 'Y', name: 'Station Y', township: 'Y Town', villages: ['org_village_2'] },
  ];
  return contractOf(definition);
}

/** The first Friday at least `minDays` after `now`'s Shanghai day. */
function fridayAfter(now: number, minDays: number): string {
  let day = addDays(shanghaiDate(now), minDays);
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== 5) day = addDays(day, 1);
  return day;
}

const at9 = (day: string) => startOfShanghaiDay(day) + 9 * HOUR;
/** Timers fire at their time, give or take the few milliseconds a workflow task takes. */
const expectAbout = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(60_000);

describe('material request (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('reminds the village, climbs to the township across working days, and closes when the village delivers', async () => {
    const { env, database } = harness;
    const db = database.handle.db;
    const { worker, taskQueue } = await harness.worker('material-request');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const contract = villageContract(now, 'mr-ladder');
      const friday = fridayAfter(now, 4);
      const holiday = addDays(friday, 3); // the Monday after the due day is a day off
      const year = Number(shanghaiDate(now).slice(0, 4));
      const calendar = withOverrides(calendarForYears(year, year + 1), { holidays: [holiday] });
      const request: MaterialRequest = {
        id: 'mr_ladder',
        contractId: contract.id,
        station: 'G',
        villages: ['org_village_1'],
        title: 'October visit records',
        items: [{ id: 'visits', kind: 'visit_records', quantity: 12 }],
        due: friday,
        dueAt: parseInstant(friday)!,
        contacts: [{ id: 'ct_1', village: 'org_village_1', name: 'Wang Li', phone: '13800000001', hamlet: 'Banli' }],
        requestedBy: 'usr_station',
        requestedAt: new Date(now).toISOString(),
      };
      const handle = await env.client.workflow.start(materialRequestWorkflow, {
        workflowId: materialRequestWorkflowId(contract.id, request.id),
        taskQueue,
        args: [{ contract, calendar, request }],
      });

      // Part delivered in time; the rest is still owed when the reminder goes out.
      const partial = await handle.executeUpdate(deliverUpdate, {
        args: [
          {
            deliveryId: 'dl_1',
            village: 'org_village_1',
            items: [{ itemId: 'visits', quantity: 5 }],
            attachments: [],
            deliveredBy: 'usr_liaison',
          },
        ],
      });
      expect(partial.status).toBe('partially_delivered');
      expect(partial.villages[0]!.items[0]).toMatchObject({ delivered: 5, pending: 5, outstanding: 7 });

      const thursday = addDays(friday, -1);
      await env.sleep(at9(thursday) + HOUR - (await env.currentTimeMs()));
      const reminders = await eventually(
        () =>
          db
            .select()
            .from(notifications)
            .where(and(eq(notifications.contractId, contract.id), eq(notifications.kind, 'material_request.reminder'))),
        (r) => r.length === 1,
      );
      expect(reminders[0]!.organizationId).toBe('org_village_1');
      expect((reminders[0]!.body as { en: string }).en).toContain('7 of 12 visit records');
      expect((reminders[0]!.body as { en: string }).en).toContain('Wang Li (Banli, 13800000001)');
      expectAbout(reminders[0]!.createdAt.getTime(), at9(thursday));

      // Due Friday; Monday is a holiday: level 2 (2 working days) on Wednesday, the township
      // (5 working days) on the Monday after.
      const levelTwo = at9(addDays(friday, 5));
      const township = at9(addDays(friday, 10));
      await env.sleep(levelTwo - (await env.currentTimeMs()) - HOUR);
      const beforeLevelTwo = await db.select().from(escalations).where(eq(escalations.contractId, contract.id));
      expect(beforeLevelTwo.map((e) => e.level)).toEqual([1]);
      expect(beforeLevelTwo[0]).toMatchObject({
        stepKind: 'materialRequestOverdue',
        stepReference: stepReference(['mr_ladder', 'org_village_1']),
        notifiedOrganizationIds: ['org_village_1'],
      });
      const overdue = await db.select().from(materialRequests).where(eq(materialRequests.id, request.id));
      expect(overdue[0]).toMatchObject({ status: 'partially_delivered', overdue: true });

      await env.sleep(township - (await env.currentTimeMs()) + HOUR);
      const climbed = await eventually(
        () =>
          db.select().from(escalations).where(eq(escalations.contractId, contract.id)).orderBy(asc(escalations.level)),
        (r) => r.length === 3,
      );
      expect(climbed.map((e) => [e.level, e.severity, e.notifiedOrganizationIds, e.state])).toEqual([
        [1, 'info', ['org_village_1'], 'superseded'],
        [2, 'warning', ['org_village_1'], 'superseded'],
        [3, 'critical', [TOWNSHIP], 'open'],
      ]);
      expectAbout(climbed[1]!.openedAt.getTime(), levelTwo);
      expectAbout(climbed[2]!.openedAt.getTime(), township);
      expect((climbed[2]!.summary as { en: string }).en).toContain('still owed: 7 of 12 visit records');
      // The summary every party reads names the volunteer without the phone; of the notices, the
      // village's carry the phone, the township's does not.
      for (const e of climbed) {
        expect(JSON.stringify(e.summary)).toContain('Wang Li (Banli)');
        expect(JSON.stringify(e.summary)).not.toContain('13800000001');
      }
      const notices = await db
        .select()
        .from(notifications)
        .where(
          and(eq(notifications.contractId, contract.id), eq(notifications.kind, 'escalation.materialRequestOverdue')),
        );
      expect(notices.map((n) => n.organizationId).sort()).toEqual(['org_village_1', 'org_village_1', TOWNSHIP].sort());
      for (const n of notices) {
        const text = JSON.stringify([n.subject, n.body]);
        if (n.organizationId === 'org_village_1') expect(text).toContain('Wang Li (Banli, 13800000001)');
        else expect(text).not.toContain('13800000001');
      }

      // The village delivers the rest: its step resolves and every escalation closes.
      const delivered = await handle.executeUpdate(deliverUpdate, {
        args: [
          {
            deliveryId: 'dl_2',
            village: 'org_village_1',
            items: [{ itemId: 'visits', quantity: 7 }],
            attachments: [],
            deliveredBy: 'usr_liaison',
          },
        ],
      });
      expect(delivered).toMatchObject({ status: 'delivered', overdue: false });
      const closed = await eventually(
        () => db.select().from(escalations).where(eq(escalations.contractId, contract.id)),
        (r) => r.every((e) => e.state !== 'open'),
      );
      expect(closed.find((e) => e.level === 3)!.state).toBe('resolved');
      const [delay] = await eventually(
        () => db.select().from(stepDelays).where(eq(stepDelays.contractId, contract.id)),
        (r) => r[0]?.resolvedAt != null,
      );
      const resolvedDay = shanghaiDate(delay!.resolvedAt!.getTime());
      expect(delay).toMatchObject({ holderParty: 'village', holderOrganizationId: 'org_village_1' });
      expect(delay!.workingDays).toBe(workingDaysBetween(friday, resolvedDay, calendar));
      expect(delay!.workingDays).toBe(5);

      // Station staff accept both deliveries: the request is done and its workflow ends.
      for (const deliveryId of ['dl_1', 'dl_2']) {
        await handle.executeUpdate(reviewDeliveryUpdate, {
          args: [{ deliveryId, items: [{ itemId: 'visits', outcome: 'accept' }], reviewedBy: 'usr_station' }],
        });
      }
      const final = await handle.result();
      expect(final.status).toBe('accepted');
      expect(final.closedAt).not.toBeNull();
    });
  });
});

// Its own environment, so no workflow left by the test above holds the clock.
describe('indicator quota (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('escalates a station that missed its monthly visits, and closes the step when late records reach the target', async () => {
    const { env, database } = harness;
    const db = database.handle.db;
    const { worker, taskQueue } = await harness.worker('quotas');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const definition = relativeDefinition(now, 'quota-month');
      definition.stations = [
        { id: 'G', name: 'Station G', township: 'G Town', villages: ['org_village_1'] },
        { id: 'Y', name: 'Station Y', township: 'Y Town', villages: ['org_village_2'] },
      ];
      definition.quotas = [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 8 }];
      const contract = contractOf(definition);
      const year = Number(shanghaiDate(now).slice(0, 4));
      const calendar = calendarForYears(year, year + 1);
      const [first] = quotaPeriods(
        contract.quotas![0]!,
        shanghaiDate(contract.term.startAt),
        shanghaiDate(contract.term.endAt),
      );
      const handle = await env.client.workflow.start(quotaWorkflow, {
        workflowId: quotaWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, calendar }],
      });

      // Station G makes its visits (its record sent twice counts once); station Y records none.
      const visits = {
        id: 'pr_g',
        station: 'G',
        metric: 'village_visits' as const,
        count: 8,
        date: shanghaiDate(now),
        evidence: { attachments: [] },
        recordedBy: 'usr_g',
      };
      const recorded = await handle.executeUpdate(recordProgressUpdate, { args: [visits] });
      const retried = await handle.executeUpdate(recordProgressUpdate, { args: [visits] });
      expect(retried.recordedAt).toBe(recorded.recordedAt);
      await env.sleep(first!.endsAt - (await env.currentTimeMs()) + HOUR);
      const missed = await eventually(
        () => db.select().from(escalations).where(eq(escalations.contractId, contract.id)),
        (r) => r.length === 1,
      );
      expect(missed[0]).toMatchObject({
        stepKind: 'quotaShortfall',
        stepReference: stepReference(['visits', 'Y', first!.key]),
        level: 1,
        notifiedOrganizationIds: [contract.parties.contractor],
      });
      expect((missed[0]!.summary as { en: string }).en).toBe(
        `Station Y recorded 0 of ${first!.target} village visits in ${first!.key} (${dayText(first!.from, 'en')} to ${dayText(first!.to, 'en')}), ${first!.target} short.`,
      );

      // Five working days later the purchaser is told.
      await env.sleep('9 days');
      const climbed = await eventually(
        () =>
          db.select().from(escalations).where(eq(escalations.contractId, contract.id)).orderBy(asc(escalations.level)),
        (r) => r.length === 2,
      );
      expect(climbed[1]).toMatchObject({
        level: 2,
        severity: 'critical',
        notifiedOrganizationIds: [contract.parties.purchaser],
      });

      // Station Y's records for that month arrive late and reach the target: the step closes.
      await handle.executeUpdate(recordProgressUpdate, {
        args: [
          {
            id: 'pr_y',
            station: 'Y',
            metric: 'village_visits',
            count: first!.target,
            date: first!.to,
            evidence: { attachments: [] },
            recordedBy: 'usr_y',
          },
        ],
      });
      const resolved = await eventually(
        () => db.select().from(escalations).where(eq(escalations.contractId, contract.id)),
        (r) => r.every((e) => e.state !== 'open'),
      );
      expect(resolved.find((e) => e.level === 2)!.state).toBe('resolved');

      await handle.signal(contractEndedSignal, { status: 'terminated' });
      const final = await handle.result();
      // Only the last week's record ids are kept for recognising retries; counts are per month.
      expect(final.recent.map((p) => p.id)).toEqual(['pr_y']);
      // The month is judged and its step closed: its counts are dropped (the read model keeps the records).
      expect(final.progress).toEqual([]);
      // Only open steps are kept (the escalations table is the record): none is left.
      expect(final.steps).toEqual({});
      expect(final.judgedThrough).toBeGreaterThanOrEqual(first!.endsAt);
    });
  });
});

// Its own environment, so no workflow left by the tests above holds the clock.
describe('the last quota period (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('escalates the last period of a completed contract to the purchaser before it closes', async () => {
    const { env, database } = harness;
    const db = database.handle.db;
    const { worker, taskQueue } = await harness.worker('last-period');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const start = shanghaiDate(now);
      // A term that is a single period: the rest of this month, in which nothing is recorded.
      const end = quotaPeriods({ period: 'month', target: 8 }, start, addDays(start, 40))[0]!.to;
      const definition = relativeDefinition(now, 'quota-last');
      Object.assign(definition, {
        term: { start, end },
        tranches: [{ id: 't1', label: 'All', due: end, percent: 100, fundingSource: 'fiscal' }],
        checkpoints: [],
        stations: [{ id: 'G', name: 'Station G', township: 'G Town', villages: [] }],
        quotas: [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 8 }],
      });
      const contract = contractOf(definition);
      const year = Number(start.slice(0, 4));
      const [last] = quotaPeriods(contract.quotas![0]!, start, end);
      const handle = await env.client.workflow.start(quotaWorkflow, {
        workflowId: quotaWorkflowId(contract.id),
        taskQueue,
        args: [{ contract, calendar: calendarForYears(year, year + 1) }],
      });
      // The contract completes at the end of its term, fully paid.
      await env.sleep(contract.term.endAt - (await env.currentTimeMs()));
      await handle.signal(contractEndedSignal, { status: 'completed' });
      const final = await handle.result();
      const rows = await eventually(
        () =>
          db.select().from(escalations).where(eq(escalations.contractId, contract.id)).orderBy(asc(escalations.level)),
        (r) => r.length === 2 && r.every((e) => e.state !== 'open'),
      );
      expect(rows.map((e) => [e.stepReference, e.level, e.notifiedOrganizationIds])).toEqual([
        [stepReference(['visits', 'G', last!.key]), 1, [contract.parties.contractor]],
        [stepReference(['visits', 'G', last!.key]), 2, [contract.parties.purchaser]],
      ]);
      expect(rows[1]!.state).toBe('resolved');
      expect(final.steps).toEqual({});
    });
  });
});
