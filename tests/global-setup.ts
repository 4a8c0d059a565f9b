// Once per `npm test` (not for tests/api, which starts no worker): the workflows bundled with the
// tests' actor secret, written to a file every test file's workers load (server/worker.ts
// prebuiltBundle) instead of each running webpack for seconds. An engine a test starts gets the
// same secret in its data directory (tests/helpers/engine.ts) and loads it too; a process with
// another secret bundles its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secretDigest, workflowBundle, type PrebuiltBundle } from '../server/worker';
import { TEST_ACTOR_SECRET } from './helpers/temporal';

/** Set in this process once its bundle is written: vitest calls the setup once per project that runs (shared, heavy, alone). */
const BUNDLED_BY = 'GRANTFLOW_TEST_BUNDLE_PID';

export default async function setup(): Promise<() => void> {
  // Every project's setup runs before any test and every teardown after the last, so the first
  // project's bundle serves the others (each webpack run costs seconds).
  if (process.env[BUNDLED_BY] === String(process.pid)) return () => {};
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-test-bundle-'));
  const file = path.join(dir, 'workflows.json');
  const { code } = await workflowBundle(TEST_ACTOR_SECRET);
  const prebuilt: PrebuiltBundle = { code, secretSha256: secretDigest(TEST_ACTOR_SECRET) };
  writeFileSync(file, JSON.stringify(prebuilt));
  process.env.GRANTFLOW_WORKFLOW_BUNDLE = file;
  process.env[BUNDLED_BY] = String(process.pid);
  return () => rmSync(dir, { recursive: true, force: true });
}
