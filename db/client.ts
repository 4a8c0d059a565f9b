// Database factory: PostgreSQL through postgres.js when a URL is given, else embedded PGlite
// (persisted under the data directory, or in memory for tests). One schema, one migration history.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** The handle `db.transaction(...)` gives its callback. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** The embedded instance when this process holds it (the engine serves it to its worker: server/pglite-bridge.ts). */
  pglite?: PGlite;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = path.resolve(__dirname, 'migrations');

// Any constant works; it only has to be the same in every grantflow process.
const MIGRATION_LOCK = 7_461_202_301;

export type DatabaseTarget = { url: string } | { dataDir: string } | { memory: true };

export function openDatabase(target: DatabaseTarget): DatabaseHandle {
  if ('url' in target) {
    const client = postgres(target.url, { max: 10, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      async migrate() {
        // api and worker may start together: serialize their migrators on an advisory lock.
        const lockHolder = await client.reserve();
        try {
          await lockHolder`select pg_advisory_lock(${MIGRATION_LOCK})`;
          await migratePostgres(drizzlePostgres(client), { migrationsFolder });
        } finally {
          await lockHolder`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
          lockHolder.release();
        }
      },
      async ping() {
        await db.execute(sql`select 1`);
      },
      close: () => client.end({ timeout: 5 }),
    };
  }

  let pglite: PGlite;
  if ('dataDir' in target) {
    const dir = path.join(target.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    pglite = new PGlite(dir);
  } else {
    pglite = new PGlite();
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    pglite,
    async migrate() {
      await migratePglite(drizzlePglite(pglite), { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close: () => pglite.close(),
  };
}
