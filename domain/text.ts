import { render, say, type Said } from './messages';
import type { Problem } from './problems';

// What counts as text a person can have written. Control characters (other than newline and tab)
// and unpaired UTF-16 surrogates are never part of a name, a note or a reason; PostgreSQL refuses
// NUL and unpaired surrogates outright, so one of them reaching a projection poisons it.

// C0 controls less \t and \n, DEL, C1 controls; the line and paragraph separators U+2028/2029 (a
// line break that is not a newline); the bidirectional embedding, override and isolate controls
// U+202A–202E and U+2066–2069, which reorder what a reader sees ("Trojan Source", CVE-2021-42574:
// a name that displays as another); then a high surrogate not followed by a low one, or a low
// surrogate not preceded by a high one. Invisible characters that make one name look like another
// ("L\u200Bi" shows as "Li") go too: zero-width space U+200B, word joiner and invisible operators
// U+2060–2064, the deprecated format controls U+206A–206F, and U+FEFF anywhere but at the start
// (a byte-order mark). The marks U+200E/200F that right-to-left text needs, and the joiners
// U+200C/200D of scripts and emoji, stay.
const FORBIDDEN =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B\u2028-\u202E\u2060-\u2064\u2066-\u206F]|(?<=[\s\S])\uFEFF|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` is not acceptable text (a catalog message, domain/messages.ts), or undefined when it is. */
export function textProblemSaid(text: string): Said | undefined {
  const found = FORBIDDEN.exec(text);
  if (!found) return undefined;
  const code = found[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  // Counted in characters as a person sees them (an emoji is one), not UTF-16 units.
  const at = [...text.slice(0, found.index)].length + 1;
  if (code >= 0xd800 && code <= 0xdfff) return say('text_unpaired_surrogate', { hex, at });
  if (code === 0x2028 || code === 0x2029) return say('text_line_separator', { hex, at });
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069))
    return say('text_bidi_control', { hex, at });
  if (code >= 0x2000) return say('text_invisible', { hex, at });
  return say('text_control', { hex, at });
}

/** Why `text` is not acceptable text, in English, or undefined when it is. */
export function textProblem(text: string): string | undefined {
  const said = textProblemSaid(text);
  return said && render(said, 'en');
}

export type TextProblem = Problem;

/**
 * Every string in a JSON value (keys included) that is not acceptable text, with its path
 * (`tranches.3.label`). Walks iteratively, so deep nesting cannot exhaust the stack; stops after
 * `limit` problems.
 */
export function textProblems(value: unknown, prefix = '', limit = 20): TextProblem[] {
  const problems: TextProblem[] = [];
  const stack: Array<[unknown, string]> = [[value, prefix]];
  while (stack.length > 0 && problems.length < limit) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      const said = textProblemSaid(current);
      if (said) problems.push({ field: path, reason: render(said, 'en'), code: said.code, params: said.params });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], path ? `${path}.${i}` : String(i)]);
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const keyReason = textProblemSaid(key);
        const childPath = path ? `${path}.${key}` : key;
        if (keyReason) {
          const said = say('text_field_name', { reason: keyReason });
          problems.push({
            field: path || '(field name)',
            reason: render(said, 'en'),
            code: said.code,
            params: said.params,
          });
        }
        stack.push([child, childPath]);
      }
    }
  }
  return problems;
}
