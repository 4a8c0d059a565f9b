// Where webhooks may go: public unicast over https only, unless the operator's allow-list says
// otherwise; checked on the address the connection really uses; redirects never followed.
import http from 'node:http';
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup, postWebhook } from '../../activities/outbound';
import { refusedTarget } from '../../api/services/webhooks';
import { NO_EXCEPTIONS, parseAllowList, refusedAddress, refusedUrl } from '../../domain/outbound';
import { loadConfig } from '../../server/config';

describe('webhook target rules', () => {
  it('refuses every non-public address family and form, and lets public unicast through', () => {
    const refused = [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '0.0.0.0',
      '::',
      '169.254.169.254',
      'fe80::1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.0.1',
      'fd12::3',
      '100.64.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::ffff:127.0.0.1',
      '::ffff:10.1.2.3',
      '::127.0.0.1',
      '::7f00:1',
      '::a00:1',
      '100::1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      '2001::1',
      '4000::1',
    ];
    for (const address of refused)
      expect(refusedAddress(address, NO_EXCEPTIONS), address).toMatch(/is a [\w-]+( IPv6)? address/);
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])
      expect(refusedAddress(address, NO_EXCEPTIONS), address).toBeUndefined();
  });

  it('lets no IPv6 address outside the global unicast block 2000::/3 through', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const address = groups.map((g) => g.toString(16)).join(':');
        const global = groups[0]! >= 0x2000 && groups[0]! <= 0x3fff;
        if (!global) expect(refusedAddress(address, NO_EXCEPTIONS), address).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('reads literal addresses in any form the URL parser accepts', () => {
    for (const url of [
      'https://2130706433/',
      'https://0x7f000001/',
      'https://0177.0.0.1/',
      'https://127.1/',
      'https://[::1]/',
      'https://[::ffff:7f00:1]/',
      'https://0/',
      'https://[::127.0.0.1]/',
    ]) {
      expect(refusedUrl(url, NO_EXCEPTIONS), url).toMatch(/is a [\w-]+( IPv6)? address/);
    }
    expect(refusedUrl('http://93.184.216.34/', NO_EXCEPTIONS)).toMatch(/must use https/);
    expect(refusedUrl('https://user:pw@93.184.216.34/', NO_EXCEPTIONS)).toMatch(/credentials/);
    expect(refusedUrl('ftp://93.184.216.34/', NO_EXCEPTIONS)).toMatch(/must use https/);
    expect(refusedUrl('https://93.184.216.34/', NO_EXCEPTIONS)).toBeUndefined();
  });

  it('lets the allow-list name hosts, addresses and ranges, and plain http for them only', () => {
    const { policy, problems } = parseAllowList(' receiver.internal, 10.0.3.0/24 ,127.0.0.1,[::1]');
    expect(problems).toEqual([]);
    expect(refusedUrl('http://10.0.3.7:8080/hook', policy)).toBeUndefined();
    expect(refusedUrl('https://10.0.4.7/hook', policy)).toMatch(/private/);
    expect(refusedUrl('http://127.0.0.1/hook', policy)).toBeUndefined();
    expect(refusedUrl('https://[::1]/hook', policy)).toBeUndefined();
    expect(refusedUrl('http://receiver.internal/hook', policy)).toBeUndefined();
    expect(refusedUrl('http://other.internal/hook', policy)).toMatch(/must use https/);
    expect(parseAllowList('10.0.0.0/99, not a host!').problems).toHaveLength(2);
    expect(() => loadConfig({ GRANTFLOW_WEBHOOK_ALLOW: '10.0.0.0/99' })).toThrow(/GRANTFLOW_WEBHOOK_ALLOW/);
  });

  it('refuses a name that resolves to a refused address, after resolution', async () => {
    const outcome = await new Promise<string>((resolve) =>
      guardedLookup(NO_EXCEPTIONS)('localhost', { all: true }, (error) =>
        resolve(error ? String(error.code) : 'connected'),
      ),
    );
    expect(outcome).toBe('EADDRNOTALLOWED');
    const allowed = await new Promise<string>((resolve) =>
      guardedLookup(parseAllowList('localhost').policy)('localhost', { all: true }, (error) =>
        resolve(error ? String(error.code) : 'connected'),
      ),
    );
    expect(allowed).toBe('connected');
  });

  it('judges a name at registration by what it resolves to, by the rule deliveries use', async () => {
    expect(await refusedTarget('https://localhost/hook', NO_EXCEPTIONS)).toMatch(
      /^localhost resolves to .* is a loopback address$/,
    );
    expect(await refusedTarget('http://localhost/hook', parseAllowList('localhost').policy)).toBeUndefined();
    expect(await refusedTarget('https://127.0.0.1/hook', NO_EXCEPTIONS)).toMatch(/loopback/);
    expect(await refusedTarget('https://grantflow.invalid/hook', NO_EXCEPTIONS)).toBe(
      'cannot be resolved (grantflow.invalid)',
    );
  });
});

describe('webhook delivery', () => {
  const hits: Array<{ method: string; url: string }> = [];
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push({ method: req.method!, url: req.url! });
      req.resume();
      if (req.url === '/moved') res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('never contacts a refused target', async () => {
    const outcome = await postWebhook(`${base}/hook`, {}, '{}', NO_EXCEPTIONS);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/refused/);
    const byName = await postWebhook(
      `http://localhost:${(server.address() as AddressInfo).port}/hook`,
      {},
      '{}',
      parseAllowList('127.0.0.2').policy,
    );
    expect(byName.ok).toBe(false);
    expect(hits).toEqual([]);
  });

  it('delivers to an allow-listed receiver, and treats a redirect as a failure without following it', async () => {
    const policy = parseAllowList('127.0.0.1').policy;
    expect(await postWebhook(`${base}/hook`, { 'content-type': 'application/json' }, '{"a":1}', policy)).toEqual({
      ok: true,
      status: 204,
    });
    const moved = await postWebhook(`${base}/moved`, {}, '{}', policy);
    expect(moved).toMatchObject({ ok: false, status: 301 });
    expect(moved.error).toMatch(/redirect not followed/);
    expect(hits).toEqual([
      { method: 'POST', url: '/hook' },
      { method: 'POST', url: '/moved' },
    ]);
  });
});
