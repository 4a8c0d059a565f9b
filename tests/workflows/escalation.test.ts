// The escalation ladder on the time-skipping server: levels at the right working-day times across
// a public holiday and an adjusted working weekend; acknowledgement pauses the climb; resolution
// closes every open escalation of the step.
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalations, notifications, stepDelays } from '../../db/schema';
import type { WorkingCalendar } from '../../domain/calendar';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../../domain/dates';
import type { EscalationLadder } from '../../domain/escalation';
import { escalationWorkflow } from '../../workflows';
import {
  acknowledgeUpdate,
  escalationStateQuery,
  escalationWorkflowId,
  stepResolvedSignal,
  type EscalationWorkflowInput,
} from '../../workflows/escalation-messages';
import { CONTRACT_ID, HOLDER, LEVEL, STEP_KIND } from '../../workflows/search-attributes';
import type { TestDatabase } from '../helpers/database';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';
import { storedText } from '../helpers/texts';
import { expectRejection } from '../helpers/rejections';
import { REJECTION } from '../../workflows/rejection';

const HOUR = 3600 * 1000;
const ladder: EscalationLadder = {
  levels: [
    { afterWorkingDays: 0, notify: ['payer'], severity: 'warning' },
    { afterWorkingDays: 1, notify: ['payer'], severity: 'critical' },
    { afterWorkingDays: 2, notify: ['purchaser'], severity: 'critical' },
    { afterWorkingDays: 3, notify: ['oversight'], severity: 'critical' },
  ],
  acknowledgementGraceWorkingDays: 2,
};

/** The next Friday strictly after `now`'s Shanghai day. */
function nextFriday(now: number): string {
  let day = addDays(shanghaiDate(now), 1);
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== 5) day = addDays(day, 1);
  return day;
}

