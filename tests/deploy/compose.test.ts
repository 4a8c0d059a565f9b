// No Docker engine runs here, so the compose file is checked as data.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../server/temporal-binaries';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

describe('docker-compose.yml', () => {
  const services = compose.services;

  it('has PostgreSQL, Temporal, its UI, and grantflow api and worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgresql', 'temporal', 'temporal-ui', 'worker']);
  });

  it('gives every service an image or a build, and a healthcheck', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(Boolean(service.image) || Boolean(service.build), `${name} has image or build`).toBe(true);
      expect(service.healthcheck?.test, `${name} has a healthcheck`).toBeDefined();
    }
  });

  it('runs Temporal on that PostgreSQL', () => {
    const temporal = services.temporal!;
    expect(temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(temporal.depends_on?.postgresql?.condition).toBe('service_healthy');
  });

  it.each(['api', 'worker'])('hands %s the Temporal and database addresses', (name) => {
    const service = services[name]!;
    expect(service.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(service.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgresql:5432\/grantflow$/);
    expect(service.depends_on?.temporal?.condition).toBe('service_healthy');
    expect(service.depends_on?.postgresql?.condition).toBe('service_healthy');
  });

  it('starts api and worker from the entry points that exist', () => {
    expect(services.api!.command).toContain('server/api-main.ts');
    expect(services.worker!.command).toContain('server/worker-main.ts');
    for (const file of ['server/api-main.ts', 'server/worker-main.ts', 'server/worker-health.ts', 'Dockerfile']) {
      expect(() => readFileSync(path.join(projectRoot, file))).not.toThrow();
    }
  });
});
