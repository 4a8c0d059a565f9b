// Which files may be attached (evaluation materials, deliveries, progress evidence), and whether
// a file's bytes are what its declared content type says. A type is judged by the bytes, never by
// the name or the declaration alone: binary formats by their signature (identified by the API with
// the `file-type` library and passed in here), text formats — which have no signature — by being
// valid UTF-8 text a person could have written (domain/text.ts's rule; CR allowed before LF).
import { render, say, type Said } from './messages';
import { textProblemSaid } from './text';

/** Largest attachment, in bytes. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * Largest request body, in bytes, of a route that carries attachments (a payment application, a
 * submission, a material request's delivery, a progress record): their bytes travel base64 inside
 * the JSON, a third larger than on disk (base64Length). The API's bodyLimit on those routes, and
 * what the page checks a form's files against before it reads them.
 */
export const MAX_UPLOAD_REQUEST_BYTES = 64 * 1024 * 1024;

/** Characters of `bytes` bytes written in base64 (with padding), as a JSON body carries a file. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** Accepted content types: binary ones are identified by their signature, text ones have none. */
export const ACCEPTED_CONTENT_TYPES = {
  'image/jpeg': 'binary',
  'image/png': 'binary',
  'application/pdf': 'binary',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'binary',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'binary',
  'text/plain': 'text',
  'text/csv': 'text',
} as const satisfies Record<string, 'binary' | 'text'>;
export type AcceptedContentType = keyof typeof ACCEPTED_CONTENT_TYPES;

export function isAcceptedContentType(type: string): type is AcceptedContentType {
  return Object.hasOwn(ACCEPTED_CONTENT_TYPES, type);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Why `bytes` are not text a person wrote (invalid UTF-8, a control character), or undefined. */
function textFileProblem(bytes: Uint8Array): Said | undefined {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return say('not_utf8');
  }
  // Files written on Windows end their lines with CR LF: a CR is allowed there and nowhere else.
  return textProblemSaid(text.replace(/\r\n/g, '\n'));
}

/**
 * Why an attachment's bytes do not match its declared content type, or undefined when they do.
 * `detected`: the MIME type identified from the bytes' signature, undefined when they have none.
 * The reason names the attachment (`name`), for the refusal.
 */
export function attachmentContentSaid(
  name: string,
  declared: string,
  detected: string | undefined,
  bytes: Uint8Array,
): Said | undefined {
  if (!isAcceptedContentType(declared))
    return say('content_type_not_accepted', { types: Object.keys(ACCEPTED_CONTENT_TYPES) });
  if (ACCEPTED_CONTENT_TYPES[declared] === 'text') {
    // Judged as text alone: text may begin like a signature ("BMW,…" looks like a BMP to a
    // sniffer), while a real binary file fails this rule on its first NUL or invalid byte.
    const problem = textFileProblem(bytes);
    return problem ? say('content_not_text', { name, declared, reason: problem }) : undefined;
  }
  if (detected === declared) return undefined;
  return say('content_type_mismatch', detected ? { name, declared, detected } : { name, declared });
}

/** attachmentContentSaid in English. */
export function attachmentContentProblem(
  name: string,
  declared: string,
  detected: string | undefined,
  bytes: Uint8Array,
): string | undefined {
  const said = attachmentContentSaid(name, declared, detected, bytes);
  return said && render(said, 'en');
}
