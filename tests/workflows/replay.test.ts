// Replays the recorded histories under tests/histories against the current workflow code, so a
// change that would break running contracts (non-determinism) fails the build. Such a change must
// go behind patched(); see scripts/record-histories.ts for recording new scenarios.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../server/worker';
import { TEST_ACTOR_SECRET } from '../helpers/temporal';

const dir = path.resolve(__dirname, '../histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle(TEST_ACTOR_SECRET) }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
