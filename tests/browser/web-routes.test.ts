// How the API serves the built dashboard (api/routes/web.ts): the page at / with its security
// headers, hashed assets cached for good, nothing else, and a clear answer when it is not built.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { webRoutes } from '../../api/routes/web';

const dirs: string[] = [];
function builtSite(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'grantflow-web-'));
  dirs.push(root);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), body);
  }
  return root;
}

async function appServing(root: string) {
  const app = Fastify({ logger: false });
  await app.register(webRoutes, { root });
  return app;
}

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('serving the dashboard', () => {
  it('serves the page at / and its files, with the page’s security headers and caching', async () => {
    const app = await appServing(
      builtSite({
        'index.html': '<!doctype html><title>x</title>',
        'assets/index-abc123.js': 'console.log(1)',
        'favicon.svg': '<svg/>',
      }),
    );
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toBe('<!doctype html><title>x</title>');

    const script = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject({ method: 'GET', url: '/favicon.svg' })).headers['content-type']).toBe('image/svg+xml');
    expect((await app.inject({ method: 'HEAD', url: '/' })).statusCode).toBe(200);

    expect((await app.inject({ method: 'GET', url: '/assets/other.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/assets/../../package.json' })).statusCode).toBe(404);
    await app.close();
  });

  it('answers 503 with what to run when the dashboard was not built', async () => {
    const app = await appServing(builtSite({}));
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build:web');
    await app.close();
  });
});
