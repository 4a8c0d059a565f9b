// `npm start` as a person runs it, twice in one folder and then stopped with one Ctrl+C: the second
// start refuses at once and loses nothing; the first announces itself only once it answers; one
// Ctrl+C (which reaches npm and node both, as a terminal sends it to the whole group) drains.
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSY_EXIT_CODE } from '../../server/engine-lock';
import {
  alive,
  engineEnv,
  killGroup,
  newDataDir,
  processesMentioning,
  runNpm,
  startEngine,
  temporalPids,
  type Engine,
} from '../helpers/engine';
import { httpClient } from '../helpers/stack';

const ADMIN = 'gf_embedded_engine_admin_token';

describe('npm start on one data directory', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let engine: Engine | undefined;

  beforeAll(() => {
    dataDir = newDataDir('engine');
    env = engineEnv(dataDir, { GRANTFLOW_ADMIN_TOKEN: ADMIN });
  });
  afterAll(() => {
    // The second test stops the first one's engine; only a failure leaves one to kill here.
    if (engine) killGroup(engine.child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('announces itself once /readyz answers; a second start refuses, naming it, and loses nothing', async () => {
    engine = await startEngine(env);
    expect(engine.readyAtAnnouncement).toBe(200);
    const http = httpClient(engine.api);
    const created = await http('POST', '/v1/organizations', {
      token: ADMIN,
      body: { name: 'S County Civil Affairs Bureau', kind: 'purchaser' },
    });
    expect(created.status).toBe(201);
    const before = processesMentioning(dataDir);
    const filesBefore = readdirSync(dataDir).sort();

    const second = await runNpm(['start'], env);
    expect(second.code).toBe(BUSY_EXIT_CODE);
    expect(second.output).toContain(`grantflow (npm start, pid ${engine.nodePid}) is running on it, API ${engine.api}`);
    expect(second.output).not.toMatch(/^\s+at /m);
    expect(second.output).not.toContain('EADDRINUSE');
    // Same with the port the first one uses given explicitly (the case the issue saw die on EADDRINUSE).
    const samePort = await runNpm(['start'], { ...env, PORT: new URL(engine.api).port });
    expect(samePort.code).toBe(BUSY_EXIT_CODE);
    expect(samePort.output).toContain(`pid ${engine.nodePid}`);

    // Nothing was started beside the first engine, nothing was added to its directory, and it still answers.
    expect(processesMentioning(dataDir)).toEqual(before);
    expect(readdirSync(dataDir).sort()).toEqual(filesBefore);
    expect((await fetch(`${engine.api}/readyz`)).status).toBe(200);
    const listed = await http('GET', `/v1/organizations/${created.body.id}`, { token: ADMIN });
    expect(listed.body.name).toBe('S County Civil Affairs Bureau');
  }, 200_000);

  it('drains on one Ctrl+C sent to the whole process group, even with another signal right after', async () => {
    const running = engine!;
    const { pid: serverPid, guard } = temporalPids(dataDir);
    killGroup(running.child, 'SIGINT');
    // A second, impatient signal within the grace is the same request, not a forced exit.
    await new Promise((r) => setTimeout(r, 300));
    process.kill(running.nodePid, 'SIGTERM');
    expect(await running.exited).toBe(0);
    engine = undefined;
    const log = running.output();
    expect(log).toContain('"msg":"worker drained"');
    expect(log).toContain('already stopping');
    expect(log).not.toContain('exiting now without draining');
    for (const step of ['api', 'worker', 'database', 'temporal'])
      expect(log).toContain(`"step":"${step}","msg":"stopped"`);
    expect(log).toContain('"msg":"all stopped"');
    expect(alive(serverPid)).toBe(false);
    expect(alive(guard)).toBe(false);
    expect(processesMentioning(dataDir)).toEqual([]);

    // And the data is intact: the next start opens it and finds what the first one wrote.
    const again = await startEngine(env);
    engine = again;
    const orgs = await httpClient(again.api)('GET', '/v1/organizations', { token: ADMIN });
    expect(orgs.body.items.map((o: { name: string }) => o.name)).toContain('S County Civil Affairs Bureau');
    killGroup(again.child, 'SIGINT');
    expect(await again.exited).toBe(0);
    engine = undefined;
    expect(again.output()).toContain('"msg":"worker drained"');
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 200_000);
});
