// Temporal for tests: the time-skipping test server for deadlines, the dev server (or the cluster at
// TEMPORAL_ADDRESS) for Updates and integration. Servers start on free ports.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTestServerPath } from '../../server/temporal-binaries';
import { obtainTemporalServer, type TemporalServer } from '../../server/temporal-server';

export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = temporalTestServerPath();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
  });
}

export async function devServer(options: { dbFilename?: string } = {}): Promise<TemporalServer> {
  return obtainTemporalServer({
    address: process.env.TEMPORAL_ADDRESS,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    dbFilename: options.dbFilename,
    port: 0,
    uiPort: 0,
  });
}

let counter = 0;
/** A task queue no other test uses. */
export function uniqueTaskQueue(name: string): string {
  counter += 1;
  return `test-${name}-${process.pid}-${Date.now()}-${counter}`;
}
