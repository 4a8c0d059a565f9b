// The claim check of free texts (payment notes, reasons, progress evidence, delivery notes…): the
// API stores a person's text in PostgreSQL (free_texts) before any workflow hears of it, and the
// workflow carries this reference instead — so casework notes about beneficiaries never enter a
// workflow history, and a workflow's payloads do not grow with what people write. Projections and
// the API put the text back (db/free-texts resolveTexts) when they write or answer a record.
import { sha256, utf8 } from './digest';

/**
 * A stored free text, by reference.
 * - `textRef`: the row's id in free_texts ("txt_" and 64 hex digits, derived from the scope and
 *   the text's digest: the same text in the same scope is one row, so a retry stores nothing new).
 * - `sha256`: hex digest of the text's UTF-8 bytes; a workflow tells two texts apart by it (a
 *   repeated request with the same note is a duplicate, another note a conflict).
 * - `chars`: the text's length in code points.
 */
export interface TextReference {
  textRef: string;
  sha256: string;
  chars: number;
}

const TEXT_REF = /^txt_[0-9a-f]{64}$/;

export function isTextReference(value: unknown): value is TextReference {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.textRef === 'string' &&
    TEXT_REF.test(v.textRef) &&
    typeof v.sha256 === 'string' &&
    typeof v.chars === 'number' &&
    Object.keys(v).length === 3
  );
}

/** The same shape with every TextReference replaced by its text. */
export type Resolved<T> = T extends TextReference
  ? string
  : T extends ReadonlyArray<infer E>
    ? Array<Resolved<E>>
    : T extends object
      ? { [K in keyof T]: Resolved<T[K]> }
      : T;

/** Every TextReference inside a value (arrays and plain objects walked; at most `limit`, against hostile depth). */
export function textReferencesIn(value: unknown, limit = 10_000): TextReference[] {
  const found: TextReference[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (found.length >= limit || depth > 32 || typeof v !== 'object' || v === null) return;
    if (isTextReference(v)) {
      found.push(v);
      return;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) walk(child, depth + 1);
  };
  walk(value, 0);
  return found;
}

/** A copy of `value` with each TextReference replaced by `text(reference)`. */
export function replaceTextReferences<T>(value: T, text: (reference: TextReference) => string): Resolved<T> {
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > 32 || typeof v !== 'object' || v === null) return v;
    if (isTextReference(v)) return text(v);
    if (Array.isArray(v)) return v.map((c) => walk(c, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, walk(c, depth + 1)]));
  };
  return walk(value, 0) as Resolved<T>;
}

/**
 * A person's text where a record may hold either form: a reference inside workflows, the text
 * itself in the read model and the API.
 */
export type FreeText = string | TextReference;

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** sha256 (hex, of the UTF-8 bytes) of a text or its reference's; '' for none or ''. Equal digests, equal texts. */
export function freeTextDigest(text: FreeText | undefined): string {
  if (text === undefined || text === '') return '';
  return typeof text === 'string' ? hex(sha256(utf8(text))) : text.sha256;
}

/** Whether two texts are the same, whichever form each is in. */
export function sameFreeText(a: FreeText | undefined, b: FreeText | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return freeTextDigest(a) === freeTextDigest(b);
}

/** No text, or only white space (a reference is never blank: the API stores trimmed, non-empty texts). */
export function isBlankText(text: FreeText | undefined): boolean {
  if (text === undefined) return true;
  return typeof text === 'string' ? text.trim() === '' : text.chars === 0;
}
