// Where attachment bytes live. Content-addressed by SHA-256, so storing the same file twice is one
// file. The default keeps them under the data directory; another implementation (object storage)
// only has to honour this interface.
//
// Every upload holds the files it stores (a hold is a reference, kept for as long as the upload's
// record exists). A refused upload discards its hold; a file nobody holds any more is deleted — a
// file shared by an accepted record, or by an upload still in flight, never is.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface FileToStore {
  /** Hex, lower case. */
  sha256: string;
  bytes: Buffer;
}

export interface HeldFiles {
  /** The upload was refused: its hold goes, and so do the files it wrote that nobody else holds. */
  discard(): Promise<void>;
}

export interface FileStorage {
  /** Stores the bytes under their sha256 (hex); idempotent. True when this call wrote the file. */
  put(sha256: string, bytes: Buffer): Promise<boolean>;
  has(sha256: string): Promise<boolean>;
  /** Stores one upload's files, held for it: kept while the hold stands (for good unless discarded). */
  hold(files: readonly FileToStore[]): Promise<HeldFiles>;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

export class LocalFileStorage implements FileStorage {
  constructor(private readonly root: string) {}

  private file(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** The directory of a file's holds: one empty file per hold. */
  private holds(sha256: string): string {
    return `${this.file(sha256)}.holds`;
  }

  async put(sha256: string, bytes: Buffer): Promise<boolean> {
    if (await this.has(sha256)) return false;
    const target = this.file(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    // Write then rename, so a crash never leaves a half-written file under the final name.
    const partial = `${target}.${process.pid}.${randomUUID()}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, target);
    return true;
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.file(sha256)).then(
      () => true,
      () => false,
    );
  }

  async hold(files: readonly FileToStore[]): Promise<HeldFiles> {
    const id = randomUUID();
    const held: string[] = [];
    for (const { sha256, bytes } of files) {
      if (held.includes(sha256)) continue;
      // The hold first, then the file: a refused upload deleting the same file either sees this
      // hold and keeps it, or deleted it before, and then the put below writes it again.
      await this.writeHold(sha256, id);
      held.push(sha256);
      // Marked as written under a hold: only such files are ever deleted, never one stored before
      // holds existed (which records may reference without holding).
      if (await this.put(sha256, bytes)) await this.writeHold(sha256, WRITTEN);
    }
    return {
      discard: async () => {
        for (const sha256 of held) {
          await unlink(path.join(this.holds(sha256), id)).catch((error) => {
            if (!isMissing(error)) throw error;
          });
          await this.deleteUnlessHeld(sha256, id);
          // Emptied, the holds directory goes too (another hold being written retries).
          await rmdir(this.holds(sha256)).catch(() => undefined);
        }
      },
    };
  }

  private async writeHold(sha256: string, id: string): Promise<void> {
    // A discard may remove the emptied directory between the two calls: then make it again.
    for (let attempt = 0; ; attempt++) {
      await mkdir(this.holds(sha256), { recursive: true });
      try {
        await writeFile(path.join(this.holds(sha256), id), '');
        return;
      } catch (error) {
        if (!isMissing(error) || attempt >= 5) throw error;
      }
    }
  }

  /** The holds on a file (its written mark left out). */
  private async holdsOn(sha256: string): Promise<{ holds: string[]; written: boolean }> {
    const entries = await readdir(this.holds(sha256)).catch((error) => {
      if (isMissing(error)) return [] as string[];
      throw error;
    });
    return { holds: entries.filter((e) => e !== WRITTEN), written: entries.includes(WRITTEN) };
  }

  /**
   * Deletes a file written under a hold once nobody holds it. Moved aside first, then the holds
   * are read again: a hold made after that reading finds the file gone and writes it again.
   */
  private async deleteUnlessHeld(sha256: string, id: string): Promise<void> {
    const before = await this.holdsOn(sha256);
    if (!before.written || before.holds.length > 0) return;
    const target = this.file(sha256);
    const aside = `${target}.${id}.discarded`;
    try {
      await rename(target, aside);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // Held by another meanwhile: back under its name (the same bytes, whoever wrote it since).
    if ((await this.holdsOn(sha256)).holds.length > 0) return rename(aside, target);
    await unlink(aside);
    await unlink(path.join(this.holds(sha256), WRITTEN)).catch(() => undefined);
  }
}

/** The mark of a file written under a hold, among its holds (hold ids are UUIDs: never this). */
const WRITTEN = '.written';
