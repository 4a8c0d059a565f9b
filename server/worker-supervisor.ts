// `npm start` runs its worker as a supervised child process: a worker that dies (a native abort, an
// out-of-memory kill, a runaway workflow task) takes only itself down, while the API in the engine's
// process keeps answering; the worker is started again after a backoff, and after too many quick
// deaths the engine gives up on it and says so in its log and on /readyz (the API stays up).
//
// The child runs under child-guard.mjs in a process group of its own (a terminal's Ctrl+C reaches
// only the engine, which drains the worker itself: SIGTERM to the guard, which passes it on) and dies
// with the engine; its pid file lives in the data directory's run/ so the next start stops a leftover.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** The line a worker child prints once it polls (whatever LOG_LEVEL says); see worker-child.ts. */
export const WORKER_READY_MESSAGE = 'grantflow worker polling';

/** A worker that dies within this many milliseconds of polling (or before it polls) died quickly. */
export const QUICK_DEATH_MS = 60_000;
/** Quick deaths in a row after which the engine stops restarting the worker. */
export const MAX_QUICK_DEATHS = 5;
/** Backoff before restart n (1-based): 0.5 s · 2^(n−1), at most BACKOFF_MAX_MS. */
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Milliseconds a stopping worker gets to drain (its shutdownGraceTime is 10 s) before it is killed. */
const DRAIN_GRACE_MS = 20_000;

const childGuard = path.resolve(__dirname, 'child-guard.mjs');
const workerChild = path.resolve(__dirname, 'worker-child.ts');

export interface WorkerSupervisorOptions {
  /** The data directory's run/ (pid file; named on the child's command line). */
  runDir: string;
  /** The child's environment (TEMPORAL_ADDRESS and the database's address included). */
  env: NodeJS.ProcessEnv;
  /** Each line the child prints (default: this process's stdout). */
  output?: (line: string) => void;
  /** Backoff before the first restart, doubled for each quick death after it (default 500 ms; tests shorten it). */
  backoffBaseMs?: number;
  /** Logging of the supervisor's own events. */
  log: {
    info(fields: Record<string, unknown>, message: string): void;
    error(fields: Record<string, unknown>, message: string): void;
    fatal(fields: Record<string, unknown>, message: string): void;
  };
}

export interface WorkerSupervisor {
  /** Why the worker is not polling right now, or undefined when it is. */
  problem(): string | undefined;
  /** Resolves once a worker polls (at once if one does). */
  running(): Promise<void>;
  /** Pid of the worker process and of its guard, while one runs. */
  pids(): { pid?: number; guard?: number };
  /** Drains the worker (SIGTERM through its guard; SIGKILL after DRAIN_GRACE_MS) and restarts no more. */
  stop(): Promise<void>;
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  // The guard reports a worker killed by a signal as 128 + its number.
  return signal
    ? `signal ${signal}`
    : code !== null && code > 128
      ? `exit code ${code} (signal ${code - 128})`
      : `exit code ${code}`;
}

export function superviseWorker(options: WorkerSupervisorOptions): WorkerSupervisor {
  const pidFile = path.join(options.runDir, 'worker.pid');
  mkdirSync(options.runDir, { recursive: true });
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  let guard: ChildProcess | undefined;
  let workerPid: number | undefined;
  let stopping = false;
  let problem: string | undefined = 'the worker is starting';
  let readyAt: number | undefined;
  let quickDeaths = 0;
  let timer: NodeJS.Timeout | undefined;
  let waiters: Array<() => void> = [];
  const killOnExit = () => {
    if (guard && guard.exitCode === null && guard.signalCode === null) signalGroup(guard, 'SIGKILL');
  };
  process.once('exit', killOnExit);

  function launch(): void {
    readyAt = undefined;
    workerPid = undefined;
    // The trailing separator keeps /data from matching /data2 (server/orphans.ts).
    const child = spawn(
      process.execPath,
      [childGuard, pidFile, '--', process.execPath, '--import', 'tsx', workerChild, `${options.runDir}${path.sep}`],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        env: {
          ...options.env,
          GRANTFLOW_LOG_PROCESS: 'worker',
          GRANTFLOW_CHILD_GRACE_MS: String(DRAIN_GRACE_MS - 2000),
          // A worker whose engine died has no database left to write to: no drain then.
          GRANTFLOW_CHILD_ORPHAN_GRACE_MS: '0',
        },
      },
    );
    guard = child;
    let partial = '';
    const forward = (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        if (readyAt === undefined && line.includes(`"msg":"${WORKER_READY_MESSAGE}"`)) becameReady(line);
        output(line);
      }
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    child.once('exit', (code, signal) => {
      if (partial) output(partial);
      // A guard killed outright leaves its worker in the group: end it before anything else.
      signalGroup(child, 'SIGKILL');
      if (guard === child) guard = undefined;
      workerPid = undefined;
      died(exitText(code, signal));
    });
  }

  function becameReady(line: string): void {
    readyAt = Date.now();
    try {
      workerPid = (JSON.parse(line) as { pid?: number }).pid;
    } catch {
      // the pid is only informative
    }
    const restarted = problem !== 'the worker is starting';
    problem = undefined;
    if (restarted) options.log.info({ pid: workerPid }, 'worker restarted');
    for (const wake of waiters) wake();
    waiters = [];
  }

  function died(how: string): void {
    if (stopping) return;
    const lived = readyAt === undefined ? undefined : Date.now() - readyAt;
    if (lived !== undefined && lived >= QUICK_DEATH_MS) quickDeaths = 0;
    quickDeaths += 1;
    if (quickDeaths > MAX_QUICK_DEATHS) {
      problem = `the worker died (${how}) ${quickDeaths} times in a row, each within ${QUICK_DEATH_MS / 1000} s; not restarted (see the log above, then restart grantflow)`;
      options.log.fatal(
        { deaths: quickDeaths },
        `worker keeps dying: gave up restarting it; the API goes on answering without a worker`,
      );
      return;
    }
    const delay = Math.min((options.backoffBaseMs ?? BACKOFF_BASE_MS) * 2 ** (quickDeaths - 1), BACKOFF_MAX_MS);
    problem = `the worker died (${how}); restarting it (attempt ${quickDeaths} of ${MAX_QUICK_DEATHS})`;
    options.log.error({ how, attempt: quickDeaths, delayMs: delay, livedMs: lived }, 'worker died; restarting it');
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopping) launch();
    }, delay);
  }

  launch();
  return {
    problem: () => problem,
    running: () => (problem === undefined ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    pids: () => ({ pid: workerPid, guard: guard?.pid }),
    async stop() {
      stopping = true;
      problem = 'the worker is stopping';
      if (timer) clearTimeout(timer);
      const child = guard;
      if (child && child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), DRAIN_GRACE_MS);
          child.once('exit', () => {
            clearTimeout(killer);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      process.removeListener('exit', killOnExit);
    },
  };
}

/** Signals the guard's whole process group (the guard and its worker). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}
