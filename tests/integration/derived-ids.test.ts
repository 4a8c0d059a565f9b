// Ids derived from business ids over the API (issue 11, item 4): contract "GZ-2024" with milestone
// "01-midterm" and contract "GZ-2024-01" with milestone "midterm" once shared one review workflow.
// Each now runs its own: both take payments, each station's submission lands in its own contract's
// review. And a child whose workflow id is taken refuses the contract's start (409), never silently.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationId, stepId, stepReference } from '../../domain/ids';
import { reviewStateQuery, reviewWorkflowId } from '../../workflows/review-messages';
import { completeMaterial } from '../fixtures/materials';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('ids derived from business ids', () => {
  let stack: Stack;
  let parties: Parties;
  let filesDir: string;
  // A prefix of this run keeps the pair's shape: the old ids were "review-<run>GZ-2024-01-midterm" for both.
  const run = `r${Date.now()}`;
  const first = { id: `${run}GZ-2024`, milestone: '01-midterm' };
  const second = { id: `${run}GZ-2024-01`, milestone: 'midterm' };

  const definition = (id: string, milestone: string) =>
    sCountyContract(parties.orgs, {
      id,
      term: { start: '2026-01-01', end: '2027-12-31' },
      tranches: [{ id: 't1', label: 'All', due: '2027-12-31', percent: 100, fundingSource: 'fiscal' }],
      checkpoints: [],
      milestones: [
        {
          id: milestone,
          title: `Evaluation ${milestone}`,
          due: `${new Date().getUTCFullYear() + 1}-06-30`,
          stations: ['G'],
          materials: ['midterm_report'],
          reviewWorkingDays: 5,
          maxRounds: 2,
        },
      ],
    });
  const create = (id: string, milestone: string) =>
    stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition(id, milestone) });

  beforeAll(async () => {
    filesDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-files-'));
    stack = await startStack({ filesDir });
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it('runs each contract with its own review: both take payments, each submission goes to its own contract', async () => {
    expect((await create(first.id, first.milestone)).status).toBe(201);
    expect((await create(second.id, second.milestone)).status).toBe(201);
    expect(reviewWorkflowId(first.id, first.milestone)).not.toBe(reviewWorkflowId(second.id, second.milestone));

    for (const [i, c] of [first, second].entries()) {
      const paid = await stack.http('POST', `/v1/contracts/${c.id}/payments`, {
        token: parties.tokens.finance,
        body: { reference: `CZ-${i}`, amount: '1000.00', receivedOn: '2026-01-05', fundingSource: 'fiscal' },
      });
      expect(paid.status).toBe(201);
      const detail = await stack.http('GET', `/v1/contracts/${c.id}`, { token: parties.tokens.finance });
      expect(detail.body).toMatchObject({ status: 'active', received: '1000.00' });
    }

    const submitted = [];
    for (const c of [second, first]) {
      const res = await stack.http('POST', `/v1/contracts/${c.id}/milestones/${c.milestone}/submissions`, {
        token: parties.tokens.contractor,
        body: { station: 'G', materials: [completeMaterial('midterm_report')] },
      });
      expect(res.status).toBe(201);
      // Round 1 of its own contract's review, not round 2 of the other's.
      expect(res.body).toMatchObject({
        contractId: c.id,
        milestoneId: c.milestone,
        station: 'G',
        round: 1,
        status: 'in_review',
      });
      submitted.push(res.body.id);
    }

    for (const [c, sid] of [
      [second, submitted[0]],
      [first, submitted[1]],
    ] as const) {
      const list = await stack.http('GET', `/v1/contracts/${c.id}/submissions`, { token: parties.tokens.evaluator });
      expect(list.body.items.map((s: any) => s.id)).toEqual([sid]);
      const state = await stack.client.workflow.getHandle(reviewWorkflowId(c.id, c.milestone)).query(reviewStateQuery);
      expect(state.rounds.map((r) => [r.contractId, r.submissionId])).toEqual([[c.id, sid]]);
    }
  });

  it('takes the longest derived ids in a path (an escalation id of 64-character business ids)', async () => {
    const longest = escalationId(
      stepId('C'.repeat(64), 'quotaShortfall', stepReference(['Q'.repeat(64), 'S'.repeat(64), '2027-Q4']), 1),
      9,
    );
    const res = await stack.http('POST', `/v1/escalations/${encodeURIComponent(longest)}/acknowledge`, {
      token: parties.tokens.finance,
      body: { note: 'x' },
    });
    // Looked up and not found, rather than refused by the router as too long (414).
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain(longest);
  });

  it('refuses a contract whose review workflow id is taken, with a 409 naming it, and registers nothing', async () => {
    const id = `${run}-taken`;
    const workflowId = reviewWorkflowId(id, 'final');
    // A stray workflow holding the id the contract's review would get.
    const stray = await stack.client.workflow.start('probeWorkflow', {
      workflowId,
      taskQueue: stack.taskQueue,
      args: [{ wait: '1 hour' }],
    });
    try {
      const res = await create(id, 'final');
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining(workflowId) });
      expect((await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.agency })).status).toBe(404);
    } finally {
      await stray.terminate('test done');
    }
  });
});
