// Evaluation materials over the API: pre-check, rounds with reasons and diffs, who may decide,
// refused attachments, and the too-many-returns escalation.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepReference } from '../../domain/ids';
import { attachment, completeMaterial } from '../fixtures/materials';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';
import { historyText } from '../helpers/history-size';
import { reviewWorkflowId } from '../../workflows/review-messages';

describe('evaluation materials', () => {
  let stack: Stack;
  let parties: Parties;
  let filesDir: string;
  let otherEvaluator: string;
  const contractId = `eval-${Date.now()}`;

  const submit = (body: object, token = parties.tokens.contractor) =>
    stack.http('POST', `/v1/contracts/${contractId}/milestones/midterm/submissions`, { token, body });
  const decide = (sid: string, body: object, token = parties.tokens.evaluator) =>
    stack.http('POST', `/v1/submissions/${sid}/decision`, { token, body });
  const complete = (overrides: Record<string, string> = {}) => [
    completeMaterial('midterm_report', overrides),
    completeMaterial('casework_record'),
  ];

  beforeAll(async () => {
    filesDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-files-'));
    stack = await startStack({ filesDir });
    parties = await registerParties(stack.http, stack.adminToken);
    const today = new Date();
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, {
        id: contractId,
        term: { start: '2026-01-01', end: '2027-12-31' },
        tranches: [{ id: 't1', label: 'All', due: '2027-12-31', percent: 100, fundingSource: 'fiscal' }],
        checkpoints: [],
        milestones: [
          {
            id: 'midterm',
            title: 'Mid-term evaluation',
            due: `${today.getUTCFullYear() + 1}-06-30`,
            stations: ['G', 'Y'],
            materials: ['midterm_report', 'casework_record'],
            reviewWorkingDays: 5,
            maxRounds: 2,
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    // An evaluator of another organization, party to nothing here.
    const org = await stack.http('POST', '/v1/organizations', {
      token: stack.adminToken,
      body: { name: 'Other evaluator', kind: 'evaluator' },
    });
    otherEvaluator = (
      await stack.http('POST', '/v1/users', {
        token: stack.adminToken,
        body: { name: 'Other', organizationId: org.body.id, roles: ['evaluator'] },
      })
    ).body.token;
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it('publishes the templates the pre-check applies', async () => {
    const res = await stack.http('GET', '/v1/templates', { token: parties.tokens.contractor });
    expect(res.body.items.map((t: any) => t.id)).toEqual([
      'midterm_report',
      'casework_record',
      'groupwork_record',
      'activity_evidence_pack',
    ]);
    expect(res.body.items[0].sections[0]).toMatchObject({
      id: 'overview',
      title: { 'zh-CN': '项目概况' },
      minLength: 100,
    });
  });

  it('returns a submission that fails the pre-check at once, naming each section and why', async () => {
    const res = await submit({
      station: 'G',
      materials: [
        {
          templateId: 'midterm_report',
          sections: { overview: '【请填写项目概况】', goals: '', progress: '开展了活动。' },
          attachments: [],
        },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      station: 'G',
      round: 1,
      status: 'returned',
      decision: { outcome: 'return', decidedBy: 'precheck' },
    });
    const failures = res.body.precheck.map((f: any) => `${f.templateId}/${f.sectionId}`);
    expect(failures).toEqual(
      expect.arrayContaining([
        'casework_record/document',
        'midterm_report/overview',
        'midterm_report/goals',
        'midterm_report/progress',
        'midterm_report/theory',
        'midterm_report/evidence',
      ]),
    );
    const overview = res.body.precheck.find((f: any) => f.sectionId === 'overview');
    expect(overview.reason.en).toContain('placeholder');
    expect(overview.reason['zh-CN']).toContain('占位');
  });

  it('approves a complete submission in round 1', async () => {
    const res = await submit({ station: 'Y', materials: complete() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ round: 1, status: 'in_review', precheck: [], reviewDueAt: expect.any(String) });
    const approved = await decide(res.body.id, { outcome: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decision: { outcome: 'approve' } });
    expect((await submit({ station: 'Y', materials: complete() })).status).toBe(409);
  });

  it('lets only an evaluator of the reviewing organization decide', async () => {
    const res = await submit({ station: 'G', materials: complete() });
    expect(res.body.status).toBe('in_review');
    expect((await decide(res.body.id, { outcome: 'approve' }, parties.tokens.contractor)).status).toBe(403);
    expect((await decide(res.body.id, { outcome: 'approve' }, parties.tokens.agency)).status).toBe(403);
    expect((await decide(res.body.id, { outcome: 'approve' }, otherEvaluator)).status).toBe(403);
    // A return needs a reason, and each reason must point at something the milestone's materials have.
    expect((await decide(res.body.id, { outcome: 'return', reasons: [] })).status).toBe(422);
    for (const [reason, field, words] of [
      [
        { code: 'other', templateId: 'casework_record', sectionId: 'nonexistent' },
        'reasons.0.sectionId',
        'not a section of casework_record',
      ],
      [
        { code: 'other', templateId: 'no_such_template', sectionId: 'goals' },
        'reasons.0.templateId',
        'not a known template',
      ],
      [
        { code: 'other', templateId: 'groupwork_record', sectionId: 'goals' },
        'reasons.0.templateId',
        "not among this milestone's materials",
      ],
    ] as const) {
      const refused = await decide(res.body.id, { outcome: 'return', reasons: [reason] });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details).toMatchObject([{ field, reason: expect.stringContaining(words) }]);
    }
    // Nothing was decided by the refusals.
    expect(
      (await stack.http('GET', `/v1/submissions/${res.body.id}`, { token: parties.tokens.evaluator })).body.status,
    ).toBe('in_review');

    // Return → resubmit → return → resubmit → approve, each round with its diff.
    const returned = await decide(res.body.id, {
      outcome: 'return',
      reasons: [
        { code: 'goals_vague', templateId: 'midterm_report', sectionId: 'goals', text: 'Name measurable goals' },
      ],
    });
    expect(returned.body).toMatchObject({
      status: 'returned',
      decision: { reasons: [{ code: 'goals_vague', sectionId: 'goals', text: 'Name measurable goals' }] },
    });
    // The evaluator's words reach the review's history by reference only.
    const reviewHistory = await historyText(stack.client, reviewWorkflowId(res.body.contractId, res.body.milestoneId));
    expect(reviewHistory).toContain(res.body.id);
    expect(reviewHistory).not.toContain('Name measurable goals');

    const round3 = await submit({
      station: 'G',
      materials: complete({ goals: '目标：每月走访 20 户低保家庭，覆盖 5 个村，建立 30 份个案档案。'.repeat(3) }),
    });
    expect(round3.body).toMatchObject({ round: 3, status: 'in_review' });
    expect(round3.body.diff).toEqual([
      {
        templateId: 'midterm_report',
        sectionId: 'goals',
        change: 'changed',
        before: expect.any(String),
        after: expect.stringContaining('每月走访'),
      },
    ]);
    await decide(round3.body.id, {
      outcome: 'return',
      reasons: [{ code: 'evidence_missing', templateId: 'casework_record', sectionId: 'evidence' }],
    });

    // A pre-check failure and two returns: the evaluator has used the two rounds planned, no more.
    // The same materials again are refused (nothing changed) and open no round.
    const same = await submit({
      station: 'G',
      materials: complete({ goals: '目标：每月走访 20 户低保家庭，覆盖 5 个村，建立 30 份个案档案。'.repeat(3) }),
    });
    expect(same.status).toBe(422);
    expect(same.body.error.message).toMatch(/Nothing changed since round 3/);

    // Round 4 differs only in one attachment's content: the diff names it, replaced.
    const withNewRecord = complete({
      goals: '目标：每月走访 20 户低保家庭，覆盖 5 个村，建立 30 份个案档案。'.repeat(3),
    });
    const caseRecord = withNewRecord[1]!.attachments[0]!;
    withNewRecord[1]!.attachments[0] = attachment(
      caseRecord.kind,
      caseRecord.name,
      'the signed case record, scanned again',
    );
    const round4 = await submit({ station: 'G', materials: withNewRecord });
    expect(round4.status).toBe(201);
    expect(round4.body).toMatchObject({ round: 4, status: 'in_review' });
    expect(round4.body.diff).toEqual([
      {
        templateId: 'casework_record',
        sectionId: 'evidence',
        change: 'replaced',
        attachment: caseRecord.name,
        before: caseRecord.sha256,
        after: withNewRecord[1]!.attachments[0]!.sha256,
      },
    ]);
    const third = await decide(round4.body.id, {
      outcome: 'return',
      reasons: [{ code: 'writing_errors', templateId: 'midterm_report', sectionId: 'overview' }],
    });
    expect(third.status).toBe(200);

    // Three returns by the evaluator against two planned rounds (the pre-check's does not count):
    // the contractor is told, then the purchaser.
    const escalated = await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: parties.tokens.contractor }),
      (r) => r.body.items.some((e: any) => e.step.kind === 'tooManyReturns'),
    );
    const tooMany = escalated.body.items.find((e: any) => e.step.kind === 'tooManyReturns');
    expect(tooMany).toMatchObject({
      state: 'open',
      notifiedOrganizationIds: [parties.orgs.contractor],
      step: { reference: stepReference(['midterm', 'G']) },
    });
    expect(tooMany.summary.en).toContain('returned 3 times');
    // Opened by the third return, not by the second (which the pre-check's failure would have made a third).
    expect(Date.parse(tooMany.openedAt)).toBeGreaterThanOrEqual(Date.parse(third.body.decision.decidedAt));

    const round5 = await submit({
      station: 'G',
      materials: complete({
        goals: '目标：每月走访 20 户低保家庭，覆盖 5 个村，建立 30 份个案档案。'.repeat(3),
        overview: '项目概况：本项目在 G 镇 5 个村设立社工站，服务低保、特困和留守老人家庭，配备社工 4 名。'.repeat(3),
      }),
    });
    expect(round5.body.round).toBe(5);
    const approved = await decide(round5.body.id, { outcome: 'approve' });
    expect(approved.body.status).toBe('approved');
    await eventually(
      () =>
        stack.http('GET', `/v1/contracts/${contractId}/escalations?status=open`, { token: parties.tokens.contractor }),
      (r) => !r.body.items.some((e: any) => e.step.kind === 'tooManyReturns'),
    );

    const listed = await stack.http('GET', `/v1/contracts/${contractId}/submissions?station=G`, {
      token: parties.tokens.agency,
    });
    expect(listed.body.items.map((s: any) => [s.round, s.status])).toEqual([
      [1, 'returned'],
      [2, 'returned'],
      [3, 'returned'],
      [4, 'returned'],
      [5, 'approved'],
    ]);
    const stats = await stack.http('GET', `/v1/contracts/${contractId}/review-stats`, {
      token: parties.tokens.contractor,
    });
    expect(stats.body.stations[0]).toMatchObject({
      station: 'G',
      submissions: 5,
      returned: 4,
      approved: 1,
      precheckFailures: 1,
    });
    expect(stats.body.reasons).toEqual(
      expect.arrayContaining([
        { code: 'goals_vague', count: 1 },
        { code: 'evidence_missing', count: 1 },
      ]),
    );
    expect(
      (await stack.http('GET', `/v1/submissions/${round5.body.id}`, { token: parties.tokens.outsider })).status,
    ).toBe(404);
  });

  it('refuses bad attachments and stores nothing', async () => {
    const good = attachment('photo', 'ok.png', 'fine bytes');
    const wrongHash = { ...attachment('photo', 'bad.png', 'tampered bytes'), sha256: good.sha256 };
    const wrongSize = { ...attachment('photo', 'short.png', 'other bytes'), size: 3 };
    const wrongType = { ...attachment('photo', 'run.exe', 'MZ program'), contentType: 'application/x-msdownload' };
    const before = readdirSync(filesDir, { recursive: true }).length;
    const res = await submit({
      materials: [{ templateId: 'midterm_report', sections: {}, attachments: [good, wrongHash, wrongSize, wrongType] }],
      station: 'G',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toMatchObject([
      { field: 'materials.0.attachments.1.sha256', reason: 'does not match the content' },
      {
        field: 'materials.0.attachments.2.size',
        reason: `is 3 but the content has ${Buffer.from(wrongSize.content, 'base64').length} bytes`,
      },
      { field: 'materials.0.attachments.3.contentType', reason: expect.stringContaining('is not accepted') },
    ]);
    expect(readdirSync(filesDir, { recursive: true }).length).toBe(before);
    expect(existsSync(path.join(filesDir, good.sha256.slice(0, 2), good.sha256))).toBe(false);
    // Materials must be the milestone's templates, once each, with their own sections.
    const unused = await submit({ station: 'G', materials: [...complete(), completeMaterial('groupwork_record')] });
    expect(unused.status).toBe(422);
    expect(unused.body.error.details).toMatchObject([
      { field: 'materials.2.templateId', reason: expect.stringContaining("not among this milestone's materials") },
    ]);
    const stray = await submit({
      station: 'G',
      materials: [{ ...complete()[0]!, sections: { ...complete()[0]!.sections, summary: 'text' } }, complete()[1]!],
    });
    expect(stray.body.error.details).toMatchObject([
      { field: 'materials.0.sections.summary', reason: expect.stringContaining('not a section of midterm_report') },
    ]);
    expect(readdirSync(filesDir, { recursive: true }).length).toBe(before);
    // Only the contractor's staff submit.
    expect((await submit({ station: 'G', materials: complete() }, parties.tokens.evaluator)).status).toBe(403);
  });
});
