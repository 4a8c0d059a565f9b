// `npm run backup -- FILE` and `npm run restore -- FILE` on the embedded engine: refused while it
// runs; a backup restored into a new data directory starts with the same contracts, ledger and open
// escalations, and its workflows go on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSY_EXIT_CODE } from '../../server/engine-lock';
import { sCountyContract } from '../fixtures/s-county';
import {
  engineEnv,
  killGroup,
  newDataDir,
  processesMentioning,
  runNpm,
  startEngine,
  type Engine,
} from '../helpers/engine';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { httpClient, type Http } from '../helpers/stack';

const ADMIN = 'gf_backup_restore_admin_token';

/** What a person would check after a restore: the contract, its ledger and its open escalations. */
async function snapshot(http: Http, parties: Parties) {
  const detail = await http('GET', '/v1/contracts/S-2023-lot3', { token: parties.tokens.finance });
  const open = await http('GET', '/v1/escalations?status=open', { token: parties.tokens.finance });
  return {
    status: detail.body.status,
    received: detail.body.received,
    arrears: detail.body.arrears,
    ledger: detail.body.ledger.map((e: any) => [e.reference, e.amount, e.receivedOn]),
    openEscalations: open.body.items.map((e: any) => [e.id, e.step.kind, e.step.reference, e.severity]).sort(),
  };
}

describe('backup and restore of the embedded engine', () => {
  let work: string;
  let original: string;
  let restored: string;
  let engine: Engine | undefined;

  beforeAll(() => {
    work = newDataDir('backup');
    original = path.join(work, 'original');
    restored = path.join(work, 'restored');
  });
  afterAll(() => {
    if (engine) killGroup(engine.child, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up a stopped engine and restores it into a new data directory with the same contracts, ledger and open escalations', async () => {
    const env = engineEnv(original, { GRANTFLOW_ADMIN_TOKEN: ADMIN });
    const file = path.join(work, 'grantflow.tar.gz');

    const first = (engine = await startEngine(env));
    const http = httpClient(first.api);
    const parties = await registerParties(http, ADMIN);
    const created = await http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { closeGraceDays: 3650 }),
    });
    expect(created.status).toBe(201);
    for (const [reference, amount, receivedOn] of [
      ['CZ-2022-118', '300000.00', '2022-11-20'],
      ['CZ-2023-031', '230000.00', '2023-03-10'],
    ]) {
      const paid = await http('POST', '/v1/contracts/S-2023-lot3/payments', {
        token: parties.tokens.finance,
        body: { reference, amount, receivedOn, fundingSource: 'fiscal' },
      });
      expect(paid.status).toBe(201);
    }
    // The shortfall at the June checkpoint and the overdue tranches are escalated at once (all long
    // past); the advance (t1) is covered by the two payments, so its escalation, if it opened, closes.
    // Wait until that has settled and stays so, so that the state backed up is the one compared.
    let before = await snapshot(http, parties);
    await eventually(
      async () => {
        const previous = before;
        await new Promise((r) => setTimeout(r, 1500));
        before = await snapshot(http, parties);
        return JSON.stringify(previous) === JSON.stringify(before);
      },
      (settled) => settled && before.openEscalations.map((e: string[]) => e[2]).join() === 'june-80,t2,t3',
      90_000,
    );
    expect(before.ledger).toHaveLength(2);

    // While it runs, both are refused, naming it; nothing is written.
    for (const command of ['backup', 'restore']) {
      const refused = await runNpm(['run', command, '--', file], env);
      expect(refused.code).toBe(BUSY_EXIT_CODE);
      expect(refused.output).toContain(`pid ${first.nodePid}`);
    }
    expect(existsSync(file)).toBe(false);

    killGroup(first.child, 'SIGINT');
    expect(await first.exited).toBe(0);
    engine = undefined;

    const backup = await runNpm(['run', 'backup', '--', file], env);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toContain(`to ${file}`);
    // Never over an existing file.
    const again = await runNpm(['run', 'backup', '--', file], env);
    expect(again.code).toBe(1);
    expect(again.output).toContain('already exists');

    const restoredEnv = engineEnv(restored, { GRANTFLOW_ADMIN_TOKEN: ADMIN });
    const restore = await runNpm(['run', 'restore', '--', file], restoredEnv);
    expect(restore.code, restore.output).toBe(0);
    // Never over existing state: the second restore into the same directory is refused.
    const over = await runNpm(['run', 'restore', '--', file], restoredEnv);
    expect(over.code).toBe(1);
    expect(over.output).toContain('already holds');

    const second = (engine = await startEngine(restoredEnv));
    const http2 = httpClient(second.api);
    const restoredState = await snapshot(http2, parties);
    expect(restoredState, JSON.stringify({ before, restoredState })).toEqual(before);
    // The restored workflows run on: a further payment is recorded by the contract's workflow.
    const paid = await http2('POST', '/v1/contracts/S-2023-lot3/payments', {
      token: parties.tokens.finance,
      body: { reference: 'CZ-2023-077', amount: '393200.00', receivedOn: '2023-08-14', fundingSource: 'fiscal' },
    });
    expect(paid.status).toBe(201);
    const after = await http2('GET', '/v1/contracts/S-2023-lot3', { token: parties.tokens.finance });
    expect(after.body.received).toBe('923200.00');
    killGroup(second.child, 'SIGINT');
    expect(await second.exited).toBe(0);
    engine = undefined;
    expect(processesMentioning(work)).toEqual([]);
  }, 300_000);

  it('refuses to restore an archive that is not a grantflow backup', async () => {
    const other = path.join(work, 'not-a-backup');
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(other, 'notes.txt'), 'hello');
    const file = path.join(work, 'other.tar.gz');
    expect(spawnSync('tar', ['-czf', file, '-C', other, 'notes.txt']).status).toBe(0);
    const target = path.join(work, 'target');
    const run = await runNpm(['run', 'restore', '--', file], engineEnv(target));
    expect(run.code).toBe(1);
    expect(run.output).toContain('is not a grantflow backup');
    expect(run.output).not.toMatch(/^\s+at /m);
    expect(existsSync(path.join(target, 'notes.txt'))).toBe(false);
  }, 60_000);
});
