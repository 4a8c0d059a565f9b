// Uploaded attachments (base64 inside JSON): every one is checked against its declared size,
// sha256 and content type — identified from the bytes — before any is stored, and the files of a
// request the workflow then refuses are deleted again, so a refused request leaves nothing stored.
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { attachmentContentSaid, MAX_ATTACHMENT_BYTES } from '../../domain/attachments';
import { say } from '../../domain/messages';
import { problem, saidProblem } from '../../domain/problems';
import type { AttachmentMeta } from '../../domain/materials';
import type { Problem } from '../../domain/problems';
import type { AttachmentKind } from '../../domain/templates';
import { ApiError, unprocessable } from '../errors';
import type { FileStorage, FileToStore } from './file-storage';

export interface UploadedAttachment {
  name: string;
  kind: AttachmentKind;
  contentType: string;
  size: number;
  sha256: string;
  /** The file, base64-encoded. */
  content: string;
}

type Groups = Array<{ field: string; attachments: UploadedAttachment[] }>;

/**
 * Checks every group's attachments (`field` names the group in problems): 422 with every problem,
 * nothing stored. Returns the files to store and each group's metadata (content left out, hashes
 * in lower case).
 */
export async function checkAttachments(groups: Groups): Promise<{ files: FileToStore[]; metas: AttachmentMeta[][] }> {
  const problems: Problem[] = [];
  const files: FileToStore[] = [];
  for (const group of groups) {
    for (const [j, a] of group.attachments.entries()) {
      const field = `${group.field}.${j}`;
      const bytes = Buffer.from(a.content, 'base64');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (bytes.length > MAX_ATTACHMENT_BYTES)
        problems.push(problem(`${field}.content`, 'larger_than_bytes', { limit: MAX_ATTACHMENT_BYTES }));
      if (bytes.length !== a.size)
        problems.push(problem(`${field}.size`, 'size_mismatch', { size: a.size, actual: bytes.length }));
      if (sha256 !== a.sha256.toLowerCase()) problems.push(problem(`${field}.sha256`, 'digest_mismatch'));
      const detected = (await fileTypeFromBuffer(bytes))?.mime;
      const mismatch = attachmentContentSaid(a.name, a.contentType, detected, bytes);
      if (mismatch) problems.push(saidProblem(`${field}.contentType`, mismatch));
      files.push({ sha256, bytes });
    }
  }
  if (problems.length > 0) throw unprocessable(say('attachments_refused'), problems);
  const metas = groups.map((group) =>
    group.attachments.map(({ content: _content, ...meta }) => ({ ...meta, sha256: meta.sha256.toLowerCase() })),
  );
  return { files, metas };
}

/**
 * Checks and stores the attachments, then records them (`record`, which sends them to a workflow).
 * If the record is refused (a 4xx), the files this request wrote are deleted again, unless another
 * request holds them; a failure whose outcome is unknown (5xx, a timeout) keeps them, as the
 * record may have been made after all.
 */
export async function withAttachments<T>(
  storage: FileStorage,
  groups: Groups,
  record: (metas: AttachmentMeta[][]) => Promise<T>,
): Promise<T> {
  const { files, metas } = await checkAttachments(groups);
  const held = await storage.hold(files);
  try {
    return await record(metas);
  } catch (error) {
    if (error instanceof ApiError && error.statusCode < 500) await held.discard();
    throw error;
  }
}
