// `npm start` watches the servers it starts: a dead Temporal dev server is started again on the same
// ports (/readyz says 503 meanwhile); the dev server dies with the engine; and a start stops the
// servers a killed start left behind, then runs on the configured ports again.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/temporal-server';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import {
  alive,
  engineEnv,
  killGroup,
  newDataDir,
  processesMentioning,
  startEngine,
  temporalPids,
  waitFor,
  type Engine,
} from '../helpers/engine';
import { registerParties, type Parties } from '../helpers/parties';
import { httpClient, type Http } from '../helpers/stack';

const ADMIN = 'gf_supervision_admin_token';

async function readyz(api: string): Promise<number> {
  try {
    return (await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
  } catch {
    return 0;
  }
}

describe('npm start supervises its servers', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let engine: Engine | undefined;
  let temporalPort: number;
  let http: Http;
  let parties: Parties;
  let payments = 0;

  async function pay(): Promise<number> {
    payments += 1;
    const res = await http('POST', '/v1/contracts/S-2023-lot3/payments', {
      token: parties.tokens.finance,
      body: { reference: `CZ-${payments}`, amount: '1000.00', receivedOn: '2022-11-20', fundingSource: 'fiscal' },
    });
    return res.status;
  }

  /** Kills `pid`, then expects /readyz to say 503 and, once the server is back on its port, 200 and a payment to go through. */
  async function killAndExpectRestart(running: Engine, pid: number, restartsSoFar: number) {
    // Asked every 50 ms from just before the kill: the restart may take only a second.
    const seen: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        void readyz(running.api).then((status) => seen.push(status));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    process.kill(pid, 'SIGKILL');
    const log = () => `${seen.join(' ')}\n${running.output().slice(-3000)}`;
    try {
      await waitFor(() => seen.includes(503), 20_000, '/readyz 503 while the dev server is down', log);
      await waitFor(() => seen.lastIndexOf(200) > seen.indexOf(503), 90_000, '/readyz 200 once it is back', log);
    } finally {
      polling = false;
      await poller;
    }
    const restarted = running.output().match(/"msg":"Temporal dev server restarted"/g) ?? [];
    expect(restarted).toHaveLength(restartsSoFar + 1);
    expect(running.output()).toContain(`"address":"127.0.0.1:${temporalPort}","msg":"Temporal dev server restarted"`);
    expect(temporalPids(dataDir).pid).not.toBe(pid);
    // The API's and the worker's connections found it again: an Update goes through end to end.
    expect(await eventually(pay, (s) => s === 201, 60_000)).toBe(201);
  }

  beforeAll(async () => {
    dataDir = newDataDir('supervision');
    temporalPort = await freePort();
    env = engineEnv(dataDir, {
      GRANTFLOW_ADMIN_TOKEN: ADMIN,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(await freePort()),
    });
  });
  afterEach(async () => {
    // A failed test must not leave its engine holding the directory for the next one.
    if (engine) {
      killGroup(engine.child, 'SIGKILL');
      await engine.exited;
      engine = undefined;
    }
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restarts a killed dev server (or a killed guard with it) on the same ports; the dev server dies with the engine', async () => {
    const running = (engine = await startEngine(env));
    expect(running.temporal).toBe(`127.0.0.1:${temporalPort}`);
    http = httpClient(running.api);
    parties = await registerParties(http, ADMIN);
    const contract = await http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { closeGraceDays: 3650 }),
    });
    expect(contract.status).toBe(201);
    expect(await pay()).toBe(201);

    await killAndExpectRestart(running, temporalPids(dataDir).pid, 0);
    await killAndExpectRestart(running, temporalPids(dataDir).guard, 1);
    const detail = await http('GET', '/v1/contracts/S-2023-lot3', { token: parties.tokens.finance });
    expect(detail.body.ledger.map((e: { reference: string }) => e.reference)).toEqual(['CZ-1', 'CZ-2', 'CZ-3']);

    // The engine's node process killed outright: its dev server follows it within seconds.
    const { pid, guard } = temporalPids(dataDir);
    process.kill(running.nodePid, 'SIGKILL');
    await running.exited;
    engine = undefined;
    await waitFor(() => !alive(pid) && !alive(guard), 20_000, 'the dev server stops after its engine was killed');
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 240_000);

  it('stops the dev server a killed start left behind, then runs on the configured port again', async () => {
    const first = (engine = await startEngine(env));
    expect(first.temporal).toBe(`127.0.0.1:${temporalPort}`);
    // Both the engine and the guard killed at once: nothing is left to stop the server.
    const { pid, guard } = temporalPids(dataDir);
    process.kill(guard, 'SIGKILL');
    process.kill(first.nodePid, 'SIGKILL');
    await first.exited;
    engine = undefined;
    await new Promise((r) => setTimeout(r, 1500));
    // Usually the orphan lives on; but a Go program whose stdout pipe is gone dies of SIGPIPE at its
    // next log line, which on a loaded machine can come within that wait. Then there is nothing to stop.
    const leftBehind = alive(pid);

    const second = (engine = await startEngine(env));
    // It may also die so during the second start's prestart (seconds of setup and build), before the
    // start looks for it: then, too, there was nothing to stop. When the start stopped it, it says which.
    if (leftBehind && second.output().includes('stopped a server an earlier start left running')) {
      expect(second.output()).toContain(`"pid":${pid},`);
    }
    expect(alive(pid)).toBe(false);
    expect(second.temporal).toBe(`127.0.0.1:${temporalPort}`);
    const detail = await httpClient(second.api)('GET', '/v1/contracts/S-2023-lot3', { token: parties.tokens.finance });
    expect(detail.body.ledger).toHaveLength(3);
    killGroup(second.child, 'SIGINT');
    expect(await second.exited).toBe(0);
    engine = undefined;
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 240_000);
});
