// The calendar as activities: what a contract's workflow reads (recorded in its history, so a later
// publication reaches contracts started after it) and the open contracts a publication's fan-out
// signals. The data itself: db/calendar.ts.
import { and, asc, eq, gt, gte } from 'drizzle-orm';
import { calendarInForce } from '../db/calendar';
import type { Database } from '../db/client';
import { contracts } from '../db/schema';
import type { WorkingCalendar } from '../domain/calendar';

export function createCalendarActivities(deps: { db: Database }) {
  return {
    /** Calendar data for a span of years; its result is recorded in the calling workflow's history. */
    async workingCalendar(input: { fromYear: number; toYear: number }): Promise<WorkingCalendar> {
      return calendarInForce(deps.db, input.fromYear, input.toYear);
    },
    /**
     * One page of the ids of active contracts (the read model), ascending, after `afterId`
     * (keyset): what a publication's fan-out signals. At most `limit` ids (1..500). With
     * `createdSince` (ISO instant), only contracts registered since then.
     */
    async openContractIds(input: { afterId?: string; limit: number; createdSince?: string }): Promise<string[]> {
      const limit = Math.min(Math.max(1, Math.trunc(input.limit)), 500);
      const rows = await deps.db
        .select({ id: contracts.id })
        .from(contracts)
        .where(
          and(
            eq(contracts.status, 'active'),
            input.afterId === undefined ? undefined : gt(contracts.id, input.afterId),
            input.createdSince === undefined ? undefined : gte(contracts.createdAt, new Date(input.createdSince)),
          ),
        )
        .orderBy(asc(contracts.id))
        .limit(limit);
      return rows.map((r) => r.id);
    },
  };
}
