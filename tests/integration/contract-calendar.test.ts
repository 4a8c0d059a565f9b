// POST /v1/contracts/:id/calendar (issue 17): the purchaser's agency officer amends a running
// contract's own days; versioned, in the timeline, Idempotency-Key honoured, 422s naming the field.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeTexts } from '../../db/schema';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe("a running contract's own days", () => {
  let stack: Stack;
  let parties: Parties;
  const id = 'cal-own-1';

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
    const definition = sCountyContract(parties.orgs, {
      id,
      term: { start: '2026-09-01', end: '2027-08-31' },
      tranches: [{ id: 't1', label: 'All', due: '2027-08-31', percent: 100, fundingSource: 'fiscal' }],
      checkpoints: [],
      calendar: { holidays: ['2027-03-01'] },
    });
    expect((await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition })).status).toBe(
      201,
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const amend = (body: unknown, token = parties.tokens.agency, headers: Record<string, string> = {}) =>
    stack.http('POST', `/v1/contracts/${id}/calendar`, { token, body, headers });

  it('makes a new version, in the timeline; the same days again answer the version in force', async () => {
    const first = await amend(
      { holidays: ['2027-02-22', '2027-03-01'], reason: 'County lantern festival' },
      parties.tokens.agency,
      { 'idempotency-key': 'own-1' },
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      version: 2,
      holidays: ['2027-02-22', '2027-03-01'],
      workdays: [],
      reason: 'County lantern festival',
      created: true,
    });
    const replayed = await amend(
      { holidays: ['2027-02-22', '2027-03-01'], reason: 'County lantern festival' },
      parties.tokens.agency,
      { 'idempotency-key': 'own-1' },
    );
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const same = await amend({ holidays: ['2027-03-01', '2027-02-22'], reason: 'again' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 2, created: false, reason: 'County lantern festival' });
    // It changed nothing, so nothing of it stays stored.
    expect(await stack.database.handle.db.select().from(freeTexts).where(eq(freeTexts.body, 'again'))).toEqual([]);
    const timeline = await stack.http('GET', `/v1/contracts/${id}/events`, { token: parties.tokens.contractor });
    const amended = timeline.body.items.filter((e: { kind: string }) => e.kind === 'contract.calendar_amended');
    expect(amended).toHaveLength(1);
    expect(amended[0].payload).toMatchObject({ version: 2, holidays: ['2027-02-22', '2027-03-01'] });
  });

  it('refuses bad days naming the field, and anyone but the purchaser’s agency officer', async () => {
    const bad = await amend({ holidays: ['2027-02-30'], workdays: ['2027-03-06', '2027-03-06x'], reason: ' ' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((p: { field: string }) => p.field)).toEqual([
      'holidays.0',
      'workdays.1',
      'reason',
    ]);
    // Only the contract's years: no day of 0050, 9999 or a year it never counts.
    const far = await amend({
      holidays: ['0050-01-01', '9999-12-31', '2045-01-01', '2027-03-03'],
      reason: 'far away days',
    });
    expect(far.status).toBe(422);
    expect(far.body.error.details.map((p: { field: string }) => p.field)).toEqual([
      'holidays.0',
      'holidays.1',
      'holidays.2',
    ]);
    expect(far.body.error.details[0].reason).toMatch(/^must fall within the contract's years \(2026–20\d\d\)$/);
    const both = await amend({ holidays: ['2027-03-06'], workdays: ['2027-03-06'], reason: 'x' });
    expect(both.status).toBe(422);
    expect(both.body.error.details[0].field).toBe('workdays.0');
    expect((await amend({ holidays: [], reason: 'x' }, parties.tokens.finance)).status).toBe(403);
    // Not a party: the contract is not shown to exist.
    expect((await amend({ holidays: [], reason: 'x' }, parties.tokens.outsider)).status).toBe(404);
    expect(
      (await stack.http('POST', '/v1/contracts/nope/calendar', { token: parties.tokens.agency, body: { reason: 'x' } }))
        .status,
    ).toBe(404);
  });
});
