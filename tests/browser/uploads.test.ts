// The page's uploads (web/src/uploads.ts), without a browser: the sha256 the API checks every file
// against (written out for pages served without HTTPS, where crypto.subtle is missing) equals
// Node's, and the declared content type follows the extension before the browser's guess.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentTypeOf, sha256Hex } from '../../web/src/uploads';

describe('the page’s uploads', () => {
  it('hashes any bytes as SHA-256 does, across block boundaries', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
      expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
    );
  });

  it('declares the content type by the extension, whatever the browser reports', () => {
    expect(contentTypeOf('发票 0601.PDF', '')).toBe('application/pdf');
    expect(contentTypeOf('roster.csv', 'application/vnd.ms-excel')).toBe('text/csv');
    expect(contentTypeOf('report.docx', '')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(contentTypeOf('scan.heic', 'image/heic')).toBe('image/heic');
    expect(contentTypeOf('noextension', '')).toBe('application/octet-stream');
  });
});
