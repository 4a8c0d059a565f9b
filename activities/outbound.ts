// Webhook delivery under the outbound rule (domain/outbound.ts): the name is resolved and judged
// on every connection, on the very address the connection uses (so a name that resolves elsewhere
// later — DNS rebinding — is caught too), and redirects are never followed.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { refusedResolution, refusedUrl, type OutboundPolicy } from '../domain/outbound';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that resolves the name and refuses the connection (error code
 * EADDRNOTALLOWED) when any address it resolves to is refused — unless the host name itself is
 * allow-listed. The connection then goes to an address this check saw.
 */
export function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number } | number, callback: LookupCallback): void => {
    const family = typeof options === 'number' ? options : (options.family ?? 0);
    const all = typeof options === 'object' && options.all === true;
    dnsLookup(hostname, { all: true, family }, (error, addresses) => {
      if (error) return callback(error, all ? [] : '');
      const refused = refusedResolution(
        hostname,
        addresses.map((a) => a.address),
        policy,
      );
      if (refused) {
        const denied: NodeJS.ErrnoException = new Error(`${refused}; not sent`);
        denied.code = 'EADDRNOTALLOWED';
        return callback(denied, all ? [] : '');
      }
      if (all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
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
          resolve({
            ok: false,
            status,
            error: `HTTP ${status}: redirect not followed${res.headers.location ? ` (to ${res.headers.location})` : ''}`,
          });
        } else resolve({ ok: status >= 200 && status < 300, status });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, error: error.message }));
    req.end(body);
  });
}
