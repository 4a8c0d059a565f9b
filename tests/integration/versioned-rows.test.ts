// A read-model row a workflow rewrites (db/versioned-rows upsertNewerVersion) only moves forward:
// a retried or late projection of an older version — or of the same one — leaves a newer row as it
// is, whatever order the versions arrive in.
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepDelays } from '../../db/schema';
import { upsertNewerVersion } from '../../db/versioned-rows';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

describe('versioned read-model rows', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  const delay = (stepId: string, version: number): typeof stepDelays.$inferInsert & { version: number } => ({
    stepId,
    contractId: 'C-1',
    stepKind: 'trancheOverdue',
    stepReference: 't1',
    holderParty: 'payer',
    holderOrganizationId: null,
    since: new Date('2026-01-01T00:00:00Z'),
    resolvedAt: null,
    // What the version wrote, to see which one stands.
    workingDays: version,
    version,
  });

  it('keeps the highest version written, in any order of arrival and with repeats', async () => {
    const db = database.handle.db;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }), async (versions) => {
        const stepId = `step-${run++}`;
        for (const version of versions) {
          await db.transaction((tx) => upsertNewerVersion(tx, stepDelays, 'stepId', delay(stepId, version)));
        }
        const [row] = await db.select().from(stepDelays).where(eq(stepDelays.stepId, stepId));
        expect({ version: row!.version, workingDays: row!.workingDays }).toEqual({
          version: Math.max(...versions),
          workingDays: Math.max(...versions),
        });
      }),
      { numRuns: 40 },
    );
  });
});
