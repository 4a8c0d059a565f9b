// Where attachment bytes live. Content-addressed by SHA-256, so storing the same file twice is one
// file. The default keeps them under the data directory; another implementation (object storage)
// only has to honour this interface.
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface FileStorage {
  /** Stores the bytes under their sha256 (hex); idempotent. */
  put(sha256: string, bytes: Buffer): Promise<void>;
  has(sha256: string): Promise<boolean>;
}

export class LocalFileStorage implements FileStorage {
  constructor(private readonly root: string) {}

  private file(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    if (await this.has(sha256)) return;
    const target = this.file(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    // Write then rename, so a crash never leaves a half-written file under the final name.
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, target);
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.file(sha256)).then(
      () => true,
      () => false,
    );
  }
}
