// Repeats and late calls after a workflow has closed are answered from the read model — the record
// as it stands for a repeat, 409 with a code saying why for anything else, never 500; the same
// Idempotency-Key with the same JSON in another key order is the same request; and a contract
// takes every call its definition allows from the moment its creation is answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyRecords } from '../../db/schema';
import { addDays, shanghaiDate } from '../../domain/dates';
import { contractWorkflowId } from '../../workflows/contract-messages';
import { escalationWorkflowId } from '../../workflows/escalation-messages';
import { materialRequestWorkflowId } from '../../workflows/material-request-messages';
import { quotaWorkflowId } from '../../workflows/quota-messages';
import { reviewWorkflowId } from '../../workflows/review-messages';
import { completeMaterial } from '../fixtures/materials';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('repeats, late calls and readiness', () => {
  let stack: Stack;
  let parties: Parties;
  let liaison = '';
  let counter = 0;
  const freshId = (base: string) => `${base}-${Date.now()}-${++counter}`;
  const today = shanghaiDate(Date.now());
  const materials = [completeMaterial('midterm_report'), completeMaterial('casework_record')];

  /** A contract running now, with a one-station milestone and a monthly quota. */
  const current = (id: string, overrides: object = {}) =>
    sCountyContract(parties.orgs, {
      id,
      term: { start: addDays(today, -40), end: addDays(today, 400) },
      tranches: [{ id: 't1', label: 'All', due: addDays(today, 400), percent: 100, fundingSource: 'fiscal' }],
      checkpoints: [],
      milestones: [
        {
          id: 'm1',
          title: 'Mid-term',
          due: addDays(today, 200),
          stations: ['G'],
          materials: ['midterm_report', 'casework_record'],
          reviewWorkingDays: 5,
          maxRounds: 3,
        },
      ],
      quotas: [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 20 }],
      ...overrides,
    });

  const post = (path: string, token: string, body: object, headers: Record<string, string> = {}) =>
    stack.http('POST', path, { token, body, headers });
  /** Resolves once the workflow has closed, whatever its outcome. */
  const closed = (workflowId: string) =>
    stack.client.workflow
      .getHandle(workflowId)
      .result()
      .catch(() => undefined);
  /** The key's stored answer is gone, as when the first attempt failed after the workflow recorded it. */
  const forgetKeys = () => stack.database.handle.db.delete(idempotencyRecords);

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
    liaison = (
      await stack.http('POST', '/v1/users', {
        token: stack.adminToken,
        body: { name: 'Village A liaison', organizationId: parties.orgs.villages[0], roles: ['village_liaison'] },
      })
    ).body.token;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('takes submissions and progress the moment a contract is created (five contracts, no waiting)', async () => {
    for (let i = 0; i < 5; i++) {
      const id = freshId('ready');
      const created = await post('/v1/contracts', parties.tokens.agency, current(id));
      expect(created.status).toBe(201);
      const [submitted, progress, asked] = await Promise.all([
        post(`/v1/contracts/${id}/milestones/m1/submissions`, parties.tokens.contractor, { station: 'G', materials }),
        post(`/v1/contracts/${id}/progress`, parties.tokens.contractor, {
          station: 'G',
          metric: 'village_visits',
          count: 3,
          date: today,
        }),
        post(`/v1/contracts/${id}/material-requests`, parties.tokens.contractor, {
          station: 'G',
          villages: [parties.orgs.villages[0]],
          title: 'Visit sheets',
          items: [{ id: 'v', kind: 'visit_records', quantity: 2 }],
          due: addDays(today, 10),
        }),
      ]);
      expect(
        [submitted.status, progress.status, asked.status],
        JSON.stringify([submitted.body, progress.body, asked.body]),
      ).toEqual([201, 201, 201]);
      expect(submitted.body.status).toBe('in_review');
      // What was created is acted on at once too: the village delivers, the evaluator decides.
      const [delivered, decided] = await Promise.all([
        post(`/v1/material-requests/${asked.body.id}/deliveries`, liaison, { items: [{ itemId: 'v', quantity: 1 }] }),
        post(`/v1/submissions/${submitted.body.id}/decision`, parties.tokens.evaluator, { outcome: 'approve' }),
      ]);
      expect([delivered.status, decided.status]).toEqual([201, 200]);
    }
  });

  it('recognises the same Idempotency-Key with the same JSON in another key order, and replays the first answer with its status', async () => {
    const id = freshId('idem-order');
    const definition = current(id);
    const reordered = Object.fromEntries(Object.entries(definition).reverse());
    const first = await post('/v1/contracts', parties.tokens.agency, definition, { 'idempotency-key': `c-${id}` });
    const again = await post('/v1/contracts', parties.tokens.agency, reordered, { 'idempotency-key': `c-${id}` });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);

    // Deeper: the items of a material request, and the request itself, keys in another order.
    const request = {
      station: 'G',
      villages: [parties.orgs.villages[0]],
      title: 'Roster',
      items: [{ id: 'r', kind: 'household_roster', quantity: 1, description: 'signed' }],
      due: addDays(today, 5),
    };
    const shuffled = {
      due: request.due,
      items: [{ description: 'signed', quantity: 1, kind: 'household_roster', id: 'r' }],
      title: 'Roster',
      villages: request.villages,
      station: 'G',
    };
    const key = { 'idempotency-key': `mr-${id}` };
    const made = await post(`/v1/contracts/${id}/material-requests`, parties.tokens.contractor, request, key);
    const repeated = await post(`/v1/contracts/${id}/material-requests`, parties.tokens.contractor, shuffled, key);
    expect([made.status, repeated.status]).toEqual([201, 201]);
    expect(repeated.headers.get('idempotent-replayed')).toBe('true');
    expect(repeated.body.id).toBe(made.body.id);
    // An array in another order is another request.
    const otherOrder = await post(
      `/v1/contracts/${id}/material-requests`,
      parties.tokens.contractor,
      { ...request, villages: [...request.villages, parties.orgs.villages[1]!].reverse() },
      key,
    );
    expect(otherOrder.status).toBe(422);
    expect(otherOrder.body.error.code).toBe('idempotency_key_reused');
    // An error answer is replayed as well, with its status.
    const bad = { ...request, station: 'nowhere' };
    const refused = await post(`/v1/contracts/${id}/material-requests`, parties.tokens.contractor, bad, {
      'idempotency-key': `bad-${id}`,
    });
    const refusedAgain = await post(`/v1/contracts/${id}/material-requests`, parties.tokens.contractor, bad, {
      'idempotency-key': `bad-${id}`,
    });
    expect([refused.status, refusedAgain.status]).toEqual([422, 422]);
    expect(refusedAgain.body).toEqual(refused.body);
    expect(refusedAgain.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers payments, reversals, amendments, terminations and acknowledgements after the contract completed', async () => {
    const id = freshId('completed');
    // The term is over: paid in full, the contract completes at once.
    const created = await post(
      '/v1/contracts',
      parties.tokens.agency,
      sCountyContract(parties.orgs, {
        id,
        term: { start: '2023-01-01', end: '2023-12-31' },
        tranches: [{ id: 't1', label: 'All', due: '2023-06-30', percent: 100, fundingSource: 'fiscal' }],
        checkpoints: [],
        closeGraceDays: 3650,
        milestones: [
          {
            id: 'm1',
            title: 'Final',
            due: '2023-12-31',
            stations: ['G'],
            materials: ['midterm_report', 'casework_record'],
            reviewWorkingDays: 5,
            maxRounds: 3,
          },
        ],
        quotas: [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 20 }],
      }),
    );
    expect(created.status).toBe(201);
    // The overdue tranche escalated to the payer: acknowledged, and the same acknowledgement again.
    const open = await eventually(
      () => stack.http('GET', `/v1/contracts/${id}/escalations?status=open`, { token: parties.tokens.finance }),
      (r) => r.body.items?.some((e: any) => e.step.kind === 'trancheOverdue'),
    );
    const escalation = open.body.items.find((e: any) => e.step.kind === 'trancheOverdue');
    const ack = (note: string) =>
      post(`/v1/escalations/${escalation.id}/acknowledge`, parties.tokens.finance, { note });
    const acknowledged = await ack('Paying this week');
    expect(acknowledged.status).toBe(200);
    const ackAgain = await ack('Paying this week');
    expect(ackAgain.status).toBe(200);
    expect(ackAgain.body).toMatchObject({ state: 'acknowledged', acknowledgedAt: acknowledged.body.acknowledgedAt });
    expect((await ack('Something else')).status).toBe(409);

    const payment = { reference: 'FULL-1', amount: '1154000.00', receivedOn: '2024-01-10', fundingSource: 'fiscal' };
    const paid = await post(`/v1/contracts/${id}/payments`, parties.tokens.finance, payment);
    expect(paid.status).toBe(201);
    await closed(contractWorkflowId(id));
    await closed(escalationWorkflowId(escalation.step.id));
    expect((await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.finance })).body.status).toBe(
      'completed',
    );

    // Payments: the same reference and content → 200 with the original; other content → 409.
    const repeat = await post(`/v1/contracts/${id}/payments`, parties.tokens.finance, payment);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(paid.body);
    const reordered = await post(`/v1/contracts/${id}/payments`, parties.tokens.finance, {
      fundingSource: 'fiscal',
      receivedOn: '2024-01-10',
      amount: '1154000.00',
      reference: 'FULL-1',
    });
    expect(reordered.status).toBe(200);
    const changed = await post(`/v1/contracts/${id}/payments`, parties.tokens.finance, {
      ...payment,
      note: 'typo fixed',
    });
    expect([changed.status, changed.body.error.code]).toEqual([409, 'conflict']);
    const another = await post(`/v1/contracts/${id}/payments`, parties.tokens.finance, {
      ...payment,
      reference: 'FULL-2',
      amount: '1.00',
    });
    expect([another.status, another.body.error.code]).toEqual([409, 'contract_not_active']);

    // Reversals, amendments and terminations of a completed contract.
    const reversal = await post(`/v1/contracts/${id}/payments/FULL-1/reversal`, parties.tokens.finance, {
      reason: 'wrong contract',
    });
    expect([reversal.status, reversal.body.error.code]).toEqual([409, 'contract_not_active']);
    expect(
      (await post(`/v1/contracts/${id}/payments/NOPE/reversal`, parties.tokens.finance, { reason: 'x' })).status,
    ).toBe(404);
    const amendment = await post(`/v1/contracts/${id}/schedule`, parties.tokens.agency, {
      reason: 'late',
      tranches: [{ id: 't1', label: 'All', due: '2023-12-31', percent: 100, fundingSource: 'fiscal' }],
      checkpoints: [],
    });
    expect([amendment.status, amendment.body.error.code]).toEqual([409, 'contract_not_active']);
    const termination = await post(`/v1/contracts/${id}/termination`, parties.tokens.agency, { reason: 'too late' });
    expect([termination.status, termination.body.error.code]).toEqual([409, 'contract_not_active']);

    // The escalation closed when the money came: its acknowledgement repeated → 200, another → 409.
    const lateAck = await ack('Paying this week');
    expect(lateAck.status).toBe(200);
    expect(lateAck.body).toMatchObject({ id: escalation.id, acknowledgementNote: 'Paying this week' });
    expect(['resolved', 'superseded']).toContain(lateAck.body.state);
    const otherAck = await ack('Paid now');
    expect([otherAck.status, otherAck.body.error.code]).toEqual([409, 'escalation_not_open']);

    // The review and the quotas ended with the contract.
    await closed(reviewWorkflowId(id, 'm1'));
    const late = await post(`/v1/contracts/${id}/milestones/m1/submissions`, parties.tokens.contractor, {
      station: 'G',
      materials,
    });
    expect([late.status, late.body.error.code]).toEqual([409, 'review_closed']);
    const progress = await post(`/v1/contracts/${id}/progress`, parties.tokens.contractor, {
      station: 'G',
      metric: 'village_visits',
      count: 1,
      date: '2023-12-01',
    });
    expect([progress.status, progress.body.error.code]).toEqual([409, 'closed']);
    const asked = await post(`/v1/contracts/${id}/material-requests`, parties.tokens.contractor, {
      station: 'G',
      villages: [parties.orgs.villages[0]],
      title: 'Too late',
      items: [{ id: 'v', kind: 'visit_records', quantity: 1 }],
      due: '2023-12-01',
    });
    expect([asked.status, asked.body.error.code]).toEqual([409, 'contract_not_active']);
  });

  it('answers a repeated decision with the submission as it stands once the review has ended, and refuses a contradicting one', async () => {
    const id = freshId('review');
    expect((await post('/v1/contracts', parties.tokens.agency, current(id))).status).toBe(201);
    const submitted = await post(
      `/v1/contracts/${id}/milestones/m1/submissions`,
      parties.tokens.contractor,
      { station: 'G', materials },
      { 'idempotency-key': `sub-${id}` },
    );
    expect(submitted.status).toBe(201);
    const decide = (body: object) =>
      post(`/v1/submissions/${submitted.body.id}/decision`, parties.tokens.evaluator, body);
    const approved = await decide({ outcome: 'approve' });
    expect(approved.status).toBe(200);
    await closed(reviewWorkflowId(id, 'm1'));

    const repeat = await decide({ outcome: 'approve' });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(approved.body);
    const contradicting = await decide({
      outcome: 'return',
      reasons: [{ code: 'goals_vague', templateId: 'midterm_report', sectionId: 'goals' }],
    });
    expect([contradicting.status, contradicting.body.error.code]).toEqual([409, 'review_closed']);
    // The submission sent again under its key, its stored answer lost: the submission as recorded.
    await forgetKeys();
    const resent = await post(
      `/v1/contracts/${id}/milestones/m1/submissions`,
      parties.tokens.contractor,
      { station: 'G', materials },
      { 'idempotency-key': `sub-${id}` },
    );
    expect(resent.status).toBe(201);
    expect(resent.body).toMatchObject({ id: submitted.body.id, status: 'approved' });
    const fresh = await post(`/v1/contracts/${id}/milestones/m1/submissions`, parties.tokens.contractor, {
      station: 'G',
      materials,
    });
    expect([fresh.status, fresh.body.error.code]).toEqual([409, 'review_closed']);
  });

  it('answers a repeated return while the review runs, with reasons in any order', async () => {
    const id = freshId('return');
    expect((await post('/v1/contracts', parties.tokens.agency, current(id))).status).toBe(201);
    const submitted = await post(`/v1/contracts/${id}/milestones/m1/submissions`, parties.tokens.contractor, {
      station: 'G',
      materials,
    });
    const reasons = [
      { code: 'goals_vague', templateId: 'midterm_report', sectionId: 'goals', text: 'Name measurable goals' },
      { code: 'evidence_missing', templateId: 'casework_record', sectionId: 'evidence' },
    ];
    const decide = (body: object) =>
      post(`/v1/submissions/${submitted.body.id}/decision`, parties.tokens.evaluator, body);
    const returned = await decide({ outcome: 'return', reasons });
    expect(returned.status).toBe(200);
    const repeat = await decide({ outcome: 'return', reasons: [...reasons].reverse() });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(returned.body);
    const approve = await decide({ outcome: 'approve' });
    expect([approve.status, approve.body.error.code]).toEqual([409, 'conflict']);
  });

  it('answers deliveries, decisions and cancellations of a closed material request, and progress of a terminated contract', async () => {
    const id = freshId('village');
    expect((await post('/v1/contracts', parties.tokens.agency, current(id))).status).toBe(201);
    const made = await post(`/v1/contracts/${id}/material-requests`, parties.tokens.contractor, {
      station: 'G',
      villages: [parties.orgs.villages[0]],
      title: 'Minutes',
      items: [{ id: 'm', kind: 'meeting_minutes', quantity: 1 }],
      due: addDays(today, 10),
    });
    const rid = made.body.id;
    const deliveryKey = { 'idempotency-key': `dl-${id}` };
    const delivered = await post(
      `/v1/material-requests/${rid}/deliveries`,
      liaison,
      { items: [{ itemId: 'm', quantity: 1 }] },
      deliveryKey,
    );
    expect(delivered.status).toBe(201);
    const did = delivered.body.deliveries[0].id;
    const decide = (items: object[]) =>
      post(`/v1/material-requests/${rid}/deliveries/${did}/decision`, parties.tokens.contractor, { items });
    expect((await decide([{ itemId: 'm', outcome: 'accept' }])).status).toBe(200);
    await closed(materialRequestWorkflowId(id, rid));

    const repeat = await decide([{ itemId: 'm', outcome: 'accept' }]);
    expect([repeat.status, repeat.body.status]).toEqual([200, 'accepted']);
    const contradicting = await decide([{ itemId: 'm', outcome: 'return', reason: 'unsigned' }]);
    expect([contradicting.status, contradicting.body.error.code]).toEqual([409, 'closed']);
    expect(
      (
        await post(`/v1/material-requests/${rid}/deliveries/dl_nope/decision`, parties.tokens.contractor, {
          items: [{ itemId: 'm', outcome: 'accept' }],
        })
      ).status,
    ).toBe(404);
    const cancel = await post(`/v1/material-requests/${rid}/cancellation`, parties.tokens.contractor, {
      reason: 'not needed',
    });
    expect([cancel.status, cancel.body.error.code]).toEqual([409, 'closed']);
    // The delivery sent again under its key, its stored answer lost: the request as it stands.
    await forgetKeys();
    const redelivered = await post(
      `/v1/material-requests/${rid}/deliveries`,
      liaison,
      { items: [{ itemId: 'm', quantity: 1 }] },
      deliveryKey,
    );
    expect([redelivered.status, redelivered.body.status]).toEqual([201, 'accepted']);
    expect(redelivered.body.deliveries).toHaveLength(1);
    const more = await post(`/v1/material-requests/${rid}/deliveries`, liaison, {
      items: [{ itemId: 'm', quantity: 1 }],
    });
    expect([more.status, more.body.error.code]).toEqual([409, 'closed']);

    // Progress recorded, then the contract terminated: its quota workflow closes at once.
    const progressKey = { 'idempotency-key': `pr-${id}` };
    const body = { station: 'G', metric: 'village_visits', count: 4, date: today };
    const recorded = await post(`/v1/contracts/${id}/progress`, parties.tokens.contractor, body, progressKey);
    expect(recorded.status).toBe(201);
    const terminated = await post(`/v1/contracts/${id}/termination`, parties.tokens.agency, {
      reason: 'Contractor dissolved',
    });
    expect(terminated.status).toBe(200);
    await closed(contractWorkflowId(id));
    await closed(quotaWorkflowId(id));
    const terminatedAgain = await post(`/v1/contracts/${id}/termination`, parties.tokens.agency, {
      reason: 'Contractor dissolved',
    });
    expect([terminatedAgain.status, terminatedAgain.body.status]).toEqual([200, 'terminated']);
    // Another reason is not the termination recorded: refused, the recorded reason unchanged.
    const otherReason = await post(`/v1/contracts/${id}/termination`, parties.tokens.agency, {
      reason: 'Budget withdrawn',
    });
    expect(otherReason.status).toBe(409);
    await forgetKeys();
    const again = await post(`/v1/contracts/${id}/progress`, parties.tokens.contractor, body, progressKey);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(recorded.body);
    const late = await post(`/v1/contracts/${id}/progress`, parties.tokens.contractor, body);
    expect([late.status, late.body.error.code]).toEqual([409, 'closed']);
    const lateRequest = await post(`/v1/contracts/${id}/material-requests`, parties.tokens.contractor, {
      station: 'G',
      villages: [parties.orgs.villages[0]],
      title: 'x',
      items: [{ id: 'm', kind: 'other', quantity: 1 }],
      due: addDays(today, 3),
    });
    expect([lateRequest.status, lateRequest.body.error.code]).toEqual([409, 'contract_not_active']);
  });
});
