// Bearer tokens are random and shown once; only their SHA-256 is stored. (A slow hash adds nothing
// for 256-bit random secrets and would cost every request.)
import { createHash, randomBytes } from 'node:crypto';
import { keyedIdSource } from '../../domain/ids';

export function newToken(): string {
  return `gf_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The id of what a request with an Idempotency-Key creates: the same for every retry of it, so the
 * workflow recognises a retry even when the first attempt's answer was lost. `scope` (the user, the
 * contract, …) keeps one key's ids apart across users and contracts; it is hashed with the key
 * through domain/ids, so no two scopes and keys share a hash input whatever they hold.
 */
export function idForKey(prefix: string, scope: readonly string[], key: string | undefined): string {
  if (key === undefined) return newId(prefix);
  return `${prefix}_${createHash('sha256').update(keyedIdSource(scope, key)).digest('hex').slice(0, 20)}`;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}
