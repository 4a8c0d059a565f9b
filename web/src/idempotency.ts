// A form's attempts, each under its own Idempotency-Key (the API's routes that create something
// honour it: api/services/idempotency.ts). Sending the same content again after an attempt the API
// did not decide — no answer reached the page, a 5xx, a 429, a 408, a request still in progress —
// goes under the same key, so the API records it once whatever became of the first answer. Any
// other send is a new attempt under a new key: the same key with other content would be refused,
// and the same content after a decided answer (a refusal, a success) deserves a fresh decision.
import { useRef } from 'preact/hooks';
import { canonicalJson } from '../../domain/canonical-json';
import { ApiFailure } from './api';

/**
 * A new key: 128 random bits in hex. crypto.getRandomValues, not randomUUID: the latter exists only
 * in secure contexts, and a county may serve the page over plain HTTP on its own network.
 */
export function newIdempotencyKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether an attempt that failed with `error` may have been recorded, or may be sent again as it was. */
export function undecided(error: unknown): boolean {
  if (!(error instanceof ApiFailure)) return true; // no answer: the network, the connection
  const { status, code } = error;
  return status === 0 || status >= 500 || status === 408 || status === 429 || code === 'request_in_progress';
}

/**
 * `attempt(content, send)` runs `send(key)`, where `key` is the previous attempt's when that one
 * carried the same `content` (compared as canonical JSON) and was left undecided, else a new key.
 * `content`: what identifies the request (an attachment by its sha256 rather than its bytes).
 */
export function useIdempotentAttempts() {
  const last = useRef<{ content: string; key: string } | undefined>(undefined);
  return async function attempt<T>(content: unknown, send: (key: string) => Promise<T>): Promise<T> {
    const text = canonicalJson(content);
    const key = last.current?.content === text ? last.current.key : newIdempotencyKey();
    last.current = { content: text, key };
    try {
      const result = await send(key);
      last.current = undefined;
      return result;
    } catch (error) {
      if (!undecided(error)) last.current = undefined;
      throw error;
    }
  };
}
