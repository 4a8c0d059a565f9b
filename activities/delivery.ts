// Delivers a notification outside the app: a signed webhook to each endpoint of the notified
// organization, and an e-mail to each of its users with an address when SMTP is configured.
// Every target gets a row in the delivery log; a target already delivered is never sent again, so
// an activity retry or a worker restart sends nothing twice. A failed target fails the activity,
// and Temporal retries it with backoff.
import type { Text } from '../domain/languages';
import type { DeliveryChannel, DeliveryStatus } from '../domain/notices';
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Database } from '../db/client';
import { deliveries, notifications, users, webhookEndpoints } from '../db/schema';
import { NO_EXCEPTIONS, type OutboundPolicy } from '../domain/outbound';
import { postWebhook } from './outbound';

export const SIGNATURE_HEADER = 'x-grantflow-signature';
export const DELIVERY_HEADER = 'x-grantflow-delivery';

export interface DeliveryDeps {
  db: Database;
  /** smtp://user:pass@host:port; unset → no e-mail. */
  smtpUrl?: string;
  mailFrom?: string;
  /** Private or loopback webhook targets the operator allows (GRANTFLOW_WEBHOOK_ALLOW); default none. */
  outbound?: OutboundPolicy;
}

/** `sha256=<hex>` of the body under the endpoint's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

type NotificationRow = typeof notifications.$inferSelect;

function webhookBody(deliveryId: string, n: NotificationRow): string {
  return JSON.stringify({
    delivery: deliveryId,
    notification: {
      id: n.id,
      kind: n.kind,
      severity: n.severity,
      contractId: n.contractId,
      escalationId: n.escalationId,
      organizationId: n.organizationId,
      subject: n.subject,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
    },
  });
}

export function createDeliveryActivities(deps: DeliveryDeps) {
  const transport = deps.smtpUrl ? nodemailer.createTransport(deps.smtpUrl) : undefined;

  /** Runs `send` for one target unless already delivered, logging the outcome. */
  async function attempt(
    target: { id: string; notification: NotificationRow; channel: DeliveryChannel; address: string },
    send: () => Promise<{ ok: boolean; status?: number; error?: string }>,
  ): Promise<string | undefined> {
    const [existing] = await deps.db.select().from(deliveries).where(eq(deliveries.id, target.id));
    if (existing?.status === 'delivered') return undefined;
    let outcome: { ok: boolean; status?: number; error?: string };
    try {
      outcome = await send();
    } catch (error) {
      outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const status: DeliveryStatus = outcome.ok ? 'delivered' : 'failed';
    const row = {
      status,
      lastError: outcome.ok ? null : (outcome.error ?? `HTTP ${outcome.status}`),
      responseStatus: outcome.status ?? null,
      deliveredAt: outcome.ok ? new Date() : null,
      updatedAt: new Date(),
    };
    await deps.db
      .insert(deliveries)
      .values({
        id: target.id,
        notificationId: target.notification.id,
        organizationId: target.notification.organizationId,
        channel: target.channel,
        target: target.address,
        attempts: 1,
        ...row,
      })
      .onConflictDoUpdate({ target: deliveries.id, set: { ...row, attempts: sql`${deliveries.attempts} + 1` } });
    return outcome.ok ? undefined : `${target.channel} ${target.address}: ${row.lastError}`;
  }

  return {
    async deliverNotification(input: { notificationId: number }): Promise<void> {
      const [n] = await deps.db.select().from(notifications).where(eq(notifications.id, input.notificationId));
      if (!n) return;
      const failures: string[] = [];

      const endpoints = await deps.db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.organizationId, n.organizationId));
      for (const endpoint of endpoints) {
        const id = `${n.id}.webhook.${endpoint.id}`;
        const body = webhookBody(id, n);
        const failure = await attempt({ id, notification: n, channel: 'webhook', address: endpoint.url }, () =>
          postWebhook(
            endpoint.url,
            {
              'content-type': 'application/json',
              [SIGNATURE_HEADER]: signBody(endpoint.secret, body),
              [DELIVERY_HEADER]: id,
            },
            body,
            deps.outbound ?? NO_EXCEPTIONS,
          ),
        );
        if (failure) failures.push(failure);
      }

      if (transport) {
        const recipients = await deps.db
          .select({ id: users.id, email: users.email })
          .from(users)
          .where(and(eq(users.organizationId, n.organizationId), isNotNull(users.email)));
        const subject = n.subject as Text;
        const text = n.body as Text;
        for (const user of recipients) {
          const id = `${n.id}.email.${user.id}`;
          const failure = await attempt({ id, notification: n, channel: 'email', address: user.email! }, async () => {
            await transport.sendMail({
              from: deps.mailFrom ?? 'grantflow <noreply@grantflow.local>',
              to: user.email!,
              subject: `${subject['zh-CN']} / ${subject.en}`,
              text: `${text['zh-CN']}\n\n${text.en}\n`,
              headers: { [DELIVERY_HEADER]: id },
            });
            return { ok: true };
          });
          if (failure) failures.push(failure);
        }
      }

      if (failures.length > 0) {
        throw ApplicationFailure.retryable(
          `Delivery failed for ${failures.length} target(s): ${failures.join('; ')}`,
          'DeliveryFailed',
        );
      }
    },
  };
}
