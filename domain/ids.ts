// Every id derived from business ids — workflow ids, step ids and references, escalation ids,
// idempotency keys of events and notifications — is built here, by one encoding, so that two
// different inputs never share an id whatever characters their parts hold.
//
// The encoding: the parts, in order, each with '%' written as '%25' and '~' as '%7E', joined by
// '~'. Escaped parts hold no '~', so splitting on '~' gives back exactly the parts; the escape is
// itself injective, so the whole is. '~' is used because no business id the API accepts holds it
// (ids are letters, digits, '.', '_', ':', '-'), so ids stay readable in the Temporal Web UI and
// need no escaping in a URL path. An id of a kind is the kind followed by its parts.
//
// Size: a workflow id may hold at most 1000 bytes. Business ids are at most 64 characters of
// ASCII without '~' or '%' (contract, milestone, station, quota, village, request ids), so the
// longest id built here (an escalation's event key: about eight such parts) stays under 600.
import type { StepKind } from './escalation';
import { problem, type Problem } from './problems';

const SEPARATOR = '~';

function escapePart(part: string): string {
  return part.replace(/[%~]/g, (c) => (c === '%' ? '%25' : '%7E'));
}

/** The part back, or undefined when `text` holds an escape this encoding never writes. */
function unescapePart(text: string): string | undefined {
  if (/%(?!25|7E)/.test(text)) return undefined;
  return text.replace(/%25|%7E/g, (e) => (e === '%25' ? '%' : '~'));
}

/** One or more parts as one string; `decodeParts` gives them back. Injective over non-empty lists. */
export function encodeParts(parts: readonly string[]): string {
  // [] and [''] would both be '': a list of no parts has no encoding.
  if (parts.length === 0) throw new Error('An id needs at least one part');
  return parts.map(escapePart).join(SEPARATOR);
}

