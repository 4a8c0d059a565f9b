// Reads that do not grow with the province (issue 19 item 4): with 10,000 contracts (and their
// parties, escalations and inbox rows) in the read model, each list's query plan is a Limit over
// an index scan in the list's order (no Seq Scan, no Sort of a large table); walking a list by
// cursor gives every row exactly once in order for any limit and filter; a cursor is positional
// only, so it shows no one a row they could not list; a bad cursor is a 400 in the one error shape.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { sql, type SQLWrapper } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { contractsPageQuery } from '../../api/services/contract-pages';
import { ContractService } from '../../api/services/contracts';
import { encodeCursor, MAX_COUNTED } from '../../api/services/cursor';
import { escalationsPageQuery } from '../../api/services/escalation-pages';
import { EscalationService } from '../../api/services/escalations';
import { IdentityService } from '../../api/services/identity';
import { InboxService } from '../../api/services/inbox';
import { migrationsFolder, type Database } from '../../db/client';
import type { Contract } from '../../domain/contract';
import type { EscalationState } from '../../domain/escalation';
import type { Actor } from '../../domain/organizations';
import { referenceParts, stepReference } from '../../domain/ids';
import { SEVERITIES_MOST_URGENT_FIRST, type Severity } from '../../domain/severity';
import { arrears, arrearsFrom } from '../../domain/status';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { httpClient, type Http } from '../helpers/stack';
import { offlineTemporalClient } from '../helpers/temporal';

const CONTRACTS = 10_000;
const PURCHASERS = 20;
const CONTRACTORS = 100;
const STATUSES = ['active', 'completed', 'closed', 'terminated'] as const;
const DAY = 86_400_000;
const BASE = Date.parse('2024-01-01T00:00:00Z');
/** "Now" for every list: some contracts' tranches are past, some to come. */
const NOW = BASE + 400 * DAY;
const LARGE = new Set([
  'contracts',
  'contract_parties',
  'escalations',
  'escalation_parties',
  'notifications',
  'notification_reads',
  'events',
  'organizations',
  'users',
]);

const admin: Actor = { userId: 'usr_admin', organizationId: null, roles: ['admin'] };
const orgActor = (organizationId: string): Actor => ({
  userId: `usr_${organizationId}`,
  organizationId,
  roles: ['finance_officer'],
});
const payer = orgActor('org_payer');

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

async function planOf(db: Database, query: SQLWrapper): Promise<PlanNode> {
  const result = (await db.execute(sql`explain (format json) ${query}`)) as unknown;
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<
    Record<string, unknown>
  >;
  const cell = Object.values(rows[0]!)[0];
  const json = (typeof cell === 'string' ? JSON.parse(cell) : cell) as Array<{ Plan: PlanNode }>;
  return json[0]!.Plan;
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * A Limit over an index scan in the list's order: no Seq Scan of a large table, no Sort, Hash or
 * Bitmap scan (which read every matching row before the first is returned). `orderingIndexes`: an
 * index whose order is the list's (the planner may walk the wider one and filter when a filter
 * keeps most rows).
 */
function expectBoundedIndexScan(plan: PlanNode, ...orderingIndexes: string[]) {
  const all = nodes(plan);
  expect(
    all.filter((n) => n['Node Type'] === 'Seq Scan' && LARGE.has(n['Relation Name'] ?? '')),
    JSON.stringify(plan),
  ).toEqual([]);
  // (A SubPlan is a per-row probe by primary key, e.g. the caller's read mark: its own nodes are bounded.)
  const main = (n: PlanNode): PlanNode[] => [
    n,
    ...(n.Plans ?? []).filter((p) => p['Parent Relationship'] !== 'SubPlan').flatMap(main),
  ];
  expect(
    main(plan).filter((n) => /Sort|Hash|Aggregate|Bitmap/.test(n['Node Type'])),
    JSON.stringify(plan),
  ).toEqual([]);
  expect(plan['Node Type']).toBe('Limit');
  // The outer path from the Limit reads the ordering index: rows come in the list's order.
  let node = plan;
  for (
    let outer = plan.Plans?.find((p) => p['Parent Relationship'] === 'Outer');
    outer;
    outer = node.Plans?.find((p) => p['Parent Relationship'] === 'Outer')
  )
    node = outer;
  expect(['Index Scan', 'Index Only Scan']).toContain(node['Node Type']);
  expect(orderingIndexes).toContain(node['Index Name']);
}

