// The inbox: notifications addressed to the caller's organization, newest first, each marked read
// or not for the calling user. Platform administrators belong to no organization: their inbox is
// ADMINISTRATORS_INBOX (e.g. "next year's official calendar is not published yet").
import type { Text } from '../../domain/languages';
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { notificationReads, notifications } from '../../db/schema';
import { isAdmin, type Actor } from '../../domain/organizations';
import { notFound } from '../errors';
import { say } from '../../domain/messages';

/** The organization id of the administrators' notices: no organization id can take this form (ids start with a letter or digit). */
export const ADMINISTRATORS_INBOX = '~administrators';

/** The inboxes an actor reads: its organization's, and the administrators' for an administrator. */
function inboxesOf(actor: Actor): string[] {
  return [...(actor.organizationId ? [actor.organizationId] : []), ...(isAdmin(actor) ? [ADMINISTRATORS_INBOX] : [])];
}

export class InboxService {
  constructor(private readonly db: Database) {}

  /**
   * One page of the actor's inbox, newest first: a Limit over notifications (organization, id)
   * (issue 19), apart so tests can read its plan.
   */
  pageQuery(actor: Actor, page: { before?: number; limit: number; unread?: boolean }) {
    // The caller's read marks looked up per row of the page (the reads' primary key), never by
    // scanning every read of everyone: correlated subqueries rather than a join the planner may hash.
    // A scalar subquery stays a per-row probe (NOT EXISTS would become an anti-join over all
    // reads), and "fewer than one read" is not guessed rare by the planner as "IS NULL" is, so
    // an unread page still walks the inbox's index in order.
    const mine = sql`${notificationReads.notificationId} = ${notifications.id} and ${notificationReads.userId} = ${actor.userId}`;
    const readAt = sql<Date | null>`(select ${notificationReads.readAt} from ${notificationReads} where ${mine})`;
    return this.db
      .select({ n: notifications, readAt: readAt.mapWith(notificationReads.readAt) })
      .from(notifications)
      .where(
        and(
          inArray(notifications.organizationId, inboxesOf(actor)),
          page.before !== undefined ? lt(notifications.id, page.before) : undefined,
          page.unread ? sql`(select count(*) from ${notificationReads} where ${mine}) < 1` : undefined,
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(page.limit);
  }

  async list(actor: Actor, page: { before?: number; limit: number; unread?: boolean }) {
    const inboxes = inboxesOf(actor);
    if (inboxes.length === 0) return { items: [], next: null };
    const rows = await this.pageQuery(actor, page);
    return {
      items: rows.map(({ n, readAt }) => ({
        id: n.id,
        kind: n.kind,
        severity: n.severity,
        contractId: n.contractId,
        escalationId: n.escalationId,
        subject: n.subject as Text,
        body: n.body as Text,
        createdAt: n.createdAt.toISOString(),
        readAt: readAt ? readAt.toISOString() : null,
      })),
      next: rows.length === page.limit ? rows[rows.length - 1]!.n.id : null,
    };
  }

  /** Marks one notification of the caller's inbox read (again: keeps the first time). */
  async markRead(actor: Actor, id: number) {
    const [n] = await this.db.select().from(notifications).where(eq(notifications.id, id));
    if (!n || !inboxesOf(actor).includes(n.organizationId)) throw notFound(say('not_in_inbox', { id }));
    await this.db.insert(notificationReads).values({ notificationId: id, userId: actor.userId }).onConflictDoNothing();
    const [read] = await this.db
      .select({ readAt: notificationReads.readAt })
      .from(notificationReads)
      .where(and(eq(notificationReads.notificationId, id), eq(notificationReads.userId, actor.userId)));
    return { id, readAt: read!.readAt.toISOString() };
  }
}
