// Attachments are judged by their bytes: binary types by their signature (identified with the
// file-type library, as the API does), text types as UTF-8 text without control characters.
import fc from 'fast-check';
import { fileTypeFromBuffer } from 'file-type';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_CONTENT_TYPES, attachmentContentProblem } from '../../domain/attachments';
import { PNG_1X1 } from '../fixtures/materials';

/** The rule as the API applies it: the signature identified from the bytes, then the domain's judgement. */
const judge = async (name: string, declared: string, bytes: Buffer) =>
  attachmentContentProblem(name, declared, (await fileTypeFromBuffer(bytes))?.mime, bytes);

// A Windows executable's first bytes: "MZ", the DOS header, zeros.
const EXE = Buffer.concat([
  Buffer.from('4d5a90000300000004000000ffff0000b800000000000000400000', 'hex'),
  Buffer.alloc(200),
]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const JPEG = Buffer.concat([
  Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
  Buffer.alloc(64),
  Buffer.from('ffd9', 'hex'),
]);
const GIF = Buffer.from(
  '47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b',
  'hex',
);

describe('attachment content', () => {
  it('accepts each binary type whose bytes are that type', async () => {
    expect(await judge('scan.png', 'image/png', PNG_1X1)).toBeUndefined();
    expect(await judge('photo.jpg', 'image/jpeg', JPEG)).toBeUndefined();
    expect(await judge('report.pdf', 'application/pdf', PDF)).toBeUndefined();
  });

  it('refuses bytes of another type than the one declared, naming the attachment', async () => {
    expect(await judge('setup.png', 'image/png', EXE)).toBe(
      '"setup.png" is declared image/png but its content is application/x-msdownload',
    );
    expect(await judge('scan.pdf', 'application/pdf', PNG_1X1)).toBe(
      '"scan.pdf" is declared application/pdf but its content is image/png',
    );
    expect(await judge('photo.jpg', 'image/jpeg', GIF)).toBe(
      '"photo.jpg" is declared image/jpeg but its content is image/gif',
    );
    expect(await judge('notes.png', 'image/png', Buffer.from('just some words'))).toBe(
      '"notes.png" is declared image/png but its content is of no recognised type',
    );
    expect(await judge('empty.pdf', 'application/pdf', Buffer.alloc(0))).toContain('of no recognised type');
  });

  it('refuses a binary file declared as text', async () => {
    expect(await judge('setup.csv', 'text/csv', EXE)).toBe(
      '"setup.csv" is declared text/csv but its content is not valid UTF-8 text',
    );
    expect(await judge('stub.txt', 'text/plain', Buffer.from('MZ\0\0PE\0\0'))).toContain(
      '"stub.txt" is declared text/plain but its content holds a control character (U+0000)',
    );
    expect(await judge('scan.txt', 'text/plain', PNG_1X1)).toContain(
      '"scan.txt" is declared text/plain but its content',
    );
    expect(await judge('latin1.csv', 'text/csv', Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x2c, 0xe9, 0x0a]))).toBe(
      '"latin1.csv" is declared text/csv but its content is not valid UTF-8 text',
    );
    expect(await judge('bell.txt', 'text/plain', Buffer.from('ring\u0007'))).toContain('U+0007');
    // A CR is a line ending only before an LF.
    expect(await judge('cr.txt', 'text/plain', Buffer.from('one\rtwo'))).toContain('U+000D');
  });

  it('accepts real CSV and plain text, with CRLF line endings and a byte-order mark, whatever they begin with', async () => {
    expect(
      await judge(
        'roster.csv',
        'text/csv',
        Buffer.from('\uFEFFname,hamlet,households\r\n王丽,Banli,23\r\n"Zhao, Min",Xiatun,17\r\n'),
      ),
    ).toBeUndefined();
    // Text that begins like a signature ("BM" of a bitmap, "MZ") is still text.
    expect(await judge('cars.csv', 'text/csv', Buffer.from('BMW,3 series\nMZ,Mozambique\n'))).toBeUndefined();
    expect(await judge('note.txt', 'text/plain', Buffer.from('走访记录\n\t第一户：已走访。\n'))).toBeUndefined();
  });

  it('judges any text a person can write as text, and any such text with a control character as not', async () => {
    const printable = fc.string({
      unit: fc.oneof(
        fc.constantFrom('\n', '\t', '\r\n', ',', '"'),
        fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        fc.constantFrom('王', '丽', '屯', 'é', '€'),
      ),
      maxLength: 200,
    });
    const control = fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x09 && c !== 0x0a);
    await fc.assert(
      fc.asyncProperty(printable, fc.constantFrom('text/plain', 'text/csv'), async (text, type) => {
        expect(await judge('f', type, Buffer.from(text))).toBeUndefined();
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        printable,
        control,
        printable,
        fc.constantFrom('text/plain', 'text/csv'),
        async (before, c, after, type) => {
          // A CR right before an LF is a line ending, not a stray control character.
          fc.pre(!(c === 0x0d && after.startsWith('\n')));
          expect(await judge('f', type, Buffer.from(`${before}${String.fromCharCode(c)}${after}`))).toMatch(
            /control character/,
          );
        },
      ),
    );
  });

  it('refuses a type not on the list, and lists the accepted ones', async () => {
    expect(Object.keys(ACCEPTED_CONTENT_TYPES)).toEqual(
      expect.arrayContaining(['image/png', 'application/pdf', 'text/csv', 'text/plain']),
    );
    expect(await judge('run.exe', 'application/x-msdownload', EXE)).toMatch(
      /^is not accepted \(image\/jpeg, image\/png, .*text\/csv\)$/,
    );
  });
});
