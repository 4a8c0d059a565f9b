// Files chosen on the page, as the API takes them (api/services/attachments): base64 inside the JSON
// body with their size, sha256 and content type, which the API checks against the bytes before it
// stores anything. The content type comes from the file's extension first: browsers report some
// types differently per system (a .csv as application/vnd.ms-excel on Windows, a .docx as nothing).
import { sha256 } from '../../domain/digest';
import type { AttachmentKind } from '../../domain/templates';

/** An attachment as POST bodies carry it (api/schemas UploadedAttachmentSchema). */
export interface Upload {
  name: string;
  kind: AttachmentKind;
  contentType: string;
  size: number;
  sha256: string;
  /** The bytes, base64. */
  content: string;
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

function base64(bytes: Uint8Array): string {
  let binary = '';
  // In chunks: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * SHA-256 of `bytes`, in lower-case hex: domain/digest's, in plain TypeScript, because the
 * browser's crypto.subtle exists only in secure contexts (HTTPS or localhost), and a county may
 * serve the page over plain HTTP on its own network.
 */
export function sha256Hex(bytes: Uint8Array): string {
  return [...sha256(bytes)].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** A chosen file as the API takes it. `kind`: what it is to the contract (for an invoice or its scan: "other"). */
export async function toUpload(file: File, kind: AttachmentKind): Promise<Upload> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return {
    name: file.name,
    kind,
    contentType: contentTypeOf(file.name, file.type),
    size: bytes.length,
    sha256: sha256Hex(bytes),
    content: base64(bytes),
  };
}
