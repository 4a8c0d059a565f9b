// Once per `npm test`: the workflows bundled with the tests' actor secret, written to a file every
// test file's workers load (server/worker.ts prebuiltBundle) instead of each running webpack for
// seconds. An engine a test starts gets the same secret in its data directory (tests/helpers/engine.ts)
// and loads it too; a process with another secret bundles its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secretDigest, workflowBundle, type PrebuiltBundle } from '../server/worker';
import { TEST_ACTOR_SECRET } from './helpers/temporal';

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-test-bundle-'));
  const file = path.join(dir, 'workflows.json');
  const { code } = await workflowBundle(TEST_ACTOR_SECRET);
  const prebuilt: PrebuiltBundle = { code, secretSha256: secretDigest(TEST_ACTOR_SECRET) };
  writeFileSync(file, JSON.stringify(prebuilt));
  process.env.GRANTFLOW_WORKFLOW_BUNDLE = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
