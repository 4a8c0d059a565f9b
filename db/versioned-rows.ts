// Read-model rows a workflow rewrites as it changes (escalations, their step delays, submissions,
// material requests): each carries the projection's version, so a retried or late projection
// never overwrites a newer one.
import { sql, type InferInsertModel } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Transaction } from './client';

/**
 * Inserts `row`, or updates the row of the same `key` when its version is older than `row.version`
 * (equal or newer: left as it is).
 */
export async function upsertNewerVersion<
  T extends PgTable & { version: PgColumn },
  K extends keyof InferInsertModel<T> & keyof T,
>(tx: Transaction, table: T, key: K, row: InferInsertModel<T> & { version: number }): Promise<void> {
  const { [key]: _key, ...changes } = row;
  await tx
    .insert(table)
    .values(row)
    .onConflictDoUpdate({
      target: table[key] as PgColumn,
      set: changes as unknown as Partial<InferInsertModel<T>>,
      setWhere: sql`${table.version} < ${row.version}`,
    });
}
