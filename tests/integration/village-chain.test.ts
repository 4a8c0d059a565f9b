// The village chain over the API: material requests delivered on time, in parts, sent back and
// completed; who may see and deliver what; an overdue request escalating to the township and
// closing when the village delivers; hamlet contacts; indicator progress and quota standings.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { workingDaysBetween } from '../../domain/calendar';
import { addDays, shanghaiDate } from '../../domain/dates';
import { stepReference } from '../../domain/ids';
import { attachment } from '../fixtures/materials';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';
import { eq, inArray } from 'drizzle-orm';
import { escalations, freeTexts, materialRequests } from '../../db/schema';
import { contractWorkflowId } from '../../workflows/contract-messages';
import { escalationWorkflowId } from '../../workflows/escalation-messages';
import { materialRequestWorkflowId } from '../../workflows/material-request-messages';
import { quotaWorkflowId } from '../../workflows/quota-messages';
import { historyText } from '../helpers/history-size';

describe('village chain', () => {
  let stack: Stack;
  let parties: Parties;
  let filesDir: string;
  const contractId = `village-${Date.now()}`;
  const tokens = { station: '', liaisonA: '', liaisonB: '', township: '' };
  let township = '';
  let villageA = '';
  let villageB = '';
  const today = shanghaiDate(Date.now());
  const inTenDays = addDays(today, 10);

  const request = (body: object, token = tokens.station, headers: Record<string, string> = {}) =>
    stack.http('POST', `/v1/contracts/${contractId}/material-requests`, { token, body, headers });
  const deliver = (rid: string, body: object, token = tokens.liaisonA) =>
    stack.http('POST', `/v1/material-requests/${rid}/deliveries`, { token, body });
  const decide = (rid: string, did: string, items: object[], token = tokens.station) =>
    stack.http('POST', `/v1/material-requests/${rid}/deliveries/${did}/decision`, { token, body: { items } });

  beforeAll(async () => {
    filesDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-files-'));
    stack = await startStack({ filesDir });
    parties = await registerParties(stack.http, stack.adminToken);
    [villageA, villageB] = parties.orgs.villages as [string, string];
    const admin = stack.adminToken;
    township = (
      await stack.http('POST', '/v1/organizations', {
        token: admin,
        body: { name: 'G Town Government', kind: 'township' },
      })
    ).body.id;
    const user = async (name: string, organizationId: string, roles: string[]) =>
      (await stack.http('POST', '/v1/users', { token: admin, body: { name, organizationId, roles } })).body
        .token as string;
    tokens.station = await user('Station G worker', parties.orgs.contractor, ['station_staff']);
    tokens.liaisonA = await user('Village A liaison', villageA, ['village_liaison']);
    tokens.liaisonB = await user('Village B liaison', villageB, ['village_liaison']);
    tokens.township = await user('Township officer', township, ['township_officer']);
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, {
        id: contractId,
        term: { start: '2026-01-01', end: '2027-12-31' },
        stations: [
          {
            id: 'G',
            name: 'Station G',
            township: 'G Town',
            villages: [villageA, villageB],
            townshipOrganization: township,
          },
          { id: 'Y', name: 'Station Y', township: 'Y Town', villages: [] },
        ],
        tranches: [{ id: 't1', label: 'All', due: '2027-12-31', percent: 100, fundingSource: 'fiscal' }],
        checkpoints: [],
        quotas: [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 20 }],
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body.stations[0]).toMatchObject({ townshipOrganization: township });
    expect(created.body.quotas).toEqual([
      { id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 20 },
    ]);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it("keeps a village's hamlet volunteers, readable by the contractor's staff working with it", async () => {
    const add = () =>
      stack.http('POST', `/v1/organizations/${villageA}/contacts`, {
        token: tokens.liaisonA,
        body: { name: 'Wang Li', phone: '138 0000 0001', hamlet: 'Banli' },
        headers: { 'idempotency-key': 'wang-li' },
      });
    const added = await add();
    expect(added.status).toBe(201);
    expect((await add()).body.id).toBe(added.body.id);
    expect(added.body).toMatchObject({ village: villageA, name: 'Wang Li', hamlet: 'Banli' });
    const byOther = await stack.http('POST', `/v1/organizations/${villageA}/contacts`, {
      token: tokens.liaisonB,
      body: { name: 'X', phone: '13800000002', hamlet: 'Y' },
    });
    expect(byOther.status).toBe(403);
    expect(
      (await stack.http('GET', `/v1/organizations/${villageA}/contacts`, { token: tokens.station })).body.items,
    ).toHaveLength(1);
    expect(
      (await stack.http('GET', `/v1/organizations/${villageA}/contacts`, { token: parties.tokens.outsider })).status,
    ).toBe(403);
    const badPhone = await stack.http('POST', `/v1/organizations/${villageA}/contacts`, {
      token: tokens.liaisonA,
      body: { name: 'Z', phone: 'call me', hamlet: 'Y' },
    });
    expect(badPhone.status).toBe(400);
  });

  it('records a request delivered on time, accepted item by item, with no escalation', async () => {
    const made = await request({
      station: 'G',
      villages: [villageA],
      title: 'November visit records',
      items: [{ id: 'visits', kind: 'visit_records', quantity: 12, description: 'Signed visit sheets' }],
      due: inTenDays,
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      station: 'G',
      villages: [villageA],
      status: 'open',
      overdue: false,
      due: inTenDays,
    });
    const rid = made.body.id;

    const sheet = attachment('sign_in_sheet', 'visits.png');
    const delivered = await deliver(rid, {
      items: [{ itemId: 'visits', quantity: 12 }],
      attachments: [sheet],
      note: 'All twelve',
    });
    expect(delivered.status).toBe(201);
    expect(delivered.body.status).toBe('delivered');
    expect(delivered.body.deliveries[0]).toMatchObject({
      village: villageA,
      items: [{ itemId: 'visits', quantity: 12, status: 'pending' }],
    });
    expect(delivered.body.deliveries[0].attachments[0]).toMatchObject({ name: 'visits.png', sha256: sheet.sha256 });

    const accepted = await decide(rid, delivered.body.deliveries[0].id, [{ itemId: 'visits', outcome: 'accept' }]);
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    // The acceptance ended the request's workflow; sending it again (a lost answer) is answered the same.
    const retried = await eventually(
      () => decide(rid, delivered.body.deliveries[0].id, [{ itemId: 'visits', outcome: 'accept' }]),
      (r) => r.status === 200 && r.body.closedAt !== null,
    );
    expect(retried.body.status).toBe('accepted');
    const read = await eventually(
      () => stack.http('GET', `/v1/material-requests/${rid}`, { token: tokens.station }),
      (r) => r.body.closedAt !== null,
    );
    expect(read.body.villageStatus).toEqual([
      {
        village: villageA,
        status: 'accepted',
        items: [
          { itemId: 'visits', requested: 12, delivered: 12, accepted: 12, pending: 0, returned: 0, outstanding: 0 },
        ],
      },
    ]);
    const escalations = await stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: tokens.station });
    expect(escalations.body.items.filter((e: any) => e.step.reference.startsWith(rid))).toEqual([]);
    // Nothing is owed any more.
    expect((await deliver(rid, { items: [{ itemId: 'visits', quantity: 1 }] })).status).toBe(409);
  });

  it('adds up partial deliveries; an item sent back is owed again until delivered and accepted', async () => {
    const body = {
      station: 'G',
      villages: [villageA],
      title: 'Casework evidence',
      items: [
        { id: 'cases', kind: 'casework_records', quantity: 4 },
        { id: 'photos', kind: 'activity_photos', quantity: 6 },
      ],
      due: inTenDays,
    };
    const key = { 'idempotency-key': `partial-${contractId}` };
    const made = await request(body, tokens.station, key);
    expect(made.status).toBe(201);
    const rid = made.body.id;
    // The same request sent again with its key is the same request.
    const again = await request(body, tokens.station, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(rid);

    const first = await deliver(rid, {
      items: [
        { itemId: 'cases', quantity: 4 },
        { itemId: 'photos', quantity: 2 },
      ],
    });
    expect(first.body.status).toBe('partially_delivered');
    const tooMany = await deliver(rid, { items: [{ itemId: 'photos', quantity: 5 }] });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.details).toMatchObject([
      { field: 'items.0.quantity', reason: 'is more than the 4 still owed' },
    ]);
    const second = await deliver(rid, { items: [{ itemId: 'photos', quantity: 4 }] });
    expect(second.body.status).toBe('delivered');

    const [d1, d2] = second.body.deliveries;
    const noReason = await decide(rid, d1.id, [{ itemId: 'cases', outcome: 'return' }]);
    expect(noReason.status).toBe(422);
    const sentBack = await decide(rid, d1.id, [
      { itemId: 'cases', outcome: 'return', reason: 'Two records have no signature' },
      { itemId: 'photos', outcome: 'accept' },
    ]);
    expect(sentBack.body.status).toBe('partially_delivered');
    expect(sentBack.body.villageStatus[0].items[0]).toMatchObject({ itemId: 'cases', returned: 4, outstanding: 4 });
    expect(sentBack.body.deliveries[0].items[0]).toMatchObject({
      status: 'returned',
      reason: 'Two records have no signature',
    });

    const redelivered = await deliver(rid, { items: [{ itemId: 'cases', quantity: 4 }] });
    expect(redelivered.body.status).toBe('delivered');
    await decide(rid, d2.id, [{ itemId: 'photos', outcome: 'accept' }]);
    const done = await decide(rid, redelivered.body.deliveries[2].id, [{ itemId: 'cases', outcome: 'accept' }]);
    expect(done.body.status).toBe('accepted');
    const listed = await stack.http('GET', `/v1/contracts/${contractId}/material-requests?status=accepted&station=G`, {
      token: tokens.station,
    });
    expect(listed.body.items.map((r: any) => r.id)).toContain(rid);
  });

  it("lets a village user neither see nor deliver another village's request", async () => {
    const forA = await request({
      station: 'G',
      villages: [villageA],
      title: 'Only A',
      items: [{ id: 'm', kind: 'meeting_minutes', quantity: 1 }],
      due: inTenDays,
    });
    const both = await request({
      station: 'G',
      villages: [villageA, villageB],
      title: 'A and B',
      items: [{ id: 'm', kind: 'meeting_minutes', quantity: 1 }],
      due: inTenDays,
    });
    const [a, ab] = [forA.body.id, both.body.id];

    expect((await stack.http('GET', `/v1/material-requests/${a}`, { token: tokens.liaisonB })).status).toBe(404);
    const notTheirs = await deliver(a, { items: [{ itemId: 'm', quantity: 1 }] }, tokens.liaisonB);
    expect(notTheirs.status).toBe(404);
    const onBehalf = await deliver(ab, { village: villageB, items: [{ itemId: 'm', quantity: 1 }] }, tokens.liaisonA);
    expect(onBehalf.status).toBe(403);
    expect((await deliver(ab, { items: [{ itemId: 'm', quantity: 1 }] }, tokens.station)).status).toBe(403);
    // Without the village_liaison role the answer is 403 before anything is looked up, whatever the request.
    expect((await deliver(a, { items: [{ itemId: 'm', quantity: 1 }] }, parties.tokens.outsider)).status).toBe(403);
    expect(
      (
        await request(
          {
            station: 'G',
            villages: [villageA],
            title: 'x',
            items: [{ id: 'm', kind: 'other', quantity: 1 }],
            due: inTenDays,
          },
          tokens.liaisonA,
        )
      ).status,
    ).toBe(403);

    // Village B sees the shared request, and only its own part of it.
    const seenByB = await stack.http('GET', `/v1/contracts/${contractId}/material-requests`, {
      token: tokens.liaisonB,
    });
    expect(seenByB.body.items.map((r: any) => r.id)).toEqual([ab]);
    const mine = await deliver(ab, { items: [{ itemId: 'm', quantity: 1 }] }, tokens.liaisonB);
    expect(mine.status).toBe(201);
    expect(mine.body.villageStatus).toEqual([expect.objectContaining({ village: villageB, status: 'delivered' })]);
    const full = await stack.http('GET', `/v1/material-requests/${ab}`, { token: tokens.station });
    expect(full.body.villageStatus.map((v: any) => [v.village, v.status])).toEqual([
      [villageA, 'awaiting'],
      [villageB, 'delivered'],
    ]);
    expect(full.body.status).toBe('partially_delivered');

    // Withdrawn, twice (a retry): the same answer both times.
    const withdrawn = await request({
      station: 'G',
      villages: [villageB],
      title: 'Wrong village',
      items: [{ id: 'm', kind: 'other', quantity: 1 }],
      due: inTenDays,
    });
    const cancel = () =>
      stack.http('POST', `/v1/material-requests/${withdrawn.body.id}/cancellation`, {
        token: tokens.station,
        body: { reason: 'asked the wrong village' },
      });
    expect((await cancel()).body).toMatchObject({
      status: 'cancelled',
      cancelled: { reason: 'asked the wrong village' },
    });
    const again = await eventually(cancel, (r) => r.status === 200 && r.body.closedAt !== null);
    expect(again.body.status).toBe('cancelled');
    expect((await deliver(withdrawn.body.id, { items: [{ itemId: 'm', quantity: 1 }] }, tokens.liaisonB)).status).toBe(
      409,
    );

    const bad = await request({
      station: 'Y',
      villages: [villageA],
      title: 'x',
      items: [{ id: 'm', kind: 'other', quantity: 1 }],
      due: '2030-01-01',
      contacts: ['ct_nope'],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((p: any) => p.field)).toEqual(['villages.0', 'due', 'contacts.0']);
  });

  it('escalates an overdue request to the township, and closes every escalation when the village delivers', async () => {
    // Due seven working days ago: the village liaison and committee levels have passed, the
    // township's level (five working days) is due, the purchaser's (ten) is not.
    const calendar = calendarForYears(2026, 2028);
    let due = addDays(today, -1);
    while (workingDaysBetween(due, today, calendar) < 7) due = addDays(due, -1);
    const contacts = (await stack.http('GET', `/v1/organizations/${villageA}/contacts`, { token: tokens.station })).body
      .items;
    const made = await request({
      station: 'G',
      villages: [villageA],
      title: 'Household roster',
      items: [{ id: 'roster', kind: 'household_roster', quantity: 1 }],
      due,
      contacts: [contacts[0].id],
    });
    expect(made.status).toBe(201);
    const rid = made.body.id;
    expect(made.body.contacts).toEqual([expect.objectContaining({ name: 'Wang Li', hamlet: 'Banli' })]);

    const opened = await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/escalations?status=open`, { token: tokens.township }),
      (r) => r.body.items?.some((e: any) => e.step.reference === stepReference([rid, villageA])),
    );
    const escalation = opened.body.items.find((e: any) => e.step.reference === stepReference([rid, villageA]));
    expect(escalation).toMatchObject({ level: 3, severity: 'critical', step: { kind: 'materialRequestOverdue' } });
    // The levels passed over are told together with the township.
    expect(escalation.notifiedOrganizationIds.sort()).toEqual([villageA, township].sort());
    // Every party reads the summary: the volunteer is named, the phone left out (the village's own notice carries it).
    expect(escalation.summary.en).toContain('Wang Li (Banli)');
    expect(JSON.stringify(escalation)).not.toContain('138 0000 0001');
    const overdueList = await stack.http('GET', `/v1/contracts/${contractId}/material-requests?overdue=true`, {
      token: tokens.station,
    });
    expect(overdueList.body.items.map((r: any) => r.id)).toEqual([rid]);

    const inbox = await eventually(
      () => stack.http('GET', '/v1/inbox', { token: tokens.township }),
      (r) => r.body.items?.some((n: any) => n.escalationId === escalation.id),
    );
    expect(inbox.status).toBe(200);
    const ack = await stack.http('POST', `/v1/escalations/${escalation.id}/acknowledge`, {
      token: tokens.township,
      body: { note: 'Calling the village head today' },
    });
    expect(ack.status).toBe(200);

    const villages = await stack.http('GET', `/v1/contracts/${contractId}/villages`, { token: parties.tokens.agency });
    const rowA = villages.body.items.find((v: any) => v.village === villageA);
    expect(rowA).toMatchObject({
      name: 'Village A Committee',
      station: 'G',
      overdue: 1,
      workingDaysHeld: 7,
      workingDaysHoldingAnyRequest: 7,
    });

    const delivered = await deliver(rid, { items: [{ itemId: 'roster', quantity: 1 }] });
    expect(delivered.body).toMatchObject({ status: 'delivered', overdue: false });
    const closed = await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: tokens.township }),
      (r) =>
        r.body.items
          .filter((e: any) => e.step.reference === stepReference([rid, villageA]))
          .every((e: any) => e.state === 'resolved' || e.state === 'superseded'),
    );
    expect(closed.body.items.find((e: any) => e.id === escalation.id).state).toBe('resolved');
    // Village B's users see neither village A's escalations, its delays, its row nor its events.
    const seenByB = await stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: tokens.liaisonB });
    expect(seenByB.body.items.filter((e: any) => e.step.reference.includes(villageA))).toEqual([]);
    expect(
      (await stack.http('GET', '/v1/escalations', { token: tokens.liaisonB })).body.items.filter((e: any) =>
        e.step.reference.includes(villageA),
      ),
    ).toEqual([]);
    const delaysB = await stack.http('GET', `/v1/contracts/${contractId}/delays`, { token: tokens.liaisonB });
    expect(delaysB.body.steps.filter((s: any) => s.reference.includes(villageA))).toEqual([]);
    expect(
      (await stack.http('GET', `/v1/contracts/${contractId}/villages`, { token: tokens.liaisonB })).body.items.map(
        (v: any) => v.village,
      ),
    ).toEqual([villageB]);
    const eventsB = await stack.http('GET', `/v1/contracts/${contractId}/events?limit=500`, { token: tokens.liaisonB });
    expect(
      eventsB.body.items.filter(
        (e: any) => e.payload.requestId === rid || String(e.payload.stepReference ?? '').includes(villageA),
      ),
    ).toEqual([]);
    const eventsA = await stack.http('GET', `/v1/contracts/${contractId}/events?limit=500`, { token: tokens.liaisonA });
    expect(eventsA.body.items.some((e: any) => e.payload.requestId === rid)).toBe(true);

    const after = await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/villages`, { token: parties.tokens.agency }),
      (r) => r.body.items.find((v: any) => v.village === villageA).overdueSteps[0]?.resolvedAt != null,
    );
    expect(after.body.items.find((v: any) => v.village === villageA)).toMatchObject({
      overdue: 0,
      workingDaysHeld: 7,
      workingDaysHoldingAnyRequest: 7,
    });
  });

  it('records indicator progress once per key and shows each station its standing', async () => {
    const key = { 'idempotency-key': `visits-${contractId}` };
    const body = {
      station: 'G',
      metric: 'village_visits',
      count: 6,
      date: today,
      evidence: { note: 'Visited 6 households in Banli' },
    };
    const recorded = await stack.http('POST', `/v1/contracts/${contractId}/progress`, {
      token: tokens.station,
      body,
      headers: key,
    });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({
      station: 'G',
      metric: 'village_visits',
      count: 6,
      date: today,
      evidence: { note: 'Visited 6 households in Banli', attachments: [] },
    });
    const replayed = await stack.http('POST', `/v1/contracts/${contractId}/progress`, {
      token: tokens.station,
      body,
      headers: key,
    });
    expect(replayed.body.id).toBe(recorded.body.id);

    const standings = await eventually(
      () =>
        stack.http('GET', `/v1/contracts/${contractId}/quotas?station=G&status=in_progress`, {
          token: parties.tokens.agency,
        }),
      (r) => r.body.items?.[0]?.achieved === 6,
    );
    expect(standings.body.items).toEqual([
      expect.objectContaining({
        quotaId: 'visits',
        station: 'G',
        periodKey: today.slice(0, 7),
        target: 20,
        achieved: 6,
        shortfall: 14,
        status: 'in_progress',
      }),
    ]);
    const records = await stack.http('GET', `/v1/contracts/${contractId}/progress?station=G`, {
      token: parties.tokens.agency,
    });
    expect(records.body.items).toHaveLength(1);
    // The months before the contract was registered show as short but escalate to nobody.
    const past = await stack.http('GET', `/v1/contracts/${contractId}/quotas?station=G&status=short`, {
      token: parties.tokens.agency,
    });
    expect(past.body.items[0]).toMatchObject({ periodKey: '2026-01', achieved: 0, status: 'short' });
    const escalations = await stack.http('GET', `/v1/contracts/${contractId}/escalations`, {
      token: parties.tokens.agency,
    });
    expect(escalations.body.items.filter((e: any) => e.step.kind === 'quotaShortfall')).toEqual([]);

    const wrong = await stack.http('POST', `/v1/contracts/${contractId}/progress`, {
      token: tokens.station,
      body: { station: 'G', metric: 'casework', count: 1, date: addDays(today, 1) },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.map((p: any) => p.field)).toEqual(['metric', 'date']);
    const village = await stack.http('POST', `/v1/contracts/${contractId}/progress`, { token: tokens.liaisonA, body });
    expect(village.status).toBe(403);
  });

  it('counts the working days a village held any overdue request once, however many were overdue at the same time', async () => {
    const calendar = calendarForYears(2026, 2028);
    const workingDaysAgo = (n: number) => {
      let due = addDays(today, -1);
      while (workingDaysBetween(due, today, calendar) < n) due = addDays(due, -1);
      return due;
    };
    // Two requests to village B, overdue for six and for three working days: held in parallel.
    for (const [title, due] of [
      ['Sign-in sheets', workingDaysAgo(6)],
      ['Meeting minutes', workingDaysAgo(3)],
    ] as const) {
      const made = await request({
        station: 'G',
        villages: [villageB],
        title,
        items: [{ id: 'm', kind: 'other', quantity: 1 }],
        due,
      });
      expect(made.status).toBe(201);
    }
    const villages = await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/villages`, { token: parties.tokens.agency }),
      (r) => r.body.items?.find((v: any) => v.village === villageB)?.overdueSteps.length === 2,
    );
    const rowB = villages.body.items.find((v: any) => v.village === villageB);
    expect(rowB.overdueSteps.map((s: any) => s.workingDays).sort()).toEqual([3, 6]);
    expect(rowB).toMatchObject({ overdue: 2, workingDaysHeld: 9, workingDaysHoldingAnyRequest: 6 });

    const delays = await stack.http('GET', `/v1/contracts/${contractId}/delays`, { token: parties.tokens.agency });
    expect(delays.body.parties.find((p: any) => p.organizationId === villageB)).toMatchObject({
      steps: 2,
      workingDays: 9,
      workingDaysHoldingAnyStep: 6,
    });
    // Village B's liaison sees the same figures for its own village.
    const seenByB = await stack.http('GET', `/v1/contracts/${contractId}/delays`, { token: tokens.liaisonB });
    expect(seenByB.body.parties).toEqual([
      expect.objectContaining({ organizationId: villageB, workingDays: 9, workingDaysHoldingAnyStep: 6 }),
    ]);
  });

  it('keeps every text people wrote here out of the workflow histories, and answers it from the read model', async () => {
    // Written by the tests above: a delivery note, a return reason, a cancellation reason, an
    // acknowledgement and a casework note naming a household's village.
    const texts = [
      'All twelve',
      'Two records have no signature',
      'asked the wrong village',
      'Calling the village head today',
      'Visited 6 households in Banli',
    ];
    const db = stack.database.handle.db;
    const requestIds = (
      await db
        .select({ id: materialRequests.id })
        .from(materialRequests)
        .where(eq(materialRequests.contractId, contractId))
    ).map((r) => r.id);
    const stepIds = [
      ...new Set(
        (
          await db
            .select({ stepId: escalations.stepId })
            .from(escalations)
            .where(eq(escalations.contractId, contractId))
        ).map((r) => r.stepId),
      ),
    ];
    const workflowIds = [
      contractWorkflowId(contractId),
      quotaWorkflowId(contractId),
      ...requestIds.map((rid) => materialRequestWorkflowId(contractId, rid)),
      ...stepIds.map(escalationWorkflowId),
    ];
    expect(requestIds.length).toBeGreaterThanOrEqual(3);
    expect(stepIds.length).toBeGreaterThan(0);
    // The reading itself works: a contract's history carries its definition.
    expect(await historyText(stack.client, contractWorkflowId(contractId))).toContain('Station G');
    for (const workflowId of workflowIds) {
      const history = await historyText(stack.client, workflowId);
      for (const text of texts) expect(history, `${workflowId} carries "${text}"`).not.toContain(text);
    }
    // The read model has every one of them, accepted (kept for good).
    const stored = await db.select().from(freeTexts).where(inArray(freeTexts.body, texts));
    expect(stored.map((t) => t.body).sort()).toEqual([...texts].sort());
    expect(stored.every((t) => t.acceptedAt !== null)).toBe(true);
    const events = await stack.http('GET', `/v1/contracts/${contractId}/events?limit=500`, { token: tokens.station });
    const timeline = JSON.stringify(events.body.items);
    for (const text of texts) expect(timeline).toContain(text);
  });
});
