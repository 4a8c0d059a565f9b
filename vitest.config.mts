import { defineConfig } from 'vitest/config';

// Tests that start whole engines (`npm start`, its supervised children, signals to process groups),
// kill workers or dev servers on purpose, or assert how long an outage takes to be answered: one at
// a time, last, so no other test's load can bend their timings.
const ONE_AT_A_TIME = [
  'tests/integration/engine-supervision.test.ts',
  'tests/integration/embedded-engine.test.ts',
  'tests/integration/worker-supervision.test.ts',
  'tests/integration/backup-restore.test.ts',
  'tests/integration/restart.test.ts',
  'tests/integration/data-dir-lock.test.ts',
  'tests/integration/durability.test.ts',
  'tests/integration/outages.test.ts',
];
// The worst cases and bursts: each keeps both cores busy for a minute or more, and two of them side
// by side slow each other past their timeouts (a time-skipping server fires timers in real time
// while its workers lag). One at a time, after the shared files.
const HEAVY = [
  'tests/integration/worst-case-payments.test.ts',
  'tests/workflows/worst-case-quotas.test.ts',
  'tests/workflows/review-many-stations.test.ts',
  'tests/integration/review-worst-case.test.ts',
  'tests/integration/schemathesis.test.ts',
  'tests/integration/update-bursts.test.ts',
  'tests/integration/replicas.test.ts',
  'tests/integration/scale-reads.test.ts',
];

const API = 'tests/api/**/*.test.ts';
// The Temporal SDK's logs, and the workflows bundled once per project that runs (tests/global-setup.ts:
// seconds of webpack, which a run of tests/api alone does not pay).
const WITH_TEMPORAL = { setupFiles: ['tests/setup.ts'], globalSetup: ['tests/global-setup.ts'] };

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // Two cores: two test files at a time (each starts its own Temporal servers and databases).
    maxWorkers: 2,
    projects: [
      // The HTTP layer on fake services (tests/helpers/fake-app.ts): no Temporal, no database, no bundle.
      // Files share a worker's modules (each builds its own app; no module keeps state), so the app's
      // imports load once per worker rather than once per file.
      { extends: true, test: { name: 'api', include: [API], isolate: false, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['tests/**/*.test.ts'],
          exclude: [API, ...HEAVY, ...ONE_AT_A_TIME],
          ...WITH_TEMPORAL,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'heavy', include: HEAVY, fileParallelism: false, ...WITH_TEMPORAL, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ONE_AT_A_TIME,
          fileParallelism: false,
          ...WITH_TEMPORAL,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
