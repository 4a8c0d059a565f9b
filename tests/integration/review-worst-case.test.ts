// The worst case the limits allow for a review (issue 12 item 4): the largest submission — every
// template, every section at MAX_SECTION_CHARS Chinese characters, MAX_ATTACHMENTS_PER_MATERIAL
// attachments each — over maxRounds rounds, returned each round with the most and longest reasons
// allowed and approved at the last. Every round is answered, and the review's history stays far
// inside Temporal's limits: the texts never enter it (claim check), only references do.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../domain/dates';
import {
  MAX_ATTACHMENTS_PER_MATERIAL,
  MAX_REASON_CHARS,
  MAX_RETURN_REASONS,
  MAX_SECTION_CHARS,
} from '../../domain/limits';
import { TEMPLATES } from '../../domain/templates';
import { reviewWorkflowId } from '../../workflows/review-messages';
import { attachment, completeMaterial } from '../fixtures/materials';
import { sCountyContract } from '../fixtures/s-county';
import { historyFigures, TEMPORAL_LIMITS, LONGEST_TASK_BOUND_MS } from '../helpers/history-size';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';
import { reportFigure } from '../helpers/figures';

/** The most rounds a milestone may plan (domain/contract validateMilestones). */
const MAX_ROUNDS = 20;

describe('review worst case', () => {
  let stack: Stack;
  let parties: Parties;
  let filesDir: string;
  const contractId = `worst-review-${Date.now()}`;

  beforeAll(async () => {
    filesDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-worst-'));
    stack = await startStack({ filesDir });
    parties = await registerParties(stack.http, stack.adminToken);
    const today = shanghaiDate(Date.now());
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, {
        id: contractId,
        term: { start: addDays(today, -30), end: addDays(today, 300) },
        tranches: [{ id: 't1', label: 'All', due: addDays(today, 300), percent: 100, fundingSource: 'fiscal' }],
        checkpoints: [],
        milestones: [
          {
            id: 'm',
            title: 'Everything',
            due: addDays(today, 290),
            stations: ['G'],
            materials: TEMPLATES.map((t) => t.id),
            reviewWorkingDays: 5,
            maxRounds: MAX_ROUNDS,
          },
        ],
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(filesDir, { recursive: true, force: true });
  });

  /** Round n's materials: the largest allowed, one section rewritten each round (an identical round is refused). */
  const largest = (n: number) =>
    TEMPLATES.map((t) => {
      const base = completeMaterial(t.id);
      const sections = Object.fromEntries(
        t.sections.map((s, i) => {
          const text = `第${n}轮${s.title['zh-CN']}${i}：`;
          return [
            s.id,
            (text + '社工入户走访、建立个案档案并链接救助资源。'.repeat(MAX_SECTION_CHARS)).slice(0, MAX_SECTION_CHARS),
          ];
        }),
      );
      const extra = Array.from({ length: MAX_ATTACHMENTS_PER_MATERIAL - base.attachments.length }, (_, i) =>
        attachment('other', `${t.id}-${'附件'.repeat(100)}-${i}.png`),
      );
      return { templateId: t.id, sections, attachments: [...base.attachments, ...extra] };
    });

  const reasons = () =>
    Array.from({ length: MAX_RETURN_REASONS }, (_, i) => ({
      code: 'steps_too_general' as const,
      templateId: TEMPLATES[i % TEMPLATES.length]!.id,
      sectionId: TEMPLATES[i % TEMPLATES.length]!.sections[0]!.id,
      text: `理由${i}：`.padEnd(MAX_REASON_CHARS, '请具体说明'),
    }));

  it(`answers every round of the largest submission up to maxRounds (${MAX_ROUNDS}), within Temporal's limits`, async () => {
    const started = performance.now();
    let last = '';
    for (let n = 1; n <= MAX_ROUNDS; n++) {
      const submitted = await stack.http('POST', `/v1/contracts/${contractId}/milestones/m/submissions`, {
        token: parties.tokens.contractor,
        body: { station: 'G', materials: largest(n) },
      });
      expect(submitted.status, `round ${n}: ${JSON.stringify(submitted.body).slice(0, 500)}`).toBe(201);
      expect(submitted.body).toMatchObject({ round: n, status: 'in_review' });
      last = submitted.body.id;
      const outcome = n < MAX_ROUNDS ? 'return' : 'approve';
      const decided = await stack.http('POST', `/v1/submissions/${last}/decision`, {
        token: parties.tokens.evaluator,
        body: { outcome, reasons: outcome === 'return' ? reasons() : [] },
      });
      expect(decided.status, `round ${n}: ${JSON.stringify(decided.body).slice(0, 500)}`).toBe(200);
      expect(decided.body.status).toBe(n < MAX_ROUNDS ? 'returned' : 'approved');
    }
    const elapsed = performance.now() - started;

    // The texts are read back whole, with the change against the round before.
    const final = await stack.http('GET', `/v1/submissions/${last}`, { token: parties.tokens.evaluator });
    expect(final.body.materials[0].sections[TEMPLATES[0]!.sections[0]!.id]).toHaveLength(MAX_SECTION_CHARS);
    expect(final.body.diff.filter((d: any) => d.change === 'changed')).toHaveLength(
      TEMPLATES.reduce((n, t) => n + t.sections.length, 0),
    );

    const handle = stack.client.workflow.getHandle(reviewWorkflowId(contractId, 'm'));
    expect(await handle.result()).toEqual({
      milestoneId: 'm',
      rounds: MAX_ROUNDS,
      approvedStations: ['G'],
      ended: false,
    });
    const figures = await historyFigures(stack.client, handle.workflowId);
    reportFigure(
      `review worst case: ${MAX_ROUNDS} rounds in ${Math.round(elapsed)} ms; history ${JSON.stringify(figures)}`,
    );
    expect(figures.failedTasks, figures.failures.join('\n')).toBe(0);
    expect(figures.largestEventBytes).toBeLessThan(0.25 * TEMPORAL_LIMITS.payloadBytes);
    expect(figures.longestTaskMs).toBeLessThan(LONGEST_TASK_BOUND_MS);
    expect(figures.bytes).toBeLessThan(0.1 * TEMPORAL_LIMITS.historyBytes);
    expect(figures.events).toBeLessThan(0.1 * TEMPORAL_LIMITS.historyEvents);
  }, 120_000);
});
