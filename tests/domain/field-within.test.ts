// A problem's field belongs to a form field when it is that field or one inside it (domain/problems
// isFieldWithin): the page's fields, the page's "other problems" list and the API's schema/rule merge.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFieldWithin } from '../../domain/problems';

describe('isFieldWithin', () => {
  it('is the field itself or a path inside it, never a field that merely starts with its name', () => {
    expect(isFieldWithin('tranches.0.amount', 'tranches')).toBe(true);
    expect(isFieldWithin('tranches', 'tranches')).toBe(true);
    expect(isFieldWithin('tranchesExtra', 'tranches')).toBe(false);
    expect(isFieldWithin(undefined, 'tranches')).toBe(false);
    const name = fc.stringMatching(/^[a-z]{1,6}$/);
    fc.assert(
      fc.property(name, name, name, (a, b, c) => {
        expect(isFieldWithin(`${a}.${b}`, a)).toBe(true);
        expect(isFieldWithin(`${a}${c}`, a)).toBe(false);
        expect(isFieldWithin(a, `${a}.${b}`)).toBe(false);
      }),
    );
  });
});
