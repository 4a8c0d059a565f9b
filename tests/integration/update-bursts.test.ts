// Issue 19, item 5: bursts on one contract. Temporal admits a few Updates in flight per workflow
// (here the dev server is set to 3, in place of 10); the API keeps fewer in flight per workflow
// (api/services/update-gate.ts) and queues a few more; everything past that is answered 429 with
// Retry-After in the error shape (nothing recorded), and whatever Temporal itself refuses because
// another API process filled the workflow's slots 503 with Retry-After (its outcome unknown: sent
// again it is recorded once) — never a 500.
//
// The gate's own counts are deterministic on a loaded machine: while the burst arrives the ledger
// table is locked, so the payments let through cannot complete (their projection waits) until every
// refusal has been answered; then the numbers of 201 and 429 follow from the gate's bounds alone.
// (PostgreSQL only: PGlite has one connection, which the lock would hold for everything.)
// Temporal's own admission is not: under load a workflow task times out, the server drops the
// Updates it had admitted and the clients send them again, so how many it refuses varies; those
// tests check what must always hold (201, 429 or 503 with Retry-After, each payment once in the
// ledger after the refused ones are sent again).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import type { UpdateGateOptions } from '../../api/services/update-gate';
import { shanghaiDate } from '../../domain/dates';
import type { TemporalServer } from '../../server/temporal-server';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { httpClient, startStack, type Http, type HttpResult, type Stack } from '../helpers/stack';
import { devServer } from '../helpers/temporal';
import { reportFigure } from '../helpers/figures';

/** Temporal's Updates in flight per workflow on this test's server (history.maxInFlightUpdates; 10 by default). */
const SERVER_IN_FLIGHT = 3;
const NO_WRITE_LIMIT = { authFailuresPerMinute: 30, writesPerMinute: 0 };

