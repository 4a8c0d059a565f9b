// Issue 17 on the time-skipping server: a year published while contracts run reaches them and
// their children. A contract registered at the end of November, term September..August, checkpoint
// c1 100 % by 4 February, nothing paid, a material request due the same day and a monthly quota
// nobody meets; on 15 December the administrator publishes the new year with days off on 5 and
// 8..11 February (invented test data, not the real schedule). The checkpoint's 5-working-day level
// then fires on 18 February at 09:00 (without the publication: 11 February), the material
// request's township level (5 working days) too, and January's quota shortfall's 5-working-day
// level on 12 February (without: 5 February). Later the purchaser adds a day of the contract's own
// (POST /v1/contracts/:id/calendar's Update): the 10-working-day levels still ahead move by a day,
// the levels fired stay fired.
//
// The dates are those of the issue (2027) while the server's clock, which starts at the real
// time, is before 15 December 2026; later, the first year laid out like 2027 (1 January a Friday,
// not a leap year) whose 15 December of the year before is still ahead — the same weekdays, so the
// same arithmetic. The time-skipping server fails a quota workflow's task for an Update sent to it
// after its escalations started ("invalid history builder state"): this test sends the quota
// workflow no Update at all (no progress is recorded; the calendar reaches it by signal).
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, escalations, events } from '../../db/schema';
import { validateContractDefinition, type Contract } from '../../domain/contract';
import { parseInstant, startOfShanghaiDay } from '../../domain/dates';
import type { StepKind } from '../../domain/escalation';
import type { MaterialRequest } from '../../domain/material-requests';
import { reachRunningContracts } from '../../api/services/calendar-reach';
import { CalendarService } from '../../api/services/calendar';
import { contractWorkflow } from '../../workflows';
import { amendCalendarUpdate } from '../../workflows/calendar-messages';
import { contractWorkflowId, registeredUpdate } from '../../workflows/contract-messages';
import { requestMaterialsUpdate } from '../../workflows/material-request-messages';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { resolveTexts } from '../../db/free-texts';
import { storedText } from '../helpers/texts';

const HOUR = 3600 * 1000;
const TOWNSHIP = 'org_township_g';
const kinds: Record<string, string> = { ...sCountyKinds, [TOWNSHIP]: 'township' };
const at9 = (day: string) => startOfShanghaiDay(day) + 9 * HOUR;
/** Timers fire at their time, give or take the few milliseconds a workflow task takes. */
const expectAt = (actual: Date | undefined, expected: number) => {
  expect(actual).toBeDefined();
  expect(Math.abs(actual!.getTime() - expected)).toBeLessThan(60_000);
};

/** The scenario's year: 2027, or the first year laid out like it whose publication day is still ahead. */
function scenarioYear(now: number): number {
  for (let year = 2027; ; year++) {
    const likeThe2027 =
      new Date(Date.UTC(year, 0, 1)).getUTCDay() === 5 && new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 2;
    if (likeThe2027 && at9(`${year - 1}-12-15`) > now + HOUR) return year;
  }
}

