// Keyset pagination (issue 19): a page ends at a position in its list's order and the next page
// starts just after it, so reading page n costs the same as page 1 however long the list. A cursor
// carries that position only — never who asked or what they may see — and each request applies
// its own caller's visibility and filters, so a cursor handed to someone else shows them nothing
// they could not list themselves. It is opaque to clients (base64url of JSON); anything that is
// not a cursor this list gave out is a 400 in the one error shape.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { say } from '../../domain/messages';
import { problem } from '../../domain/problems';
import { ApiError } from '../errors';
import { MAX_CURSOR_LENGTH } from '../schemas';

type Field = 'string' | 'integer';
type Value<F extends Field> = F extends 'string' ? string : number;
export type Position<F extends readonly Field[]> = { [K in keyof F]: Value<F[K]> };

/** The cursor of the position `position` in the list named `list`. */
export function encodeCursor(list: string, position: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify([list, ...position]), 'utf8').toString('base64url');
}

/** The 400 for a cursor this list did not give out. */
export function invalidCursor(): ApiError {
  return new ApiError(400, 'invalid_cursor', say('invalid_cursor'), [
    problem('querystring.cursor', 'invalid_cursor_field'),
  ]);
}

/** Characters no position holds and PostgreSQL or postgres.js refuse (NUL, controls, lone surrogates): a 400, not a 500. */
const NOT_IN_A_POSITION = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

/** The position a cursor of `list` holds, its fields of the kinds `fields`; a 400 for anything else. */
export function decodeCursor<const F extends readonly Field[]>(list: string, cursor: string, fields: F): Position<F> {
  const refused = invalidCursor;
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refused();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!Array.isArray(parsed) || parsed.length !== fields.length + 1 || parsed[0] !== list) throw refused();
  const values = parsed.slice(1);
  const fits = values.every((v, i) =>
    fields[i] === 'string'
      ? typeof v === 'string' && v.length <= 1000 && !NOT_IN_A_POSITION.test(v)
      : Number.isSafeInteger(v),
  );
  if (!fits) throw refused();
  return values as Position<F>;
}

/** A timestamp column as integer microseconds since the epoch: exact, so a position never repeats or skips a row. */
export const microsOf = (column: SQLWrapper): SQL<number> =>
  sql<number>`(extract(epoch from ${column}) * 1000000)::bigint`.mapWith(Number);

/** Integer microseconds since the epoch as a timestamptz (the inverse of microsOf). */
export const atMicros = (micros: number): SQL =>
  sql`(timestamptz 'epoch' + ${micros}::bigint * interval '1 microsecond')`;

/** `(a, b, …) > (x, y, …)` or `<`: after (or before) a position in a list ordered by these columns. */
export function beyond(
  columns: SQLWrapper[],
  values: Array<SQL | string | number>,
  direction: 'after' | 'before' = 'after',
): SQL {
  const left = sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  );
  const right = sql.join(
    values.map((v) => (typeof v === 'object' ? v : sql`${v}`)),
    sql`, `,
  );
  return direction === 'after' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
}

/** Counts stop here: `total` is exact up to this many, and a total of this many means at least as many (the rule is in domain/limits). */
export { MAX_COUNTED } from '../../domain/limits';
