// Payment applications and the payer's clock over the API (issue 18): the contractor files, the
// purchaser accepts, the contract shows each tranche's deadline and interest, the payer's yearly
// list names what is overdue — and the application's texts never enter the workflow's history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { addWorkingDays } from '../../domain/calendar';
import { addDays, calendarDaysBetween, shanghaiDate } from '../../domain/dates';
import { parseCsv } from '../../domain/csv';
import { formatMoney, parseMoney } from '../../domain/money';
import { interestFor } from '../../domain/payment-terms';
import { contractWorkflowId } from '../../workflows/contract-messages';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

/** A history as text with every payload decoded (their data are base64 in the history's JSON). */
function historyText(history: unknown): string {
  return JSON.stringify(JSON.parse(JSON.stringify(history)), (key, value) =>
    key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
  );
}

describe('payment applications over the API', () => {
  let stack: Stack;
  let parties: Parties;

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('files, refuses what the tranche does not owe, accepts, and shows the deadline, the interest and the yearly list', async () => {
    const today = shanghaiDate(Date.now());
    const year = Number(today.slice(0, 4));
    const id = `pa-${Date.now()}`;
    const definition = sCountyContract(parties.orgs, {
      id,
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
    });
    // The statute's rules refuse a contract that breaks them, naming the rule.
    const tooLong = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: { ...definition, id: `${id}-x`, paymentTerms: { ...definition.paymentTerms, payWithinDays: 61 } },
    });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.body)).toContain('sme_payment_2025.max_60_days');
    expect((await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition })).status).toBe(
      201,
    );

    const apply = (body: Record<string, unknown>, key?: string, token = parties.tokens.contractor) =>
      stack.http('POST', `/v1/contracts/${id}/payment-applications`, {
        token,
        body,
        headers: key ? { 'idempotency-key': key } : {},
      });
    const note = `Salaries unpaid since May ${Date.now()}`;
    const body = { tranche: 't1', amount: '30000.00', invoice: { number: 'INV-001', date: today }, note };

    expect((await apply(body, undefined, parties.tokens.agency)).status).toBe(403);
    const tooMuch = await apply({ ...body, amount: '50000.01' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.details[0]).toMatchObject({
      field: 'amount',
      reason: expect.stringContaining('50000.00'),
    });

    const filed = await apply(body, 'k-1');
    expect(filed.status).toBe(201);
    const calendar = calendarForYears(year, year + 1);
    expect(filed.body).toMatchObject({
      status: 'pending',
      tranche: 't1',
      amount: '30000.00',
      filedOn: today,
      note,
      decision: null,
    });
    expect(filed.body.acceptanceDueOn).toBe(addWorkingDays(today, 10, calendar));
    const again = await apply(body, 'k-1');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(filed.body.id);
    // 20,000.00 is all the first tranche still owes beside the application.
    expect((await apply({ ...body, amount: '20000.01' })).status).toBe(422);

    const decide = (outcome: string, token = parties.tokens.agency, reasons?: string[]) =>
      stack.http('POST', `/v1/payment-applications/${filed.body.id}/decision`, {
        token,
        body: { outcome, ...(reasons ? { reasons } : {}) },
      });
    expect((await decide('accept', parties.tokens.contractor)).status).toBe(403);
    const accepted = await decide('accept');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      decision: { outcome: 'accept', decidedOn: today, late: false, reasons: [] },
    });
    expect((await decide('accept')).status).toBe(200);
    expect((await decide('return', parties.tokens.agency, ['no'])).status).toBe(409);

    const list = await stack.http('GET', `/v1/contracts/${id}/payment-applications`, { token: parties.tokens.finance });
    expect(list.body.items.map((a: any) => a.id)).toEqual([filed.body.id]);
    expect(
      (await stack.http('GET', `/v1/payment-applications/${filed.body.id}`, { token: parties.tokens.outsider })).status,
    ).toBe(404);

    // The contract's clock: accepted today, due 30 calendar days later.
    const dueOn = addDays(today, 30);
    const detail = await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.contractor });
    expect(detail.status).toBe(200);
    const t1 = detail.body.paymentClock.tranches.find((t: any) => t.id === 't1');
    expect(t1).toMatchObject({
      applied: '30000.00',
      appliedOn: today,
      acceptedOn: today,
      deemedAcceptedOn: null,
      paymentDueOn: dueOn,
      daysOverdue: 0,
      interest: '0.00',
    });
    expect(detail.body.paymentClock.interest).toBe('0.00');

    // The payer's list 45 days on: 15 days overdue on 30,000.00 at 0.05 % a day.
    const asOf = addDays(dueOn, 15);
    const expectedInterest = formatMoney(
      interestFor(parseMoney('30000.00'), calendarDaysBetween(dueOn, asOf), { kind: 'statutory_daily' }),
    );
    expect(expectedInterest).toBe('225.00');
    const overdue = await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/overdue-payments?asOf=${asOf}`, {
      token: parties.tokens.finance,
    });
    expect(overdue.status).toBe(200);
    expect(overdue.body.items).toEqual([
      expect.objectContaining({
        contractId: id,
        tranche: 't1',
        paymentDueOn: dueOn,
        outstanding: '30000.00',
        daysOverdue: 15,
        interest: expectedInterest,
      }),
    ]);
    const csv = await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/overdue-payments?asOf=${asOf}`, {
      token: parties.tokens.finance,
      headers: { accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(csv.body as string);
    expect(rows[0]).toContain('interest');
    expect(rows[1]).toEqual([
      id,
      definition.title,
      parties.orgs.contractor,
      'Social Work Organization D',
      't1',
      'First half',
      dueOn,
      '30000.00',
      '15',
      '225.00',
    ]);
    expect(
      (
        await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/overdue-payments?asOf=${asOf}`, {
          token: parties.tokens.otherFinance,
        })
      ).status,
    ).toBe(403);

    // Claim check: the note lives in PostgreSQL; the workflow's history holds ids, amounts and days.
    const history = historyText(await stack.client.workflow.getHandle(contractWorkflowId(id)).fetchHistory());
    expect(history).toContain(filed.body.id);
    expect(history).not.toContain('Salaries unpaid');
    expect(history).not.toContain('INV-001');

    // Returned with reasons (kept with the row only); what was applied for is free again.
    const second = await apply({ ...body, amount: '20000.00', invoice: { number: 'INV-002', date: today } });
    expect(second.status).toBe(201);
    const returnWithout = await stack.http('POST', `/v1/payment-applications/${second.body.id}/decision`, {
      token: parties.tokens.agency,
      body: { outcome: 'return' },
    });
    expect(returnWithout.status).toBe(422);
    const returned = await stack.http('POST', `/v1/payment-applications/${second.body.id}/decision`, {
      token: parties.tokens.agency,
      body: { outcome: 'return', reasons: ['Invoice names the wrong lot'] },
    });
    expect(returned.body).toMatchObject({
      status: 'returned',
      decision: { outcome: 'return', reasons: ['Invoice names the wrong lot'] },
    });
    expect(
      (await stack.http('GET', `/v1/payment-applications/${second.body.id}`, { token: parties.tokens.contractor })).body
        .decision.reasons,
    ).toEqual(['Invoice names the wrong lot']);
    expect(historyText(await stack.client.workflow.getHandle(contractWorkflowId(id)).fetchHistory())).not.toContain(
      'wrong lot',
    );
    expect((await apply({ ...body, amount: '20000.00', invoice: { number: 'INV-003', date: today } })).status).toBe(
      201,
    );

    // The purchaser amends the terms where it amends the schedule; the statute's rules hold there too.
    const amend = (paymentTerms: Record<string, unknown>) =>
      stack.http('POST', `/v1/contracts/${id}/schedule`, {
        token: parties.tokens.agency,
        body: { tranches: definition.tranches, checkpoints: [], paymentTerms, reason: 'terms agreed anew' },
      });
    const refused = await amend({ ...definition.paymentTerms, payWithinDays: 90 });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('sme_payment_2025.max_60_days');
    const amended = await amend({ ...definition.paymentTerms, payWithinDays: 45 });
    expect(amended.status).toBe(200);
    expect(amended.body.paymentClock.terms.payWithinDays).toBe(45);
    // An amendment takes effect the next day: t1, accepted today, keeps the 30 days it started on.
    const first = amended.body.paymentClock.tranches.find((t: any) => t.id === 't1');
    expect(first.paymentDueOn).toBe(addDays(today, 30));
    expect(first.terms.payWithinDays).toBe(30);
  });

  it('documents the routes, the CSV answer included', async () => {
    const doc = await stack.http('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/contracts/{id}/payment-applications',
        '/v1/payment-applications/{aid}/decision',
        '/v1/payment-applications/{aid}',
        '/v1/organizations/{id}/overdue-payments',
      ]),
    );
    expect(
      Object.keys(doc.body.paths['/v1/organizations/{id}/overdue-payments'].get.responses['200'].content).sort(),
    ).toEqual(['application/json', 'text/csv']);
  });
});
