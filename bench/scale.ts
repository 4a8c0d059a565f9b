// Benchmark (not a test) of issue 19 item 7: the production topology on this machine — one Temporal
// dev server (SQLite file), one fresh PostgreSQL database, two API and two worker processes — with
// one open contract, then with N.
//   npm run bench:scale -- --contracts N        (needs DATABASE_URL)
// Prints in one run: creations/s and p50/p99 at 8 and 32 concurrent (seeding the N contracts through
// the API); payments/s and p50/p99 at 1 and 16 concurrent with N open as a ratio to one open; list and
// detail reads likewise; worker RSS and Temporal database bytes per open contract; a worker's restart
// to its first answer; the workers' top functions by CPU self time (node --cpu-prof).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, shanghaiDate } from '../domain/dates';
import { projectRoot } from '../server/temporal-binaries';
import { sCountyContract } from '../tests/fixtures/s-county';
import { registerParties, type Parties } from '../tests/helpers/parties';
import { startReplicas, type Replicas } from '../tests/helpers/replicas';
import type { Http, HttpResult } from '../tests/helpers/stack';
import { hotFunctions } from './cpu-profile';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const N = argument('contracts', 200);
/** Requests per measured series (payments per concurrency, reads per kind). */
const SERIES = argument('requests', 80);

interface Series {
  n: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** 503 and 429 answers sent again (Temporal busy; more Updates in flight on one workflow than it admits). */
  resent: number;
}

/** Runs `count` calls of `fn` with `concurrency` at a time; latencies include resends. */
async function series(count: number, concurrency: number, fn: (i: number) => Promise<number>): Promise<Series> {
  const latencies: number[] = [];
  let next = 0;
  let resent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        resent += await fn(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: count, perSecond: count / seconds, p50: at(0.5), p99: at(0.99), resent };
}

/**
 * Sends until the answer is neither 503 nor 429, as a client honouring Retry-After would (a 429
 * waits the seconds it names; a 503 a short backoff); returns the resends.
 */
async function send(request: () => Promise<HttpResult>, ok: number[]): Promise<number> {
  for (let resent = 0; ; resent++) {
    const res = await request();
    if (ok.includes(res.status)) return resent;
    if ((res.status !== 503 && res.status !== 429) || resent > 50)
      throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    const retryAfterMs =
      res.status === 429 ? Number(res.headers.get('retry-after') ?? 1) * 1000 : Math.min(50 * (resent + 1), 1000);
    await new Promise((r) => setTimeout(r, retryAfterMs));
  }
}

