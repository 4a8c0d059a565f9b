// Configuration comes only from the environment and is validated once, at start.
import path from 'node:path';
import { parseAllowList, type OutboundPolicy } from '../domain/outbound';
import { actorSecretProblems } from '../domain/actor-claim';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL URL; undefined → embedded PGlite under dataDir. */
  databaseUrl?: string;
  /** An existing Temporal cluster; undefined → start the dev server binary. */
  temporalAddress?: string;
  temporalNamespace: string;
  /** gRPC port of the dev server started when TEMPORAL_ADDRESS is unset (taken → any free port). */
  temporalPort: number;
  temporalUiPort: number;
  adminToken?: string;
  /**
   * GRANTFLOW_ACTOR_SECRET, shared by API and worker: the API signs every Update with it, workflows
   * refuse Updates without that signature. Unset → `npm start` keeps a generated one in the data
   * directory; the separate API and worker processes require it (see runtime.ts).
   */
  actorSecret?: string;
  logLevel: LogLevel;
  /** smtp:// or smtps:// URL for e-mail notifications; unset → no e-mail. */
  smtpUrl?: string;
  mailFrom: string;
  /** Webhook targets allowed although loopback, private or plain http (GRANTFLOW_WEBHOOK_ALLOW). */
  outbound: OutboundPolicy;
  /** Requests per minute: failed authentications per address, writes per token (0: no limit). */
  rateLimits: { authFailuresPerMinute: number; writesPerMinute: number };
  /** Deadline of each API request's Temporal calls, in seconds; past it the request answers 503. */
  temporalDeadlineSeconds: number;
  /**
   * Updates in flight to one workflow from this API process (GRANTFLOW_UPDATES_PER_WORKFLOW, 1–9:
   * Temporal admits 10), how many more wait behind them (GRANTFLOW_UPDATE_QUEUE) and for how long
   * (GRANTFLOW_UPDATE_WAIT_SECONDS); past those a request is answered 429 with Retry-After.
   */
  updateGate: { perWorkflow: number; queueLength: number; waitMs: number };
  /**
   * Workflows a worker keeps in memory (GRANTFLOW_WORKER_CACHED_WORKFLOWS, 10–100,000; default 500).
   * A change to a contract out of the cache first replays its history (2–2.8 ms an event), so a
   * worker that serves many open contracts answers faster with a larger cache: about 0.3 MB each.
   */
  workerCachedWorkflows: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    problems.push(`${name} must be a port number between 0 and 65535, got "${raw}"`);
    return fallback;
  }
  return value;
}

function perMinute(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 1_000_000) {
    problems.push(`${name} must be a whole number of requests per minute (0: no limit), got "${raw}"`);
    return fallback;
  }
  return value;
}

function seconds(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 600) {
    problems.push(`${name} must be a whole number of seconds from 1 to 600, got "${raw}"`);
    return fallback;
  }
  return value;
}

function wholeNumber(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

function nonEmpty(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const databaseUrl = nonEmpty(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL must start with postgres:// or postgresql://, got "${databaseUrl}"`);
  }

  const temporalAddress = nonEmpty(env, 'TEMPORAL_ADDRESS');
  if (temporalAddress && !/^[^\s:/]+:\d{1,5}$/.test(temporalAddress)) {
    problems.push(`TEMPORAL_ADDRESS must be host:port, got "${temporalAddress}"`);
  }

  const namespace = nonEmpty(env, 'TEMPORAL_NAMESPACE') ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(namespace)) {
    problems.push(`TEMPORAL_NAMESPACE may hold only letters, digits, ".", "_" and "-", got "${namespace}"`);
  }

  const adminToken = nonEmpty(env, 'GRANTFLOW_ADMIN_TOKEN');
  if (adminToken && adminToken.length < 16) {
    problems.push('GRANTFLOW_ADMIN_TOKEN must be at least 16 characters long');
  }

  const actorSecret = nonEmpty(env, 'GRANTFLOW_ACTOR_SECRET');
  if (actorSecret) problems.push(...actorSecretProblems(actorSecret));

  const smtpUrl = nonEmpty(env, 'SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl))
    problems.push(`SMTP_URL must start with smtp:// or smtps://, got "${smtpUrl}"`);

  const allow = parseAllowList(env.GRANTFLOW_WEBHOOK_ALLOW);
  for (const problem of allow.problems) problems.push(`GRANTFLOW_WEBHOOK_ALLOW: ${problem}`);

  const logLevel = (nonEmpty(env, 'LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const config: Config = {
    port: port(env, 'PORT', 3000, problems),
    host: nonEmpty(env, 'HOST') ?? '127.0.0.1',
    dataDir: path.resolve(nonEmpty(env, 'GRANTFLOW_DATA_DIR') ?? './data'),
    databaseUrl,
    temporalAddress,
    temporalNamespace: namespace,
    temporalPort: port(env, 'TEMPORAL_PORT', 7233, problems),
    temporalUiPort: port(env, 'TEMPORAL_UI_PORT', 8233, problems),
    adminToken,
    actorSecret,
    logLevel,
    smtpUrl,
    mailFrom: nonEmpty(env, 'SMTP_FROM') ?? 'grantflow <noreply@grantflow.local>',
    outbound: allow.policy,
    rateLimits: {
      authFailuresPerMinute: perMinute(env, 'GRANTFLOW_RATE_LIMIT_AUTH_FAILURES', 30, problems),
      writesPerMinute: perMinute(env, 'GRANTFLOW_RATE_LIMIT_WRITES', 300, problems),
    },
    temporalDeadlineSeconds: seconds(env, 'GRANTFLOW_TEMPORAL_DEADLINE_SECONDS', 20, problems),
    updateGate: {
      // Below Temporal's default history.maxInFlightUpdates (10), so one API process never meets it.
      perWorkflow: wholeNumber(env, 'GRANTFLOW_UPDATES_PER_WORKFLOW', 8, 1, 9, problems),
      queueLength: wholeNumber(env, 'GRANTFLOW_UPDATE_QUEUE', 32, 0, 1000, problems),
      waitMs: seconds(env, 'GRANTFLOW_UPDATE_WAIT_SECONDS', 5, problems) * 1000,
    },
    workerCachedWorkflows: wholeNumber(env, 'GRANTFLOW_WORKER_CACHED_WORKFLOWS', 500, 10, 100_000, problems),
  };
  // A request waiting for a slot longer than its own Temporal deadline would be sent already expired.
  if (config.updateGate.waitMs >= config.temporalDeadlineSeconds * 1000) {
    problems.push(
      `GRANTFLOW_UPDATE_WAIT_SECONDS (${config.updateGate.waitMs / 1000}) must be shorter than GRANTFLOW_TEMPORAL_DEADLINE_SECONDS (${config.temporalDeadlineSeconds})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
