// The claim check of free texts over the API: a payment's note, a reversal's, an amendment's and a
// termination's reason are stored before the contract's workflow hears of them; the workflow's
// history never carries them, the read model answers them, and a refused request leaves none.
import { temporal } from '@temporalio/proto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeTexts } from '../../db/schema';
import { contractWorkflowId } from '../../workflows/contract-messages';
import { sCountyContract } from '../fixtures/s-county';
import { historyText } from '../helpers/history-size';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('free texts: stored first, never in a workflow history', () => {
  let stack: Stack;
  let parties: Parties;
  const id = `texts-${Date.now()}`;
  const marker = (what: string) => `${what} ${id} 受助人王某某家庭情况`;
  const pay = (body: object) =>
    stack.http('POST', `/v1/contracts/${id}/payments`, { token: parties.tokens.finance, body });
  /** Updates the contract's workflow has accepted so far. */
  const updatesAccepted = async () =>
    ((await stack.client.workflow.getHandle(contractWorkflowId(id)).fetchHistory()).events ?? []).filter(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    ).length;
  const stored = async (body: string) =>
    stack.database.handle.db.select().from(freeTexts).where(eq(freeTexts.body, body));

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers notes and reasons from the read model, keeps them out of the history, and stores nothing for a refusal', async () => {
    const payment = {
      reference: 'N-1',
      amount: '1000.00',
      receivedOn: '2023-01-05',
      fundingSource: 'fiscal',
      note: marker('payment'),
    };
    const first = await pay(payment);
    expect(first.status).toBe(201);
    expect(first.body.note).toBe(payment.note);
    // A repeat is the same entry, answered from the read model without asking the workflow (so a
    // contract whose ledger summary an earlier version digested answers it alike); another note
    // under the same reference is a conflict and stays unstored.
    const updatesBefore = await updatesAccepted();
    const repeat = await pay(payment);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expect(await updatesAccepted()).toBe(updatesBefore);
    const conflicting = await pay({ ...payment, note: marker('conflicting') });
    expect(conflicting.status).toBe(409);
    expect(await stored(marker('conflicting'))).toEqual([]);
    // Refused by the workflow (more than is unpaid): nothing of it stays.
    const refused = await pay({
      reference: 'N-2',
      amount: '9999999.00',
      receivedOn: '2023-01-05',
      fundingSource: 'fiscal',
      note: marker('refused'),
    });
    expect(refused.status).toBe(422);
    expect(await stored(marker('refused'))).toEqual([]);

    const reversal = await stack.http('POST', `/v1/contracts/${id}/payments/N-1/reversal`, {
      token: parties.tokens.finance,
      body: { reason: marker('reversal') },
    });
    expect(reversal.status).toBe(201);
    expect(reversal.body.reason).toBe(marker('reversal'));
    const reversalRepeat = await stack.http('POST', `/v1/contracts/${id}/payments/N-1/reversal`, {
      token: parties.tokens.finance,
      body: { reason: marker('reversal') },
    });
    expect(reversalRepeat.status).toBe(200);
    expect(reversalRepeat.body).toEqual(reversal.body);
    const otherReason = await stack.http('POST', `/v1/contracts/${id}/payments/N-1/reversal`, {
      token: parties.tokens.finance,
      body: { reason: marker('other reversal') },
    });
    expect(otherReason.status).toBe(409);
    const schedule = sCountyContract(parties.orgs, { id });
    const amended = await stack.http('POST', `/v1/contracts/${id}/schedule`, {
      token: parties.tokens.agency,
      body: { tranches: schedule.tranches, checkpoints: schedule.checkpoints, reason: marker('amendment') },
    });
    expect(amended.status).toBe(200);
    expect(amended.body.amendments.at(-1).reason).toBe(marker('amendment'));
    const terminated = await stack.http('POST', `/v1/contracts/${id}/termination`, {
      token: parties.tokens.agency,
      body: { reason: marker('termination') },
    });
    expect(terminated.status).toBe(200);
    expect(terminated.body.termination.reason).toBe(marker('termination'));
    // A repeat of the termination is recognised by its text, now that the workflow has ended.
    expect(
      (
        await stack.http('POST', `/v1/contracts/${id}/termination`, {
          token: parties.tokens.agency,
          body: { reason: marker('termination') },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await stack.http('POST', `/v1/contracts/${id}/termination`, {
          token: parties.tokens.agency,
          body: { reason: marker('other') },
        })
      ).status,
    ).toBe(409);
    expect(await stored(marker('other'))).toEqual([]);

    const history = await historyText(stack.client, contractWorkflowId(id));
    expect(history).toContain(id); // the reading works: the history carries the contract's id
    expect(history).not.toContain('受助人王某某家庭情况');
    for (const what of ['payment', 'reversal', 'amendment', 'termination']) {
      const [row] = await stored(marker(what));
      expect(row, what).toMatchObject({ scope: id, chars: [...marker(what)].length });
      expect(row!.acceptedAt, what).not.toBeNull();
    }
    const events = await stack.http('GET', `/v1/contracts/${id}/events?limit=100`, { token: parties.tokens.agency });
    const timeline = JSON.stringify(events.body.items);
    for (const what of ['payment', 'reversal', 'termination']) expect(timeline).toContain(marker(what));
  });
});
