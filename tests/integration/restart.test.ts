// `npm start`'s entry point as a user runs it: no configuration but a data directory; stopped with
// SIGTERM and started again, it keeps its workflows and leaves no process behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/temporal-binaries';
import { probeWorkflow } from '../../workflows';
import { DEFAULT_TASK_QUEUE } from '../../workflows/task-queue';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

interface Running {
  child: ChildProcess;
  output: () => string;
  api: string;
  temporal: string;
  ui: string;
}

function startAllInOne(env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/all-in-one.ts'], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not started in time:\n${output}`)), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
    const poll = setInterval(() => {
      const api = /API:\s+(\S+)/.exec(output)?.[1];
      const temporal = /Temporal:\s+(\S+)/.exec(output)?.[1];
      const ui = /Temporal Web UI:\s+(\S+)/.exec(output)?.[1];
      if (api && temporal && ui && output.includes('Press Ctrl+C')) {
        clearInterval(poll);
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, output: () => output, api, temporal, ui });
      }
    }, 100);
  });
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.once('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });
}

function processesMentioning(text: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'));
}

describe('all-in-one start, stop and restart', () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-restart-'));
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GRANTFLOW_DATA_DIR: dataDir,
      PORT: '0',
      TEMPORAL_PORT: '0',
      TEMPORAL_UI_PORT: '0',
    };
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase();
      await database.handle.close();
      env.DATABASE_URL = database.url;
    }
  });
  afterAll(async () => {
    if (database) await database.drop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /readyz, serves the Web UI, and keeps a workflow across a restart', async () => {
    const first = await startAllInOne(env);
    expect(first.output()).toMatch(/Administrator token \(shown once/);
    const ready = await fetch(`${first.api}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(first.ui)).status).toBe(200);

    const workflowId = `restart-probe-${Date.now()}`;
    const connection = await Connection.connect({ address: first.temporal });
    const client = new Client({ connection });
    await client.workflow.start(probeWorkflow, {
      workflowId,
      taskQueue: DEFAULT_TASK_QUEUE,
      args: [{ wait: '7 days' }],
    });
    await connection.close();

    expect(await stop(first)).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);

    const second = await startAllInOne(env);
    try {
      expect(second.output()).not.toMatch(/Administrator token/);
      expect((await fetch(`${second.api}/readyz`)).status).toBe(200);
      const again = await Connection.connect({ address: second.temporal });
      const listed: string[] = [];
      for await (const execution of new Client({ connection: again }).workflow.list({
        query: `WorkflowId = '${workflowId}'`,
      })) {
        listed.push(`${execution.workflowId}:${execution.status.name}`);
      }
      await again.close();
      expect(listed).toEqual([`${workflowId}:RUNNING`]);
    } finally {
      expect(await stop(second)).toBe(0);
    }
    expect(processesMentioning(dataDir)).toEqual([]);
  });
});
