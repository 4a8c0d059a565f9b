// Actor claims (domain/actor-claim.ts): the API's HMAC over (workflow id, update name, args).
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTOR_SECRET_MIN_LENGTH,
  CLAIM_LIFETIME_MS,
  claimText,
  signActorClaim,
  verifyActorClaim,
  type ClaimSubject,
} from '../../domain/actor-claim';
import { loadConfig } from '../../server/config';

const secret = 's'.repeat(ACTOR_SECRET_MIN_LENGTH);
const now = Date.UTC(2026, 0, 1);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const subject = fc.record({
  workflowId: fc.string({ minLength: 1, maxLength: 40 }),
  update: fc.string({ minLength: 1, maxLength: 20 }),
  args: fc.array(jsonValue, { maxLength: 3 }),
});

// Reverses the key order of every object: the same JSON value, other text.
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reordered(v)]),
    );
  }
  return value;
}

describe('actor claims', () => {
  it('is HMAC-SHA256 of the canonical text, as Node computes it', () => {
    fc.assert(
      fc.property(subject, fc.string({ minLength: 1, maxLength: 80 }), (s, key) => {
        const exp = now + CLAIM_LIFETIME_MS;
        const expected = createHmac('sha256', Buffer.from(key, 'utf8')).update(claimText(s, exp), 'utf8').digest('hex');
        expect(signActorClaim(key, s, now)).toEqual({ v: 1, exp, mac: expected });
      }),
    );
  });

  it('verifies after the JSON round trip through Temporal and in any key order', () => {
    fc.assert(
      fc.property(subject, (s) => {
        const claim = signActorClaim(secret, s, now);
        const travelled = JSON.parse(JSON.stringify({ ...s, args: reordered(s.args) })) as ClaimSubject;
        expect(verifyActorClaim(secret, travelled, JSON.parse(JSON.stringify(claim)), now + 1000)).toBeUndefined();
      }),
    );
  });

  it('refuses a claim for another workflow, another Update, other arguments or another secret', () => {
    fc.assert(
      fc.property(subject, subject, (s, other) => {
        const claim = signActorClaim(secret, s, now);
        if (claimText(other, 0) !== claimText(s, 0)) expect(verifyActorClaim(secret, other, claim, now)).toBe('forged');
        expect(verifyActorClaim(`${secret}x`, s, claim, now)).toBe('forged');
        // A later expiry written into the claim breaks its MAC.
        expect(verifyActorClaim(secret, s, { ...claim, exp: claim.exp + 60_000 }, now)).toBe('forged');
      }),
    );
    const payment: ClaimSubject = {
      workflowId: 'contract~C-1',
      update: 'recordPayment',
      args: [{ reference: 'P-1', recordedBy: 'usr_a' }],
    };
    const claim = signActorClaim(secret, payment, now);
    expect(
      verifyActorClaim(secret, { ...payment, args: [{ reference: 'P-1', recordedBy: 'usr_b' }] }, claim, now),
    ).toBe('forged');
  });

  it('expires CLAIM_LIFETIME_MS after it is made', () => {
    const s: ClaimSubject = { workflowId: 'w', update: 'u', args: [1] };
    const claim = signActorClaim(secret, s, now);
    expect(verifyActorClaim(secret, s, claim, now + CLAIM_LIFETIME_MS)).toBeUndefined();
    expect(verifyActorClaim(secret, s, claim, now + CLAIM_LIFETIME_MS + 1)).toBe('expired');
  });

  it('refuses a missing or malformed claim, and everything without a secret', () => {
    const s: ClaimSubject = { workflowId: 'w', update: 'u', args: [] };
    const good = signActorClaim(secret, s, now);
    expect(verifyActorClaim(secret, s, good, now)).toBeUndefined();
    expect(verifyActorClaim(secret, s, undefined, now)).toBe('missing');
    expect(verifyActorClaim(secret, s, null, now)).toBe('missing');
    const { exp, mac } = good;
    for (const bad of [
      'x',
      42,
      {},
      { v: 2, exp, mac },
      { v: 1, exp, mac: mac.toUpperCase() },
      { v: 1, exp, mac: mac.slice(1) },
      { v: 1, exp, mac: 7 },
      { v: 1, mac },
      { v: 1, exp: String(exp), mac },
      { v: 1, exp: exp + 0.5, mac },
    ]) {
      expect(verifyActorClaim(secret, s, bad, now)).toBe('malformed');
    }
    expect(verifyActorClaim(undefined, s, good, now)).toBe('no_secret');
    expect(verifyActorClaim('', s, good, now)).toBe('no_secret');
  });

  it('takes GRANTFLOW_ACTOR_SECRET of at least 32 characters from the configuration', () => {
    expect(loadConfig({}).actorSecret).toBeUndefined();
    expect(loadConfig({ GRANTFLOW_ACTOR_SECRET: secret }).actorSecret).toBe(secret);
    expect(() => loadConfig({ GRANTFLOW_ACTOR_SECRET: 'short' })).toThrow(
      /GRANTFLOW_ACTOR_SECRET must be at least 32 characters/,
    );
  });
});
