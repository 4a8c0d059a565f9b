// Two API processes and two worker processes on one Temporal server and one PostgreSQL database
// (issue 19 item 6): what one API records, the other's next read shows (its in-memory ledger must
// never answer stale), and a burst through both onto one contract loses and duplicates nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../domain/dates';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startReplicas, type Replicas } from '../helpers/replicas';
import type { Http, HttpResult } from '../helpers/stack';

const ID = 'R-2023-replicas';

describe.runIf(process.env.DATABASE_URL)('two APIs and two workers on one Temporal server and one database', () => {
  let replicas: Replicas;
  let a: Http;
  let b: Http;
  let parties: Parties;
  const today = shanghaiDate(Date.now());
  const payment = (reference: string, amount = '1.00') => ({
    reference,
    amount,
    receivedOn: today,
    fundingSource: 'fiscal',
  });

  /** A write as a client sends it: again after a 503 (Temporal busy, e.g. too many Updates in flight). */
  async function send(http: Http, path: string, body: unknown): Promise<HttpResult> {
    for (let attempt = 1; ; attempt++) {
      const res = await http('POST', path, { token: parties.tokens.finance, body });
      // Sent again after a 503 or a 429, as a client honouring Retry-After would.
      if ((res.status !== 503 && res.status !== 429) || attempt === 20) return res;
      await new Promise((r) =>
        setTimeout(r, res.status === 429 ? Number(res.headers.get('retry-after') ?? 1) * 1000 : 100 * attempt),
      );
    }
  }

  const detail = async (http: Http) => {
    const res = await http('GET', `/v1/contracts/${ID}`, { token: parties.tokens.finance });
    expect(res.status).toBe(200);
    return res.body as { received: string; ledger: Array<{ reference: string; amount: string; kind: string }> };
  };
  const listed = async (http: Http) => {
    const res = await http('GET', '/v1/contracts?limit=200', { token: parties.tokens.finance });
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ id: string; received: string }>).find((c) => c.id === ID)!;
  };
  const rowAndLedger = async () => {
    const rows = await replicas.database.handle.db.execute(
      sql`select c.received_fen::bigint as received, (select coalesce(sum(amount_fen), 0) from ledger_entries l where l.contract_id = c.id)::bigint as sum,
                 (select count(*) from ledger_entries l where l.contract_id = c.id)::int as entries,
                 (select count(distinct reference) from ledger_entries l where l.contract_id = c.id)::int as refs
          from contracts c where c.id = ${ID}`,
    );
    const row = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0] as Record<string, string | number>;
    return {
      received: Number(row.received),
      sum: Number(row.sum),
      entries: Number(row.entries),
      references: Number(row.refs),
    };
  };

  beforeAll(async () => {
    replicas = await startReplicas({ apis: 2, workers: 2 });
    a = replicas.apis[0]!.http!;
    b = replicas.apis[1]!.http!;
    parties = await registerParties(a, replicas.adminToken);
    const created = await b('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id: ID, closeGraceDays: 3650 }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });

  afterAll(async () => {
    await replicas?.stop();
  });

  it('a payment or reversal recorded through one API is in the other API’s next read (detail, ledger, list)', async () => {
    // Both APIs read first, so each holds the ledger in memory and must notice what the other added.
    await detail(a);
    await detail(b);
    let receivedFen = 0;
    for (let i = 0; i < 8; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
      const res = await send(writer, `/v1/contracts/${ID}/payments`, payment(`RP-${i}`, `${i + 1}.00`));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      receivedFen += (i + 1) * 100;
      const seen = await detail(reader);
      expect(seen.ledger.map((e) => e.reference)).toContain(`RP-${i}`);
      expect(seen.received).toBe((receivedFen / 100).toFixed(2));
      expect((await listed(reader)).received).toBe(seen.received);
      // The writer's own next read too.
      expect((await detail(writer)).ledger).toHaveLength(seen.ledger.length);
    }
    // A reversal adds an entry (nothing is edited): the other API shows it and the lower total at once.
    const reversed = await send(a, `/v1/contracts/${ID}/payments/RP-0/reversal`, {
      reason: 'Recorded against the wrong contract',
    });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
    const seen = await detail(b);
    expect(seen.ledger.filter((e) => e.kind === 'reversal')).toHaveLength(1);
    expect(seen.received).toBe(((receivedFen - 100) / 100).toFixed(2));
    expect((await listed(b)).received).toBe(seen.received);
    expect(await rowAndLedger()).toMatchObject({ received: receivedFen - 100, sum: receivedFen - 100 });
  });

  it('a burst through both APIs onto one contract loses nothing and duplicates nothing', async () => {
    const before = await rowAndLedger();
    const references = Array.from({ length: 20 }, (_, i) => `RB-${i}`);
    // Each payment is sent through both APIs at once, as a client retrying on another replica would.
    const answers = await Promise.all(
      references.flatMap((reference) =>
        [a, b].map((http) => send(http, `/v1/contracts/${ID}/payments`, payment(reference, '10.00'))),
      ),
    );
    for (const res of answers) expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
    // Per reference at most one answer created the entry; the other found it recorded (both 200 only
    // when the creating answer was lost to a 503 and its resend found it: outcome unknown, then known).
    for (let i = 0; i < references.length; i++) {
      expect([
        [200, 201],
        [200, 200],
      ]).toContainEqual([answers[2 * i]!.status, answers[2 * i + 1]!.status].sort());
    }
    const after = await rowAndLedger();
    expect(after.entries).toBe(before.entries + references.length);
    expect(after.references).toBe(after.entries);
    expect(after.sum).toBe(before.sum + references.length * 1000);
    // The contract row's total is the ledger's, and both APIs answer the same.
    expect(after.received).toBe(after.sum);
    const [fromA, fromB] = [await detail(a), await detail(b)];
    expect(fromA.ledger).toEqual(fromB.ledger);
    expect(fromA.received).toBe((after.sum / 100).toFixed(2));
    expect(fromB.received).toBe(fromA.received);
  });
});
