// Hamlet volunteers' phones over the API: refused by the contacts route to the payer, the agency,
// evaluators, the township and auditors, they must not reach them any other way either — not in
// material requests, the timeline, escalations or inboxes. The village's own users and the
// contractor's staff working with it see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../domain/dates';
import { stepReference } from '../../domain/ids';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';
import { sCountyContract } from '../fixtures/s-county';

describe('personal data: volunteers’ phones', () => {
  let stack: Stack;
  let parties: Parties;
  const contractId = `pii-${Date.now()}`;
  const today = shanghaiDate(Date.now());
  const tokens = { station: '', liaisonA: '', liaisonB: '', township: '', auditor: '' };
  let villageA = '';
  let villageB = '';
  let requestId = '';
  // Two volunteers of village A; the second's phone written with +86 and dashes.
  const volunteers = [
    { name: 'Wang Li', phone: '139 1234 5678', hamlet: 'Banli' },
    { name: 'Zhao Min', phone: '+86 137-5555-0192', hamlet: 'Xiatun' },
  ];
  /** Every spelling of the phones a body could carry them in: as entered, and digits only. */
  const phoneSpellings = volunteers.flatMap((v) => [
    v.phone,
    v.phone.replace(/\D/g, ''),
    v.phone.replace(/\D/g, '').slice(-8),
  ]);
  const expectNoPhone = (body: unknown, what: string) => {
    const text = JSON.stringify(body);
    for (const p of phoneSpellings) expect(text, `${what} holds ${p}`).not.toContain(p);
  };
  const expectPhones = (body: unknown, what: string) => {
    const text = JSON.stringify(body);
    for (const v of volunteers) expect(text, `${what} lacks ${v.phone}`).toContain(v.phone);
  };

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
    [villageA, villageB] = parties.orgs.villages as [string, string];
    const admin = stack.adminToken;
    const org = async (name: string, kind: string) =>
      (await stack.http('POST', '/v1/organizations', { token: admin, body: { name, kind } })).body.id as string;
    const user = async (name: string, organizationId: string, roles: string[]) =>
      (await stack.http('POST', '/v1/users', { token: admin, body: { name, organizationId, roles } })).body
        .token as string;
    const township = await org('G Town Government', 'township');
    const audit = await org('County Audit Bureau', 'auditor');
    tokens.station = await user('Station G worker', parties.orgs.contractor, ['station_staff']);
    tokens.liaisonA = await user('Village A liaison', villageA, ['village_liaison']);
    tokens.liaisonB = await user('Village B liaison', villageB, ['village_liaison']);
    tokens.township = await user('Township officer', township, ['township_officer']);
    tokens.auditor = await user('Auditor Qian', audit, ['auditor']);
    const everyone = ['village', 'contractor', 'township', 'purchaser', 'payer', 'evaluator', 'oversight'] as const;
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, {
        id: contractId,
        term: { start: addDays(today, -60), end: addDays(today, 300) },
        parties: { ...sCountyContract(parties.orgs).parties, oversight: audit },
        stations: [
          {
            id: 'G',
            name: 'Station G',
            township: 'G Town',
            villages: [villageA, villageB],
            townshipOrganization: township,
          },
        ],
        tranches: [{ id: 't1', label: 'All', due: addDays(today, 300), percent: 100, fundingSource: 'fiscal' }],
        checkpoints: [],
        // An overdue request tells every party at once: each inbox is then a place a phone could leak to.
        escalationPolicies: {
          materialRequestOverdue: { levels: [{ afterDays: 0, notify: [...everyone], severity: 'warning' }] },
        },
      }),
    });
    expect(created.status).toBe(201);

    for (const v of volunteers) {
      const added = await stack.http('POST', `/v1/organizations/${villageA}/contacts`, {
        token: tokens.liaisonA,
        body: v,
      });
      expect(added.status).toBe(201);
    }
    const contacts = (await stack.http('GET', `/v1/organizations/${villageA}/contacts`, { token: tokens.station })).body
      .items;
    expect(contacts).toHaveLength(2);
    // Due yesterday: overdue at once, so its escalation opens and every party is notified.
    const made = await stack.http('POST', `/v1/contracts/${contractId}/material-requests`, {
      token: tokens.station,
      body: {
        station: 'G',
        villages: [villageA, villageB],
        title: 'Household roster',
        items: [{ id: 'roster', kind: 'household_roster', quantity: 1 }],
        due: addDays(today, -1),
        contacts: contacts.map((c: { id: string }) => c.id),
      },
    });
    expect(made.status).toBe(201);
    requestId = made.body.id;
    // Village A's escalation is open and every party's inbox has its notice.
    await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: tokens.station }),
      (r) => r.body.items?.some((e: any) => e.step.reference === stepReference([requestId, villageA])),
    );
    for (const token of [
      tokens.liaisonA,
      tokens.township,
      tokens.auditor,
      parties.tokens.finance,
      parties.tokens.agency,
      parties.tokens.evaluator,
      parties.tokens.contractor,
    ]) {
      await eventually(
        () => stack.http('GET', '/v1/inbox', { token }),
        (r) => r.body.items?.some((n: any) => n.kind === 'escalation.materialRequestOverdue'),
      );
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything a reader can fetch where a volunteer could appear. */
  const everything = async (token: string) => ({
    request: await stack.http('GET', `/v1/material-requests/${requestId}`, { token }),
    requests: await stack.http('GET', `/v1/contracts/${contractId}/material-requests`, { token }),
    events: await stack.http('GET', `/v1/contracts/${contractId}/events?limit=500`, { token }),
    eventsDesc: await stack.http('GET', `/v1/contracts/${contractId}/events?order=desc&limit=500`, { token }),
    escalations: await stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token }),
    allEscalations: await stack.http('GET', '/v1/escalations', { token }),
    inbox: await stack.http('GET', '/v1/inbox?limit=100', { token }),
  });

  it('shows the payer, the agency, evaluators, the township, auditors and another village no phone anywhere', async () => {
    const readers = {
      payer: parties.tokens.finance,
      agency: parties.tokens.agency,
      evaluator: parties.tokens.evaluator,
      township: tokens.township,
      auditor: tokens.auditor,
      'village B': tokens.liaisonB,
    };
    for (const [who, token] of Object.entries(readers)) {
      expect((await stack.http('GET', `/v1/organizations/${villageA}/contacts`, { token })).status, who).toBe(403);
      const seen = await everything(token);
      for (const [what, response] of Object.entries(seen)) {
        expect(response.status, `${who}: ${what}`).toBe(200);
        expectNoPhone(response.body, `${who}: ${what}`);
      }
      if (who === 'village B') continue;
      // They see who holds the materials: name and hamlet, without the phone.
      expect(seen.request.body.contacts).toEqual(
        volunteers.map((v) =>
          expect.objectContaining({ village: villageA, name: v.name, hamlet: v.hamlet, phone: null }),
        ),
      );
      expect(seen.inbox.body.items.some((n: any) => n.body.en.includes('Wang Li (Banli)'))).toBe(true);
      const created = seen.events.body.items.find(
        (e: any) => e.kind === 'material_request.created' && e.payload.requestId === requestId,
      );
      expect(created.payload.request.contacts.map((c: any) => [c.name, c.phone])).toEqual([
        ['Wang Li', null],
        ['Zhao Min', null],
      ]);
    }
  });

  it('shows the phones to the village’s liaison and to the contractor’s staff working with the village', async () => {
    for (const [who, token] of Object.entries({
      'village A liaison': tokens.liaisonA,
      'station staff': tokens.station,
      'contractor staff': parties.tokens.contractor,
    })) {
      expect((await stack.http('GET', `/v1/organizations/${villageA}/contacts`, { token })).status, who).toBe(200);
      const seen = await everything(token);
      expectPhones(seen.request.body, `${who}: request`);
      expectPhones(seen.requests.body, `${who}: requests`);
      expectPhones(seen.events.body, `${who}: events`);
    }
    // The village's own notice names its volunteers with their phones.
    const inboxA = await stack.http('GET', '/v1/inbox?limit=100', { token: tokens.liaisonA });
    expectPhones(
      inboxA.body.items.filter((n: any) => n.kind === 'escalation.materialRequestOverdue'),
      'village A: inbox',
    );
  });

  it('leaves the phones out of every text shared by all parties, and out of notices to organizations whose every user may not read them', async () => {
    // An escalation's summary is read by every party of the contract.
    const escalations = await stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: tokens.liaisonA });
    const mine = escalations.body.items.filter((e: any) => e.step.reference === stepReference([requestId, villageA]));
    expect(mine).toHaveLength(1);
    expect(mine[0].summary.en).toContain('Wang Li (Banli); Zhao Min (Xiatun)');
    expectNoPhone(mine[0].summary, 'escalation summary');
    // The contractor's inbox reaches all its users, staff or not: its notice has no phone.
    expectNoPhone(
      (await stack.http('GET', '/v1/inbox?limit=100', { token: parties.tokens.contractor })).body,
      'contractor inbox',
    );
  });
});
