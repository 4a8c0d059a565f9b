// The actor-claim check (workflows/interceptors.ts) sits in validateUpdate, and Temporal's SDK runs
// validation interceptors only for Update handlers that have a validator. So every Update handler
// in workflows/ must have one, except the read-only `registered` waits named here: a new handler
// without a validator would take unsigned Updates.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const READ_ONLY_UPDATES = ['registeredUpdate', 'requestRegisteredUpdate'];
const dir = path.resolve(__dirname, '../../workflows');

/** Each `setHandler(<name>Update, …)` call in `source`: the handler's name and the call's text. */
function updateHandlers(source: string): Array<{ name: string; call: string }> {
  const found: Array<{ name: string; call: string }> = [];
  for (const match of source.matchAll(/setHandler\(\s*(\w+Update)\b/g)) {
    let depth = 0;
    let end = match.index;
    // The call ends where its parenthesis closes (strings in handlers hold no unbalanced parentheses).
    for (let i = match.index + 'setHandler'.length; i < source.length; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')' && --depth === 0) {
        end = i;
        break;
      }
    }
    found.push({ name: match[1]!, call: source.slice(match.index, end + 1) });
  }
  return found;
}

describe('Update handlers', () => {
  // workflows/ and its folders (workflows/contract/).
  const handlers = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .flatMap((file) => updateHandlers(readFileSync(path.join(dir, file), 'utf8')).map((h) => ({ ...h, file })));

  it('are found (the scan works)', () => {
    expect(handlers.map((h) => h.name)).toEqual(
      expect.arrayContaining(['recordPaymentUpdate', 'decideUpdate', 'recordProgressUpdate', 'registeredUpdate']),
    );
  });

  it('each have a validator, so the actor claim is checked, unless they only read', () => {
    const unguarded = handlers.filter((h) => !READ_ONLY_UPDATES.includes(h.name) && !/\bvalidator\s*:/.test(h.call));
    expect(unguarded.map((h) => `${h.file}: ${h.name}`)).toEqual([]);
  });
});
