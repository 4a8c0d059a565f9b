// The embedded engine as a user runs it: the real `npm start` (npm, its prestart, node, the Temporal
// dev server), in a process group of its own as a terminal would make it, on a data directory of its own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../server/temporal-binaries';
import { TEST_ACTOR_SECRET } from './temporal';

export interface Engine {
  /** npm's process, the leader of the group. */
  child: ChildProcess;
  output: () => string;
  /** Resolves with npm's exit code (or 128 + signal). */
  exited: Promise<number>;
  /** The node process running server/all-in-one.ts. */
  nodePid: number;
  api: string;
  temporal: string;
  ui: string;
  /** /readyz's status at the moment "grantflow is running" appeared. */
  readyAtAnnouncement: number;
}

export function newDataDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `grantflow-${name}-`));
}

/** The environment of a user's `npm start` on `dataDir`: embedded database, any free ports. */
export function engineEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GRANTFLOW_DATA_DIR: dataDir,
    PORT: '0',
    TEMPORAL_PORT: '0',
    TEMPORAL_UI_PORT: '0',
    ...extra,
  };
  // The workflows npm test bundled once (tests/global-setup.ts): its worker loads them instead of
  // running webpack at every start, when the data directory's secret is the one they were built
  // with (startEngine puts it there).
  for (const name of ['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH', 'GRANTFLOW_WORKFLOW_BUNDLE']) {
    if (process.env[name]) env[name] = process.env[name];
  }
  return env;
}

/** Runs `npm <args>` in the project, in its own process group; collects its output. */
export function spawnNpm(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  const child = spawn('npm', args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + (os.constants.signals[signal!] ?? 0)));
  });
  return { child, output: () => output, exited };
}

/** Runs `npm <args>` to its end. */
export async function runNpm(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const run = spawnNpm(args, env);
  const code = await run.exited;
  return { code, output: run.output() };
}

/** `npm start` until it prints "grantflow is running" (then /readyz is asked at once). */
export async function startEngine(env: NodeJS.ProcessEnv, timeoutMs = 150_000): Promise<Engine> {
  giveTestSecret(env);
  const { child, output, exited } = spawnNpm(['start'], env);
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  while (!output().includes('grantflow is running')) {
    if (done) throw new Error(`npm start exited before it ran:\n${output()}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`npm start not running within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const api = /API:\s+(\S+)/.exec(output())![1]!;
  const readyAtAnnouncement = (await fetch(`${api}/readyz`)).status;
  const text = output();
  return {
    child,
    output,
    exited,
    nodePid: nodePidOf(child.pid!),
    api,
    temporal: /Temporal:\s+(\S+)/.exec(text)![1]!,
    ui: /Temporal Web UI:\s+(\S+)/.exec(text)![1]!,
    readyAtAnnouncement,
  };
}

/**
 * A new data directory gets the tests' actor secret in the file the engine would otherwise
 * generate (server/runtime.ts actorSecretOf reads it the same way on every later start), so the
 * prebuilt workflow bundle fits it; a directory that already has a secret keeps it.
 */
function giveTestSecret(env: NodeJS.ProcessEnv): void {
  const dataDir = env.GRANTFLOW_DATA_DIR;
  if (!dataDir || env.GRANTFLOW_ACTOR_SECRET) return;
  const file = path.join(dataDir, 'actor-secret');
  if (existsSync(file)) return;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${TEST_ACTOR_SECRET}\n`, { flag: 'wx', mode: 0o600 });
}

/** The pid of the node process npm runs `server/all-in-one.ts` in. */
function nodePidOf(npmPid: number): number {
  const line = psLines().find((l) => l.ppid === npmPid && l.args.includes('server/all-in-one.ts'));
  if (!line) throw new Error(`no all-in-one process under npm ${npmPid}`);
  return line.pid;
}

export function psLines(): Array<{ pid: number; ppid: number; pgid: number; args: string }> {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' }).stdout;
  return ps
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), args: m[4]! }));
}

/** Processes whose command line names `text` (e.g. a data directory), apart from ps itself. */
export function processesMentioning(text: string): string[] {
  return psLines()
    .filter((l) => l.args.includes(text) && !l.args.startsWith('ps '))
    .map((l) => `${l.pid} ${l.args}`);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What the dev server's guard recorded: the server's pid and its own. */
export function temporalPids(dataDir: string): { pid: number; guard: number } {
  return JSON.parse(readFileSync(path.join(dataDir, 'run', 'temporal.pid'), 'utf8'));
}

/** Signals a whole process group, as a terminal does on Ctrl+C. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Stops an engine the way a user does (one Ctrl+C), returning npm's exit code. */
export async function stopEngine(engine: Engine): Promise<number> {
  killGroup(engine.child, 'SIGINT');
  return engine.exited;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
