// The inbox: notifications addressed to the caller's organization, newest first.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { notifications } from '../../db/schema';
import type { Severity } from '../../domain/notices';
import type { Actor } from '../../domain/organizations';

export class InboxService {
  constructor(private readonly db: Database) {}

  async list(actor: Actor, page: { before?: number; limit: number }) {
    if (!actor.organizationId) return { items: [], next: null };
    const rows = await this.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.organizationId, actor.organizationId),
          page.before !== undefined ? lt(notifications.id, page.before) : undefined,
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(page.limit);
    return {
      items: rows.map((n) => ({
        id: n.id,
        kind: n.kind,
        severity: n.severity as Severity,
        contractId: n.contractId,
        subject: n.subject as { en: string; 'zh-CN': string },
        body: n.body as { en: string; 'zh-CN': string },
        createdAt: n.createdAt.toISOString(),
      })),
      next: rows.length === page.limit ? rows[rows.length - 1]!.id : null,
    };
  }
}