function scenarioContract(year: number, id: string): Contract {
  const definition = sCountyContract(sCountyOrgIds, {
    id,
    term: { start: `${year - 1}-09-01`, end: `${year}-08-31` },
    tranches: [{ id: 't1', label: 'All', due: `${year}-08-31`, percent: 100, fundingSource: 'fiscal' }],
    checkpoints: [{ id: 'c1', by: `${year}-02-04`, minPercent: 100 }],
    stations: [
      { id: 'G', name: 'Station G', township: 'G Town', villages: ['org_village_1'], townshipOrganization: TOWNSHIP },
    ],
    quotas: [{ id: 'visits', metric: 'village_visits', perStation: false, period: 'month', target: 8 }],
  });
  const result = validateContractDefinition(definition, (org) => kinds[org] as never);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function scenarioRequest(contract: Contract, year: number, now: number): MaterialRequest {
  const due = `${year}-02-04`;
  return {
    id: 'mr_feb',
    contractId: contract.id,
    station: 'G',
    villages: ['org_village_1'],
    title: 'January visit records',
    items: [{ id: 'visits', kind: 'visit_records', quantity: 12 }],
    due,
    dueAt: parseInstant(due)!,
    contacts: [],
    requestedBy: 'usr_station',
    requestedAt: new Date(now).toISOString(),
  };
}

/** Registers the scenario's contract (at the end of November, or now when that is past) with its material request. */
async function register(harness: TimeSkippingHarness, taskQueue: string, id: string) {
  const { env } = harness;
  const year = scenarioYear(await env.currentTimeMs());
  const registration = at9(`${year - 1}-11-30`);
  if ((await env.currentTimeMs()) < registration) await env.sleep(registration - (await env.currentTimeMs()));
  const now = await env.currentTimeMs();
  const contract = scenarioContract(year, id);
  const handle = await env.client.workflow.start(contractWorkflow, {
    workflowId: contractWorkflowId(contract.id),
    taskQueue,
    args: [{ contract, createdBy: 'usr_agency', createdAt: new Date(now).toISOString() }],
  });
  await handle.executeUpdate(registeredUpdate);
  await handle.executeUpdate(requestMaterialsUpdate, { args: [scenarioRequest(contract, year, now)] });
  return { year, contract, handle };
}

/** The escalations of a contract's step kind, by level. */
async function levels(harness: TimeSkippingHarness, contractId: string, stepKind: StepKind, stepReferenceStart = '') {
  const rows = await harness.database.handle.db
    .select()
    .from(escalations)
    .where(and(eq(escalations.contractId, contractId), eq(escalations.stepKind, stepKind)))
    .orderBy(asc(escalations.openedAt));
  return rows.filter((r) => r.stepReference.startsWith(stepReferenceStart));
}

const openedAtLevel = (rows: Array<{ level: number; openedAt: Date }>, level: number) =>
  rows.find((r) => r.level === level)?.openedAt;

describe('a published year reaches a running contract and its children (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('moves the levels still ahead to the published days off; a contract day of its own moves them again', async () => {
    const { env, database } = harness;
    const db = database.handle.db;
    const { worker, taskQueue } = await harness.worker('calendar-publication');
    await worker.runUntil(async () => {
      const { year, contract, handle } = await register(harness, taskQueue, 'cal-published');

      // 15 December: the administrator publishes the year; the fan-out tells every active contract.
      await env.sleep(at9(`${year - 1}-12-15`) - (await env.currentTimeMs()));
      const calendar = new CalendarService(db, () => Date.now(), reachRunningContracts(env.client, taskQueue));
      const admin = { userId: 'usr_admin', organizationId: null, roles: ['admin' as const] };
      const published = await calendar.publish(admin, year, {
        holidays: [`${year}-02-05`, `${year}-02-08`, `${year}-02-09`, `${year}-02-10`, `${year}-02-11`],
        workdays: [],
        source: { title: 'Invented test notice', date: `${year - 1}-12-15` },
      });
      expect(published.statusCode).toBe(201);
      const fanOut = env.client.workflow.getHandle(`calendar-publication:${year}:v1`);
      expect(await fanOut.result()).toEqual({ signalled: 1 });
      // Publishing the same again adds no version and tells nobody twice (the fan-out ran once).
      expect(
        (
          await calendar.publish(admin, year, {
            holidays: [`${year}-02-05`, `${year}-02-08`, `${year}-02-09`, `${year}-02-10`, `${year}-02-11`],
            workdays: [],
            source: { title: 'Invented test notice', date: `${year - 1}-12-15` },
          })
        ).statusCode,
      ).toBe(200);

      // Past 18 February 09:00: the checkpoint and the material request climbed on the published days.
      await env.sleep(at9(`${year}-02-18`) + HOUR - (await env.currentTimeMs()));
      const checkpoint = await eventually(
        () => levels(harness, contract.id, 'paymentShortfall'),
        (r) => r.length >= 2,
      );
      expect(checkpoint.map((r) => r.level)).toEqual([1, 2]);
      expectAt(openedAtLevel(checkpoint, 2), at9(`${year}-02-18`));
      const request = await eventually(
        () => levels(harness, contract.id, 'materialRequestOverdue'),
        (r) => r.length >= 3,
      );
      expect(request.map((r) => r.level)).toEqual([1, 2, 3]);
      // Level 2 (2 working days) on 15 February, the township (5) on the 18th.
      expectAt(openedAtLevel(request, 2), at9(`${year}-02-15`));
      expectAt(openedAtLevel(request, 3), at9(`${year}-02-18`));
      expect(request.find((r) => r.level === 3)!.notifiedOrganizationIds).toEqual([TOWNSHIP]);
      // January's shortfall (due day 31 January) climbed to the purchaser on 12 February.
      const quota = await eventually(
        () => levels(harness, contract.id, 'quotaShortfall'),
        (r) => r.some((e) => e.openedAt.getTime() > at9(`${year}-02-01`)),
      );
      const january = quota.filter((r) => r.stepReference.includes(`${year}-01`));
      expect(january.map((r) => r.level)).toEqual([1, 2]);
      expectAt(openedAtLevel(january, 2), at9(`${year}-02-12`));

      // 19 February: the purchaser makes 22 February a day off of the contract's own. The
      // 10-working-day levels still ahead (25 February) move to the 26th; the levels fired stay.
      await env.sleep(at9(`${year}-02-19`) - (await env.currentTimeMs()));
      const amendment = await handle.executeUpdate(amendCalendarUpdate, {
        args: [
          {
            holidays: [`${year}-02-22`],
            workdays: [],
            reason: await storedText(harness.database.handle.db, 'Lantern festival of the county (invented)'),
            amendedBy: 'usr_agency',
          },
        ],
      });
      expect(amendment).toMatchObject({ version: 2, holidays: [`${year}-02-22`], created: true });
      const again = await handle.executeUpdate(amendCalendarUpdate, {
        args: [
          {
            holidays: [`${year}-02-22`],
            workdays: [],
            reason: await storedText(harness.database.handle.db, 'sent twice'),
            amendedBy: 'usr_agency',
          },
        ],
      });
      expect(await resolveTexts(harness.database.handle.db, again)).toMatchObject({
        version: 2,
        created: false,
        reason: 'Lantern festival of the county (invented)',
      });
      const amended = await eventually(
        () =>
          db
            .select()
            .from(events)
            .where(and(eq(events.contractId, contract.id), eq(events.kind, 'contract.calendar_amended'))),
        (r) => r.length === 1,
      );
      expect(amended[0]!.payload).toMatchObject({ version: 2, holidays: [`${year}-02-22`], amendedBy: 'usr_agency' });
      const [row] = await db.select().from(contracts).where(eq(contracts.id, contract.id));
      expect((row!.definition as Contract).calendar).toEqual({ holidays: [`${year}-02-22`], workdays: [] });

      await env.sleep(at9(`${year}-02-25`) + HOUR - (await env.currentTimeMs()));
      expect((await levels(harness, contract.id, 'paymentShortfall')).map((r) => r.level)).toEqual([1, 2]);
      expect((await levels(harness, contract.id, 'materialRequestOverdue')).map((r) => r.level)).toEqual([1, 2, 3]);
      await env.sleep(at9(`${year}-02-26`) + HOUR - (await env.currentTimeMs()));
      const movedCheckpoint = await eventually(
        () => levels(harness, contract.id, 'paymentShortfall'),
        (r) => r.length >= 3,
      );
      expectAt(openedAtLevel(movedCheckpoint, 2), at9(`${year}-02-18`));
      expectAt(openedAtLevel(movedCheckpoint, 3), at9(`${year}-02-26`));
      const movedRequest = await eventually(
        () => levels(harness, contract.id, 'materialRequestOverdue'),
        (r) => r.length >= 4,
      );
      expectAt(openedAtLevel(movedRequest, 3), at9(`${year}-02-18`));
      expectAt(openedAtLevel(movedRequest, 4), at9(`${year}-02-26`));
    });
  });
});

// Its own environment: the same contract, nobody publishes the year (only weekends are days off).
describe('without the publication (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('climbs on weekends alone', async () => {
    const { env } = harness;
    const { worker, taskQueue } = await harness.worker('calendar-unpublished');
    await worker.runUntil(async () => {
      const { year, contract } = await register(harness, taskQueue, 'cal-unpublished');
      await env.sleep(at9(`${year}-02-11`) + HOUR - (await env.currentTimeMs()));
      const checkpoint = await eventually(
        () => levels(harness, contract.id, 'paymentShortfall'),
        (r) => r.length >= 2,
      );
      expectAt(openedAtLevel(checkpoint, 2), at9(`${year}-02-11`));
      const request = await eventually(
        () => levels(harness, contract.id, 'materialRequestOverdue'),
        (r) => r.length >= 3,
      );
      expectAt(openedAtLevel(request, 3), at9(`${year}-02-11`));
      const quota = await levels(harness, contract.id, 'quotaShortfall');
      const january = quota.filter((r) => r.stepReference.includes(`${year}-01`));
      expectAt(openedAtLevel(january, 2), at9(`${year}-02-05`));
    });
  });
});
