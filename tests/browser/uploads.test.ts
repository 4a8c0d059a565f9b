// The page's uploads (web/src/uploads.ts), without a browser: the sha256 the API checks every file
// against (written out for pages served without HTTPS, where crypto.subtle is missing) equals
// Node's, also fed in pieces as a file is read; the content is the file's base64 whatever the
// pieces; the body is the JSON the API takes, exactly as long as the page said before reading a
// file; and the declared content type follows the extension before the browser's guess.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_REQUEST_BYTES } from '../../domain/attachments';
import { Sha256 } from '../../domain/digest';
import { contentTypeOf, requestBytes, sha256Hex, toUploads, uploadBody } from '../../web/src/uploads';

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

  it('hashes any bytes given in any pieces as SHA-256 does', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }), (pieces) => {
        const hash = new Sha256();
        for (const piece of pieces) hash.update(piece);
        const node = createHash('sha256');
        for (const piece of pieces) node.update(piece);
        expect(Buffer.from(hash.digest()).toString('hex')).toBe(node.digest('hex'));
        // Spent, as node's: a second digest or a later update is refused, never a wrong hash.
        expect(() => hash.digest()).toThrow(/digest\(\) was called already/);
        expect(() => hash.update(new Uint8Array(1))).toThrow(/digest\(\) was called already/);
      }),
    );
  });

  it('reads files as the API takes them, in a body exactly as long as said before reading them', async () => {
    // Sizes around base64's 3 bytes and the stream's pieces (64 KB in Node).
    const sizes = [0, 1, 2, 3, 4, 65_535, 65_536, 65_537, 200_001, 1_048_577];
    const bytes = sizes.map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff));
    const files = bytes.map((b, i) => new File([b], `发票-${i}.pdf`, { type: 'application/octet-stream' }));
    const fields = { tranche: 't1', amount: '1.00', invoice: { number: 'INV "1"', date: '2026-05-01' }, note: '验收' };
    const seen: string[] = [];
    const uploads = await toUploads(files, 'other', (done, total) => seen.push(`${done}/${total}`));
    expect(seen).toEqual([...sizes.map((_, i) => `${i}/${sizes.length}`), `${sizes.length}/${sizes.length}`]);
    const sent = await uploadBody(fields, uploads).text();
    expect(sent).toBe(
      JSON.stringify({
        ...fields,
        attachments: bytes.map((b, i) => ({
          name: `发票-${i}.pdf`,
          kind: 'other',
          contentType: 'application/pdf',
          size: b.length,
          sha256: createHash('sha256').update(b).digest('hex'),
          content: Buffer.from(b).toString('base64'),
        })),
      }),
    );
    expect(requestBytes(fields, files, 'other')).toBe(new TextEncoder().encode(sent).length);
    expect(await uploadBody(fields, []).text()).toBe(JSON.stringify(fields));
    expect(requestBytes(fields, [], 'other')).toBe(new TextEncoder().encode(JSON.stringify(fields)).length);
  });

  it('says, without reading them, when files are too large together for one request', () => {
    // Sizes only: a File's size is known before its bytes are read.
    const scan = (i: number) =>
      Object.defineProperty(new File([], `scan-${i}.pdf`), 'size', { value: Math.round(9.5 * 1024 * 1024) });
    const six = Array.from({ length: 6 }, (_, i) => scan(i));
    const fields = { tranche: 't1', amount: '1.00', invoice: { number: 'INV-1', date: '2026-05-01' } };
    expect(requestBytes(fields, six, 'other')).toBeGreaterThan(MAX_UPLOAD_REQUEST_BYTES);
    expect(requestBytes(fields, six.slice(0, 5), 'other')).toBeLessThan(MAX_UPLOAD_REQUEST_BYTES);
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
