// Where grantflow may send webhooks. A webhook URL is chosen by an administrator, but the request
// leaves from inside the operator's network: without a rule it reaches the cloud metadata service
// (169.254.169.254), the database on loopback or anything on a private range (server-side request
// forgery, OWASP API7:2023). The rule, here, is checked when a webhook is registered (the API,
// api/services/webhooks.ts) and again on every delivery (activities/outbound.ts), after the name is
// resolved, on the very address the connection uses (so a name that resolves elsewhere later — DNS
// rebinding — is caught too). Pure: the callers resolve names.
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
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
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
  if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_V6))
    return `${parsed.toString()} is a non-global IPv6 address`;
  return undefined;
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** The host a URL names, as the rule compares it: lower case, an IPv6 address without brackets. */
export function urlHost(url: URL): string {
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
  const host = urlHost(url);
  const hostAllowed = policy.hosts.includes(host) || (ipaddr.isValid(host) && allowListed(normalized(host), policy));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && hostAllowed)) {
    return 'must use https (plain http only for a host on GRANTFLOW_WEBHOOK_ALLOW)';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (ipaddr.isValid(host)) return refusedAddress(host, policy);
  return undefined;
}

/**
 * Whether a check must resolve `host` (a URL's, as urlHost gives it) to judge it: not for a literal
 * address (refusedUrl judged it) nor for an allow-listed name.
 */
export function needsResolution(host: string, policy: OutboundPolicy): boolean {
  return !ipaddr.isValid(host) && !policy.hosts.includes(host);
}

/**
 * Why `hostname`, resolved to `addresses`, may not be reached — the first address refused, as
 * "<hostname> resolves to <why>" — or undefined when every address may be, or the host name itself
 * is allow-listed (whatever it resolves to).
 */
export function refusedResolution(
  hostname: string,
  addresses: readonly string[],
  policy: OutboundPolicy,
): string | undefined {
  if (policy.hosts.includes(hostname.toLowerCase())) return undefined;
  for (const address of addresses) {
    const refused = refusedAddress(address, policy);
    if (refused) return `${hostname} resolves to ${refused}`;
  }
  return undefined;
}
