// The review's worst case in rounds and stations (issue 12): a milestone of the most stations the
// limits allow, each station through pre-check returns, reviewer returns and approval, with Updates
// of several stations in flight at once. The review continues as new past REVIEW_RUN_MAX_EVENTS,
// so every run stays far inside Temporal's limits, every round is answered (those sent while a run
// hands over included), and the final approvals complete the milestone. A station's rounds stop
// at MAX_ROUNDS_PER_STATION, and an escalation step opened in one run is closed by a later one.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { escalations, submissions } from '../../db/schema';
import { addDays, parseInstant, shanghaiDate } from '../../domain/dates';
import { MAX_ROUNDS_PER_STATION, MAX_STATIONS_PER_CONTRACT, REVIEW_RUN_MAX_EVENTS } from '../../domain/limits';
import { templateById } from '../../domain/templates';
import type { Milestone } from '../../domain/contract';
import { reviewWorkflow } from '../../workflows';
import {
  decideUpdate,
  reviewWorkflowId,
  submitUpdate,
  type ReviewWorkflowInput,
} from '../../workflows/review-messages';
import { byReference, completeMaterial } from '../fixtures/materials';
import { relativeContract } from '../fixtures/relative-contract';
import { eventually } from '../helpers/eventually';
import { historyFigures, TEMPORAL_LIMITS, type HistoryFigures, LONGEST_TASK_BOUND_MS } from '../helpers/history-size';
import { startStack, type Stack } from '../helpers/stack';
import { sendAgainWhileHandingOver } from '../../api/services/temporal-errors';
import { REJECTION } from '../../workflows/rejection';
import { expectRejection } from '../helpers/rejections';
import { reportFigure } from '../helpers/figures';

const TEMPLATE = 'activity_evidence_pack';
const SECTION = templateById(TEMPLATE)!.sections[0]!.id;
/** Stations whose Updates are in flight at once (Temporal admits 10 per workflow). */
const IN_FLIGHT = 6;

/** Round n of a station: passing the pre-check, or failing it (a section too short); each round's content differs. */
const materials = (station: string, n: number, passes: boolean) =>
  byReference(
    [
      completeMaterial(TEMPLATE, {
        [SECTION]: passes ? `${station} 第${n}轮：${'入户走访并建立个案档案。'.repeat(40)}` : `${station}短${n}`,
      }),
    ],
    [TEMPLATE],
  );

const reason = { code: 'steps_too_general' as const, templateId: TEMPLATE, sectionId: SECTION, text: '请具体说明' };

