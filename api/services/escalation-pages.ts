// The escalation list's query for one severity (issue 19), apart so tests can read its plan:
// an organization's through escalation_parties (organization, severity, opened_at, escalation),
// an administrator's through escalations (severity, opened_at, id), one contract's through
// escalations by contract; each a Limit over an index scan in the list's order.
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { escalationParties, escalations } from '../../db/schema';
import { isAdmin, type Actor } from '../../domain/organizations';
import type { EscalationState } from '../../domain/escalation';
import type { Severity } from '../../domain/severity';
import { atMicros, beyond, microsOf } from './cursor';

/**
 * Rows (the escalation and its opened_at in microseconds, the cursor's position) of `severity` in
 * the order (opened_at, id) after `after`, to be limited by the caller. Visibility of a contract's
 * escalations is checked by the caller before; otherwise it is the actor's organization's rows.
 */
export function escalationsPageQuery(
  db: Database,
  actor: Actor,
  filter: { severity: Severity; status?: EscalationState; contractId?: string },
  after?: readonly [number, string],
) {
  if (filter.contractId || isAdmin(actor)) {
    return db
      .select({ row: escalations, openedMicros: microsOf(escalations.openedAt).as('opened_micros') })
      .from(escalations)
      .where(
        and(
          filter.contractId ? eq(escalations.contractId, filter.contractId) : undefined,
          filter.status ? eq(escalations.state, filter.status) : undefined,
          eq(escalations.severity, filter.severity),
          after ? beyond([escalations.openedAt, escalations.id], [atMicros(after[0]), after[1]]) : undefined,
        ),
      )
      .orderBy(asc(escalations.openedAt), asc(escalations.id))
      .$dynamic();
  }
  return db
    .select({ row: escalations, openedMicros: microsOf(escalationParties.openedAt).as('opened_micros') })
    .from(escalationParties)
    .innerJoin(escalations, eq(escalations.id, escalationParties.escalationId))
    .where(
      and(
        eq(escalationParties.organizationId, actor.organizationId ?? ''),
        filter.status ? eq(escalationParties.state, filter.status) : undefined,
        eq(escalationParties.severity, filter.severity),
        after
          ? beyond([escalationParties.openedAt, escalationParties.escalationId], [atMicros(after[0]), after[1]])
          : undefined,
      ),
    )
    .orderBy(asc(escalationParties.openedAt), asc(escalationParties.escalationId))
    .$dynamic();
}
