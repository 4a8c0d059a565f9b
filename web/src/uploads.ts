// Files chosen on the page, as the API takes them (api/services/attachments): base64 inside the JSON
// body with their size, sha256 and content type, which the API checks against the bytes before it
// stores anything. The content type comes from the file's extension first: browsers report some
// types differently per system (a .csv as application/vnd.ms-excel on Windows, a .docx as nothing).
//
// A request with files is up to MAX_UPLOAD_REQUEST_BYTES (domain/attachments; the route's body
// limit): a form checks that before it reads any file (requestBytes). Files are then read as streams,
// each piece hashed and base64-encoded as it arrives with the page painting in between, and the body
// is sent as a Blob that holds each file's base64 as a Blob of its own (uploadBody): no step holds
// the page for long, and no string of tens of megabytes is ever built.
import { base64Length, MAX_UPLOAD_REQUEST_BYTES } from '../../domain/attachments';
import { sha256, Sha256 } from '../../domain/digest';
import type { AttachmentKind } from '../../domain/templates';

/** An attachment as POST bodies carry it (api/schemas UploadedAttachmentSchema), its content aside. */
export interface Upload {
  name: string;
  kind: AttachmentKind;
  contentType: string;
  size: number;
  sha256: string;
  /** The bytes in base64 (ASCII text), as the body's `content` holds them. */
  content: Blob;
}

/** The content types the API accepts (domain/attachments ACCEPTED_CONTENT_TYPES), by extension. */
const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  txt: 'text/plain',
  csv: 'text/csv',
};

/** For the file input's `accept`: the extensions the API takes. */
export const ACCEPTED_EXTENSIONS = Object.keys(BY_EXTENSION)
  .map((e) => `.${e}`)
  .join(',');

/** The content type to declare for a file: by its extension, else what the browser says (the API refuses what it does not take). */
export function contentTypeOf(name: string, reported: string): string {
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  return (extension && BY_EXTENSION[extension]) || reported || 'application/octet-stream';
}

const hex = (bytes: Uint8Array) => [...bytes].map((x) => x.toString(16).padStart(2, '0')).join('');

/**
 * SHA-256 of `bytes`, in lower-case hex: domain/digest's, in plain TypeScript, because the
 * browser's crypto.subtle exists only in secure contexts (HTTPS or localhost), and a county may
 * serve the page over plain HTTP on its own network.
 */
export function sha256Hex(bytes: Uint8Array): string {
  return hex(sha256(bytes));
}

/** `bytes` in base64 (the browser's btoa, a piece at a time: String.fromCharCode takes its arguments on the stack). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** What an Upload says of its file without reading it. */
function described(file: File, kind: AttachmentKind): Omit<Upload, 'sha256' | 'content'> {
  return { name: file.name, kind, contentType: contentTypeOf(file.name, file.type), size: file.size };
}

/**
 * The JSON body `fields` with `uploads` as its `attachments` (none: no `attachments`), as a Blob:
 * the text JSON.stringify would write were each content its base64 string, each content spliced
 * in as the Blob it is.
 */
export function uploadBody(fields: object, uploads: readonly Upload[]): Blob {
  const head = JSON.stringify(fields);
  if (uploads.length === 0) return new Blob([head], { type: 'application/json' });
  const parts: BlobPart[] = [head.slice(0, -1), head === '{}' ? '' : ',', '"attachments":['];
  uploads.forEach(({ content, ...meta }, i) =>
    parts.push(i > 0 ? ',' : '', JSON.stringify(meta).slice(0, -1), ',"content":"', content, '"}'),
  );
  parts.push(']}');
  return new Blob(parts, { type: 'application/json' });
}

/**
 * The bytes of the request uploadBody(`fields`, the uploads of `files`) makes, exactly, before any
 * file is read: each content is base64Length(size) characters (domain/attachments), a sha256 64.
 * What the route's body limit, MAX_UPLOAD_REQUEST_BYTES, is checked against.
 */
export function requestBytes(fields: object, files: readonly File[], kind: AttachmentKind): number {
  const unread = files.map((f) => ({ ...described(f, kind), sha256: '0'.repeat(64), content: new Blob() }));
  return uploadBody(fields, unread).size + files.reduce((sum, f) => sum + base64Length(f.size), 0);
}

/** About how many bytes of files one request takes besides its other fields (base64 makes 4 of 3): for a form's hint. */
export const UPLOAD_CAPACITY_BYTES = Math.floor(MAX_UPLOAD_REQUEST_BYTES / 4) * 3;

/** Lets the page paint (and take input) before the next piece of work. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Bytes hashed and encoded between two pauses (a multiple of 3): about ten milliseconds of work. */
const SLICE_BYTES = 3 * 64 * 1024;

/**
 * A chosen file as the API takes it, read as a stream, hashed and encoded SLICE_BYTES at a time
 * with a pause after each. `kind`: what it is to the contract (for an invoice or its scan: "other").
 */
export async function toUpload(file: File, kind: AttachmentKind): Promise<Upload> {
  const hash = new Sha256();
  const encoded: string[] = [];
  // base64 of the slices joins up when each slice but the last is a multiple of 3 bytes long.
  let carry = new Uint8Array(0);
  let size = 0;
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    const bytes = carry.length > 0 ? concat(carry, value) : value;
    let at = 0;
    for (; bytes.length - at >= SLICE_BYTES; at += SLICE_BYTES) {
      const slice = bytes.subarray(at, at + SLICE_BYTES);
      hash.update(slice);
      encoded.push(base64(slice));
      await nextTask();
    }
    carry = bytes.slice(at);
  }
  hash.update(carry);
  encoded.push(base64(carry));
  return { ...described(file, kind), size, sha256: hex(hash.digest()), content: new Blob(encoded) };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * The chosen files as the API takes them, one at a time (toUpload); `progress(done, total)` says
 * how many are ready (0 before the first).
 */
export async function toUploads(
  files: readonly File[],
  kind: AttachmentKind,
  progress: (done: number, total: number) => void = () => {},
): Promise<Upload[]> {
  const uploads: Upload[] = [];
  for (const file of files) {
    progress(uploads.length, files.length);
    await nextTask();
    uploads.push(await toUpload(file, kind));
  }
  progress(uploads.length, files.length);
  return uploads;
}
