// Notifications leave the app: signed webhooks retried until delivered, e-mail over a real local
// SMTP server, a delivery log, and an inbox read state per user.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryActivities, DELIVERY_HEADER, signBody, SIGNATURE_HEADER } from '../../activities/delivery';
import { parseAllowList } from '../../domain/outbound';
import { deliveries } from '../../db/schema';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';
import { expectWorkerFailures } from '../helpers/expected-failures';

// Failures this file causes on purpose: not printed (tests/helpers/expected-failures.ts).
expectWorkerFailures(/Delivery failed for \d+ target/);

interface Received {
  delivery: string;
  signature: string;
  body: string;
  answered: number;
}

describe('notification delivery', () => {
  let stack: Stack;
  let parties: Parties;
  let receiver: http.Server;
  let smtp: SMTPServer;
  const received: Received[] = [];
  const mails: Array<{ to: string; data: string }> = [];
  let financeMailToken: string;

  beforeAll(async () => {
    // A receiver that is down for its first two requests.
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const answered = received.length < 2 ? 503 : 200;
        received.push({
          delivery: String(req.headers[DELIVERY_HEADER]),
          signature: String(req.headers[SIGNATURE_HEADER]),
          body,
          answered,
        });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));

    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk) => (data += chunk));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    // The receiver runs on loopback, which webhooks may reach only when the operator allows it.
    stack = await startStack({ smtpUrl: `smtp://127.0.0.1:${smtpPort}`, outbound: parseAllowList('127.0.0.1').policy });
    parties = await registerParties(stack.http, stack.adminToken);
    const user = await stack.http('POST', '/v1/users', {
      token: stack.adminToken,
      body: {
        name: 'Finance Head Zhao',
        organizationId: parties.orgs.payer,
        roles: ['finance_officer'],
        email: 'zhao@finance.example.cn',
      },
    });
    expect(user.body.email).toBe('zhao@finance.example.cn');
    financeMailToken = user.body.token;
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise((r) => receiver?.close(r));
    await new Promise((r) => smtp?.close(() => r(undefined)));
  });

  it('signs webhooks, retries a failing receiver until delivered once, and e-mails the payer', async () => {
    const webhook = await stack.http('POST', `/v1/organizations/${parties.orgs.payer}/webhooks`, {
      token: stack.adminToken,
      body: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/grantflow` },
    });
    expect(webhook.status).toBe(201);
    expect(webhook.body.secret).toMatch(/^whsec_/);
    expect(
      (
        await stack.http('POST', `/v1/organizations/${parties.orgs.payer}/webhooks`, {
          token: parties.tokens.finance,
          body: { url: 'http://x.test/' },
        })
      ).status,
    ).toBe(403);
    const listed = await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/webhooks`, {
      token: stack.adminToken,
    });
    expect(JSON.stringify(listed.body)).not.toContain(webhook.body.secret);

    // A backdated contract: its shortfall and overdue tranches escalate at once to the payer.
    const id = `notify-${Date.now()}`;
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }),
    });
    expect(created.status).toBe(201);

    const log = await eventually(
      () => stack.http('GET', `/v1/organizations/${parties.orgs.payer}/deliveries`, { token: parties.tokens.finance }),
      (res) => {
        const webhooks = res.body.items.filter((d: any) => d.channel === 'webhook');
        return webhooks.length >= 4 && webhooks.every((d: any) => d.status === 'delivered');
      },
      60_000,
    );
    const webhookLog = log.body.items.filter((d: any) => d.channel === 'webhook');
    // The receiver refused two requests; each was retried; every delivery succeeded exactly once.
    expect(received.filter((r) => r.answered === 503)).toHaveLength(2);
    const successes = received.filter((r) => r.answered === 200);
    expect(new Set(successes.map((r) => r.delivery)).size).toBe(successes.length);
    expect(successes.map((r) => r.delivery).sort()).toEqual(webhookLog.map((d: any) => d.id).sort());
    expect(webhookLog.reduce((sum: number, d: any) => sum + d.attempts, 0)).toBe(received.length);
    expect(webhookLog.some((d: any) => d.attempts > 1)).toBe(true);

    for (const r of received) {
      expect(r.signature).toBe(signBody(webhook.body.secret, r.body));
    }
    const payload = JSON.parse(successes[0]!.body);
    expect(payload.notification).toMatchObject({ organizationId: parties.orgs.payer, contractId: id });
    expect(payload.notification.subject['zh-CN']).toContain('督办');

    // E-mail, once per notification, to the payer's user with an address.
    const mailLog = await eventually(
      () => stack.http('GET', `/v1/organizations/${parties.orgs.payer}/deliveries`, { token: parties.tokens.finance }),
      (res) => res.body.items.filter((d: any) => d.channel === 'email' && d.status === 'delivered').length >= 4,
      30_000,
    );
    const emailed = mailLog.body.items.filter((d: any) => d.channel === 'email');
    expect(emailed.every((d: any) => d.target === 'zhao@finance.example.cn')).toBe(true);
    expect(mails.filter((m) => m.to === 'zhao@finance.example.cn')).toHaveLength(emailed.length);
    expect(mails[0]!.data).toMatch(/Subject:/);

    // A retried or replayed delivery (a worker restarted after sending) sends nothing again.
    const before = received.length;
    const mailsBefore = mails.length;
    const activities = createDeliveryActivities({
      db: stack.database.handle.db,
      smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      outbound: parseAllowList('127.0.0.1').policy,
    });
    for (const d of webhookLog) await activities.deliverNotification({ notificationId: d.notificationId });
    expect(received.length).toBe(before);
    expect(mails.length).toBe(mailsBefore);
    const rows = await stack.database.handle.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.organizationId, parties.orgs.payer));
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);

    // The delivery log is the payer's own business.
    expect(
      (
        await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/deliveries`, {
          token: parties.tokens.contractor,
        })
      ).status,
    ).toBe(403);
  });

  it('refuses webhooks to loopback, link-local, private and unspecified addresses and plain http', async () => {
    const targets = [
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/hook',
      'https://127.0.0.2/hook', // loopback, though 127.0.0.1 alone is allowed here
      'https://0.0.0.0/hook',
      'https://167772161/hook', // 10.0.0.1 written as one number
      'https://10.0.0.1/hook',
      'https://[::ffff:192.168.1.5]/hook',
      'https://[fd00::1]/hook',
      'http://93.184.216.34/hook',
    ];
    for (const url of targets) {
      const res = await stack.http('POST', `/v1/organizations/${parties.orgs.payer}/webhooks`, {
        token: stack.adminToken,
        body: { url },
      });
      expect(res.status, url).toBe(422);
      expect(res.body.error.details[0].field, url).toBe('url');
    }
    // The organization's webhooks did not change.
    const listed = await stack.http('GET', `/v1/organizations/${parties.orgs.payer}/webhooks`, {
      token: stack.adminToken,
    });
    expect(listed.body.items.map((w: any) => w.url).filter((u: string) => !u.startsWith('http://127.0.0.1:'))).toEqual(
      [],
    );
  });

  it('keeps an inbox read state per user', async () => {
    const unread = await stack.http('GET', '/v1/inbox?unread=true', { token: parties.tokens.finance });
    expect(unread.body.items.length).toBeGreaterThan(0);
    const first = unread.body.items[0];
    expect(first.readAt).toBeNull();
    expect(first.escalationId).toEqual(expect.any(String));

    const read = await stack.http('POST', `/v1/inbox/${first.id}/read`, { token: parties.tokens.finance });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: first.id, readAt: expect.any(String) });
    const again = await stack.http('POST', `/v1/inbox/${first.id}/read`, { token: parties.tokens.finance });
    expect(again.body.readAt).toBe(read.body.readAt);

    const stillUnread = await stack.http('GET', '/v1/inbox?unread=true', { token: parties.tokens.finance });
    expect(stillUnread.body.items.map((n: any) => n.id)).not.toContain(first.id);
    // A colleague in the same organization has not read it.
    const colleague = await stack.http('GET', '/v1/inbox?unread=true', { token: financeMailToken });
    expect(colleague.body.items.map((n: any) => n.id)).toContain(first.id);
    // Someone else's notification is not in your inbox.
    expect((await stack.http('POST', `/v1/inbox/${first.id}/read`, { token: parties.tokens.contractor })).status).toBe(
      404,
    );
  });
});
