// The store behind the free-text claim check (domain/free-text.ts), used by the API (store before a
// workflow hears of a text, release when the workflow refuses the request, resolve answers) and by
// projection activities (resolve and accept when writing the record).
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import { charCount } from '../domain/limits';
import { replaceTextReferences, textReferencesIn, type Resolved, type TextReference } from '../domain/free-text';
import type { Database } from './client';
import { freeTexts } from './schema';

type Db = Pick<Database, 'insert' | 'select' | 'update' | 'delete'>;

const hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The reference a text gets in a scope: injective in (scope, text) up to SHA-256 collisions. */
export function textReferenceOf(scope: string, text: string): TextReference {
  const sha256 = hex(text);
  return { textRef: `txt_${hex(JSON.stringify([scope, sha256]))}`, sha256, chars: charCount(text) };
}

/**
 * Stores texts (one hold each) and returns their references, in order. The same text in the same
 * scope is one row: storing it again adds a hold and never changes its body.
 */
export async function storeTexts(db: Db, scope: string, texts: readonly string[]): Promise<TextReference[]> {
  const references = texts.map((t) => textReferenceOf(scope, t));
  if (texts.length === 0) return references;
  // One row per reference (a request may carry the same text twice); each occurrence is one hold.
  const rows = new Map<
    string,
    { id: string; scope: string; sha256: string; chars: number; body: string; holders: number }
  >();
  texts.forEach((body, i) => {
    const r = references[i]!;
    const row = rows.get(r.textRef);
    if (row) row.holders += 1;
    else rows.set(r.textRef, { id: r.textRef, scope, sha256: r.sha256, chars: r.chars, body, holders: 1 });
  });
  await db
    .insert(freeTexts)
    .values([...rows.values()])
    .onConflictDoUpdate({
      target: freeTexts.id,
      set: { holders: sql`${freeTexts.holders} + excluded.holders`, storedAt: sql`now()` },
    });
  return references;
}

/**
 * Gives back the holds of a request the workflow refused: a text that no other request holds and
 * no projection accepted is deleted (nothing stays stored for a refused request).
 */
export async function releaseTexts(db: Db, references: readonly TextReference[]): Promise<void> {
  const counts = new Map<string, number>();
  for (const r of references) counts.set(r.textRef, (counts.get(r.textRef) ?? 0) + 1);
  for (const [id, n] of counts) {
    await db
      .update(freeTexts)
      .set({ holders: sql`${freeTexts.holders} - ${n}` })
      .where(eq(freeTexts.id, id));
  }
  if (counts.size > 0)
    await db
      .delete(freeTexts)
      .where(and(inArray(freeTexts.id, [...counts.keys()]), lte(freeTexts.holders, 0), isNull(freeTexts.acceptedAt)));
}

/** Marks the texts of a record a projection wrote as the record's: kept from now on. Idempotent. */
export async function acceptTexts(db: Db, references: readonly TextReference[]): Promise<void> {
  if (references.length === 0) return;
  await db
    .update(freeTexts)
    .set({ acceptedAt: sql`coalesce(${freeTexts.acceptedAt}, now())` })
    .where(inArray(freeTexts.id, [...new Set(references.map((r) => r.textRef))]));
}

/** Thrown when a reference names no stored text (swept after a day unaccepted, or never stored). */
export class MissingTextError extends Error {
  constructor(readonly textRefs: string[]) {
    super(`Free texts not stored: ${textRefs.join(', ')}`);
    this.name = 'MissingTextError';
  }
}

/** `value` with every TextReference in it replaced by its stored text. */
export async function resolveTexts<T>(db: Db, value: T): Promise<Resolved<T>> {
  const references = textReferencesIn(value);
  if (references.length === 0) return value as Resolved<T>;
  const ids = [...new Set(references.map((r) => r.textRef))];
  const rows = await db
    .select({ id: freeTexts.id, body: freeTexts.body })
    .from(freeTexts)
    .where(inArray(freeTexts.id, ids));
  const bodies = new Map(rows.map((r) => [r.id, r.body]));
  const missing = ids.filter((id) => !bodies.has(id));
  if (missing.length > 0) throw new MissingTextError(missing);
  return replaceTextReferences(value, (r) => bodies.get(r.textRef)!);
}

/** For a projection: the value with its texts, and those texts accepted as part of the record. */
export async function resolveAndAcceptTexts<T>(db: Db, value: T): Promise<Resolved<T>> {
  const resolved = await resolveTexts(db, value);
  await acceptTexts(db, textReferencesIn(value));
  return resolved;
}

/**
 * Deletes texts a request stored and neither a projection accepted nor a refusal released within
 * `olderThanMs` (a process that died between storing and hearing back). Returns how many went.
 */
export async function sweepUnacceptedTexts(db: Db, olderThanMs: number, now = Date.now()): Promise<number> {
  const gone = await db
    .delete(freeTexts)
    .where(and(isNull(freeTexts.acceptedAt), lt(freeTexts.storedAt, new Date(now - olderThanMs))))
    .returning({ id: freeTexts.id });
  return gone.length;
}
