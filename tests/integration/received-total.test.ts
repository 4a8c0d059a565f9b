// The contract row's total received is its ledger's sum, also when projections with entries commit
// together out of revision order (two workers, a burst of payments): each totals the ledger after
// the other's commit, never beside it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createContractActivities, type ContractProjection } from '../../activities/contracts';
import { relativeContract } from '../fixtures/relative-contract';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

// One connection (PGlite) runs transactions one after another: the race needs PostgreSQL.
it.runIf(process.env.DATABASE_URL)('projections committing together each total the whole ledger', async () => {
  const { projectContract } = createContractActivities({ db: database.handle.db });
  const snapshot = (revision: number, receivedFen: number): ContractProjection['snapshot'] => ({
    status: 'active',
    createdBy: 'usr_race',
    createdAt: new Date().toISOString(),
    revision,
    scheduleVersion: 1,
    announced: {},
    receivedFen,
  });
  const payment = (reference: string) => ({
    reference,
    kind: 'payment' as const,
    amountFen: 100,
    receivedOn: '2026-01-05',
    fundingSource: 'fiscal' as const,
    recordedBy: 'usr_race',
    recordedAt: new Date().toISOString(),
  });
  for (let trial = 0; trial < 10; trial++) {
    const id = `race-${trial}`;
    await projectContract({
      contractId: id,
      snapshot: { ...snapshot(1, 0), contract: relativeContract(Date.now(), id) },
      entries: [],
      events: [],
      notices: [],
    });
    // A later revision committed first: the older ones below skip the row's guarded update.
    await projectContract({ contractId: id, snapshot: snapshot(10, 500), entries: [], events: [], notices: [] });
    await Promise.all(
      [2, 3, 4, 5, 6].map((revision) =>
        projectContract({
          contractId: id,
          snapshot: snapshot(revision, (revision - 1) * 100),
          entries: [payment(`P-${revision}`)],
          events: [],
          notices: [],
        }),
      ),
    );
    const [row] = (await database.handle.db.execute(
      sql`select received_fen::int as received, (select sum(amount_fen)::int from ledger_entries where contract_id = ${id}) as total from contracts where id = ${id}`,
    )) as unknown as Array<{ received: number; total: number }>;
    expect(row).toEqual({ received: 500, total: 500 });
  }
});
