// `npm start` runs its worker as a supervised child process: the worker killed outright (as a native
// abort would end it), the API goes on answering health checks and reads, /readyz names the worker
// while it is down, the worker comes back by itself and writes go through again. And a worker that
// keeps dying is given up on, said so, while nothing else stops.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { superviseWorker, MAX_QUICK_DEATHS } from '../../server/worker-supervisor';
import { sCountyContract } from '../fixtures/s-county';
import {
  alive,
  engineEnv,
  killGroup,
  newDataDir,
  processesMentioning,
  startEngine,
  waitFor,
  type Engine,
} from '../helpers/engine';
import { registerParties, type Parties } from '../helpers/parties';
import { httpClient, type Http } from '../helpers/stack';
import { reportFigure } from '../helpers/figures';

const ADMIN = 'gf_worker_supervision_admin_token';

function workerPids(dataDir: string): { pid: number; guard: number } {
  return JSON.parse(readFileSync(path.join(dataDir, 'run', 'worker.pid'), 'utf8'));
}

async function timed(url: string, token?: string): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.text();
    return { status: response.status, ms: performance.now() - started, body };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, body: String(error) };
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

describe('npm start supervises its worker', () => {
  let dataDir: string;
  let engine: Engine | undefined;
  let http: Http;
  let parties: Parties;
  let payments = 0;

  async function pay(): Promise<number> {
    payments += 1;
    const res = await http('POST', '/v1/contracts/S-2023-lot3/payments', {
      token: parties.tokens.finance,
      body: { reference: `WS-${payments}`, amount: '1000.00', receivedOn: '2022-11-20', fundingSource: 'fiscal' },
    });
    return res.status;
  }

  /**
   * SIGKILLs `pid` (the worker, or its guard) while asking /healthz, a read and /readyz every 100 ms;
   * returns what the API answered meanwhile and how long until a payment went through again.
   */
  async function killAndWatch(running: Engine, pid: number) {
    const health: Array<{ status: number; ms: number }> = [];
    const reads: Array<{ status: number; ms: number }> = [];
    const ready: Array<{ status: number; body: string; at: number }> = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const [h, r, z] = await Promise.all([
          timed(`${running.api}/healthz`),
          timed(`${running.api}/v1/contracts`, ADMIN),
          timed(`${running.api}/readyz`),
        ]);
        health.push(h);
        reads.push(r);
        ready.push({ ...z, at: performance.now() });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    let writeMs = NaN;
    try {
      await waitFor(
        () => ready.some((z) => z.status === 503),
        20_000,
        '/readyz 503 while the worker is down',
        () => running.output().slice(-3000),
      );
      // Writes are tried until one succeeds; each one waits for the worker for as long as the API lets it.
      for (;;) {
        const status = await pay();
        if (status === 201) break;
        if (performance.now() - killedAt > 180_000)
          throw new Error(`no payment went through within 180 s of the kill:\n${running.output().slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      writeMs = performance.now() - killedAt;
      await waitFor(() => ready.at(-1)?.status === 200, 30_000, '/readyz 200 again');
    } finally {
      watching = false;
      await watcher;
    }
    const firstDown = ready.findIndex((z) => z.status === 503);
    const backMs = (ready.find((z, i) => i > firstDown && z.status === 200)?.at ?? NaN) - killedAt;
    return { health, reads, ready, writeMs, backMs };
  }

  beforeAll(() => {
    dataDir = newDataDir('worker-supervision');
  });
  afterEach(async () => {
    if (engine) {
      killGroup(engine.child, 'SIGKILL');
      await engine.exited;
      engine = undefined;
    }
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restarts a killed worker (or a killed guard with it) while the API keeps answering; Ctrl+C still drains', async () => {
    const running = (engine = await startEngine(engineEnv(dataDir, { GRANTFLOW_ADMIN_TOKEN: ADMIN })));
    expect(running.readyAtAnnouncement).toBe(200);
    http = httpClient(running.api);
    parties = await registerParties(http, ADMIN);
    const contract = await http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { closeGraceDays: 3650 }),
    });
    expect(contract.status).toBe(201);
    expect(await pay()).toBe(201);

    for (const [round, which] of [
      [1, 'pid'],
      [2, 'guard'],
    ] as const) {
      const before = workerPids(dataDir);
      const { health, reads, ready, writeMs, backMs } = await killAndWatch(running, before[which]);
      // The API answered every health check and every read during the outage, and quickly.
      expect(health.length).toBeGreaterThan(5);
      expect(health.every((h) => h.status === 200)).toBe(true);
      expect(reads.every((r) => r.status === 200)).toBe(true);
      const down = ready.find((z) => z.status === 503)!;
      expect(JSON.parse(down.body).checks).toContainEqual(
        expect.objectContaining({ name: 'worker', ok: false, error: expect.stringContaining('the worker died') }),
      );
      expect(running.output().match(/"msg":"worker restarted"/g) ?? []).toHaveLength(round);
      const after = workerPids(dataDir);
      expect(after.pid).not.toBe(before.pid);
      expect(alive(before.pid)).toBe(false);
      expect(alive(before.guard)).toBe(false);
      const ms = (xs: Array<{ ms: number }>) => xs.map((x) => x.ms);
      reportFigure(
        `[measure] kill ${which}: /readyz 200 again after ${(backMs / 1000).toFixed(1)} s, next successful write after ${(writeMs / 1000).toFixed(1)} s; ` +
          `during the outage /healthz p50 ${percentile(ms(health), 50).toFixed(0)} ms, max ${Math.max(...ms(health)).toFixed(0)} ms ` +
          `(${health.length} asked); GET /v1/contracts p50 ${percentile(ms(reads), 50).toFixed(0)} ms, max ${Math.max(...ms(reads)).toFixed(0)} ms`,
      );
      expect(percentile(ms(health), 50)).toBeLessThan(500);
    }
    const detail = await http('GET', '/v1/contracts/S-2023-lot3', { token: parties.tokens.finance });
    const references = detail.body.ledger.map((e: { reference: string }) => e.reference);
    expect(references).toContain('WS-1');
    expect(references).toContain(`WS-${payments}`);

    // One Ctrl+C to the group: the restarted worker drains, everything stops, nothing is left.
    const { pid, guard } = workerPids(dataDir);
    killGroup(running.child, 'SIGINT');
    expect(await running.exited).toBe(0);
    engine = undefined;
    expect(running.output()).toContain('"msg":"worker drained"');
    for (const step of ['api', 'worker', 'database bridge', 'database', 'temporal'])
      expect(running.output()).toContain(`"step":"${step}","msg":"stopped"`);
    expect(alive(pid) || alive(guard)).toBe(false);
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 600_000);

  it(`gives up on a worker that dies ${MAX_QUICK_DEATHS + 1} times quickly, and says so`, async () => {
    const runDir = path.join(dataDir, 'run-give-up');
    const lines: string[] = [];
    const events: string[] = [];
    const log = {
      info: (_: unknown, message: string) => events.push(`info ${message}`),
      error: (_: unknown, message: string) => events.push(`error ${message}`),
      fatal: (_: unknown, message: string) => events.push(`fatal ${message}`),
    };
    // A real worker child with a configuration it refuses at once (exit 78).
    // The backoff shortened tenfold: the give-up is what is tested here, not the waits.
    const supervisor = superviseWorker({
      runDir,
      env: { PATH: process.env.PATH, PORT: 'not-a-port' },
      output: (line) => lines.push(line),
      log,
      backoffBaseMs: 50,
    });
    try {
      await waitFor(
        () => events.some((e) => e.startsWith('fatal')),
        150_000,
        'the supervisor gives up',
        () => events.join('\n'),
      );
      expect(events.filter((e) => e === 'error worker died; restarting it')).toHaveLength(MAX_QUICK_DEATHS);
      expect(supervisor.problem()).toMatch(/died \(exit code 78\) 6 times in a row.*not restarted/);
      expect(lines.join('\n')).toContain('PORT must be a port number');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(supervisor.pids().guard).toBeUndefined();
    } finally {
      await supervisor.stop();
    }
  }, 200_000);
});
