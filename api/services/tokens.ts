// Bearer tokens are random and shown once; only their SHA-256 is stored. (A slow hash adds nothing
// for 256-bit random secrets and would cost every request.)
import { createHash, randomBytes } from 'node:crypto';

export function newToken(): string {
  return `gf_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}
