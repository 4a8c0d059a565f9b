// Builds the dashboard (web/src) into web/dist, which the API serves at /. Everything is bundled
// locally: no CDN, no runtime fetch of code or fonts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: path.join(here, 'public'),
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The page's Content-Security-Policy allows no inline script.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
