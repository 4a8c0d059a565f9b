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
  ports?: Array<string | { target?: number; published?: string | number; host_ip?: string }>;
  expose?: unknown[];
  networks?: string[] | Record<string, unknown>;
  network_mode?: string;
  restart?: string;
}

const compose = parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean; external?: boolean } | null>;
};

const networksOf = (service: Service): string[] =>
  Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});

/** A published port as host address and container port ("127.0.0.1:8080:8080" → 127.0.0.1, 8080). */
function published(port: NonNullable<Service['ports']>[number]): { hostIp: string; target: number } {
  if (typeof port === 'object') return { hostIp: port.host_ip ?? '0.0.0.0', target: Number(port.target) };
  const parts = String(port)
    .replace(/\/(tcp|udp)$/, '')
    .split(':');
  const target = Number(parts.at(-1)!.split('-')[0]);
  // [ip:]host:container, where ip may be a bracketed IPv6 address
  const hostIp =
    parts.length >= 3
      ? parts
          .slice(0, parts.length - 2)
          .join(':')
          .replace(/^\[|\]$/g, '')
      : '0.0.0.0';
  return { hostIp, target };
}

describe('docker-compose.yml', () => {
  const services = compose.services;

  it('has PostgreSQL, Temporal, its setup and UI, and grantflow api and worker', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'postgresql',
      'temporal',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
  });

  it('gives every service an image or a build, and every long-running one a healthcheck', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(Boolean(service.image) || Boolean(service.build), `${name} has image or build`).toBe(true);
      if (service.restart === 'no') continue;
      expect(service.healthcheck?.test, `${name} has a healthcheck`).toBeDefined();
    }
  });

  it('registers the search attributes (npm run temporal:setup) before the worker and the API start', () => {
    const setup = services['temporal-setup']!;
    expect(setup.restart).toBe('no');
    expect(setup.command).toEqual(['npm', 'run', 'temporal:setup']);
    const scripts = (
      JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const entry = /server\/[\w-]+\.ts/.exec(scripts['temporal:setup'] ?? '')?.[0];
    expect(entry, 'the script runs a file the image holds (server/)').toBeDefined();
    expect(() => readFileSync(path.join(projectRoot, entry!))).not.toThrow();
    expect(setup.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(setup.depends_on?.temporal?.condition).toBe('service_healthy');
    for (const name of ['api', 'worker'])
      expect(services[name]!.depends_on?.['temporal-setup']?.condition).toBe('service_completed_successfully');
    expect(networksOf(setup)).toEqual(['backend']);
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

  it('publishes no port of PostgreSQL or Temporal: they live on an internal network only', () => {
    expect(compose.networks?.backend?.internal).toBe(true);
    for (const name of ['postgresql', 'temporal']) {
      const service = services[name]!;
      expect(service.ports ?? [], `${name} publishes no port`).toEqual([]);
      expect(service.network_mode, `${name} is not on the host's network`).toBeUndefined();
      expect(networksOf(service), `${name} is only on the internal network`).toEqual(['backend']);
    }
    // Everything that must reach Temporal or PostgreSQL is on that network.
    for (const name of ['api', 'worker', 'temporal-ui']) expect(networksOf(services[name]!)).toContain('backend');
  });

  it('publishes the API, and the Temporal Web UI only on the host loopback; never the Temporal frontend', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        const { hostIp, target } = published(port);
        expect(target, `${name} publishes no Temporal frontend port`).not.toBe(7233);
        if (name === 'temporal-ui')
          expect(hostIp, "the UI acts with Temporal's rights: loopback only").toMatch(/^(127\.0\.0\.1|::1)$/);
        else expect(name, `${name} publishes ${String(port)}`).toBe('api');
      }
      expect(service.network_mode, `${name} is not on the host's network`).toBeUndefined();
    }
    expect(services.api!.ports?.map((p) => published(p).target)).toEqual([3000]);
  });

  it.each(['api', 'worker'])('hands %s the same actor secret, required', (name) => {
    expect(services[name]!.environment?.GRANTFLOW_ACTOR_SECRET).toMatch(/^\$\{GRANTFLOW_ACTOR_SECRET:\?/);
  });

  it('starts api and worker from the entry points that exist', () => {
    expect(services.api!.command).toContain('server/api-main.ts');
    expect(services.worker!.command).toContain('server/worker-main.ts');
    for (const file of ['server/api-main.ts', 'server/worker-main.ts', 'server/worker-health.ts', 'Dockerfile']) {
      expect(() => readFileSync(path.join(projectRoot, file))).not.toThrow();
    }
  });
});
