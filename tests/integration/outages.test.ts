// Outages and stuck workflows (issue 13 item 4, item 1's second half; issue 12 item 5): a projection
// that cannot be written is retried a bounded number of times, recorded and shown to operators while
// every other contract goes on; with the worker or the database down, requests answer 503 with
// Retry-After in the error shape within the request's deadline, and /readyz names what is down.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { signingClientOptions } from '../../api/services/actor-claims';
import { IdentityService } from '../../api/services/identity';
import { addDays, shanghaiDate } from '../../domain/dates';
import { contractWorkflowId } from '../../domain/ids';
import type { TemporalServer } from '../../server/temporal-server';
import { createWorker } from '../../server/worker';
import { sCountyContract } from '../fixtures/s-county';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { httpClient, type Http } from '../helpers/stack';
import { devServer, TEST_ACTOR_SECRET, uniqueTaskQueue } from '../helpers/temporal';
import { expectWorkerFailures } from '../helpers/expected-failures';

// Failures this file causes on purpose: not printed (tests/helpers/expected-failures.ts).
expectWorkerFailures(/poisoned row/, /noSuchWorkflow/);

const DEADLINE_MS = 3000;
// The test's dev server ends an idle long poll after 5 s (Temporal's default is 60 s), so a live worker
// re-polls every 5 s and a window of 15 s tells a stopped worker from a live one within seconds.
const LONG_POLL_EXPIRY = '5s';
const POLL_WINDOW_MS = 15_000;

