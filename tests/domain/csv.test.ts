import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from '../../domain/csv';

describe('CSV (RFC 4180)', () => {
  it('reads back every field it writes, whatever the text (formulas carry their apostrophe)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), { maxLength: 5 }),
        (rows) => {
          const width = rows[0]?.length ?? 1;
          const same = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
          const header = Array.from({ length: width }, (_, i) => `c${i}`);
          const parsed = parseCsv(toCsv(header, same));
          const expected = same.map((r) =>
            r.map((f) => (/^[=+\-@\t\r]/.test(f) && !/^-?\d+(\.\d+)?$/.test(f) ? `'${f}` : f)),
          );
          expect(parsed).toEqual([header, ...expected]);
        },
      ),
    );
  });
  it('quotes what must be quoted and defuses formulas, but keeps negative amounts', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-12.50')).toBe('-12.50');
    expect(toCsv(['a', 'b'], [['1', null]])).toBe('a,b\r\n1,\r\n');
  });
});
