// The one Drizzle schema. Migrations under db/migrations are generated from it (npm run db:generate).
import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    // null only for platform administrators, who belong to no party.
    organizationId: text('organization_id').references(() => organizations.id),
    roles: text('roles').array().notNull(),
    // sha256 of the bearer token; the token itself is never stored.
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('users_organization_idx').on(t.organizationId)],
);

// Append-only audit trail. Writers insert with ON CONFLICT (idempotency_key) DO NOTHING, so a
// retried activity or a replayed workflow never records the same fact twice.
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    kind: text('kind').notNull(),
    actorId: text('actor_id'),
    organizationId: text('organization_id'),
    contractId: text('contract_id'),
    payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('events_contract_idx').on(t.contractId, t.id)],
);
