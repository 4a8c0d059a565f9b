// The fuzzer schemathesis (PyPI, pinned in scripts/setup-schemathesis.ts) against the whole engine's
// /openapi.json, as the administrator and as the payer's finance officer, with a real contract to
// aim at: it passes only with no 5xx and every answer's status, content type and body as the
// document says. Bounded to about two minutes (both runs together).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

const root = path.resolve(__dirname, '../..');
const binary = path.join(root, '.schemathesis/venv/bin/schemathesis');
const CONTRACT = 'FUZZ-1';
/** Seconds of fuzzing per caller; with loading and the coverage phase, about 45 s each (CI stays under 15 minutes). */
const SECONDS_PER_CALLER = 30;

function fuzz(
  baseUrl: string,
  token: string,
  config: string,
  seed: number,
): Promise<{ code: number | null; output: string }> {
  const args = [
    '--config-file',
    config,
    'run',
    `${baseUrl}/openapi.json`,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
    '--max-examples',
    '20',
    '--max-time',
    String(SECONDS_PER_CALLER),
    '--request-timeout',
    '10',
    '--workers',
    '1',
    '--no-shrink',
    '--seed',
    String(seed),
    // Replacing a token would replace the fuzzer's own (the administrator's) halfway through.
    '--exclude-path',
    '/v1/users/{id}/token',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: root, env: { ...process.env, NO_COLOR: '1', COLUMNS: '160' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // A hard stop well past the time budget, so a hung fuzzer fails the test instead of CI.
    const timer = setTimeout(() => child.kill('SIGKILL'), (SECONDS_PER_CALLER + 60) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('schemathesis over /openapi.json', () => {
  let stack: Stack;
  let parties: Parties;
  let workDir: string;
  let config: string;

  beforeAll(async () => {
    const setup = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/setup-schemathesis.ts'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (setup.status !== 0) throw new Error('could not install schemathesis (scripts/setup-schemathesis.ts)');
    // The fuzzer's requests would soon meet the write and failed-authentication limits.
    stack = await startStack({ rateLimits: { writesPerMinute: 0, authFailuresPerMinute: 0 } });
    parties = await registerParties(stack.http, stack.adminToken);
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id: CONTRACT, closeGraceDays: 3650 }),
    });
    expect(created.status).toBe(201);
    workDir = mkdtempSync(path.join(tmpdir(), 'grantflow-schemathesis-'));
    config = path.join(workDir, 'schemathesis.toml');
    // Routes of one contract go to the real one, so the fuzzer gets past 404 into the handlers.
    writeFileSync(
      config,
      [
        '[[operations]]',
        'include-path-regex = "^/v1/contracts/\\\\{id\\\\}"',
        `parameters = { "path.id" = "${CONTRACT}" }`,
        '',
      ].join('\n'),
    );
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it.each([
    ['the administrator', () => stack.adminToken, 1],
    ["the payer's finance officer", () => parties.tokens.finance, 2],
  ])(
    'finds no server error and no answer unlike the document, as %s',
    async (_who, token, seed) => {
      const { code, output } = await fuzz(stack.baseUrl, token(), config, seed);
      const summary = output
        .split('\n')
        .filter((line) => /generated|passed|failed|error|Failed|Error/.test(line))
        .slice(-20)
        .join('\n');
      // On failure, show the failures themselves (each with its curl to reproduce), then the summary.
      const failures = output.indexOf('FAILURES');
      const report = failures >= 0 ? output.slice(failures, failures + 20_000) : output.slice(-6000);
      expect(code, `schemathesis exited ${code}:\n${report}\n${summary}`).toBe(0);
      const cases = /Test cases:\s*\n\s*(\d+) generated, (\d+) passed/.exec(output);
      expect(cases, summary).not.toBeNull();
      expect(Number(cases![1])).toBeGreaterThan(500);
      expect(cases![2]).toBe(cases![1]);
    },
    (SECONDS_PER_CALLER + 90) * 1000,
  );
});
