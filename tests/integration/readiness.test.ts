// /readyz reports 503 in its own shape when a dependency does not answer.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import type { TemporalServer } from '../../server/temporal-server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { devServer } from '../helpers/temporal';

describe('readiness', () => {
  let temporal: TemporalServer;
  let database: TestDatabase;
  let connection: Connection;

  beforeAll(async () => {
    temporal = await devServer();
    database = await createTestDatabase();
    connection = await Connection.connect({ address: temporal.address });
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop().catch(() => {});
    await temporal?.stop();
  });

  it('is 503 naming the database when it is gone, while /healthz stays 200', async () => {
    const app = await buildApp({
      database: database.handle,
      temporal: new Client({ connection }),
      taskQueue: 'unused',
      logLevel: 'silent',
    });
    // No worker polls 'unused', so the API is not ready anyway; the database check itself passes.
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks).toContainEqual({
      name: 'database',
      ok: true,
    });

    await database.handle.close();
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.status).toBe('unavailable');
    expect(body.checks).toContainEqual({ name: 'database', ok: false, error: expect.any(String) });
    expect(body.checks).toContainEqual({ name: 'temporal', ok: true });
    expect(body.checks).toContainEqual({ name: 'worker', ok: false, error: expect.stringContaining('unused') });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });

  it('is 503 naming Temporal when its namespace does not exist', async () => {
    const fresh = await createTestDatabase();
    const app = await buildApp({
      database: fresh.handle,
      temporal: new Client({ connection, namespace: 'no-such-namespace' }),
      taskQueue: 'unused',
      logLevel: 'silent',
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks).toContainEqual({ name: 'database', ok: true });
    expect(res.json().checks).toContainEqual({ name: 'temporal', ok: false, error: expect.any(String) });
    await app.close();
    await fresh.drop();
  });
});
