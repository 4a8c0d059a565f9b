// What an operator finds with Temporal's own tools (issue 19), on the dev server (the time-skipping
// server answers no visibility queries): contracts listed by search-attribute query, kept current
// by the workflow and upserted only when a value changed; escalations by contract, kind, holder and
// level, with their `escalationState`; the static summary, current details and timer summaries
// the Web UI shows.
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../domain/dates';
import { contractWorkflowId } from '../../domain/ids';
import { escalationStateQuery } from '../../workflows/escalation-messages';
import {
  ARREARS_FEN,
  CONTRACT_ID,
  HOLDER,
  LEVEL,
  NEXT_DEADLINE,
  OVERDUE,
  PAYER,
  STATUS,
  STEP_KIND,
} from '../../workflows/search-attributes';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('search attributes, summaries and escalationState (dev server)', () => {
  let stack: Stack;
  let parties: Parties;
  const stamp = Date.now();
  /** The source case registered today: every tranche overdue, the June checkpoint missed. */
  const overdueId = `SA-overdue-${stamp}`;
  /** A contract of the same payer whose first tranche is still ahead. */
  const currentId = `SA-current-${stamp}`;

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const list = async (query: string): Promise<WorkflowExecutionInfo[]> => {
    const found: WorkflowExecutionInfo[] = [];
    for await (const info of stack.client.workflow.list({ query })) found.push(info);
    return found;
  };
  const ids = (infos: WorkflowExecutionInfo[]) => infos.map((i) => i.workflowId).sort();
  const create = async (body: object) => {
    const res = await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const pay = async (reference: string, amount: string, receivedOn: string) => {
    const res = await stack.http('POST', `/v1/contracts/${overdueId}/payments`, {
      token: parties.tokens.finance,
      body: { reference, amount, receivedOn, fundingSource: 'fiscal' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };

  it("finds a province's overdue contracts by payer, kept current by the workflow", async () => {
    await create(sCountyContract(parties.orgs, { id: overdueId, closeGraceDays: 3650 }));
    const today = shanghaiDate(Date.now());
    await create(
      sCountyContract(parties.orgs, {
        id: currentId,
        term: { start: today, end: addDays(today, 364) },
        tranches: [
          { id: 't1', label: 'Advance', due: addDays(today, 60), percent: 40, fundingSource: 'fiscal' },
          { id: 't2', label: 'Mid-term', due: addDays(today, 300), percent: 60, fundingSource: 'fiscal' },
        ],
        checkpoints: [{ id: 'eighty', by: addDays(today, 300), minPercent: 80 }],
      }),
    );
    const payer = parties.orgs.payer;

    const overdue = await eventually(
      () => list(`${PAYER.name} = "${payer}" AND ${OVERDUE.name} = true AND ExecutionStatus = "Running"`),
      (found) => found.length >= 1,
    );
    expect(ids(overdue)).toEqual([contractWorkflowId(overdueId)]);
    const onTime = await eventually(
      () => list(`${PAYER.name} = "${payer}" AND ${OVERDUE.name} = false`),
      (found) => found.length >= 1,
    );
    expect(ids(onTime)).toEqual([contractWorkflowId(currentId)]);
    // Another payer's contracts are not among them.
    expect(await list(`${PAYER.name} = "${parties.orgs.purchaser}"`)).toEqual([]);

    const attributes = async (id: string) =>
      (await stack.client.workflow.getHandle(contractWorkflowId(id)).describe()).typedSearchAttributes;
    const before = await attributes(overdueId);
    expect(before.get(CONTRACT_ID)).toBe(overdueId);
    expect(before.get(STATUS)).toBe('active');
    expect(before.get(ARREARS_FEN)).toBe(115_400_000);
    // Every date of the source case has passed: no next deadline.
    expect(before.get(NEXT_DEADLINE)).toBeUndefined();
    const current = await attributes(currentId);
    expect(current.get(ARREARS_FEN)).toBe(0);
    // A date falls due at the end of its day in Asia/Shanghai.
    expect(current.get(NEXT_DEADLINE)?.getTime()).toBe(Date.parse(`${addDays(today, 60)}T23:59:59.999+08:00`));

    const soon = await list(
      `${PAYER.name} = "${payer}" AND ${NEXT_DEADLINE.name} BETWEEN "${addDays(today, 59)}T00:00:00+08:00" AND "${addDays(today, 61)}T00:00:00+08:00"`,
    );
    expect(ids(soon)).toEqual([contractWorkflowId(currentId)]);

    // 530,000.00 arrives: arrears 624,000.00, found by amount.
    await pay('CZ-2022-118', '300000.00', '2022-11-20');
    await pay('CZ-2023-031', '230000.00', '2023-03-10');
    expect((await attributes(overdueId)).get(ARREARS_FEN)).toBe(62_400_000);
    const large = await eventually(
      () => list(`${PAYER.name} = "${payer}" AND ${ARREARS_FEN.name} >= 60000000 AND ${ARREARS_FEN.name} < 70000000`),
      (found) => found.length >= 1,
    );
    expect(ids(large)).toEqual([contractWorkflowId(overdueId)]);

    // Upserted only when a value changed: the start set them, each payment changed the arrears
    // (two upserts of that one attribute), nothing else did.
    const { events } = await stack.client.workflow.getHandle(contractWorkflowId(overdueId)).fetchHistory();
    // (The SDK's own upserts of TemporalChangeVersion, one per patch marker, are not ours.)
    const upserted = events!
      .filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)
      .map((e) =>
        Object.keys(e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!).filter(
          (name) => name !== 'TemporalChangeVersion',
        ),
      )
      .filter((names) => names.length > 0);
    expect(upserted).toEqual([[ARREARS_FEN.name], [ARREARS_FEN.name]]);
  });

  it('finds the escalations of a contract by kind, holder and level, and answers escalationState', async () => {
    const query = `${CONTRACT_ID.name} = "${overdueId}" AND ${STEP_KIND.name} = "paymentShortfall" AND ${HOLDER.name} = "${parties.orgs.payer}" AND ${LEVEL.name} >= 3`;
    const [found] = await eventually(
      () => list(query),
      (infos) => infos.length === 1,
    );
    expect(found!.type).toBe('escalationWorkflow');
    const state = await stack.client.workflow.getHandle(found!.workflowId).query(escalationStateQuery);
    expect(state).toMatchObject({
      contractId: overdueId,
      kind: 'paymentShortfall',
      holder: 'payer',
      holderOrganizationId: parties.orgs.payer,
      // Due long ago: straight to the highest level due, the third of three (no oversight body named).
      level: 3,
      levels: 3,
      nextLevel: null,
      pausedUntil: null,
      resolved: null,
    });
    expect(Date.parse(state.dueAt)).toBe(Date.parse('2023-06-30T23:59:59.999+08:00'));
    expect(state.escalations).toEqual([
      expect.objectContaining({
        level: 3,
        severity: 'critical',
        state: 'open',
        notifiedOrganizationIds: expect.arrayContaining([parties.orgs.payer]),
      }),
    ]);
    // The escalation of tranche t1, which the payments covered, is no longer running.
    const t1 = await eventually(
      () =>
        list(
          `${CONTRACT_ID.name} = "${overdueId}" AND ${STEP_KIND.name} = "trancheOverdue" AND ExecutionStatus = "Completed"`,
        ),
      (infos) => infos.length === 1,
    );
    expect(
      (await stack.client.workflow.getHandle(t1[0]!.workflowId).query(escalationStateQuery)).resolved,
    ).toMatchObject({ reason: 'tranche paid' });
  });

  it('shows a static summary, current details and timer summaries in the Web UI', async () => {
    const handle = stack.client.workflow.getHandle(contractWorkflowId(overdueId));
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe(
      '2023 Township Social Work Service Station Operation, lot 3 · 1154000.00 CNY',
    );
    expect(await description.staticDetails()).toContain(`payer ${parties.orgs.payer}`);
    // Who holds which step: the missed checkpoint and the tranches still short, each held by the payer.
    const { currentDetails } = await handle.query(workflowMetadataQuery);
    expect(currentDetails).toContain(
      `2023 Township Social Work Service Station Operation, lot 3 (${overdueId}) · 1154000.00 CNY`,
    );
    expect(currentDetails).toContain('arrears 624000.00');
    expect(currentDetails).toMatch(new RegExp(`- paymentShortfall june-80: held by payer \\(${parties.orgs.payer}\\)`));
    expect(currentDetails).toMatch(/- trancheOverdue t2: held by payer/);
    expect(currentDetails).not.toMatch(/trancheOverdue t1/);
    // The contract waits for the end of its grace; its timer says when and why.
    const { events } = await handle.fetchHistory();
    const timers = events!.filter((e) => e.timerStartedEventAttributes);
    expect(timers.length).toBeGreaterThan(0);
    const summary = timers.at(-1)!.userMetadata?.summary;
    expect(summary && stack.client.options.loadedDataConverter.payloadConverter.fromPayload(summary)).toMatch(
      /^Wakes \d{4}-\d{2}-\d{2} \d{2}:\d{2} Asia\/Shanghai/,
    );
    // Each escalation workflow says what stalled.
    const [escalation] = await list(`${CONTRACT_ID.name} = "${overdueId}" AND ${STEP_KIND.name} = "paymentShortfall"`);
    expect(await (await stack.client.workflow.getHandle(escalation!.workflowId).describe()).staticSummary()).toBe(
      'Escalation: paymentShortfall june-80 · 2023 Township Social Work Service Station Operation, lot 3',
    );
  });
});
