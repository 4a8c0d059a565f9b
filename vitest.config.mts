import { defineConfig } from 'vitest/config';

// Tests that kill workers or dev servers on purpose, or assert how long an outage takes to be
// answered: one at a time, after the rest, so no other test's load can bend their timings.
const ONE_AT_A_TIME = [
  'tests/integration/engine-supervision.test.ts',
  'tests/integration/worker-supervision.test.ts',
  'tests/integration/outages.test.ts',
];
// Tests that start whole engines (`npm start`, its supervised children, signals to process groups)
// but judge outcomes, not timings: two at a time, after the shared ones (two engines fit two cores;
// an engine beside the shared files' Temporal servers starts too slowly).
const ENGINES = [
  'tests/integration/embedded-engine.test.ts',
  'tests/integration/backup-restore.test.ts',
  'tests/integration/restart.test.ts',
  'tests/integration/data-dir-lock.test.ts',
  'tests/integration/durability.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    setupFiles: ['tests/setup.ts'],
    // Two cores: two test files at a time (each starts its own Temporal servers and databases).
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: [...ONE_AT_A_TIME, ...ENGINES], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'engines', include: ENGINES, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'alone', include: ONE_AT_A_TIME, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
