// The contract list's queries (issue 19), apart so tests can read their plans: an organization's
// contracts through contract_parties (organization, created_at, contract), an administrator's
// through contracts (created_at, id); each page a Limit over an index scan in the list's order.
import { and, asc, eq, gt, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { contractParties, contracts } from '../../db/schema';
import { isAdmin, type Actor } from '../../domain/organizations';
import type { ContractStatus } from '../../domain/status';
import { atMicros, beyond, MAX_COUNTED, microsOf } from './cursor';

/**
 * Overdue at `at` as the read model stores it: arrears_from (domain/status arrearsFrom) at or
 * before `at` — the same instant comparison as the summary's `arrears > 0`.
 */
function overdueIs(
  arrearsFrom: typeof contracts.arrearsFrom | typeof contractParties.arrearsFrom,
  overdue: boolean | undefined,
  at: Date,
): SQL | undefined {
  if (overdue === undefined) return undefined;
  return overdue ? and(isNotNull(arrearsFrom), lte(arrearsFrom, at)) : or(isNull(arrearsFrom), gt(arrearsFrom, at));
}

/**
 * `page`: rows (the contract row and its created_at in microseconds, the cursor's position) in the
 * list's order after `position`, to be limited and offset by the caller. `counted`: the filtered
 * rows up to MAX_COUNTED + 1 (one more tells whether there are more), a subquery to count.
 */
export function contractsPageQuery(
  db: Database,
  actor: Actor,
  filter: { status?: ContractStatus; overdue?: boolean },
  now: number,
  position?: readonly [number, string],
) {
  const at = new Date(now);
  const one = sql<number>`1`.as('one');
  if (isAdmin(actor)) {
    const filters = [
      filter.status ? eq(contracts.status, filter.status) : undefined,
      overdueIs(contracts.arrearsFrom, filter.overdue, at),
    ];
    const after = position
      ? beyond([contracts.createdAt, contracts.id], [atMicros(position[0]), position[1]])
      : undefined;
    return {
      page: db
        .select({ row: contracts, createdMicros: microsOf(contracts.createdAt).as('created_micros') })
        .from(contracts)
        .where(and(...filters, after))
        .orderBy(asc(contracts.createdAt), asc(contracts.id))
        .$dynamic(),
      counted: db
        .select({ one })
        .from(contracts)
        .where(and(...filters))
        .limit(MAX_COUNTED + 1)
        .as('counted'),
    };
  }
  const filters = [
    eq(contractParties.organizationId, actor.organizationId ?? ''),
    filter.status ? eq(contractParties.status, filter.status) : undefined,
    overdueIs(contractParties.arrearsFrom, filter.overdue, at),
  ];
  const after = position
    ? beyond([contractParties.createdAt, contractParties.contractId], [atMicros(position[0]), position[1]])
    : undefined;
  return {
    page: db
      .select({ row: contracts, createdMicros: microsOf(contractParties.createdAt).as('created_micros') })
      .from(contractParties)
      .innerJoin(contracts, eq(contracts.id, contractParties.contractId))
      .where(and(...filters, after))
      .orderBy(asc(contractParties.createdAt), asc(contractParties.contractId))
      .$dynamic(),
    counted: db
      .select({ one })
      .from(contractParties)
      .where(and(...filters))
      .limit(MAX_COUNTED + 1)
      .as('counted'),
  };
}