describe.skipIf(!process.env.DATABASE_URL)('bursts of payments on one contract', () => {
  let temporal: TemporalServer;
  let stack: Stack;
  let parties: Parties;
  const replicas: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    temporal = await devServer({ dynamicConfig: { 'history.maxInFlightUpdates': SERVER_IN_FLIGHT } });
    stack = await startStack({ temporal, rateLimits: NO_WRITE_LIMIT });
    parties = await registerParties(stack.http, stack.adminToken);
  }, 120_000);
  afterAll(async () => {
    for (const r of replicas) await r.close();
    await stack?.stop();
    await temporal?.stop();
  });

  /** Another API process on the same database and Temporal, with its own gate. */
  async function replica(updateGate: Partial<UpdateGateOptions>): Promise<Http> {
    const app = await buildApp({
      database: stack.database.handle,
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      logLevel: 'silent',
      rateLimits: NO_WRITE_LIMIT,
      stuckScanIntervalMs: 0,
      updateGate,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    replicas.push({ close: () => app.close() });
    return httpClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
  }

  async function newContract(id: string): Promise<void> {
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }),
    });
    expect(created.status).toBe(201);
  }

  const today = shanghaiDate(Date.now());
  const payment = (reference: string) => ({
    reference,
    amount: '1.00',
    receivedOn: today,
    fundingSource: 'fiscal' as const,
  });
  const pay = (http: Http, id: string, reference: string) =>
    http('POST', `/v1/contracts/${id}/payments`, { token: parties.tokens.finance, body: payment(reference) });

  /**
   * Sends every payment at once while the ledger is locked; lets the lock go once `refusals` of
   * them were answered 429 or 503 (those let through are waiting on their projection until then).
   */
  async function burstWhileLocked(
    http: Http,
    id: string,
    references: string[],
    refusals: number,
  ): Promise<HttpResult[]> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = stack.database.handle.db.transaction(async (tx) => {
      await tx.execute(sql`lock table ledger_entries in exclusive mode`);
      locked();
      await released;
    });
    await isLocked;
    let refused = 0;
    let allRefused!: () => void;
    const everyRefusal = new Promise<void>((resolve) => (allRefused = resolve));
    const answers: HttpResult[] = [];
    const sends = references.map(async (reference, i) => {
      const res = await pay(http, id, reference);
      answers[i] = res;
      if ((res.status === 429 || res.status === 503) && ++refused === refusals) allRefused();
      return res;
    });
    try {
      await Promise.race([
        everyRefusal,
        new Promise((_, reject) =>
          setTimeout(
            () =>
              reject(
                new Error(
                  `only ${refused} of ${refusals} refusals in 60 s; answers so far: ${JSON.stringify(answers.map((a) => a && [a.status, a.body]))}`,
                ),
              ),
            60_000,
          ),
        ),
      ]);
    } finally {
      release();
      await holder;
    }
    return Promise.all(sends);
  }

  /** The gate's 429: nothing recorded. */
  function expectRefusal(res: HttpResult, retryAfter: number): void {
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(retryAfter));
    expect(res.body).toEqual({
      error: { code: 'too_many_requests', message: expect.stringMatching(/nothing was recorded/) },
    });
  }

  /** Temporal's own refusal: 503, its outcome unknown, sent again it is recorded once. */
  function expectTemporalRefusal(res: HttpResult, retryAfter: number): void {
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.headers.get('retry-after'), JSON.stringify(res.body)).toBe(String(retryAfter));
    expect(res.body).toEqual({
      error: { code: 'unavailable', message: expect.stringMatching(/may have been recorded/) },
    });
  }

  async function ledgerReferences(id: string): Promise<string[]> {
    const detail = await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.finance });
    expect(detail.status).toBe(200);
    return (detail.body.ledger as { reference: string }[]).map((e) => e.reference);
  }

  function statusCounts(answers: HttpResult[]): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
    return counts;
  }

  /**
   * Every 201 once in the ledger; each refusal (429 or 503) sent again is recorded; then every payment
   * is there once. `strict`: no refusal is in the ledger before it is sent again (else counted: a 503
   * whose payment was recorded after all answers 200 when sent again).
   */
  async function expectLedgerExactlyOnce(
    http: Http,
    id: string,
    references: string[],
    answers: HttpResult[],
    strict: boolean,
  ): Promise<number> {
    const created = references.filter((_, i) => answers[i]!.status === 201);
    const refused = references.filter((_, i) => answers[i]!.status === 429 || answers[i]!.status === 503);
    const ledger = await ledgerReferences(id);
    for (const reference of created) expect(ledger.filter((r) => r === reference)).toHaveLength(1);
    if (strict) expect([...ledger].sort()).toEqual([...created].sort());
    let recordedAnyway = 0;
    for (const reference of refused) {
      const again = await pay(http, id, reference);
      expect([201, 200]).toContain(again.status);
      if (again.status === 200) recordedAnyway += 1;
    }
    const after = await ledgerReferences(id);
    expect(after).toHaveLength(references.length);
    expect(new Set(after)).toEqual(new Set(references));
    return recordedAnyway;
  }

  it(
    'lets K through, queues Q and answers the rest 429 with Retry-After; the 201s are recorded once, the 429s not until sent again',
    { timeout: 180_000 },
    async () => {
      const gate = { perWorkflow: 2, queueLength: 4, waitMs: 90_000, retryAfterSeconds: 3 };
      const http = await replica(gate);
      const id = `burst-gate-${Date.now()}`;
      await newContract(id);
      const references = Array.from({ length: 40 }, (_, i) => `BG-${i}`);
      const through = gate.perWorkflow + gate.queueLength;

      const answers = await burstWhileLocked(http, id, references, references.length - through);

      expect(statusCounts(answers)).toEqual({ 201: through, 429: references.length - through });
      for (const res of answers.filter((a) => a.status === 429)) expectRefusal(res, gate.retryAfterSeconds);
      expect(await expectLedgerExactlyOnce(http, id, references, answers, true)).toBe(0);
    },
  );

  it(
    "answers 503 with Retry-After when Temporal refuses an Update for the workflow's Updates in flight (another API process holds them), never a 500 or a 20 s wait",
    { timeout: 180_000 },
    async () => {
      // A gate wider than the server's limit: the refusals come from Temporal, not from this process.
      const gate = { perWorkflow: 8, queueLength: 0, waitMs: 1_000, retryAfterSeconds: 4 };
      const http = await replica(gate);
      const id = `burst-server-${Date.now()}`;
      await newContract(id);
      const references = Array.from({ length: gate.perWorkflow }, (_, i) => `BS-${i}`);

      const started = Date.now();
      // The lock goes once Temporal has refused one: the payments it admitted then complete.
      const answers = await burstWhileLocked(http, id, references, 1);

      for (const res of answers) {
        expect([201, 503]).toContain(res.status);
        if (res.status === 503) expectTemporalRefusal(res, gate.retryAfterSeconds);
      }
      expect(answers.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(1);
      // Refused after a short retry (api/services/temporal-connection.ts), not at the request's 20 s deadline.
      expect(Date.now() - started).toBeLessThan(20_000);
      const recordedAnyway = await expectLedgerExactlyOnce(http, id, references, answers, false);
      reportFigure(
        `Temporal's limit: ${JSON.stringify(statusCounts(answers))}, ${recordedAnyway} answered 503 yet recorded`,
      );
    },
  );

  it(
    'a burst through two API processes with the default gate: every answer 201, 429 or 503 with Retry-After, none 500',
    { timeout: 180_000 },
    async () => {
      const one = await replica({});
      const two = await replica({});
      const id = `burst-two-${Date.now()}`;
      await newContract(id);
      const references = Array.from({ length: 40 }, (_, i) => `B2-${i}`);
      const answers = await Promise.all(references.map((reference, i) => pay(i % 2 === 0 ? one : two, id, reference)));
      for (const res of answers) {
        expect([201, 429, 503]).toContain(res.status);
        if (res.status === 429) expectRefusal(res, 2);
        if (res.status === 503) expectTemporalRefusal(res, 2);
      }
      const recordedAnyway = await expectLedgerExactlyOnce(one, id, references, answers, false);
      reportFigure(
        `two API processes: ${JSON.stringify(statusCounts(answers))}, ${recordedAnyway} answered 503 yet recorded`,
      );
    },
  );
});
