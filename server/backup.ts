// Backup and restore of the embedded engine's data: the PGlite database, the Temporal dev server's
// SQLite file and the stored attachments, as one gzipped tar archive. Both run only while no engine
// owns the data directory: they take its lock themselves (so nothing starts meanwhile), which is
// also what makes the copy consistent — every file is at rest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a backup holds, relative to the data directory. */
export const BACKED_UP = ['pglite', 'temporal', 'files'] as const;
export const MANIFEST = 'grantflow-backup.json';

export interface Manifest {
  format: 'grantflow-backup';
  version: 1;
  createdAt: string;
  /** The data directory it was taken from. */
  dataDir: string;
  contents: string[];
}

/** A refusal or failure with a message meant for the person who ran the command. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

function tar(args: string[]): string {
  const result = spawnSync('tar', args, { encoding: 'utf8' });
  if (result.error) throw new BackupError(`cannot run tar: ${result.error.message}`);
  if (result.status !== 0) throw new BackupError(`tar ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Writes the data directory's embedded state to `file` (which must not exist). The caller holds the lock. */
export function backupDataDir(dataDir: string, file: string): { contents: string[]; bytes: number } {
  if (existsSync(file)) throw new BackupError(`${file} already exists: choose another name or remove it first.`);
  if (!existsSync(path.join(dataDir, 'pglite'))) {
    throw new BackupError(`${dataDir} holds no embedded database (no pglite/ in it): nothing to back up.`);
  }
  const contents = BACKED_UP.filter((name) => existsSync(path.join(dataDir, name)));
  const staging = mkdtempSync(path.join(os.tmpdir(), 'grantflow-backup-'));
  const partial = `${file}.partial`;
  try {
    const manifest: Manifest = {
      format: 'grantflow-backup',
      version: 1,
      createdAt: new Date().toISOString(),
      dataDir,
      contents,
    };
    writeFileSync(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    mkdirSync(path.dirname(file), { recursive: true });
    tar(['-czf', partial, '-C', staging, MANIFEST, '-C', dataDir, ...contents]);
    // Only a complete archive carries the name asked for.
    renameSync(partial, file);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
  return { contents, bytes: statSync(file).size };
}

/** Checks that `file` is a grantflow backup holding only plain files and directories under BACKED_UP. */
function readManifest(file: string): Manifest {
  const names = tar(['-tzf', file]).split('\n').filter(Boolean);
  const types = tar(['-tvzf', file])
    .split('\n')
    .filter(Boolean)
    .map((line) => line[0]);
  names.forEach((name, i) => {
    const top = name.split('/')[0]!;
    const safe = !path.isAbsolute(name) && !name.split('/').includes('..');
    const known = name === MANIFEST || (BACKED_UP as readonly string[]).includes(top);
    if (!safe || !known || (types[i] !== '-' && types[i] !== 'd')) {
      throw new BackupError(`${file} is not a grantflow backup: it holds "${name}".`);
    }
  });
  if (!names.includes(MANIFEST)) throw new BackupError(`${file} is not a grantflow backup: it has no ${MANIFEST}.`);
  const manifest = JSON.parse(tar(['-xzOf', file, MANIFEST])) as Manifest;
  if (manifest.format !== 'grantflow-backup' || manifest.version !== 1) {
    throw new BackupError(
      `${file} is a backup of a format this version cannot read (${manifest.format} ${manifest.version}).`,
    );
  }
  return manifest;
}

/**
 * Restores `file` into `dataDir`, which must hold no embedded state yet (a new directory, or one
 * whose broken state was moved away). The caller holds the lock.
 */
export function restoreDataDir(dataDir: string, file: string): Manifest {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist.`);
  const manifest = readManifest(file);
  const present = BACKED_UP.filter((name) => existsSync(path.join(dataDir, name)));
  if (present.length > 0) {
    throw new BackupError(
      `${dataDir} already holds ${present.join(', ')}: restore only into a new data directory ` +
        '(set GRANTFLOW_DATA_DIR), or move the current one away first. Nothing was changed.',
    );
  }
  // Unpacked beside the destination first, so an interrupted restore leaves no half database behind.
  const staging = mkdtempSync(path.join(dataDir, '.restoring-'));
  try {
    tar(['-xzf', file, '--no-same-owner', '-C', staging, ...manifest.contents]);
    for (const name of readdirSync(staging)) renameSync(path.join(staging, name), path.join(dataDir, name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return manifest;
}