describe('outages and stuck workflows', () => {
  let temporal: TemporalServer;
  let database: TestDatabase;
  let connection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  let closeWorkerConnection: () => Promise<void>;
  let app: FastifyInstance;
  let http: Http;
  let parties: Parties;
  const adminToken = `gf_test_admin_${randomBytes(12).toString('hex')}`;
  const taskQueue = uniqueTaskQueue('outages');
  const suffix = `${Date.now()}`;
  const healthy = `OUT-OK-${suffix}`;
  const poisoned = `OUT-POISON-${suffix}`;
  const today = shanghaiDate(Date.now());

  const definition = (id: string) =>
    sCountyContract(parties.orgs, {
      id,
      term: { start: addDays(today, -40), end: addDays(today, 400) },
      tranches: [{ id: 't1', label: 'All', due: addDays(today, 400), percent: 100, fundingSource: 'fiscal' }],
      checkpoints: [],
    });
  const payment = (reference: string) => ({ reference, amount: '1000.00', receivedOn: today, fundingSource: 'fiscal' });

  beforeAll(async () => {
    temporal = await devServer({ dynamicConfig: { 'matching.longPollExpirationInterval': LONG_POLL_EXPIRY } });
    database = await createTestDatabase();
    await new IdentityService(database.handle.db).ensureAdmin(adminToken);
    const created = await createWorker({
      address: temporal.address,
      namespace: temporal.namespace,
      taskQueue,
      deps: { db: database.handle.db },
      maxCachedWorkflows: 20,
      actorSecret: TEST_ACTOR_SECRET,
    });
    worker = created.worker;
    closeWorkerConnection = () => created.connection.close();
    running = worker.run();
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: temporal.namespace, ...signingClientOptions(TEST_ACTOR_SECRET) });
    app = await buildApp({
      database: database.handle,
      temporal: client,
      taskQueue,
      logLevel: 'silent',
      temporalDeadlineMs: DEADLINE_MS,
      // An idle worker re-polls at every long-poll expiry, so a window three expiries long still sees
      // a live worker and notices a stopped one sooner than the default 90 s.
      workerPollWindowMs: POLL_WINDOW_MS,
      stuckScanIntervalMs: 0,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    http = httpClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    parties = await registerParties(http, adminToken);
    for (const id of [healthy, poisoned]) {
      const res = await http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition(id) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => {});
    await closeWorkerConnection?.();
    await connection?.close();
    await database?.drop().catch(() => {});
    await temporal?.stop();
  });

  it('bounds a projection that cannot be written, shows it to operators, and lets other contracts go on', async () => {
    // A poisoned row: the read model refuses this one contract's ledger entries.
    await database.handle.db.execute(
      sql.raw(`
      create function outages_poison() returns trigger language plpgsql as $$
      begin
        if new.contract_id = '${poisoned}' then
          raise exception 'poisoned row for %', new.contract_id using errcode = 'check_violation';
        end if;
        return new;
      end $$
    `),
    );
    await database.handle.db.execute(
      sql.raw(
        'create trigger outages_poison before insert on ledger_entries for each row execute function outages_poison()',
      ),
    );

    // The workflow records the payment but cannot write it: the request gets no answer in time.
    const started = Date.now();
    const stuck = await http('POST', `/v1/contracts/${poisoned}/payments`, {
      token: parties.tokens.finance,
      body: payment('P-POISON-1'),
    });
    expect(stuck.status).toBe(503);
    expect(stuck.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(stuck.body.error.code).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 4000);

    // Bounded: PROJECTION allows 10 attempts; a data error is not retried at all.
    const workflowId = contractWorkflowId(poisoned);
    const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
    const projections = events!.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'projectContract',
    );
    expect(projections.length).toBeGreaterThan(0);
    for (const e of projections) expect(e.activityTaskScheduledEventAttributes!.retryPolicy!.maximumAttempts).toBe(10);
    const failed = await eventually(
      async () =>
        (await client.workflow.getHandle(workflowId).fetchHistory()).events!.filter(
          (e) => e.activityTaskFailedEventAttributes,
        ),
      (list) => list.length > 0,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]!.activityTaskFailedEventAttributes!.retryState).toBe(
      proto.api.enums.v1.RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
    );

    // Shown to operators: the admin route, from the workflow's memo.
    const listed = await eventually(
      () => http('GET', '/v1/admin/stuck-workflows', { token: adminToken }),
      (res) => res.status === 200 && res.body.items.some((i: { workflowId: string }) => i.workflowId === workflowId),
    );
    const item = listed.body.items.find((i: { workflowId: string }) => i.workflowId === workflowId);
    expect(item).toMatchObject({
      contractId: poisoned,
      workflowType: 'contractWorkflow',
      reason: 'projection_failing',
      attempts: 1,
      projection: { activity: 'projectContract', rounds: 1, pending: 1 },
    });
    expect(item.projection.message).toMatch(/poisoned row/);
    expect(listed.body.items.filter((i: { contractId: string }) => i.contractId === healthy)).toEqual([]);
    // Admin only.
    expect((await http('GET', '/v1/admin/stuck-workflows', { token: parties.tokens.finance })).status).toBe(403);

    // …and in the administrators' inbox, once per workflow however often it is found.
    await http('GET', '/v1/admin/stuck-workflows', { token: adminToken });
    const inbox = await http('GET', '/v1/inbox', { token: adminToken });
    const notices = inbox.body.items.filter(
      (n: { kind: string; body: { en: string } }) => n.kind === 'workflow_stuck' && n.body.en.includes(workflowId),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ severity: 'critical', contractId: poisoned });
    // Not in any organization's inbox.
    const payerInbox = await http('GET', '/v1/inbox', { token: parties.tokens.finance });
    expect(payerInbox.body.items.filter((n: { kind: string }) => n.kind === 'workflow_stuck')).toEqual([]);

    // Every other contract goes on.
    const ok = await http('POST', `/v1/contracts/${healthy}/payments`, {
      token: parties.tokens.finance,
      body: payment('P-OK-1'),
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);

    // /readyz stays 200 and counts it.
    const ready = await http('GET', '/readyz');
    expect(ready.status).toBe(200);
    const detail = ready.body.checks.find((c: { name: string }) => c.name === 'workflows');
    expect(detail).toMatchObject({ ok: true, detail: expect.stringMatching(/^1 stuck workflow/) });
  }, 120_000);

  it('shows a workflow whose tasks keep failing to operators, once in their inbox', async () => {
    // A workflow type the worker does not know: every workflow task it gets fails.
    const workflowId = `stray-${suffix}`;
    await client.workflow.start('noSuchWorkflow', { taskQueue, workflowId, args: [] });
    const listed = await eventually(
      () => http('GET', '/v1/admin/stuck-workflows', { token: adminToken }),
      (res) => res.status === 200 && res.body.items.some((i: { workflowId: string }) => i.workflowId === workflowId),
      60_000,
    );
    expect(listed.body.items.find((i: { workflowId: string }) => i.workflowId === workflowId)).toMatchObject({
      workflowType: 'noSuchWorkflow',
      contractId: null,
      reason: 'workflow_task_failing',
      attempts: expect.any(Number),
      since: expect.any(String),
      projection: null,
    });
    const inbox = await http('GET', '/v1/inbox', { token: adminToken });
    const notices = inbox.body.items.filter(
      (n: { kind: string; body: { en: string } }) => n.kind === 'workflow_stuck' && n.body.en.includes(workflowId),
    );
    expect(notices).toHaveLength(1);
    // Ready all the same: the count is a detail.
    const ready = await http('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toContainEqual({
      name: 'workflows',
      ok: true,
      detail: expect.stringMatching(/^2 stuck workflow/),
    });
    await client.workflow.getHandle(workflowId).terminate('test over');
  }, 90_000);

  it(
    'answers 503 with Retry-After within the deadline when no worker runs, and /readyz names the worker',
    async () => {
      expect((await http('GET', '/readyz')).status).toBe(200);
      worker.shutdown();
      await running;

      const notReady = await eventually(
        () => http('GET', '/readyz'),
        (res) => res.status === 503,
        POLL_WINDOW_MS + 15_000,
      );
      expect(notReady.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(notReady.body.status).toBe('unavailable');
      expect(notReady.body.checks).toContainEqual({
        name: 'worker',
        ok: false,
        error: expect.stringContaining(taskQueue),
      });
      expect(notReady.body.checks).toContainEqual({ name: 'database', ok: true });
      expect(notReady.body.checks).toContainEqual({ name: 'temporal', ok: true });

      const started = Date.now();
      const res = await http('POST', `/v1/contracts/${healthy}/payments`, {
        token: parties.tokens.finance,
        body: payment('P-OK-2'),
      });
      const took = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body).toEqual({
        error: { code: 'unavailable', message: expect.stringMatching(/worker.*task queue/i) },
      });
      expect(took).toBeGreaterThanOrEqual(DEADLINE_MS - 100);
      expect(took).toBeLessThan(DEADLINE_MS + 4000);

      // Reads from the read model need no worker.
      const read = await http('GET', `/v1/contracts/${healthy}`, { token: parties.tokens.finance });
      expect(read.status).toBe(200);
      expect((await http('GET', '/healthz')).status).toBe(200);
    },
    POLL_WINDOW_MS + 60_000,
  );

  it('answers 503 naming the database when it is gone, and /readyz names it', async () => {
    if (database.url) {
      // PostgreSQL: the test's own database stops taking connections and loses the ones it had.
      const url = new URL(database.url);
      const name = url.pathname.slice(1);
      url.pathname = '/postgres';
      const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
      await admin.unsafe(`alter database ${name} with allow_connections false`);
      await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`);
      await admin.end();
    } else {
      await database.handle.close();
    }

    for (const [method, path] of [
      ['GET', `/v1/contracts/${healthy}`],
      ['POST', `/v1/contracts/${healthy}/payments`],
      ['GET', '/v1/inbox'],
    ] as const) {
      const res = await http(method, path, {
        token: parties.tokens.finance,
        body: method === 'POST' ? payment('P-OK-3') : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(/database/i) } });
    }

    const ready = await http('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toContainEqual({ name: 'database', ok: false, error: expect.any(String) });
    expect((await http('GET', '/healthz')).status).toBe(200);
  }, 60_000);
});