describe('review of many stations (dev server)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  function start(id: string, stations: string[], extra: Partial<ReviewWorkflowInput> = {}, maxRounds = 3) {
    const now = Date.now();
    const contract = relativeContract(now, id);
    const due = addDays(shanghaiDate(now), 200);
    const milestone: Milestone = {
      id: 'm',
      title: 'Service report',
      due,
      dueAt: parseInstant(due)!,
      stations,
      materials: [TEMPLATE],
      reviewer: 'evaluator',
      reviewWorkingDays: 5,
      maxRounds,
    };
    const year = Number(shanghaiDate(now).slice(0, 4));
    return stack.client.workflow.start(reviewWorkflow, {
      workflowId: reviewWorkflowId(contract.id, 'm'),
      taskQueue: stack.taskQueue,
      args: [{ contract, milestone, calendar: calendarForYears(year, year + 1), ...extra }],
    });
  }

  /** Figures of every run of a workflow, first run first (walked back through continuedExecutionRunId). */
  async function runs(workflowId: string): Promise<HistoryFigures[]> {
    const figures: HistoryFigures[] = [];
    let runId: string | undefined = (await stack.client.workflow.getHandle(workflowId).describe()).runId;
    while (runId) {
      figures.unshift(await historyFigures(stack.client, workflowId, runId));
      const history = await stack.client.workflow.getHandle(workflowId, runId).fetchHistory();
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    return figures;
  }

  it(`answers every round of ${MAX_STATIONS_PER_CONTRACT} stations across continued runs, each run within its bound`, async () => {
    const stations = Array.from({ length: MAX_STATIONS_PER_CONTRACT }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
    const id = `many-${Date.now()}`;
    const handle = await start(id, stations);
    const started = performance.now();
    const answered: string[] = [];
    // Per station, seven rounds (eleven Updates): pre-check and reviewer returns in turn, then approval.
    const plan: Array<'precheck' | 'return' | 'approve'> = [
      'precheck',
      'return',
      'precheck',
      'return',
      'precheck',
      'return',
      'approve',
    ];
    const station = async (s: string) => {
      for (const [i, step] of plan.entries()) {
        const n = i + 1;
        const submissionId = `sub_${s}_${n}`;
        const receipt = await sendAgainWhileHandingOver(() =>
          handle.executeUpdate(submitUpdate, {
            args: [{ submissionId, station: s, ...materials(s, n, step !== 'precheck'), submittedBy: 'usr_station' }],
          }),
        );
        expect(receipt).toMatchObject({
          submissionId,
          round: n,
          status: step === 'precheck' ? 'returned' : 'in_review',
        });
        if (step !== 'precheck') {
          const decided = await sendAgainWhileHandingOver(() =>
            handle.executeUpdate(decideUpdate, {
              args: [
                { submissionId, outcome: step, reasons: step === 'return' ? [reason] : [], decidedBy: 'usr_evaluator' },
              ],
            }),
          );
          expect(decided.status).toBe(step === 'return' ? 'returned' : 'approved');
        }
        answered.push(submissionId);
      }
    };
    const queue = [...stations];
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let s = queue.shift(); s !== undefined; s = queue.shift()) await station(s);
      }),
    );
    expect(answered).toHaveLength(stations.length * plan.length);
    expect(await handle.result()).toEqual({
      milestoneId: 'm',
      rounds: stations.length * plan.length,
      approvedStations: stations,
      ended: false,
    });
    const elapsed = performance.now() - started;

    const figures = await runs(handle.workflowId);
    reportFigure(
      `review of ${stations.length} stations: ${answered.length} rounds in ${Math.round(elapsed)} ms over ${figures.length} runs; ${JSON.stringify(figures.map(({ runId: _r, ...f }) => f))}`,
    );
    // At least two hand-overs.
    expect(figures.length).toBeGreaterThanOrEqual(3);
    for (const f of figures) {
      expect(f.failedTasks, f.failures.join('\n')).toBe(0);
      expect(f.events).toBeLessThan(0.1 * TEMPORAL_LIMITS.historyEvents);
      expect(f.bytes).toBeLessThan(0.1 * TEMPORAL_LIMITS.historyBytes);
      expect(f.largestEventBytes).toBeLessThan(512 * 1024);
      expect(f.longestTaskMs).toBeLessThan(LONGEST_TASK_BOUND_MS);
    }
    // Every run but the last handed over at its bound: Updates arriving meanwhile waited for the next run.
    for (const f of figures.slice(0, -1)) expect(f.events).toBeLessThan(REVIEW_RUN_MAX_EVENTS + 200);
    // The read model holds every round, each in its final status.
    const rows = await stack.database.handle.db.select().from(submissions).where(eq(submissions.contractId, id));
    expect(rows).toHaveLength(stations.length * plan.length);
    expect(
      rows
        .filter((r) => r.status === 'approved')
        .map((r) => r.station)
        .sort(),
    ).toEqual(stations);
  }, 90_000);

  it(`refuses a station's round past MAX_ROUNDS_PER_STATION (${MAX_ROUNDS_PER_STATION}), pre-check returns included, and keeps an escalation across runs`, async () => {
    const id = `limit-${Date.now()}`;
    // maxRounds 1: the second reviewer return opens tooManyReturns; runs hand over every ~150 events.
    const handle = await start(id, ['G'], { continueAsNewAfterEvents: 150 }, 1);
    const submit = (n: number, passes: boolean) =>
      sendAgainWhileHandingOver(() =>
        handle.executeUpdate(submitUpdate, {
          args: [
            { submissionId: `sub_G_${n}`, station: 'G', ...materials('G', n, passes), submittedBy: 'usr_station' },
          ],
        }),
      );
    for (let n = 1; n <= 2; n++) {
      expect((await submit(n, true)).status).toBe('in_review');
      await sendAgainWhileHandingOver(() =>
        handle.executeUpdate(decideUpdate, {
          args: [{ submissionId: `sub_G_${n}`, outcome: 'return', reasons: [reason], decidedBy: 'usr_evaluator' }],
        }),
      );
    }
    const open = await eventually(
      () =>
        stack.database.handle.db
          .select()
          .from(escalations)
          .where(and(eq(escalations.contractId, id), eq(escalations.stepKind, 'tooManyReturns'))),
      (r) => r.length >= 1,
    );
    expect(open[0]!.closedAt).toBeNull();
    for (let n = 3; n <= MAX_ROUNDS_PER_STATION; n++) expect((await submit(n, false)).round).toBe(n);
    // A repeat of the latest round is still recognised, in whichever run it arrives.
    expect((await submit(MAX_ROUNDS_PER_STATION, false)).round).toBe(MAX_ROUNDS_PER_STATION);

    const refused = await expectRejection(submit(MAX_ROUNDS_PER_STATION + 1, true), REJECTION.invalid, 'rounds_limit');
    expect(refused.problems).toMatchObject([
      {
        field: 'station',
        reason: expect.stringContaining(`at most ${MAX_ROUNDS_PER_STATION} are allowed per station`),
      },
    ]);

    const figures = await runs(handle.workflowId);
    expect(figures.length).toBeGreaterThanOrEqual(3);
    // The escalation opened in an earlier run is still the one the review knows: the contract's
    // end (here: the review's own end) closes it.
    await stack.client.workflow.getHandle(handle.workflowId).signal('contractEnded', { status: 'terminated' });
    expect(await handle.result()).toMatchObject({ rounds: MAX_ROUNDS_PER_STATION, ended: true });
    const closed = await eventually(
      () =>
        stack.database.handle.db
          .select()
          .from(escalations)
          .where(and(eq(escalations.contractId, id), eq(escalations.stepKind, 'tooManyReturns'))),
      (r) => r.every((e) => e.closedAt !== null),
    );
    expect(closed.length).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
