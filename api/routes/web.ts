// The dashboard: the page built from web/ (`npm run build:web`, run by `npm start` and `npm test`)
// served at / without a token. The page signs in with the user's API token and calls /v1 like any
// other client. Files are read once at start and served from memory, one route per built file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

export const builtWebRoot = path.resolve(__dirname, '../../web/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

// The page runs only its own bundled script and talks only to this origin.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function filesUnder(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(root, relative) : [relative];
  });
}

export const webRoutes: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'dashboard not built: run `npm run build:web`');
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(
          'The dashboard has not been built. Run `npm run build:web` (npm start and npm test do it), then restart.',
        ),
    );
    return;
  }
  for (const file of filesUnder(root)) {
    const body = readFileSync(path.join(root, file));
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    // Hashed bundle names change with their content; the page and other files are revalidated.
    const cache = file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    const url = file === 'index.html' ? '/' : `/${file}`;
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.headers({ ...PAGE_HEADERS, 'content-type': type, 'cache-control': cache }).send(body),
    );
  }
};