function rssMb(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

function fileBytes(file: string): number {
  return ['', '-wal', '-shm'].reduce(
    (sum, suffix) => sum + (existsSync(file + suffix) ? statSync(file + suffix).size : 0),
    0,
  );
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-scale-'));
  const temporalDb = path.join(dir, 'temporal.db');
  const profiles = path.join(dir, 'profiles');
  const started = performance.now();
  const log = (text: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${text}`);
  const replicas: Replicas = await startReplicas({
    apis: 2,
    workers: 2,
    temporalDbFilename: temporalDb,
    // The second worker only: the profiler's own memory would count in the first one's RSS.
    workerNodeArgs: (i) => (i === 1 ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--cpu-prof-interval=2000'] : []),
  });
  // Stopped early (Ctrl+C, kill): the processes, the database and the files go too.
  const cleanUp = () => void replicas.stop().finally(() => process.exit(130));
  process.once('SIGINT', cleanUp).once('SIGTERM', cleanUp);
  try {
    await run(replicas, temporalDb, profiles, log);
  } finally {
    await replicas.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(replicas: Replicas, temporalDb: string, profiles: string, log: (text: string) => void) {
  const apis = replicas.apis.map((a) => a.http!);
  const api = (i: number): Http => apis[i % apis.length]!;
  const parties: Parties = await registerParties(apis[0]!, replicas.adminToken);
  const today = shanghaiDate(Date.now());
  // Dated from today, nothing due yet: an open contract that waits, as most do.
  const definition = (id: string) =>
    sCountyContract(parties.orgs, {
      id,
      term: { start: today, end: addDays(today, 364) },
      tranches: [
        { id: 't1', label: 'Advance', due: addDays(today, 60), percent: 40, fundingSource: 'fiscal' },
        { id: 't2', label: 'Mid-term', due: addDays(today, 300), percent: 40, fundingSource: 'fiscal' },
        { id: 't3', label: 'Final', due: addDays(today, 364), percent: 20, fundingSource: 'welfare_lottery_fund' },
      ],
      checkpoints: [{ id: 'eighty', by: addDays(today, 300), minPercent: 80 }],
    });
  const create = (i: number, id: string) =>
    send(
      () =>
        api(i)('POST', '/v1/contracts', {
          token: parties.tokens.agency,
          body: definition(id),
          headers: { 'idempotency-key': `create-${id}` },
        }),
      [200, 201],
    );
  let reference = 0;
  const pay = (i: number, id: string) =>
    send(
      () =>
        api(i)('POST', `/v1/contracts/${id}/payments`, {
          token: parties.tokens.finance,
          body: { reference: `S-${++reference}`, amount: '1.00', receivedOn: today, fundingSource: 'fiscal' },
        }),
      [201],
    );
  const read = (i: number, path: string) => send(() => api(i)('GET', path, { token: parties.tokens.finance }), [200]);

  const HOT = 'scale-hot';
  await create(0, HOT);
  const measure = async (open: number, spread: (i: number) => string): Promise<Measured> => {
    log(`measuring with ${open} open`);
    return {
      pay1: await series(Math.ceil(SERIES / 2), 1, (i) => pay(i, HOT)),
      pay16: await series(SERIES, 16, (i) => pay(i, HOT)),
      spread1: await series(Math.ceil(SERIES / 2), 1, (i) => pay(i, spread(i))),
      spread16: await series(SERIES, 16, (i) => pay(i, spread(i))),
      detail: await series(SERIES, 1, (i) => read(i, `/v1/contracts/${HOT}`)),
      list: await series(SERIES, 1, (i) => read(i, '/v1/contracts?limit=50')),
      rssMb: replicas.workers.map((w) => rssMb(w.pid)),
      temporalBytes: fileBytes(temporalDb),
    };
  };
  const one = await measure(1, () => HOT);

  // Seeding: alternating blocks at 8 and at 32 concurrent, so both see the same growing N.
  const BLOCK = 100;
  const creation: Record<8 | 32, { n: number; seconds: number; latencies: Series[] }> = {
    8: { n: 0, seconds: 0, latencies: [] },
    32: { n: 0, seconds: 0, latencies: [] },
  };
  let seeded = 0;
  for (let block = 0; seeded < N - 1; block++) {
    const concurrency = block % 2 === 0 ? 8 : 32;
    const count = Math.min(BLOCK, N - 1 - seeded);
    const from = seeded;
    const s = await series(count, concurrency, (i) => create(i, `scale-${from + i}`));
    creation[concurrency].n += count;
    creation[concurrency].seconds += count / s.perSecond;
    creation[concurrency].latencies.push(s);
    seeded += count;
    if (block % 10 === 9) log(`${seeded + 1} open`);
  }
  const many = await measure(N, (i) => `scale-${(i * 7919) % Math.max(1, N - 1)}`);

  // A worker's restart to its first answer: both stopped (their CPU profiles are written on exit),
  // one started; a payment to a contract no worker has in memory is sent until it is answered.
  log('restarting the workers');
  for (const worker of replicas.workers) await replicas.stopProcess(worker);
  const restartedAt = performance.now();
  let runningMs = NaN;
  const restarting = replicas.startWorker([]).then(() => (runningMs = performance.now() - restartedAt));
  const resentWhileDown = await pay(0, `scale-${Math.floor(N / 2)}`);
  const firstAnswerMs = performance.now() - restartedAt;
  await restarting;

  const hot = hotFunctions(profiles, projectRoot);
  print({ N, one, many, creation, firstAnswerMs, runningMs, resentWhileDown, hot });
}

/** One state's figures: payments to one contract and spread over the open ones, reads, sizes. */
interface Measured {
  pay1: Series;
  pay16: Series;
  spread1: Series;
  spread16: Series;
  detail: Series;
  list: Series;
  /** Each worker's resident set. */
  rssMb: number[];
  /** The dev server's SQLite file with its WAL. */
  temporalBytes: number;
}

function print(r: {
  N: number;
  one: Measured;
  many: Measured;
  creation: Record<8 | 32, { n: number; seconds: number; latencies: Series[] }>;
  firstAnswerMs: number;
  runningMs: number;
  resentWhileDown: number;
  hot: ReturnType<typeof hotFunctions>;
}) {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const lat = (s: Series) => `${ms(s.p50)} / ${ms(s.p99)}`;
  const pooled = (c: { latencies: Series[] }) => {
    // Blocks' own p50/p99, the worst block's p99 (percentiles do not pool).
    const p50s = c.latencies.map((s) => s.p50).sort((a, b) => a - b);
    return `${ms(p50s[Math.floor(p50s.length / 2)] ?? NaN)} / ${ms(Math.max(...c.latencies.map((s) => s.p99)))}`;
  };
  const rows: string[][] = [['measure', '1 open', `${r.N} open`, `ratio ${r.N} / 1`]];
  const row = (name: string, a: Series, b: Series) => {
    rows.push([`${name} /s`, a.perSecond.toFixed(1), b.perSecond.toFixed(1), ratio(b.perSecond, a.perSecond)]);
    rows.push([`${name} p50 / p99`, lat(a), lat(b), `${ratio(b.p50, a.p50)} / ${ratio(b.p99, a.p99)}`]);
  };
  row('payment, one at a time, same contract', r.one.pay1, r.many.pay1);
  row('payment, 16 concurrent, same contract', r.one.pay16, r.many.pay16);
  row('payment, one at a time, any open contract', r.one.pay1, r.many.spread1);
  row('payment, 16 concurrent, any open contract', r.one.pay16, r.many.spread16);
  row('detail read', r.one.detail, r.many.detail);
  row('list read (limit 50)', r.one.list, r.many.list);
  const perContract = (a: number, b: number) => `${(((b - a) * 1024) / (r.N - 1)).toFixed(1)} KB per contract`;
  const [plain1, profiled1] = r.one.rssMb as [number, number];
  const [plainN, profiledN] = r.many.rssMb as [number, number];
  rows.push(['worker RSS', `${plain1.toFixed(0)} MB`, `${plainN.toFixed(0)} MB`, perContract(plain1, plainN)]);
  rows.push([
    'worker RSS, profiled (--cpu-prof)',
    `${profiled1.toFixed(0)} MB`,
    `${profiledN.toFixed(0)} MB`,
    perContract(profiled1, profiledN),
  ]);
  rows.push([
    'Temporal SQLite',
    `${(r.one.temporalBytes / 1e6).toFixed(1)} MB`,
    `${(r.many.temporalBytes / 1e6).toFixed(1)} MB`,
    `${((r.many.temporalBytes - r.one.temporalBytes) / 1024 / (r.N - 1)).toFixed(1)} KB per contract`,
  ]);
  const width = rows[0]!.map((_, c) => Math.max(...rows.map((x) => x[c]!.length)));
  const line = (x: string[]) => `| ${x.map((v, c) => v.padEnd(width[c]!)).join(' | ')} |`;
  console.log(
    `\n${line(rows[0]!)}\n| ${width.map((w) => '-'.repeat(w)).join(' | ')} |\n${rows.slice(1).map(line).join('\n')}\n`,
  );
  for (const c of [8, 32] as const) {
    const k = r.creation[c];
    if (k.n > 0)
      console.log(
        `contract creation, ${c} concurrent: ${k.n} in ${k.seconds.toFixed(0)} s = ${(k.n / k.seconds).toFixed(1)}/s, p50 / p99 (median block, worst block) ${pooled(k)}; resent after 503/429: ${k.latencies.reduce((a, s) => a + s.resent, 0)}`,
      );
  }
  console.log(
    `resent after 503/429 (payments, ${r.N} open): ${r.many.pay16.resent + r.many.spread16.resent} at 16 concurrent, ${r.one.pay16.resent} with 1 open`,
  );
  console.log(
    `worker restart (both stopped, one started) to the first answered payment of a contract not in memory: ${(r.firstAnswerMs / 1000).toFixed(1)} s (the worker logged "running" after ${(r.runningMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `\nworkers' CPU, top functions by self time (${(r.hot.busyMs / 1000).toFixed(1)} s busy, ${(r.hot.idleMs / 1000).toFixed(1)} s idle, both workers, whole run):`,
  );
  for (const f of r.hot.functions)
    console.log(
      `  ${(f.share * 100).toFixed(1).padStart(5)} %  ${(f.selfMs / 1000).toFixed(2).padStart(7)} s  ${f.name}`,
    );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
