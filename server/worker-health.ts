// Container healthcheck for the worker: healthy when this host's worker is polling the task queue.
import os from 'node:os';
import { Connection } from '@temporalio/client';
import { loadConfig } from './config';
import { DEFAULT_TASK_QUEUE } from '../workflows/task-queue';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.temporalAddress) return 1;
  const connection = await Connection.connect({ address: config.temporalAddress, connectTimeout: 3000 });
  try {
    const answer = await connection.workflowService.describeTaskQueue({
      namespace: config.temporalNamespace,
      taskQueue: { name: DEFAULT_TASK_QUEUE }, // workflow task queue (the default type)
    });
    const host = `@${os.hostname()}`;
    // A live worker long-polls at least once a minute; older entries are workers that went away.
    const recent = Date.now() - 90_000;
    const polling = answer.pollers?.some((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return p.identity?.endsWith(host) && seconds * 1000 >= recent;
    });
    return polling ? 0 : 1;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);
