// Outbound webhooks of organizations and the delivery log of their notifications.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { deliveries, webhookEndpoints } from '../../db/schema';
import type { DeliveryChannel, DeliveryStatus } from '../../domain/notices';
import { needsResolution, refusedResolution, refusedUrl, urlHost, type OutboundPolicy } from '../../domain/outbound';
import { isAdmin, type Actor } from '../../domain/organizations';
import { forbidden, notFound, unprocessable } from '../errors';
import type { IdentityService } from './identity';
import { newId } from './tokens';
import { say } from '../../domain/messages';
import { problem } from '../../domain/problems';

/**
 * Why a webhook URL may not be registered, or undefined: the outbound rule (domain/outbound.ts) on
 * the URL, then on every address its host name resolves to now (each delivery checks again).
 */
export async function refusedTarget(text: string, policy: OutboundPolicy): Promise<string | undefined> {
  const syntactic = refusedUrl(text, policy);
  if (syntactic) return syntactic;
  const host = urlHost(new URL(text));
  if (!needsResolution(host, policy)) return undefined;
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `cannot be resolved (${host})`;
  }
  return refusedResolution(host, addresses, policy);
}

export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly identity: IdentityService,
    private readonly outbound: OutboundPolicy,
  ) {}

  private async requireOrganization(id: string) {
    if (!(await this.identity.getOrganization(id))) throw notFound(say('organization_missing', { id }));
  }

  async create(organizationId: string, url: string) {
    await this.requireOrganization(organizationId);
    const refused = await refusedTarget(url, this.outbound);
    if (refused)
      throw unprocessable(say('webhook_refused', { url, why: refused }), [
        problem('url', 'webhook_target_refused', { why: refused }),
      ]);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const [row] = await this.db
      .insert(webhookEndpoints)
      .values({ id: newId('wh'), organizationId, url, secret })
      .returning();
    return { id: row!.id, organizationId, url, secret, createdAt: row!.createdAt.toISOString() };
  }

  async list(organizationId: string) {
    await this.requireOrganization(organizationId);
    const rows = await this.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.organizationId, organizationId));
    return { items: rows.map((r) => ({ id: r.id, organizationId, url: r.url, createdAt: r.createdAt.toISOString() })) };
  }

  /** The delivery log: visible to administrators and to the organization's own users. */
  async deliveries(actor: Actor, organizationId: string, limit: number) {
    if (!isAdmin(actor) && actor.organizationId !== organizationId) {
      throw forbidden(say('only_own_delivery_log'));
    }
    await this.requireOrganization(organizationId);
    const rows = await this.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.organizationId, organizationId))
      .orderBy(desc(deliveries.updatedAt))
      .limit(limit);
    return {
      items: rows.map((r) => ({
        id: r.id,
        notificationId: r.notificationId,
        channel: r.channel as DeliveryChannel,
        target: r.target,
        status: r.status as DeliveryStatus,
        attempts: r.attempts,
        lastError: r.lastError,
        responseStatus: r.responseStatus,
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
        updatedAt: r.updatedAt.toISOString(),
      })),
    };
  }
}