/**
 * A small organization's page: the planner may read all of that organization's rows through its
 * index and sort them (cheaper than walking in order when they are few) — bounded by the
 * organization's own rows, never a scan of the table.
 */
function expectWithinOrganization(plan: PlanNode) {
  const scans = nodes(plan).filter((n) => LARGE.has(n['Relation Name'] ?? ''));
  expect(
    scans.filter((n) => !['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan'].includes(n['Node Type'])),
    JSON.stringify(plan),
  ).toEqual([]);
  const outer = scans[0]!;
  expect(`${outer['Index Cond'] ?? ''} ${outer['Recheck Cond'] ?? ''}`, JSON.stringify(plan)).toContain(
    'organization_id',
  );
}

function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
}

/** The migration's backfill of arrears_from, run here on rows written without it. */
function backfillStatement(): string {
  const text = readFileSync(path.join(migrationsFolder, '0013_scale_reads.sql'), 'utf8');
  const statement = text
    .split('--> statement-breakpoint')
    .find((s) => s.includes('UPDATE contracts AS c SET arrears_from'));
  return statement!.replace(/^\s*--.*$/gm, '').trim();
}

describe('reads that do not grow with the province', () => {
  let database: TestDatabase;
  let db: Database;
  let contracts: ContractService;
  let escalations: EscalationService;
  let app: FastifyInstance;
  let http: Http;
  let adminToken: string;
  let contractorToken: string;
  /** Every contract as the test wrote it, in the list's order. */
  let all: Array<{ id: string; micros: number; status: string; parties: string[]; overdue: boolean }>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.handle.db;
    const started = Date.now();
    // Organizations: one payer party to every contract, purchasers and contractors each to a share.
    await db.execute(sql`
      insert into organizations (id, name, kind, created_at)
      select 'org_payer', 'Province Finance', 'payer', now()
      union all select 'org_p' || i, 'Purchaser ' || i, 'purchaser', now() from generate_series(0, ${PURCHASERS - 1}) as i
      union all select 'org_c' || i, 'Contractor ' || i, 'contractor', now() from generate_series(0, ${CONTRACTORS - 1}) as i
      union all select 'org_e', 'Evaluator', 'evaluator', now()`);
    // 10,000 contracts: two tranches each (one past "now" for most), a received total that covers
    // none, one or both; created three to a second (ties broken by id) with a microsecond part.
    await db.execute(sql`
      insert into contracts (id, workflow_id, title, status, value_fen, received_fen, purchaser_id, payer_id, contractor_id, evaluator_id,
        party_organization_ids, definition, schedule_version, amendments, announced, created_by, created_at, revision)
      select 'c' || lpad(i::text, 5, '0'), 'contract-c' || i, 'Contract ' || i,
        (array['active','active','active','completed','closed','terminated'])[1 + i % 6],
        200000, (array[0, 100000, 200000, 50000])[1 + i % 4],
        'org_p' || (i % ${PURCHASERS}), 'org_payer', 'org_c' || (i % ${CONTRACTORS}), 'org_e',
        array['org_p' || (i % ${PURCHASERS}), 'org_payer', 'org_c' || (i % ${CONTRACTORS}), 'org_e'],
        jsonb_build_object(
          'tranches', jsonb_build_array(
            jsonb_build_object('id', 't1', 'dueAt', ${BASE}::bigint + (i % 500) * ${DAY}::bigint, 'amountFen', 100000),
            jsonb_build_object('id', 't2', 'dueAt', ${BASE}::bigint + (300 + i % 200) * ${DAY}::bigint, 'amountFen', 100000)),
          'checkpoints', '[]'::jsonb, 'stations', '[]'::jsonb),
        1, '[]'::jsonb, '{}'::jsonb, 'usr_seed',
        timestamptz '2023-01-01' + (i / 3) * interval '1 second' + interval '0.000123 second', 1
      from generate_series(1, ${CONTRACTS}) as i`);
    await db.execute(sql.raw(backfillStatement()));
    // One escalation per contract, severities and states cycling, opened in an order of their own.
    await db.execute(sql`
      insert into escalations (id, contract_id, step_id, step_kind, step_reference, level, severity, notified_parties, notified_organization_ids,
        state, summary, due_at, opened_at, version)
      select 'esc_' || i, 'c' || lpad(i::text, 5, '0'), 'step_' || i, 'trancheOverdue', 't1', 1,
        (array['info','warning','critical'])[1 + i % 3], array['payer'], array['org_payer'],
        (array['open','acknowledged','resolved','superseded'])[1 + i % 4], '{"en":"x","zh-CN":"x"}'::jsonb,
        timestamptz '2024-01-01' + (i % 977) * interval '1 hour', timestamptz '2024-01-01' + (i % 977) * interval '1 hour', 1
      from generate_series(1, ${CONTRACTS}) as i`);
    await db.execute(sql`
      insert into notifications (idempotency_key, organization_id, contract_id, kind, severity, subject, body, created_at)
      select 'n' || i, case when i % 2 = 0 then 'org_payer' else 'org_c' || (i % ${CONTRACTORS}) end, 'c' || lpad(i::text, 5, '0'),
        'tranche_overdue', 'warning', '{"en":"x","zh-CN":"x"}'::jsonb, '{"en":"x","zh-CN":"x"}'::jsonb, now()
      from generate_series(1, ${CONTRACTS}) as i`);
    // The payer's finance officer has read half of their inbox.
    await db.execute(sql`
      insert into notification_reads (notification_id, user_id)
      select id, 'usr_org_payer' from notifications where organization_id = 'org_payer' and id % 4 = 0`);
    await db.execute(sql`analyze`);
    console.log(`seeded ${CONTRACTS} contracts with escalations and notifications in ${Date.now() - started} ms`);

    const temporal = offlineTemporalClient() as Client;
    contracts = new ContractService(db, temporal, 'unused', () => NOW);
    escalations = new EscalationService(db, temporal, () => NOW);

    const seeded = rowsOf(
      await db.execute(sql`select id, (extract(epoch from created_at) * 1000000)::bigint as micros, status, party_organization_ids as parties,
        definition, received_fen, (extract(epoch from arrears_from) * 1000)::bigint as arrears_from from contracts`),
    );
    all = seeded
      .map((r) => {
        const definition = r.definition as Contract;
        const received = Number(r.received_fen);
        // The migration's backfill agrees with the domain's rule, row by row.
        expect(r.arrears_from === null ? null : Number(r.arrears_from)).toBe(arrearsFrom(definition, received));
        return {
          id: String(r.id),
          micros: Number(r.micros),
          status: String(r.status),
          parties: r.parties as string[],
          // Independently of the stored fact: the summary's own rule.
          overdue: arrears(definition, received, NOW) > 0,
        };
      })
      .sort((a, b) => a.micros - b.micros || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    adminToken = `gf_test_admin_${randomBytes(12).toString('hex')}`;
    await new IdentityService(db).ensureAdmin(adminToken);
    app = await buildApp({
      database: database.handle,
      temporal,
      taskQueue: 'unused',
      logLevel: 'silent',
      rateLimits: { writesPerMinute: 0, authFailuresPerMinute: 0 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    http = httpClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    const user = await http('POST', '/v1/users', {
      token: adminToken,
      body: { name: 'NGO staff', organizationId: 'org_c7', roles: ['contractor_staff'] },
    });
    contractorToken = user.body.token;
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('pages every contract list with a Limit over an index scan in its order', async () => {
    const cases: Array<[Actor, { status?: (typeof STATUSES)[number]; overdue?: boolean }, ...string[]]> = [
      [admin, {}, 'contracts_created_idx'],
      [admin, { status: 'terminated' }, 'contracts_status_created_idx', 'contracts_created_idx'],
      [admin, { overdue: true }, 'contracts_created_idx'],
      [payer, {}, 'contract_parties_org_idx'],
      [payer, { status: 'active' }, 'contract_parties_org_status_idx', 'contract_parties_org_idx'],
      [payer, { overdue: false }, 'contract_parties_org_idx'],
    ];
    for (const [actor, filter, ...indexes] of cases) {
      const first = contractsPageQuery(db, actor, filter, NOW);
      expectBoundedIndexScan(await planOf(db, first.page.limit(50)), ...indexes);
      // A later page, by cursor: the same plan, starting inside the index.
      const later = contractsPageQuery(db, actor, filter, NOW, [all[5000]!.micros, all[5000]!.id]);
      expectBoundedIndexScan(await planOf(db, later.page.limit(50)), ...indexes);
      // The count stops at MAX_COUNTED rows of an index.
      // (Administrators' unfiltered count may read the table's first pages in order: still at most that many rows.)
      const counted = await planOf(db, db.select({ n: sql`count(*)` }).from(first.counted));
      const limit = nodes(counted).find((n) => n['Node Type'] === 'Limit');
      expect(limit, JSON.stringify(counted)).toBeDefined();
      expect(nodes(limit!).filter((n) => LARGE.has(n['Relation Name'] ?? '')).length).toBeGreaterThan(0);
      expect(nodes(counted).filter((n) => LARGE.has(n['Relation Name'] ?? '') && !nodes(limit!).includes(n))).toEqual(
        [],
      );
    }
    for (const filter of [{}, { status: 'active' as const }, { overdue: true }]) {
      for (const position of [undefined, [all[5000]!.micros, all[5000]!.id] as const]) {
        expectWithinOrganization(
          await planOf(db, contractsPageQuery(db, orgActor('org_c7'), filter, NOW, position).page.limit(50)),
        );
      }
    }
  });

  it('pages escalations and the inbox with a Limit over an index scan in their order', async () => {
    const cases: Array<[Actor, { status?: EscalationState }, string]> = [
      [admin, {}, 'escalations_severity_idx'],
      [admin, { status: 'open' }, 'escalations_state_severity_idx'],
      [payer, {}, 'escalation_parties_org_idx'],
      [payer, { status: 'open' }, 'escalation_parties_org_state_idx'],
    ];
    for (const [actor, filter, index] of cases) {
      for (const severity of SEVERITIES_MOST_URGENT_FIRST) {
        expectBoundedIndexScan(
          await planOf(db, escalationsPageQuery(db, actor, { ...filter, severity }).limit(50)),
          index,
        );
        expectBoundedIndexScan(
          await planOf(
            db,
            escalationsPageQuery(db, actor, { ...filter, severity }, [Date.parse('2024-01-10') * 1000, 'esc_5']).limit(
              50,
            ),
          ),
          index,
        );
      }
    }
    const inbox = new InboxService(db);
    const inboxIndexes = ['notifications_org_idx', 'notifications_pkey'];
    for (const page of [{ limit: 50 }, { limit: 50, before: 5000 }, { limit: 50, unread: true }]) {
      expectBoundedIndexScan(await planOf(db, inbox.pageQuery(payer, page)), ...inboxIndexes);
      expectWithinOrganization(await planOf(db, inbox.pageQuery(orgActor('org_c7'), page)));
    }
    for (const severity of SEVERITIES_MOST_URGENT_FIRST) {
      for (const status of [undefined, 'open' as const]) {
        expectWithinOrganization(
          await planOf(db, escalationsPageQuery(db, orgActor('org_c7'), { severity, status }).limit(50)),
        );
      }
    }
  });

  it('walks any contract list by cursor: every row once, in order, for any limit and filter', async () => {
    const actors = fc.constantFrom(
      admin,
      payer,
      orgActor('org_p3'),
      orgActor('org_c7'),
      orgActor('org_c42'),
      orgActor('org_nobody'),
    );
    const filter = fc.record({
      status: fc.option(fc.constantFrom(...STATUSES), { nil: undefined }),
      overdue: fc.option(fc.boolean(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(actors, filter, fc.integer({ min: 1, max: 200 }), async (actor, f, limit) => {
        const expected = all
          .filter((c) => actor.organizationId === null || c.parties.includes(actor.organizationId))
          .filter(
            (c) =>
              (f.status === undefined || c.status === f.status) && (f.overdue === undefined || c.overdue === f.overdue),
          )
          .map((c) => c.id);
        // Walking the payer's or everyone's list one at a time would take 10,000 requests: bigger pages there.
        const size = expected.length > 2000 ? Math.max(limit, 150) : limit;
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; ; pages++) {
          expect(pages).toBeLessThan(CONTRACTS + 2);
          const page = await contracts.list(actor, { ...f, limit: size, offset: 0, ...(cursor ? { cursor } : {}) });
          expect(page.total).toBe(Math.min(expected.length, MAX_COUNTED));
          expect(page.totalExact).toBe(expected.length <= MAX_COUNTED);
          for (const item of page.items) {
            if (f.overdue !== undefined) expect(item.overdue).toBe(f.overdue);
            if (f.status !== undefined) expect(item.status).toBe(f.status);
          }
          seen.push(...page.items.map((i) => i.id));
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: 12 },
    );
  }, 300_000);

  it('keeps offset working beside the cursor, bounded as before', async () => {
    const byOffset = await contracts.list(payer, { limit: 10, offset: 20 });
    const page1 = await contracts.list(payer, { limit: 20, offset: 0 });
    const byCursor = await contracts.list(payer, { limit: 10, offset: 0, cursor: page1.nextCursor! });
    expect(byOffset.items.map((i) => i.id)).toEqual(all.slice(20, 30).map((c) => c.id));
    expect(byCursor.items).toEqual(byOffset.items);
    const skipping = await contracts.list(payer, { limit: 10, offset: 5, cursor: page1.nextCursor! });
    expect(skipping.items.map((i) => i.id)).toEqual(all.slice(25, 35).map((c) => c.id));
  });

  it('walks escalations by cursor: most severe first, then oldest, every one once', async () => {
    const rank = (s: string) => SEVERITIES_MOST_URGENT_FIRST.indexOf(s as never);
    const expectedRows = rowsOf(
      await db.execute(
        sql`select id, severity, state, (extract(epoch from opened_at) * 1000000)::bigint as micros from escalations`,
      ),
    ).sort(
      (a, b) =>
        rank(String(a.severity)) - rank(String(b.severity)) ||
        Number(a.micros) - Number(b.micros) ||
        (String(a.id) < String(b.id) ? -1 : 1),
    );
    for (const [actor, status, limit] of [
      [admin, undefined, 200],
      [payer, 'open', 97],
      [orgActor('org_c7'), undefined, 7],
      [orgActor('org_c7'), 'resolved', 1],
    ] as const) {
      const visible = new Set(
        all.filter((c) => actor.organizationId === null || c.parties.includes(actor.organizationId)).map((c) => c.id),
      );
      const expected = expectedRows
        .filter(
          (r) =>
            (status === undefined || r.state === status) && visible.has(`c${String(r.id).slice(4).padStart(5, '0')}`),
        )
        .map((r) => r.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await escalations.list(actor, { status, limit, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => i.id));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(expected);
    }
  }, 120_000);

  it("pages the administrators' lists (organizations, users) by cursor, every row once", async () => {
    const whole = (await http('GET', '/v1/organizations?limit=1000', { token: adminToken })).body.items.map(
      (o: { id: string }) => o.id,
    );
    expect(whole.length).toBe(PURCHASERS + CONTRACTORS + 2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await http(
        'GET',
        `/v1/organizations?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        { token: adminToken },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((o) => o.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(whole);
    const users = await http('GET', '/v1/users?limit=1', { token: adminToken });
    expect(users.body.items).toHaveLength(1);
    const next = await http('GET', `/v1/users?limit=1&cursor=${users.body.nextCursor}`, { token: adminToken });
    expect(next.body.items.map((u: { id: string }) => u.id)).not.toEqual(
      users.body.items.map((u: { id: string }) => u.id),
    );
    expect((await http('GET', `/v1/users?cursor=${seen.length}`, { token: adminToken })).status).toBe(400);
  });

  it('a cursor is positional only: another actor sees from it only rows of their own', async () => {
    // Deep into the payer's list (which sees everything), handed to one contractor.
    const deep = all[7000]!;
    const cursor = encodeCursor('contracts', [deep.micros, deep.id]);
    const page = await contracts.list(orgActor('org_c7'), { limit: 200, offset: 0, cursor });
    const own = all.filter((c) => c.parties.includes('org_c7'));
    expect(page.items.map((i) => i.id)).toEqual(
      own.filter((c) => c.micros > deep.micros || (c.micros === deep.micros && c.id > deep.id)).map((c) => c.id),
    );
    // Over HTTP too, with the contractor's own token.
    const res = await http('GET', `/v1/contracts?limit=200&cursor=${cursor}`, { token: contractorToken });
    expect(res.status).toBe(200);
    expect(res.body.items.every((i: { id: string }) => own.some((c) => c.id === i.id))).toBe(true);
  });

  it('a bad cursor is a 400 in the one error shape, never a 500', async () => {
    const bad = fc.oneof(
      fc.string({ minLength: 1, maxLength: 300 }),
      fc
        .base64String({ minLength: 4, maxLength: 300 })
        .map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') || 'x'),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url') || 'x'),
      fc
        .tuple(fc.constantFrom('contracts', 'escalations', 'other'), fc.anything())
        .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
      // Shaped like each list's own cursors, with crafted fields: any rank, any integer, strings with NUL, controls, lone surrogates.
      fc
        .tuple(
          fc.constantFrom('contracts', 'escalations', 'organizations', 'users'),
          fc.array(
            fc.oneof(
              fc.integer(),
              fc.maxSafeInteger(),
              fc.constant(-1),
              fc.string({ unit: 'binary', maxLength: 8 }),
              fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\u001f'),
            ),
            { minLength: 1, maxLength: 4 },
          ),
        )
        .map(([list, fields]) => Buffer.from(JSON.stringify([list, ...fields])).toString('base64url')),
    );
    await fc.assert(
      fc.asyncProperty(
        bad,
        fc.constantFrom(
          '/v1/contracts',
          '/v1/escalations',
          '/v1/contracts/c00001/escalations',
          '/v1/organizations',
          '/v1/users',
        ),
        async (cursor, route) => {
          const res = await http('GET', `${route}?cursor=${encodeURIComponent(cursor)}`, { token: adminToken });
          expect([200, 400]).toContain(res.status);
          if (res.status === 400)
            expect(res.body).toEqual({
              error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
            });
        },
      ),
      { numRuns: 250 },
    );
    // The escalation list's severity rank outside its range, and NUL in a position: 400, not 500.
    for (const crafted of [
      ['escalations', -1, 0, 'x'],
      ['escalations', 3, 0, 'x'],
      ['escalations', 99, 0, 'x'],
      ['contracts', 0, '\u0000'],
      ['escalations', 0, 0, 'a\u0000'],
    ]) {
      const cursor = Buffer.from(JSON.stringify(crafted)).toString('base64url');
      const answer = await http('GET', `/v1/${crafted[0]}?cursor=${cursor}`, { token: adminToken });
      expect(answer.status, JSON.stringify(crafted)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_cursor');
    }
    // A cursor of one list is not one of another's.
    const escalationCursor = encodeCursor('escalations', [0, 1, 'esc_1']);
    const res = await http('GET', `/v1/contracts?cursor=${escalationCursor}`, { token: adminToken });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_cursor');
  });
});

describe("a village's escalation pages", () => {
  let database: TestDatabase;
  let escalations: EscalationService;
  const village: Actor = { userId: 'usr_va', organizationId: 'org_va', roles: ['village_liaison'] };
  /** Every escalation the test wrote: its id, severity rank, instant and whether village A may see it. */
  let rows: Array<{ id: string; rank: number; micros: number; mine: boolean }>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    await db.execute(sql`
      insert into organizations (id, name, kind, created_at) values
        ('org_p', 'Bureau', 'purchaser', now()), ('org_payer', 'Finance', 'payer', now()), ('org_c', 'NGO', 'contractor', now()),
        ('org_e', 'Evaluator', 'evaluator', now()), ('org_va', 'Village A', 'village', now()), ('org_vb', 'Village B', 'village', now())`);
    await db.execute(sql`
      insert into contracts (id, workflow_id, title, status, value_fen, received_fen, purchaser_id, payer_id, contractor_id, evaluator_id,
        party_organization_ids, definition, schedule_version, amendments, announced, created_by, created_at, revision)
      values ('cv', 'contract-cv', 'Villages', 'active', 100, 0, 'org_p', 'org_payer', 'org_c', 'org_e', array['org_p','org_payer','org_c','org_e','org_va','org_vb'],
        ${JSON.stringify({ tranches: [], checkpoints: [], stations: [{ id: 's1', villages: ['org_va', 'org_vb'] }] })}::jsonb, 1, '[]'::jsonb, '{}'::jsonb, 'usr_seed', now(), 1)`);
    // 120 steps: most are village B's material requests (hidden from A), some A's, some the contract's own;
    // several opened in the same instant (a batch), severities mixed.
    const kinds = (i: number) => (i % 7 === 0 ? 'mine' : i % 11 === 0 ? 'contract' : 'other');
    for (let i = 0; i < 120; i++) {
      const kind = kinds(i);
      const reference = kind === 'contract' ? 't1' : stepReference([`mr${i}`, kind === 'mine' ? 'org_va' : 'org_vb']);
      await db.execute(sql`
        insert into escalations (id, contract_id, step_id, step_kind, step_reference, level, severity, notified_parties, notified_organization_ids,
          state, summary, due_at, opened_at, version)
        values (${`esc_${String(i).padStart(3, '0')}`}, 'cv', ${`step_${i}`}, ${kind === 'contract' ? 'trancheOverdue' : 'materialRequestOverdue'}, ${reference}, 1,
          ${(['critical', 'warning', 'info'] as const)[i % 3]}, array['payer'], array['org_payer'], 'open', '{"en":"x","zh-CN":"x"}'::jsonb,
          now(), timestamptz '2024-01-01' + ${Math.floor(i / 4)} * interval '1 minute', 1)`);
    }
    const written = rowsOf(
      await db.execute(
        sql`select id, severity, (extract(epoch from opened_at) * 1000000)::bigint as micros, step_kind, step_reference from escalations`,
      ),
    );
    rows = written
      .map((r) => ({
        id: String(r.id),
        rank: SEVERITIES_MOST_URGENT_FIRST.indexOf(r.severity as Severity),
        micros: Number(r.micros),
        mine: r.step_kind !== 'materialRequestOverdue' || referenceParts(String(r.step_reference))?.[1] === 'org_va',
      }))
      .sort((a, b) => a.rank - b.rank || a.micros - b.micros || (a.id < b.id ? -1 : 1));
    escalations = new EscalationService(db, offlineTemporalClient() as Client, () => NOW);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('walks exactly the village’s own steps, in order, and no cursor names another village’s step', async () => {
    const expected = rows.filter((r) => r.mine).map((r) => r.id);
    const hidden = new Set(rows.filter((r) => !r.mine).map((r) => r.id));
    for (const limit of [1, 2, 3, 5, 8, 50]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 200; page++) {
        const answer = await escalations.list(village, { limit, cursor });
        seen.push(...answer.items.map((i: { id: string }) => i.id));
        if (!answer.nextCursor) break;
        const position = JSON.parse(Buffer.from(answer.nextCursor, 'base64url').toString('utf8')) as unknown[];
        expect(hidden.has(String(position[3])), `limit ${limit}: ${JSON.stringify(position)}`).toBe(false);
        cursor = answer.nextCursor;
      }
      expect(seen, `limit ${limit}`).toEqual(expected);
    }
  });
});
