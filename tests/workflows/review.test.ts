// A review not decided in time escalates to the reviewing organization, then the purchaser, on
// the time-skipping server; the decision closes the step.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { escalations } from '../../db/schema';
import { validateContractDefinition } from '../../domain/contract';
import { addDays, shanghaiDate } from '../../domain/dates';
import { reviewWorkflow } from '../../workflows';
import { decideUpdate, reviewWorkflowId, submitUpdate } from '../../workflows/review-messages';
import { byReference, completeMaterial } from '../fixtures/materials';
import { relativeDefinition } from '../fixtures/relative-contract';
import { sCountyKinds } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { expectRejection } from '../helpers/rejections';
import { REJECTION } from '../../workflows/rejection';
import { timeSkippingHarness, type TimeSkippingHarness } from '../helpers/time-skipping';

describe('review deadline (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('escalates a review left undecided past its working days, and closes it on the decision', async () => {
    const { env, database } = harness;
    const { worker, taskQueue } = await harness.worker('review');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const definition = relativeDefinition(now, 'review-1');
      definition.milestones = [
        {
          id: 'q1',
          title: 'Quarterly service report',
          due: addDays(shanghaiDate(now), 200),
          stations: [],
          materials: ['activity_evidence_pack'],
          reviewWorkingDays: 3,
          maxRounds: 3,
        },
      ];
      const result = validateContractDefinition(definition, (id) => sCountyKinds[id]);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      const contract = result.value;
      const year = Number(shanghaiDate(now).slice(0, 4));
      const handle = await env.client.workflow.start(reviewWorkflow, {
        workflowId: reviewWorkflowId(contract.id, 'q1'),
        taskQueue,
        args: [{ contract, milestone: contract.milestones![0]!, calendar: calendarForYears(year, year + 1) }],
      });
      const material = completeMaterial('activity_evidence_pack');
      const round = await handle.executeUpdate(submitUpdate, {
        args: [
          {
            submissionId: 'sub_1',
            station: '',
            ...byReference([material], ['activity_evidence_pack']),
            submittedBy: 'usr_station',
          },
        ],
      });
      expect(round.status).toBe('in_review');

      // Three working days pass without a decision, then five more.
      await env.sleep('20 days');
      const rows = await eventually(
        () =>
          database.handle.db
            .select()
            .from(escalations)
            .where(eq(escalations.contractId, contract.id))
            .orderBy(asc(escalations.level)),
        (r) => r.length >= 2,
      );
      expect(rows.map((r) => [r.stepKind, r.level, r.notifiedOrganizationIds])).toEqual([
        ['reviewOverdue', 1, [contract.parties.evaluator]],
        ['reviewOverdue', 2, [contract.parties.purchaser]],
      ]);
      expect(rows[0]!.dueAt.toISOString()).toBe(round.reviewDueAt);

      // The workflow's own validator refuses a reason naming a section the template does not have
      // (the API checks reasons too, before it asks).
      const refused = await expectRejection(
        handle.executeUpdate(decideUpdate, {
          args: [
            {
              submissionId: 'sub_1',
              outcome: 'return',
              reasons: [{ code: 'other', templateId: 'activity_evidence_pack', sectionId: 'nonexistent' }],
              decidedBy: 'usr_evaluator',
            },
          ],
        }),
        REJECTION.invalid,
        'reason_not_in_milestone',
      );
      expect(refused.problems.map((p) => p.field)).toEqual(['reasons.0.sectionId']);

      const decided = await handle.executeUpdate(decideUpdate, {
        args: [{ submissionId: 'sub_1', outcome: 'approve', reasons: [], decidedBy: 'usr_evaluator' }],
      });
      expect(decided.status).toBe('approved');
      const final = await handle.result();
      // The result is small whatever the rounds held: counts and approved stations.
      expect(final).toEqual({ milestoneId: 'q1', rounds: 1, approvedStations: [''], ended: false });
      const closed = await eventually(
        () => database.handle.db.select().from(escalations).where(eq(escalations.contractId, contract.id)),
        (r) => r.every((e) => e.state === 'resolved' || e.state === 'superseded'),
      );
      expect(closed.find((e) => e.level === 2)!.state).toBe('resolved');
    });
  });
});

// Its own environment: workflows left by the test above (on a stopped worker's task queue) would
// hold the time-skipping clock.
describe('milestone deadline (time-skipping)', () => {
  let harness: TimeSkippingHarness;
  beforeAll(async () => {
    harness = await timeSkippingHarness();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('escalates a milestone past due with nothing approved to the contractor', async () => {
    const { env, database } = harness;
    const { worker, taskQueue } = await harness.worker('milestone');
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const definition = relativeDefinition(now, 'review-2');
      definition.milestones = [
        {
          id: 'm1',
          title: 'Mid-term evaluation',
          due: addDays(shanghaiDate(now), 10),
          stations: [],
          materials: ['midterm_report'],
          reviewWorkingDays: 5,
          maxRounds: 3,
        },
      ];
      const result = validateContractDefinition(definition, (id) => sCountyKinds[id]);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      const contract = result.value;
      const year = Number(shanghaiDate(now).slice(0, 4));
      await env.client.workflow.start(reviewWorkflow, {
        workflowId: reviewWorkflowId(contract.id, 'm1'),
        taskQueue,
        args: [{ contract, milestone: contract.milestones![0]!, calendar: calendarForYears(year, year + 1) }],
      });
      await env.sleep('12 days');
      const rows = await eventually(
        () => database.handle.db.select().from(escalations).where(eq(escalations.contractId, contract.id)),
        (r) => r.length >= 1,
      );
      expect(rows[0]).toMatchObject({
        stepKind: 'milestoneOverdue',
        stepReference: 'm1',
        level: 1,
        notifiedOrganizationIds: [contract.parties.contractor],
      });
      expect(rows[0]!.dueAt.getTime()).toBe(contract.milestones![0]!.dueAt);
    });
  });
});
