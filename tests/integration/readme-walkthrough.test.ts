// The README works end to end (issue 16 item 10): every shell block of its walkthrough (between the
// `<!-- walkthrough` markers) runs, in order, in one bash with curl and jq, against a fresh engine —
// as a person would paste them, only API and ADMIN set to this engine's. Its `post`/`get` stop at
// the first refusal, so a block that does not fit the blocks before it fails here; then what the
// README's comments promise is checked through the API.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/temporal-binaries';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';

const run = promisify(execFile);

/** The walkthrough's shell blocks, in order, from the README. */
export function walkthroughBlocks(readme: string): string[] {
  const start = readme.indexOf('<!-- walkthrough');
  const end = readme.indexOf('<!-- /walkthrough -->');
  if (start < 0 || end < start) throw new Error('README.md has no <!-- walkthrough … <!-- /walkthrough --> section');
  return [...readme.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const VARIABLES = ['AGENCY', 'FINANCE', 'STATION', 'LIAISON', 'REQUEST', 'VILLAGE_A', 'CONTACT'] as const;

describe('the README walkthrough', () => {
  let stack: Stack;
  let vars: Record<(typeof VARIABLES)[number], string>;
  let output: string;

  beforeAll(async () => {
    stack = await startStack();
    const blocks = walkthroughBlocks(readFileSync(path.join(projectRoot, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    // Only the two lines a reader fills in: where the API is and the administrator's token.
    const script = blocks
      .join('\n')
      .replace(/^API=.*$/m, `API=${stack.baseUrl}`)
      .replace(/^ADMIN=.*$/m, `ADMIN=${stack.adminToken}`);
    const tail = VARIABLES.map((name) => `printf '%s=%s\\n' ${name} "$${name}"`).join('\n');
    const result = await run('bash', ['-euo', 'pipefail', '-c', `${script}\n${tail}`], {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(
        `the walkthrough stopped: ${error.message}\n--- stdout\n${error.stdout}\n--- stderr\n${error.stderr}`,
      );
    });
    output = result.stdout;
    vars = Object.fromEntries(
      VARIABLES.map((name) => [name, new RegExp(`^${name}=(.*)$`, 'm').exec(output)?.[1] ?? '']),
    ) as typeof vars;
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs every block without a refusal, binding the ids and tokens it names', () => {
    expect(vars.AGENCY).toMatch(/^gf_/);
    expect(vars.LIAISON).toMatch(/^gf_/);
    expect(vars.VILLAGE_A).toMatch(/^org_/);
    expect(vars.CONTACT).toMatch(/^ct_/);
    expect(vars.REQUEST).toMatch(/^mr_/);
  });

  it('the source contract: 530000.00 received, the June checkpoint missed by 393200.00, its escalation open at once', async () => {
    const contract = await stack.http('GET', '/v1/contracts/S-2023-lot3', { token: vars.FINANCE });
    expect(contract.status).toBe(200);
    expect(contract.body).toMatchObject({
      received: '530000.00',
      arrears: expect.any(String),
      payroll: expect.objectContaining({ monthsCovered: expect.any(Number) }),
    });
    expect(contract.body.checkpoints[0]).toMatchObject({
      required: '923200.00',
      receivedBy: '530000.00',
      status: 'missed',
      shortfall: '393200.00',
    });
    const escalations = await eventually(
      () => stack.http('GET', '/v1/escalations?status=open', { token: vars.FINANCE }),
      (res) => res.status === 200 && res.body.items.some((e: { contractId: string }) => e.contractId === 'S-2023-lot3'),
      30_000,
    );
    expect(escalations.body.items.length).toBeGreaterThan(0);
  });

  it('the material request of a village of the contract: overdue at once, delivered in part', async () => {
    const request = await stack.http('GET', `/v1/material-requests/${vars.REQUEST}`, { token: vars.STATION });
    expect(request.status).toBe(200);
    expect(request.body).toMatchObject({ status: 'partially_delivered', overdue: true });
    const village = await stack.http('GET', `/v1/material-requests/${vars.REQUEST}`, { token: vars.LIAISON });
    expect(village.status).toBe(200);
  });

  it('the second contract: its milestone and its monthly quotas, nothing due yet', async () => {
    const contract = await stack.http('GET', '/v1/contracts/S-2027-lot1', { token: vars.AGENCY });
    expect(contract.status).toBe(200);
    expect(contract.body.milestones).toHaveLength(1);
    const quotas = await stack.http('GET', '/v1/contracts/S-2027-lot1/quotas?station=G', { token: vars.STATION });
    expect(quotas.status).toBe(200);
    const items = quotas.body.items as Array<{ status: string }>;
    expect(items).toHaveLength(12);
    expect(new Set(items.map((q) => q.status))).toEqual(new Set(['upcoming']));
    expect(output).toContain('midterm_report');
  });
});