/** The parts `encodeParts` was given, or undefined when `text` is not one of its results. */
export function decodeParts(text: string): string[] | undefined {
  const parts: string[] = [];
  for (const piece of text.split(SEPARATOR)) {
    const part = unescapePart(piece);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts;
}

/** The parts of an id this module built; throws for any other string (a programming error). */
export function idParts(id: string): string[] {
  const parts = decodeParts(id);
  if (!parts) throw new Error(`Not an id built by domain/ids: ${JSON.stringify(id)}`);
  return parts;
}

/** An id of `kind` (a fixed word of this module, below) from its ordered parts. */
export function buildId(kind: IdKind, parts: readonly string[]): string {
  return encodeParts([kind, ...parts]);
}

/** The kind and parts of an id, or undefined when `id` is not one `buildId` can give. */
export function parseId(id: string): { kind: string; parts: string[] } | undefined {
  const decoded = decodeParts(id);
  if (!decoded) return undefined;
  const [kind, ...parts] = decoded as [string, ...string[]];
  return { kind, parts };
}

/**
 * The kinds of ids, one per builder below: ids of different builders differ in their first part,
 * so they cannot meet even where they share a table or a namespace.
 */
export const ID_KINDS = [
  'contract',
  'review',
  'quotas',
  'material-request',
  'escalation',
  'step',
  'checkpoint',
  'tranche',
  'contract-event',
  'contract-notice',
  'escalation-event',
  'escalation-notice',
  'material-request-event',
  'material-request-reminder',
  'submission-event',
  'progress-event',
  'organization-event',
  'user-event',
  'contact-event',
  'probe-event',
  'keyed-id',
] as const;
export type IdKind = (typeof ID_KINDS)[number];

// ---- Workflow ids (Temporal workflow ids; the API finds each workflow by them).

export function contractWorkflowId(contractId: string): string {
  return buildId('contract', [contractId]);
}

/** The review cycle of one milestone of one contract. */
export function reviewWorkflowId(contractId: string, milestoneId: string): string {
  return buildId('review', [contractId, milestoneId]);
}

export function quotaWorkflowId(contractId: string): string {
  return buildId('quotas', [contractId]);
}

/** A material request of a contract (request ids are scoped to it as well, see api/services/tokens). */
export function materialRequestWorkflowId(contractId: string, requestId: string): string {
  return buildId('material-request', [contractId, requestId]);
}

/** The escalation workflow of one step occurrence (`stepId` from `stepId()`). */
export function escalationWorkflowId(stepId: string): string {
  return buildId('escalation', idParts(stepId));
}

/**
 * The contract a workflow of grantflow belongs to, from its id (any builder above), or null for
 * an id of no contract's workflow (a probe's, another application's). An escalation's id holds its
 * step's id, whose first part after the kind is the contract.
 */
export function contractIdOfWorkflowId(workflowId: string): string | null {
  const id = parseId(workflowId);
  if (!id) return null;
  switch (id.kind) {
    case 'contract':
    case 'review':
    case 'quotas':
    case 'material-request':
      return id.parts[0] ?? null;
    case 'escalation':
      return id.parts[0] === 'step' ? (id.parts[1] ?? null) : null;
    default:
      return null;
  }
}

// ---- Stalled steps.

/**
 * What stalled, as shown beside the step's kind: a checkpoint or tranche id, a milestone and
 * station, a request and village, a quota, station and period. One part reads as itself.
 */
export function stepReference(parts: readonly [string, ...string[]]): string {
  return encodeParts(parts);
}

/** The parts of a reference `stepReference` built, or undefined for any other string. */
export function referenceParts(reference: string): string[] | undefined {
  return decodeParts(reference);
}

/** A material request's step for one village (materialRequestOverdue): the request, then the village. */
export function villageStepReference(requestId: string, village: string): string {
  return stepReference([requestId, village]);
}

/** The request and village of a reference `villageStepReference` built, or undefined for any other. */
export function parseVillageStepReference(reference: string): { requestId: string; village: string } | undefined {
  const parts = referenceParts(reference);
  return parts?.length === 2 ? { requestId: parts[0]!, village: parts[1]! } : undefined;
}

/** One occurrence (1, 2, … as the step stalls again) of a step of a contract. */
export function stepId(contractId: string, kind: StepKind, reference: string, occurrence: number): string {
  return buildId('step', [contractId, kind, ...idParts(reference), String(occurrence)]);
}

/** The key of a step (without its occurrence) among its owner's steps (workflows/step-book.ts). */
export function stepKey(kind: StepKind, reference: string): string {
  return encodeParts([kind, ...idParts(reference)]);
}

/** The kind and reference `stepKey` was given, or undefined when `key` is not one of its results. */
export function parseStepKey(key: string): { kind: string; reference: string } | undefined {
  const parts = decodeParts(key);
  if (!parts || parts.length < 2) return undefined;
  const [kind, ...reference] = parts as [string, ...string[]];
  return { kind, reference: encodeParts(reference) };
}

/** The escalation a step's `level` (0-based) opened; shown as `L1`, `L2`, … (1-based). */
export function escalationId(stepId: string, level: number): string {
  return encodeParts([...idParts(stepId), `L${level + 1}`]);
}

// ---- What a contract announces: its checkpoints and tranches, by id.

/** What a contract announces the status of (domain/announcements): kinds of ids too. */
export const ANNOUNCED = ['checkpoint', 'tranche'] as const satisfies readonly IdKind[];
export type Announced = (typeof ANNOUNCED)[number];

export function announcedKey(what: Announced, id: string): string {
  return buildId(what, [id]);
}

export function parseAnnouncedKey(key: string): { what: Announced; id: string } | undefined {
  const parsed = parseId(key);
  const what = ANNOUNCED.find((a) => a === parsed?.kind);
  if (!parsed || !what || parsed.parts.length !== 1) return undefined;
  return { what, id: parsed.parts[0]! };
}

// ---- Idempotency keys of audit events and notifications (each table's keys are unique).

/** An event of a contract's projection `revision`; `subject` (an announced key) tells apart events of one kind in it. */
export function contractEventKey(contractId: string, revision: number, kind: string, subject?: string): string {
  return buildId('contract-event', [contractId, String(revision), kind, ...(subject ? idParts(subject) : [])]);
}

/** The notice of an announced checkpoint or tranche reaching `status` in projection `revision`. */
export function contractNoticeKey(contractId: string, revision: number, announced: string, status: string): string {
  return buildId('contract-notice', [contractId, String(revision), ...idParts(announced), status]);
}

export function escalationEventKey(stepId: string, version: number, kind: string): string {
  return buildId('escalation-event', [...idParts(stepId), String(version), kind]);
}

export function escalationNoticeKey(escalationId: string): string {
  return buildId('escalation-notice', idParts(escalationId));
}

export function materialRequestEventKey(contractId: string, requestId: string, version: number, kind: string): string {
  return buildId('material-request-event', [contractId, requestId, String(version), kind]);
}

export function materialRequestReminderKey(contractId: string, requestId: string, village: string): string {
  return buildId('material-request-reminder', [contractId, requestId, village]);
}

export function submissionEventKey(submissionId: string, status: string): string {
  return buildId('submission-event', [submissionId, status]);
}

export function progressEventKey(contractId: string, recordId: string): string {
  return buildId('progress-event', [contractId, recordId]);
}

export function organizationEventKey(organizationId: string, what: string): string {
  return buildId('organization-event', [organizationId, what]);
}

/** `detail` tells apart events of one kind (a token's hash). */
export function userEventKey(userId: string, what: string, detail?: string): string {
  return buildId('user-event', [userId, what, ...(detail !== undefined ? [detail] : [])]);
}

export function contactEventKey(contactId: string, what: string): string {
  return buildId('contact-event', [contactId, what]);
}

export function probeEventKey(workflowId: string, runId: string, what: string): string {
  return buildId('probe-event', [workflowId, runId, what]);
}

/** What an id derived from an Idempotency-Key is hashed from: its scope's parts, then the key. */
export function keyedIdSource(scope: readonly string[], key: string): string {
  return buildId('keyed-id', [...scope, key]);
}

/**
 * Ids become keys of plain objects (totals per budget line, standings per station and quota): a
 * name every object already has ("constructor", "toString") would read as a function where a
 * total is missing. Such an id is refused wherever a definition names one.
 */
const RESERVED_IDS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Adds a problem when `id` is a reserved name. */
export function pushReservedId(problems: Problem[], field: string, id: string): void {
  if (RESERVED_IDS.has(id)) problems.push(problem(field, 'reserved_id', { id }));
}
