// Text no person writes — NUL and other control characters, unpaired surrogates, text that displays
// as other text — is refused (domain/text.ts); the API applies the rule at its boundary to every
// body, query string and path (tests/api/errors.test.ts, "hostile text").
import { describe, expect, it } from 'vitest';
import { textProblem, textProblems } from '../../domain/text';

describe('the text rule', () => {
  it('allows newline and tab, refuses every other control character and unpaired surrogates', () => {
    expect(textProblem('line one\nline two\tcolumn · 中文 😀')).toBeUndefined();
    for (const bad of [
      '\u0000',
      'a\u0007b',
      '\r',
      '\u001b[31m',
      '\u007f',
      '\u0085',
      '\u009f',
      'x\ud800',
      '\udc00y',
      '\ud83d',
    ]) {
      expect(textProblem(bad), JSON.stringify(bad)).toMatch(/control character|unpaired surrogate/);
    }
  });

  it('refuses text that displays as other text (bidirectional overrides and isolates, line separators)', () => {
    // "Officer Wei" with an override makes a payee name read backwards; U+2028 is a line break that is not one.
    for (const bad of [
      '\u202eieW reciffO',
      'a\u202ab',
      '\u202b',
      '\u202c',
      '\u202d',
      'x\u2066y',
      '\u2067',
      '\u2068',
      '\u2069',
      'one\u2028two',
      '\u2029',
    ]) {
      expect(textProblem(bad), JSON.stringify(bad)).toMatch(/bidirectional control|line separator/);
    }
    // What right-to-left and emoji text needs stays: marks, joiners, a byte-order mark.
    for (const bad of ['L\u200bi', 'a\u2060b', '\u2062', '\u206a', '\u206f', 'name\ufeff']) {
      expect(textProblem(bad), JSON.stringify(bad)).toMatch(/invisible character/);
    }
    // Positions are counted as a person counts characters: the emoji before it is one.
    expect(textProblem('😀\u0000')).toContain('at character 2');
    for (const good of [
      '\u200f\u0645\u0631\u062d\u0628\u0627',
      'a\u200eb',
      '👩\u200d💻',
      'क्\u200cष',
      '\ufeffname,phone',
    ]) {
      expect(textProblem(good), JSON.stringify(good)).toBeUndefined();
    }
  });

  it('names the path of every bad string, keys included, and survives deep nesting', () => {
    expect(
      textProblems({ a: [{ b: 'ok' }, { b: 'x\u0000' }], 'k\u0001': 1 })
        .map((p) => p.field)
        .sort(),
    ).toEqual(['(field name)', 'a.1.b']);
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(textProblems(deep)).toHaveLength(1);
    expect(textProblems(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(20);
  });
});
