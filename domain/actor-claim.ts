// An actor claim: the API's signature over one Update it sends (issue 13, item 9). Anyone who can
// reach the Temporal frontend can send an Update; only the API (and the worker, which checks) hold
// the secret, so a workflow accepts a change only when the claim proves the API sent exactly this
// Update, with these arguments — which name the actor (recordedBy, decidedBy, …) — to this workflow.
//
// HMAC-SHA256 from @noble/hashes: pure JavaScript, so the same code signs in the API and verifies
// inside the workflow sandbox (no Node builtins there). The signed text is the canonical JSON of
// { workflowId, update, args, exp }, so key order and the JSON round trip through Temporal's
// payloads do not change it. `exp` bounds how long a claim copied out of a history could be sent
// again (the same Update with the same arguments, which workflows mostly answer as a repeat).
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonical-json';

/** The Temporal header (on the Update request) that carries the claim. */
export const ACTOR_CLAIM_HEADER = 'grantflow-actor-claim';

/** Shortest accepted GRANTFLOW_ACTOR_SECRET, in characters (32 random characters ≥ 128 bits). */
export const ACTOR_SECRET_MIN_LENGTH = 32;

/** How long a claim is valid after it is made, in milliseconds (clocks of API and Temporal may differ a little). */
export const CLAIM_LIFETIME_MS = 10 * 60_000;

/** What the header holds: `{ v: 1, exp: <epoch ms>, mac: <64 lowercase hex digits> }`. */
export interface ActorClaim {
  v: 1;
  /** Expiry, milliseconds since the epoch. */
  exp: number;
  mac: string;
}

/** What a claim is about: the Update `update` with arguments `args` sent to workflow `workflowId`. */
export interface ClaimSubject {
  workflowId: string;
  update: string;
  args: readonly unknown[];
}

/** Why a claim was refused (see verifyActorClaim). */
export type ClaimRefusal = 'missing' | 'malformed' | 'forged' | 'expired' | 'no_secret';

/** The exact text that is signed: canonical JSON of the subject and expiry (undefined members dropped, as in JSON). */
export function claimText(subject: ClaimSubject, exp: number): string {
  return canonicalJson({ workflowId: subject.workflowId, update: subject.update, args: subject.args, exp });
}

function mac(secret: string, subject: ClaimSubject, exp: number): string {
  return bytesToHex(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(claimText(subject, exp))));
}

/** Signs `subject` with `secret` (GRANTFLOW_ACTOR_SECRET), valid until `now` + CLAIM_LIFETIME_MS. */
export function signActorClaim(secret: string, subject: ClaimSubject, now: number): ActorClaim {
  const exp = now + CLAIM_LIFETIME_MS;
  return { v: 1, exp, mac: mac(secret, subject, exp) };
}

/**
 * Checks `claim` (the decoded header, any value) against `subject` at time `now` (epoch ms):
 * undefined when it is the API's signature and not expired, else why not. An empty `secret`
 * refuses everything ('no_secret'): a worker bundled without the secret must not accept Updates
 * unchecked.
 */
export function verifyActorClaim(
  secret: string | undefined,
  subject: ClaimSubject,
  claim: unknown,
  now: number,
): ClaimRefusal | undefined {
  if (!secret) return 'no_secret';
  if (claim === undefined || claim === null) return 'missing';
  const { v, exp, mac: given } = claim as Partial<ActorClaim>;
  if (v !== 1 || !Number.isSafeInteger(exp) || typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given))
    return 'malformed';
  if (!sameText(given, mac(secret, subject, exp!))) return 'forged';
  return now > exp! ? 'expired' : undefined;
}

// Compares without stopping at the first difference, so the time taken does not tell how much of
// a guessed MAC was right.
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Problems with a configured secret (empty when it is acceptable). */
export function actorSecretProblems(secret: string): string[] {
  return secret.length < ACTOR_SECRET_MIN_LENGTH
    ? [`GRANTFLOW_ACTOR_SECRET must be at least ${ACTOR_SECRET_MIN_LENGTH} characters long`]
    : [];
}

/** The ApplicationFailure type of a refused claim (non-retryable; the API never causes one unless its secret differs from the worker's). */
export const ACTOR_CLAIM_REFUSED = 'ActorClaimRefused';
