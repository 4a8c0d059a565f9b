// The data directory's lock: every process that would open the embedded state refuses while
// another owns it, before it touches anything; the kernel releases it when the owner dies; of
// processes racing for it exactly one wins.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireDataDir,
  BUSY_EXIT_CODE,
  DataDirBusyError,
  queryOwner,
  type DataDirLock,
} from '../../server/engine-lock';
import { projectRoot } from '../../server/temporal-binaries';
import { engineEnv, newDataDir, runNpm } from '../helpers/engine';
import { TEST_ACTOR_SECRET } from '../helpers/temporal';

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** A process that tries to take `dataDir` and holds what it got until its stdin closes. */
function contender(dataDir: string): { child: ChildProcess; said: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/hold-data-dir.ts', dataDir], {
    cwd: projectRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const said = new Promise<string>((resolve) => {
    let text = '';
    child.stdout!.on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve(text.trim());
    });
  });
  return { child, said };
}

describe('the data directory lock', () => {
  let dataDir: string;
  let lock: DataDirLock;

  beforeAll(async () => {
    dataDir = newDataDir('lock');
    lock = await acquireDataDir(dataDir, 'engine');
    lock.update({ url: 'http://127.0.0.1:3999', state: 'running' });
  });
  afterAll(async () => {
    await lock?.release();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses every process that would open the embedded state, naming the owner, touching nothing', async () => {
    const env = engineEnv(dataDir, { TEMPORAL_ADDRESS: '127.0.0.1:1', GRANTFLOW_ACTOR_SECRET: TEST_ACTOR_SECRET });
    const refusals = await Promise.all([
      runNode(['server/all-in-one.ts'], engineEnv(dataDir)),
      runNode(['server/api-main.ts'], env),
      runNode(['server/worker-main.ts'], env),
    ]);
    for (const { code, output } of refusals) {
      expect(code).toBe(BUSY_EXIT_CODE);
      expect(output).toContain(`The data directory ${dataDir} is in use`);
      expect(output).toContain(`pid ${process.pid}`);
      expect(output).toContain('API http://127.0.0.1:3999');
      expect(output).not.toMatch(/^\s+at /m); // no stack trace
    }
    // Nothing was created: no database, no Temporal state, no pid files.
    expect(readdirSync(dataDir)).toEqual(['engine.sock']); // the holder's own lock, nothing else
  });

  it('refuses `npm start` before its prestart rebuilds the dashboard, and backup and restore', async () => {
    const start = await runNpm(['start'], engineEnv(dataDir));
    expect(start.code).toBe(BUSY_EXIT_CODE);
    expect(start.output).toContain(`pid ${process.pid}`);
    expect(start.output).not.toContain('vite build');
    for (const command of ['backup', 'restore']) {
      const run = await runNpm(['run', command, '--', path.join(dataDir, 'x.tar.gz')], engineEnv(dataDir));
      expect(run.code).toBe(BUSY_EXIT_CODE);
      expect(run.output).toContain(`pid ${process.pid}`);
    }
    expect(readdirSync(dataDir)).toEqual(['engine.sock']); // the holder's own lock, nothing else
  });

  it('is released by the kernel when its owner is killed: no stale lock', async () => {
    const other = newDataDir('lock-kill');
    try {
      const holder = contender(other);
      expect(await holder.said).toBe('won');
      expect(await queryOwner(other)).toMatchObject({ pid: holder.child.pid, role: 'engine' });
      await expect(acquireDataDir(other, 'engine')).rejects.toBeInstanceOf(DataDirBusyError);
      holder.child.kill('SIGKILL');
      await new Promise((r) => holder.child.once('exit', r));
      expect(await queryOwner(other)).toBeUndefined();
      const mine = await acquireDataDir(other, 'engine');
      await mine.release();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a directory whose owner is only reachable through its socket file (another network namespace)', async () => {
    // A container sharing the directory as a volume has its own abstract namespace: only the file
    // socket is common. Listen there alone, as that owner would appear, and try to take the directory.
    const other = newDataDir('lock-file-only');
    const owner = net.createServer((socket) =>
      socket.end(
        JSON.stringify({
          pid: 4242,
          role: 'engine',
          state: 'running',
          dataDir: other,
          since: new Date().toISOString(),
        }),
      ),
    );
    try {
      await new Promise<void>((resolve) => owner.listen(path.join(other, 'engine.sock'), resolve));
      const refusal = await acquireDataDir(other, 'engine').catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(DataDirBusyError);
      expect((refusal as DataDirBusyError).message).toContain('pid 4242');
      expect(await queryOwner(other)).toMatchObject({ pid: 4242 });
    } finally {
      await new Promise((resolve) => owner.close(resolve));
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('replaces a socket file its dead owner left behind', async () => {
    const other = newDataDir('lock-stale-file');
    try {
      const holder = contender(other);
      expect(await holder.said).toBe('won');
      holder.child.kill('SIGKILL'); // the kernel closes its sockets; the file stays
      await new Promise((r) => holder.child.once('exit', r));
      expect(readdirSync(other)).toContain('engine.sock');
      const mine = await acquireDataDir(other, 'engine');
      expect(await queryOwner(other)).toMatchObject({ pid: process.pid });
      await mine.release();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('goes to exactly one of several processes starting at once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), async (count) => {
        const dir = newDataDir('lock-race');
        const contenders = Array.from({ length: count }, () => contender(dir));
        try {
          const said = await Promise.all(contenders.map((c) => c.said));
          const winners = contenders.filter((_, i) => said[i] === 'won');
          expect(winners).toHaveLength(1);
          // Every loser names the winner.
          for (const text of said.filter((s) => s !== 'won')) expect(text).toBe(`busy ${winners[0]!.child.pid}`);
        } finally {
          for (const c of contenders) c.child.stdin!.end();
          await Promise.all(
            contenders.map((c) => new Promise((r) => (c.child.exitCode !== null ? r(null) : c.child.once('exit', r)))),
          );
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 4 },
    );
  });
});
