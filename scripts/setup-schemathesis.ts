// Installs the API fuzzer schemathesis from PyPI, at a pinned version, into a virtual environment
// under .schemathesis/ (git-ignored), its command at .schemathesis/venv/bin/schemathesis. Run by
// tests/integration/schemathesis.test.ts (or alone: `node --import tsx scripts/setup-schemathesis.ts`);
// does nothing when that version is already there.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SCHEMATHESIS_VERSION = '4.32.5';
const schemathesisDir = path.resolve(__dirname, '..', '.schemathesis');
const venv = path.join(schemathesisDir, 'venv');
const stamp = path.join(schemathesisDir, 'version');
const schemathesisBinary = path.join(venv, 'bin', 'schemathesis');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.error?.message})`);
}

function main(): void {
  if (
    existsSync(schemathesisBinary) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === SCHEMATHESIS_VERSION
  ) {
    console.log(
      `[setup-schemathesis] schemathesis ${SCHEMATHESIS_VERSION}: ${path.relative(process.cwd(), schemathesisBinary)}`,
    );
    return;
  }
  const python = ['python3', 'python'].find(
    (candidate) => spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  if (!python) throw new Error('schemathesis needs Python 3 with pip (python3 -m venv); none found');
  rmSync(schemathesisDir, { recursive: true, force: true });
  console.log(
    `[setup-schemathesis] installing schemathesis==${SCHEMATHESIS_VERSION} into ${path.relative(process.cwd(), venv)}/`,
  );
  const requirement = `schemathesis==${SCHEMATHESIS_VERSION}`;
  if (
    spawnSync(python, ['-m', 'venv', venv], { stdio: 'inherit' }).status === 0 &&
    existsSync(path.join(venv, 'bin', 'python'))
  ) {
    run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', requirement]);
  } else {
    // No venv module (Debian without python3-venv): install beside it and call it through a wrapper.
    const lib = path.join(schemathesisDir, 'lib');
    run(python, ['-m', 'pip', 'install', '--quiet', '--no-warn-script-location', '--target', lib, requirement]);
    mkdirSync(path.dirname(schemathesisBinary), { recursive: true });
    writeFileSync(
      schemathesisBinary,
      `#!/bin/sh\nPYTHONPATH='${lib}' exec ${python} -c 'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "schemathesis"; sys.exit(schemathesis())' "$@"\n`,
    );
    chmodSync(schemathesisBinary, 0o755);
  }
  writeFileSync(stamp, `${SCHEMATHESIS_VERSION}\n`);
}

main();
