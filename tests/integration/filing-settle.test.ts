// Rows left "filing" (a filing whose answer was lost) are settled from the contract's workflow when
// a read lists them (api/services/payment-clock-view contractApplications): one question per
// contract whatever its number of such rows, none past the read's deadline — so a worker or
// Temporal down slows a read by at most SETTLE_READ_MS, not by a wait per row or per contract
// (a hostile review measured 19 s for a detail with 4 such rows while the worker was down).
import type { WorkflowClient } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractApplications } from '../../api/services/payment-clock-view';
import { paymentApplications } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/** A workflow client whose queries never answer (its worker is down), honouring the deadline as gRPC does. */
function silentWorkflows() {
  const asked: string[] = [];
  const workflows = {
    withDeadline: <T>(deadline: number, fn: () => Promise<T>) =>
      Promise.race([
        fn(),
        new Promise<T>((_, reject) =>
          setTimeout(() => reject(new Error('DEADLINE_EXCEEDED')), Math.max(0, deadline - Date.now())),
        ),
      ]),
    getHandle: (workflowId: string) => ({
      query: () => {
        asked.push(workflowId);
        return new Promise(() => {});
      },
    }),
  } as unknown as WorkflowClient;
  return { workflows, asked };
}

describe('rows left "filing" on a read', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    for (const contractId of ['C-1', 'C-2'])
      for (let i = 0; i < 4; i++)
        await db.insert(paymentApplications).values({
          id: `pa_${contractId}_${i}`,
          contractId,
          tranche: 't1',
          amountFen: 100,
          invoiceNumber: `INV-${i}`,
          invoiceDate: '2026-12-01',
          attachments: [],
          status: 'filing',
          filedBy: 'usr_staff',
        });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('asks the workflow once per contract, and not at all past the deadline', async () => {
    const { workflows, asked } = silentWorkflows();
    const sources = { db: database.handle.db, workflows };
    // One read's deadline shared by two contracts (the payer's overdue list): the first contract's
    // question uses it up, the second is not asked.
    const deadline = Date.now() + 300;
    const first = await contractApplications(sources, 'C-1', deadline);
    const second = await contractApplications(sources, 'C-2', deadline);
    expect(first.map((r) => r.status)).toEqual(['filing', 'filing', 'filing', 'filing']);
    expect(second.map((r) => r.status)).toEqual(['filing', 'filing', 'filing', 'filing']);
    expect(asked).toHaveLength(1);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
  });
});
