// How a workflow refuses: every refusal of every workflow — an Update's validator or handler, a
// child that cannot start, the actor-claim interceptor — is `reject(kind, message, problems?)`, a
// non-retryable ApplicationFailure whose type is one of REJECTION's kinds. The API answers each kind
// one way (api/services/temporal-errors.ts apiErrorFromRejection, typed over this list, so a new
// kind without its answer fails the typecheck); tests assert a kind with tests/helpers/rejections.
// Details: the first, when given, lists the problems field by field; the second is the message as
// the catalog says it (domain/messages.ts), so the API answers in the reader's language. The
// failure's own message stays English (logs, the Temporal UI).
import { ApplicationFailure } from '@temporalio/workflow';
import { ACTOR_CLAIM_REFUSED } from '../domain/actor-claim';
import { render, type Said } from '../domain/messages';
import type { Problem } from '../domain/problems';

/** The kinds of refusal, each with the API's answer (status and error code, which are public). */
export const REJECTION = {
  /** The request breaks a rule: 422 `unprocessable`, the problems as details. */
  invalid: 'Invalid',
  /** What the request names is not there: 404 `not_found`. */
  notFound: 'NotFound',
  /** It contradicts what is recorded (a reference or key reused for other content, a decision already made, a round in review): 409 `conflict`. */
  conflict: 'Conflict',
  /** The contract has ended: 409 `contract_not_active`. */
  notActive: 'NotActive',
  /** A material request or the quotas have closed (the request settled or cancelled, the contract ended): 409 `closed`. */
  closed: 'Closed',
  /** A milestone's review has ended with its contract: 409 `review_closed`. */
  reviewClosed: 'ReviewClosed',
  /** The escalation is not open (resolved, superseded, or not this step's): 409 `escalation_not_open`. */
  escalationNotOpen: 'NotOpen',
  /** Only an organization the escalation notified may acknowledge it: 403 `forbidden`. */
  notNotified: 'NotNotified',
  /**
   * The run is handing over to its next run (continue-as-new) and takes nothing more, so that the
   * handlers in flight can finish even under a steady stream: nothing was recorded; the API sends
   * the request again, and answers 503 `unavailable` if the handover outlasts its resends.
   */
  handingOver: 'HandingOver',
  /** A child's workflow id is taken by another running workflow (workflows/children.ts): 409 `conflict`. */
  workflowIdTaken: 'WorkflowIdTaken',
  /** The Update carries no valid actor claim (workflows/interceptors.ts): 503 `unavailable` (the API's and the worker's secrets differ). */
  actorClaimRefused: ACTOR_CLAIM_REFUSED,
} as const;

/** A rejection's kind: the ApplicationFailure type a workflow refuses with. */
export type Rejection = (typeof REJECTION)[keyof typeof REJECTION];

const KINDS: ReadonlySet<string> = new Set(Object.values(REJECTION));

/** Whether `type` (an ApplicationFailure's) is one of REJECTION's kinds. */
export function isRejection(type: string | undefined | null): type is Rejection {
  return type != null && KINDS.has(type);
}

/** Refuses with `kind`: throws the non-retryable ApplicationFailure described above. */
export function reject(kind: Rejection, message: string | Said, problems?: Problem[]): never {
  const text = typeof message === 'string' ? message : render(message, 'en');
  const details = typeof message === 'string' ? (problems ? [problems] : []) : [problems ?? null, message];
  throw ApplicationFailure.create({ type: kind, message: text, details, nonRetryable: true });
}
