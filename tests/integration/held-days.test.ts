// Who held a contract's money steps, over the API: a contract registered after the fact, whose
// payments are entered long after they arrived, charges the payer by the receipts' dates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarForYears } from '../../db/calendar';
import { workingDaysBetween } from '../../domain/calendar';
import { shanghaiDate } from '../../domain/dates';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('delays of money recorded late, over the API', () => {
  let stack: Stack;
  let parties: Parties;

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('charges the payer nothing for money dated on time, and until its date for money dated late', async () => {
    const id = `late-2024-${Date.now()}`;
    const definition = sCountyContract(parties.orgs, {
      id,
      term: { start: '2024-01-01', end: '2024-12-31' },
      value: '100000.00',
      budgetLines: [{ id: 'personnel', kind: 'personnel', amount: '100000.00' }],
      staffing: undefined,
      tranches: [
        { id: 't1', label: 'First half', due: '2024-06-28', percent: 50, fundingSource: 'fiscal' },
        { id: 't2', label: 'Second half', due: '2024-12-31', percent: 50, fundingSource: 'fiscal' },
      ],
      checkpoints: [
        { id: 'c1', by: '2024-06-28', minPercent: 50 },
        { id: 'c2', by: '2024-09-30', minPercent: 80 },
      ],
      closeGraceDays: 3650,
    });
    expect((await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition })).status).toBe(
      201,
    );
    const pay = (reference: string, amount: string, receivedOn: string) =>
      stack.http('POST', `/v1/contracts/${id}/payments`, {
        token: parties.tokens.finance,
        body: { reference, amount, receivedOn, fundingSource: 'fiscal' },
      });
    // Half on its due day; 30 % more two weeks after c2's day (recovering it); all entered today.
    expect((await pay('P-1', '50000.00', '2024-06-28')).status).toBe(201);
    expect((await pay('P-2', '30000.00', '2024-10-14')).status).toBe(201);

    const detail = await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.agency });
    expect(detail.body.checkpoints.map((c: any) => [c.id, c.status])).toEqual([
      ['c1', 'met'],
      ['c2', 'recovered'],
    ]);
    const delays = await eventually(
      () => stack.http('GET', `/v1/contracts/${id}/delays`, { token: parties.tokens.agency }),
      (res) =>
        ['c1', 't1', 'c2'].every((ref) =>
          res.body.steps.some((s: any) => s.reference === ref && s.resolvedAt !== null),
        ),
    );
    const held = (reference: string) => delays.body.steps.find((s: any) => s.reference === reference);
    expect(held('c1')).toMatchObject({ party: 'payer', workingDays: 0 });
    expect(held('t1')).toMatchObject({ party: 'payer', workingDays: 0 });
    // 30 Sep 2024 was the last day on time; National Day followed; the money came on 14 October.
    const calendar = calendarForYears(2024, 2024);
    expect(held('c2')).toMatchObject({
      party: 'payer',
      workingDays: workingDaysBetween('2024-09-30', '2024-10-14', calendar),
    });
    expect(held('c2').workingDays).toBe(6);
    expect(shanghaiDate(Date.parse(held('c2').resolvedAt))).toBe('2024-10-14');
    // t2 is still owed: it counts up to today.
    expect(held('t2')).toMatchObject({ resolvedAt: null });
    expect(held('t2').workingDays).toBeGreaterThan(400);
  });
});
