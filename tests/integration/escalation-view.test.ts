// An escalation's view over the API: the text written when it opened keeps its figures, dated;
// beside it, today's figures of the money step from the read model; the level counts only levels
// that can reach one of the contract's parties.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('escalation view with figures now', () => {
  let stack: Stack;
  let parties: Parties;
  const id = `S-2023-view-${Date.now()}`;

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const escalationsOf = (token = parties.tokens.finance) =>
    stack.http('GET', `/v1/contracts/${id}/escalations?status=open`, { token });
  const pay = (body: object) =>
    stack.http('POST', `/v1/contracts/${id}/payments`, { token: parties.tokens.finance, body });
  const step = (res: { body: any }, reference: string) =>
    res.body.items.find((e: any) => e.step.reference === reference);

  it('shows the current shortfall after a partial payment, beside the text written when the step opened', async () => {
    // The source case registered today: nothing recorded, the checkpoint missed long ago.
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }),
    });
    expect(created.status).toBe(201);
    const opened = await eventually(
      escalationsOf,
      (res) => step(res, 'june-80') !== undefined && step(res, 't2') !== undefined,
    );
    const before = step(opened, 'june-80');
    expect(before.summary.en).toMatch(
      /CN¥0\.00 arrived by then, CN¥923,200\.00 short \(as of \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} Beijing time\)\.$/,
    );
    expect(before.summary['zh-CN']).toMatch(/（数据截至北京时间 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}）。$/);
    expect(before.current).toMatchObject({
      status: 'missed',
      required: '923200.00',
      received: '0.00',
      outstanding: '923200.00',
    });

    // 530,000.00 arrives (recorded now, received before the checkpoint): still short, by less.
    expect(
      (await pay({ reference: 'CZ-2022-118', amount: '300000.00', receivedOn: '2022-11-20', fundingSource: 'fiscal' }))
        .status,
    ).toBe(201);
    expect(
      (await pay({ reference: 'CZ-2023-031', amount: '230000.00', receivedOn: '2023-03-10', fundingSource: 'fiscal' }))
        .status,
    ).toBe(201);
    const after = await escalationsOf();
    const shortfall = step(after, 'june-80');
    // The same escalation, its text as sent, its figures as of now.
    expect(shortfall.id).toBe(before.id);
    expect(shortfall.summary).toEqual(before.summary);
    expect(shortfall.current).toMatchObject({
      status: 'missed',
      required: '923200.00',
      received: '530000.00',
      outstanding: '393200.00',
    });
    expect(shortfall.current.summary.en).toContain('CN¥530,000.00 arrived by then, CN¥393,200.00 short (as of');
    expect(shortfall.current.summary['zh-CN']).toContain('缺口 ¥393,200.00（数据截至北京时间');
    expect(Math.abs(Date.parse(shortfall.current.asOf) - Date.now())).toBeLessThan(60_000);
    // The tranches: t1 (461,600.00) paid, t2 short of 393,200.00 after the 68,400.00 left over.
    expect(step(after, 't2').current).toMatchObject({
      status: 'overdue',
      required: '461600.00',
      received: '68400.00',
      outstanding: '393200.00',
    });

    // Money after the checkpoint day: the shortfall at the day stays 393,200.00, 293,200.00 is missing now.
    expect(
      (await pay({ reference: 'CZ-2023-090', amount: '100000.00', receivedOn: '2023-09-01', fundingSource: 'fiscal' }))
        .status,
    ).toBe(201);
    const later = step(await escalationsOf(), 'june-80');
    expect(later.current).toMatchObject({ received: '630000.00', outstanding: '293200.00' });
    expect(later.current.summary.en).toContain('CN¥393,200.00 short; CN¥293,200.00 still missing');
    // The same figures across contracts and in the acknowledgement's answer.
    const all = await stack.http('GET', '/v1/escalations?status=open', { token: parties.tokens.finance });
    expect(all.body.items.find((e: any) => e.id === later.id).current).toMatchObject({ outstanding: '293200.00' });
    const acknowledged = await stack.http('POST', `/v1/escalations/${later.id}/acknowledge`, {
      token: parties.tokens.finance,
      body: { note: 'The rest is on its way' },
    });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.current).toMatchObject({ outstanding: '293200.00' });

    // The contract names no oversight body: the ladder's oversight level is not counted.
    expect(shortfall.level).toBe(3);
    const inbox = await stack.http('GET', '/v1/inbox', { token: parties.tokens.finance });
    const notice = inbox.body.items.find((n: any) => n.contractId === id && n.escalationId === before.id);
    expect(notice.subject.en).toContain('escalation level 3 of 3');
    expect(notice.body.en).toContain('(as of');
    expect(notice.body['zh-CN']).toContain('数据截至北京时间');
  });
});
