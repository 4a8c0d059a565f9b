// Keep the Temporal SDK's own logs to warnings and errors during tests, its native core's included
// (forwarded here rather than printed by the core itself), less the warnings that only the test
// servers cause and the failures a test file declares it causes (tests/helpers/expected-failures.ts):
// `npm test` prints what a person needs, and a real warning stands out.
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { expectedWorkerFailures, logEntryText } from './helpers/expected-failures';

/**
 * Warnings of the test servers, never of production. The time-skipping test server does not
 * advertise the activity_failure_include_heartbeat capability (a real Temporal server ≥ 1.16, as
 * the dev server and production run, does), so every worker started against it warns once.
 */
export const TEST_SERVER_WARNINGS: readonly RegExp[] = [
  /did not advertise the activity_failure_include_heartbeat capability/,
];

function print(entry: LogEntry): void {
  if (TEST_SERVER_WARNINGS.some((warning) => warning.test(entry.message))) return;
  const text = logEntryText(entry.message, entry.meta);
  if (expectedWorkerFailures().some((pattern) => pattern.test(text))) return;
  const meta = entry.meta && Object.keys(entry.meta).length > 0 ? entry.meta : '';
  console.error(`[temporal ${entry.level}] ${entry.message}`, meta);
}

try {
  Runtime.install({
    logger: new DefaultLogger('WARN', print),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
} catch {
  // Already installed in this process by an earlier test file.
}
