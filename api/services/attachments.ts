// Uploaded attachments (base64 inside JSON): every one is checked against its declared size,
// sha256 and content type before any is stored, so a refused upload stores nothing.
import { createHash } from 'node:crypto';
import type { AttachmentMeta } from '../../domain/materials';
import type { Problem } from '../../domain/problems';
import type { AttachmentKind } from '../../domain/templates';
import { unprocessable } from '../errors';
import type { FileStorage } from './file-storage';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const ALLOWED_CONTENT_TYPES = [
  'image/jpeg',
  'image/png',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/plain',
];

export interface UploadedAttachment {
  name: string;
  kind: AttachmentKind;
  contentType: string;
  size: number;
  sha256: string;
  /** The file, base64-encoded. */
  content: string;
}

/**
 * Checks every group's attachments (`field` names the group in problems), then stores them all.
 * Returns each group's metadata, content left out and hashes in lower case.
 */
export async function storeAttachments(
  storage: FileStorage,
  groups: Array<{ field: string; attachments: UploadedAttachment[] }>,
): Promise<AttachmentMeta[][]> {
  const problems: Problem[] = [];
  const decoded = groups.map((group) =>
    group.attachments.map((a, j) => {
      const field = `${group.field}.${j}`;
      const bytes = Buffer.from(a.content, 'base64');
      if (!ALLOWED_CONTENT_TYPES.includes(a.contentType)) problems.push({ field: `${field}.contentType`, reason: `is not accepted (${ALLOWED_CONTENT_TYPES.join(', ')})` });
      if (bytes.length > MAX_ATTACHMENT_BYTES) problems.push({ field: `${field}.content`, reason: `is larger than ${MAX_ATTACHMENT_BYTES} bytes` });
      if (bytes.length !== a.size) problems.push({ field: `${field}.size`, reason: `is ${a.size} but the content has ${bytes.length} bytes` });
      if (createHash('sha256').update(bytes).digest('hex') !== a.sha256.toLowerCase()) {
        problems.push({ field: `${field}.sha256`, reason: 'does not match the content' });
      }
      return bytes;
    }),
  );
  if (problems.length > 0) throw unprocessable('Attachments were refused; nothing was stored', problems);
  for (const [i, group] of groups.entries()) {
    for (const [j, attachment] of group.attachments.entries()) await storage.put(attachment.sha256.toLowerCase(), decoded[i]![j]!);
  }
  return groups.map((group) => group.attachments.map(({ content: _content, ...meta }) => ({ ...meta, sha256: meta.sha256.toLowerCase() })));
}
