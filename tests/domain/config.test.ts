import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';

describe('configuration', () => {
  it('needs nothing: every variable has a default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      temporalNamespace: 'default',
      temporalPort: 7233,
      temporalUiPort: 8233,
      logLevel: 'info',
      temporalDeadlineSeconds: 20,
      updateGate: { perWorkflow: 8, queueLength: 32, waitMs: 5000 },
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.temporalAddress).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      GRANTFLOW_DATA_DIR: '/var/lib/grantflow',
      DATABASE_URL: 'postgres://u@db:5432/grantflow',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'grantflow',
      TEMPORAL_UI_PORT: '0',
      GRANTFLOW_ADMIN_TOKEN: 'a-long-enough-admin-token',
      LOG_LEVEL: 'warn',
      GRANTFLOW_WEBHOOK_ALLOW: 'hooks.internal, 10.0.3.0/24',
      GRANTFLOW_TEMPORAL_DEADLINE_SECONDS: '5',
      GRANTFLOW_UPDATES_PER_WORKFLOW: '4',
      GRANTFLOW_UPDATE_QUEUE: '0',
      GRANTFLOW_UPDATE_WAIT_SECONDS: '2',
      GRANTFLOW_WORKER_CACHED_WORKFLOWS: '2000',
    });
    const { outbound, ...rest } = config;
    expect(outbound.hosts).toEqual(['hooks.internal']);
    expect(outbound.ranges.map(([base, bits]) => `${base.toString()}/${bits}`)).toEqual(['10.0.3.0/24']);
    expect(rest.rateLimits).toEqual({ authFailuresPerMinute: 30, writesPerMinute: 300 });
    expect(
      loadConfig({ GRANTFLOW_RATE_LIMIT_WRITES: '0', GRANTFLOW_RATE_LIMIT_AUTH_FAILURES: '5' }).rateLimits,
    ).toEqual({ authFailuresPerMinute: 5, writesPerMinute: 0 });
    // A wait for an Update slot must end before the request's own Temporal deadline.
    expect(() => loadConfig({ GRANTFLOW_TEMPORAL_DEADLINE_SECONDS: '5', GRANTFLOW_UPDATE_WAIT_SECONDS: '5' })).toThrow(
      /GRANTFLOW_UPDATE_WAIT_SECONDS \(5\) must be shorter than GRANTFLOW_TEMPORAL_DEADLINE_SECONDS \(5\)/,
    );
    expect(rest).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/grantflow',
      databaseUrl: 'postgres://u@db:5432/grantflow',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'grantflow',
      temporalPort: 7233,
      temporalUiPort: 0,
      adminToken: 'a-long-enough-admin-token',
      logLevel: 'warn',
      smtpUrl: undefined,
      mailFrom: 'grantflow <noreply@grantflow.local>',
      rateLimits: { authFailuresPerMinute: 30, writesPerMinute: 300 },
      temporalDeadlineSeconds: 5,
      updateGate: { perWorkflow: 4, queueLength: 0, waitMs: 2000 },
      workerCachedWorkflows: 2000,
    });
    expect(loadConfig({}).workerCachedWorkflows).toBe(500);
  });

  it('names every wrong variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        TEMPORAL_ADDRESS: 'no-port',
        LOG_LEVEL: 'loud',
        GRANTFLOW_ADMIN_TOKEN: 'short',
        TEMPORAL_UI_PORT: '70000',
        GRANTFLOW_WEBHOOK_ALLOW: '10.0.0.0/40',
        GRANTFLOW_RATE_LIMIT_WRITES: '-1',
        GRANTFLOW_TEMPORAL_DEADLINE_SECONDS: '0',
        GRANTFLOW_UPDATES_PER_WORKFLOW: '10',
        GRANTFLOW_WORKER_CACHED_WORKFLOWS: '5',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'LOG_LEVEL',
      'GRANTFLOW_ADMIN_TOKEN',
      'TEMPORAL_UI_PORT',
      'GRANTFLOW_WEBHOOK_ALLOW',
      'GRANTFLOW_RATE_LIMIT_WRITES',
      'GRANTFLOW_TEMPORAL_DEADLINE_SECONDS',
      'GRANTFLOW_UPDATES_PER_WORKFLOW',
      'GRANTFLOW_WORKER_CACHED_WORKFLOWS',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('names an unknown LOG_LEVEL at start, without a stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('server/api-main.ts')], {
      env: {
        ...process.env,
        LOG_LEVEL: 'loud',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        GRANTFLOW_ACTOR_SECRET: 'x'.repeat(40),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = run.stdout + run.stderr;
    expect(run.status).not.toBe(0);
    expect(output).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(output).not.toMatch(/\n\s+at /);
  });
});
