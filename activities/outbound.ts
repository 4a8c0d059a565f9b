// Where grantflow may send webhooks. A webhook URL is chosen by an administrator, but the request
// leaves from inside the operator's network: without a rule it reaches the cloud metadata service
// (169.254.169.254), the database on loopback or anything on a private range (server-side request
// forgery, OWASP API7:2023). The rule is checked when a webhook is registered and again on every
// delivery, after the name is resolved, on the very address the connection uses (so a name that
// resolves elsewhere later — DNS rebinding — is caught too).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';

/** Targets an operator allows although they are loopback, private or plain http (GRANTFLOW_WEBHOOK_ALLOW). */
export interface OutboundPolicy {
  /** Host names, exactly as in the URL (lower case). */
  hosts: string[];
  /** Address ranges, as [address, prefix length]. */
  ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

export const NO_EXCEPTIONS: OutboundPolicy = { hosts: [], ranges: [] };

/**
 * Parses the allow-list: comma-separated host names, IP addresses or CIDR ranges
 * (`receiver.internal, 10.0.3.0/24, 127.0.0.1`). Returns the problems of entries it cannot read.
 */
export function parseAllowList(text: string | undefined): { policy: OutboundPolicy; problems: string[] } {
  const policy: OutboundPolicy = { hosts: [], ranges: [] };
  const problems: string[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes('/')) {
      try {
        policy.ranges.push(ipaddr.parseCIDR(entry));
      } catch {
        problems.push(`"${entry}" is not a CIDR range`);
      }
    } else if (ipaddr.isValid(entry.replace(/^\[|\]$/g, ''))) {
      const address = ipaddr.parse(entry.replace(/^\[|\]$/g, ''));
      policy.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9.-]{0,252})$/.test(entry)) {
      policy.hosts.push(entry);
    } else {
      problems.push(`"${entry}" is neither a host name, an IP address nor a CIDR range`);
    }
  }
  return { policy, problems };
}

/** IPv4 inside IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it carries. */
function normalized(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

function allowListed(address: ipaddr.IPv4 | ipaddr.IPv6, policy: OutboundPolicy): boolean {
  return policy.ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits));
}

/**
 * Why an address may not be reached, or undefined when it may: only public unicast addresses pass
 * (loopback, link-local, private, unique-local, unspecified, multicast, reserved and the like do
 * not), unless the allow-list names the address or a range holding it.
 */
export function refusedAddress(address: string, policy: OutboundPolicy): string | undefined {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  const parsed = normalized(address);
  if (allowListed(parsed, policy)) return undefined;
  const range = parsed.range();
  if (range !== 'unicast') return `${parsed.toString()} is a ${range} address`;
  // ipaddr.js calls every IPv6 address outside its named ranges unicast, including the deprecated
  // IPv4-compatible ::/96 (::127.0.0.1 reaches loopback on some stacks); only the global unicast
  // block 2000::/3 (RFC 4291 §2.4) is public.
  if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_V6)) return `${parsed.toString()} is a non-global IPv6 address`;
  return undefined;
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * Why a webhook URL may not be used, judged without resolving its name: the scheme (https, or http
 * for an allow-listed host), credentials in the URL, and a literal address (the URL parser has
 * already turned forms like `http://2130706433/` into `127.0.0.1`).
 */
export function refusedUrl(text: string, policy: OutboundPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  const host = hostOf(url);
  const hostAllowed = policy.hosts.includes(host) || (ipaddr.isValid(host) && allowListed(normalized(host), policy));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && hostAllowed)) {
    return 'must use https (plain http only for a host on GRANTFLOW_WEBHOOK_ALLOW)';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (ipaddr.isValid(host)) return refusedAddress(host, policy);
  return undefined;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that resolves the name and refuses the connection when any
 * address it resolves to is refused — unless the host name itself is allow-listed. The connection
 * then goes to an address this check saw.
 */
export function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number } | number, callback: LookupCallback): void => {
    const family = typeof options === 'number' ? options : (options.family ?? 0);
    const all = typeof options === 'object' && options.all === true;
    dnsLookup(hostname, { all: true, family }, (error, addresses) => {
      if (error) return callback(error, all ? [] : '');
      const host = hostname.toLowerCase();
      if (!policy.hosts.includes(host)) {
        for (const { address } of addresses) {
          const refused = refusedAddress(address, policy);
          if (refused) {
            const denied: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${refused}; not sent`);
            denied.code = 'EADDRNOTALLOWED';
            return callback(denied, all ? [] : '');
          }
        }
      }
      if (all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}

/** Resolves a webhook's host at registration and says why it may not be used, if so. */
export async function refusedTarget(text: string, policy: OutboundPolicy): Promise<string | undefined> {
  const syntactic = refusedUrl(text, policy);
  if (syntactic) return syntactic;
  const host = hostOf(new URL(text));
  if (ipaddr.isValid(host) || policy.hosts.includes(host)) return undefined;
  return new Promise((resolve) => {
    guardedLookup(policy)(host, { all: true }, (error) => {
      if (!error) return resolve(undefined);
      resolve(error.code === 'EADDRNOTALLOWED' ? error.message.replace(/; not sent$/, '') : `cannot be resolved (${host})`);
    });
  });
}

/**
 * POSTs `body` to a webhook under the policy: refused targets are not contacted, and redirects are
 * never followed (a 3xx is a failed delivery: following one would turn the signed POST into a GET
 * to wherever the receiver points).
 */
export async function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  policy: OutboundPolicy,
  timeoutMs = 10_000,
): Promise<{ ok: boolean; status?: number; error?: string }> {
  const refused = refusedUrl(target, policy);
  if (refused) return { ok: false, error: `refused: ${target} ${refused}` };
  const url = new URL(target);
  const { request } = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(policy) as never,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          resolve({ ok: false, status, error: `HTTP ${status}: redirect not followed${res.headers.location ? ` (to ${res.headers.location})` : ''}` });
        } else resolve({ ok: status >= 200 && status < 300, status });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, error: error.message }));
    req.end(body);
  });
}