describe('escalation ladder (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let taskQueue: string;

  beforeAll(async () => {
    harness = await timeSkippingHarness();
    ({ env, database } = harness);
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  const newWorker = async () => {
    const created = await harness.worker('escalation');
    taskQueue = created.taskQueue;
    return created.worker;
  };

  /** A step due on a Friday at 10:00; Saturday is an adjusted working day, Monday and Tuesday a holiday. */
  async function setUp(stepId: string) {
    const friday = nextFriday(await env.currentTimeMs());
    const dueAt = startOfShanghaiDay(friday) + 10 * HOUR;
    await env.sleep(dueAt - (await env.currentTimeMs()) - HOUR);
    const calendar: WorkingCalendar = {
      holidays: [addDays(friday, 3), addDays(friday, 4)],
      workdays: [addDays(friday, 1)],
      coveredYears: { from: 2004, to: 2099 },
    };
    const input: EscalationWorkflowInput = {
      step: {
        contractId: 'c-esc',
        contractTitle: 'Lot 3',
        kind: 'paymentShortfall',
        reference: stepId,
        stepId,
        dueAt,
        summary: { en: 'Checkpoint june-80 is 393200.00 CNY short.', 'zh-CN': '拨付节点 june-80 缺口 393200.00 元。' },
      },
      ladder,
      calendar,
      parties: { payer: 'org_finance', purchaser: 'org_bureau', oversight: 'org_county' },
      holder: 'payer',
    };
    return { friday, dueAt, input };
  }

  const rows = (stepId: string) =>
    database.handle.db.select().from(escalations).where(eq(escalations.stepId, stepId)).orderBy(asc(escalations.level));

  it('climbs level by level at 09:00 on the right working days, then closes everything on resolution', async () => {
    await (
      await newWorker()
    ).runUntil(async () => {
      const { friday, input } = await setUp('climb');
      const handle = await env.client.workflow.start(escalationWorkflow, {
        workflowId: escalationWorkflowId('climb'),
        taskQueue,
        args: [input],
      });
      await env.sleep(8 * 24 * HOUR);
      const opened = await rows('climb');
      // Friday at once; Saturday (adjusted working day); Wednesday (Mon, Tue holidays); Thursday.
      expect(opened.map((r) => [r.level, shanghaiDate(r.openedAt.getTime())])).toEqual([
        [1, friday],
        [2, addDays(friday, 1)],
        [3, addDays(friday, 5)],
        [4, addDays(friday, 6)],
      ]);
      // Timers fire a moment after their instant: within the first minute after 09:00.
      for (const r of opened.slice(1)) {
        const nine = startOfShanghaiDay(shanghaiDate(r.openedAt.getTime())) + 9 * HOUR;
        expect(r.openedAt.getTime() - nine).toBeGreaterThanOrEqual(0);
        expect(r.openedAt.getTime() - nine).toBeLessThan(60_000);
      }
      expect(opened.map((r) => r.state)).toEqual(['superseded', 'superseded', 'superseded', 'open']);
      expect(opened[2]!.notifiedOrganizationIds).toEqual(['org_bureau']);

      // What an operator sees (issue 19): where it stands, its search attributes, its timers' summaries.
      const state = await handle.query(escalationStateQuery);
      expect(state).toMatchObject({
        stepId: 'climb',
        holder: 'payer',
        holderOrganizationId: 'org_finance',
        level: 4,
        levels: 4,
        nextLevel: null,
        resolved: null,
      });
      expect(state.escalations.map((e) => [e.level, e.state])).toEqual([
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'superseded'],
        [4, 'open'],
      ]);
      const attributes = (await handle.describe()).typedSearchAttributes;
      expect([
        attributes.get(CONTRACT_ID),
        attributes.get(STEP_KIND),
        attributes.get(HOLDER),
        attributes.get(LEVEL),
      ]).toEqual(['c-esc', 'paymentShortfall', 'org_finance', 4]);
      const { events } = await handle.fetchHistory();
      const summaries = events!
        .filter((e) => e.timerStartedEventAttributes && e.userMetadata?.summary)
        .map((e) => defaultPayloadConverter.fromPayload(e.userMetadata!.summary!) as string);
      expect(summaries).toEqual([
        // Started an hour before the step fell due.
        `Level 1/4 (warning) tells payer org_finance at ${friday} 10:00 Asia/Shanghai`,
        `Level 2/4 (critical) tells payer org_finance at ${addDays(friday, 1)} 09:00 Asia/Shanghai`,
        `Level 3/4 (critical) tells purchaser org_bureau at ${addDays(friday, 5)} 09:00 Asia/Shanghai`,
        `Level 4/4 (critical) tells oversight org_county at ${addDays(friday, 6)} 09:00 Asia/Shanghai`,
      ]);

      const signalledAt = await env.currentTimeMs();
      await handle.signal(stepResolvedSignal, {
        resolvedAt: new Date(signalledAt).toISOString(),
        reason: 'payment arrived',
      });
      const outcome = await handle.result();
      expect(outcome.levelsReached).toBe(4);
      const closed = await rows('climb');
      expect(closed.map((r) => r.state)).toEqual(['superseded', 'superseded', 'superseded', 'resolved']);
      expect(closed[3]!.closedAt!.getTime()).toBeGreaterThanOrEqual(signalledAt);
      const [delay] = await database.handle.db.select().from(stepDelays).where(eq(stepDelays.stepId, 'climb'));
      // Held from Friday to the following Saturday: Sat (worked), Wed, Thu, Fri = 4 working days.
      expect(delay).toMatchObject({ holderParty: 'payer', holderOrganizationId: 'org_finance', workingDays: 4 });

      const inbox = await database.handle.db
        .select()
        .from(notifications)
        .where(eq(notifications.organizationId, 'org_county'));
      expect(inbox).toHaveLength(1);
      expect((inbox[0]!.body as Record<string, string>).en).toContain('The payer can unblock it.');
    });
  });

  it('pauses the climb while acknowledged, and refuses organizations it did not notify', async () => {
    await (
      await newWorker()
    ).runUntil(async () => {
      const { friday, input } = await setUp('ack');
      const handle = await env.client.workflow.start(escalationWorkflow, {
        workflowId: escalationWorkflowId('ack'),
        taskQueue,
        args: [input],
      });
      await env.sleep(2 * HOUR);
      const [first] = await rows('ack');
      expect(first!.state).toBe('open');

      await expectRejection(
        handle.executeUpdate(acknowledgeUpdate, {
          args: [
            {
              escalationId: first!.id,
              organizationId: 'org_bureau',
              userId: 'usr_x',
              note: await storedText(database.handle.db, 'not ours'),
            },
          ],
        }),
        REJECTION.notNotified,
        'only_notified_acknowledge',
      );
      const ack = await handle.executeUpdate(acknowledgeUpdate, {
        args: [
          {
            escalationId: first!.id,
            organizationId: 'org_finance',
            userId: 'usr_li',
            note: await storedText(database.handle.db, 'Transfer submitted to the treasury'),
          },
        ],
      });
      // Acknowledged on Friday with 2 working days of grace: Saturday, then Wednesday (holidays Mon–Tue).
      expect(ack.pausedUntil).toBe(new Date(startOfShanghaiDay(addDays(friday, 5)) + 9 * HOUR).toISOString());
      await env.sleep(8 * 24 * HOUR);
      const after = await rows('ack');
      // When the pause ends on Wednesday, levels 2 and 3 are both due: the climb goes straight to
      // level 3 and tells level 2's parties too.
      expect(after.map((r) => [r.level, shanghaiDate(r.openedAt.getTime())])).toEqual([
        [1, friday],
        [3, addDays(friday, 5)],
        [4, addDays(friday, 6)],
      ]);
      expect(after[1]!.notifiedParties.sort()).toEqual(['payer', 'purchaser']);
      expect(after[0]).toMatchObject({
        state: 'superseded',
        acknowledgedBy: 'usr_li',
        acknowledgementNote: 'Transfer submitted to the treasury',
      });
      await handle.signal(stepResolvedSignal, {
        resolvedAt: new Date(await env.currentTimeMs()).toISOString(),
        reason: 'paid',
      });
      await handle.result();
    });
  });
});
