// Installs the API fuzzer schemathesis from PyPI, at a pinned version, into a virtual environment
// under .schemathesis/ (git-ignored), its command at .schemathesis/venv/bin/schemathesis. Run by
// tests/integration/schemathesis.test.ts (or alone: `node --import tsx scripts/setup-schemathesis.ts`);
// does nothing when that version is already there.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SCHEMATHESIS_VERSION = '4.32.5';
const schemathesisDir = path.resolve(__dirname, '..', '.schemathesis');
const venv = path.join(schemathesisDir, 'venv');
const stamp = path.join(schemathesisDir, 'version');
const schemathesisBinary = path.join(venv, 'bin', 'schemathesis');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.error?.message})`);
}

function main(): void {
  if (existsSync(schemathesisBinary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === SCHEMATHESIS_VERSION) {
    console.log(`[setup-schemathesis] schemathesis ${SCHEMATHESIS_VERSION}: ${path.relative(process.cwd(), schemathesisBinary)}`);
    return;
  }
  const python = ['python3', 'python'].find((candidate) => spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!python) throw new Error('schemathesis needs Python 3 with pip (python3 -m venv); none found');
  rmSync(schemathesisDir, { recursive: true, force: true });
  console.log(`[setup-schemathesis] installing schemathesis==${SCHEMATHESIS_VERSION} into ${path.relative(process.cwd(), venv)}/`);
  run(python, ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  writeFileSync(stamp, `${SCHEMATHESIS_VERSION}\n`);
}

main();
