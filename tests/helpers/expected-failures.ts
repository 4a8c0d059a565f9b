// Failures a test causes on purpose (a webhook receiver answering 503, a poisoned projection, a
// workflow type no worker knows): the worker logs each with its stack, as it should in production,
// but in `npm test` they are expected, and printing them would hide a real one. A test file names
// them; tests/setup.ts drops the Temporal SDK's log entries that match, and prints every other.

import { afterAll } from 'vitest';

const KEY = Symbol.for('grantflow.tests.expectedWorkerFailures');

/** The patterns in force in this process (on globalThis: the SDK's logger outlives each test file's modules). */
export function expectedWorkerFailures(): RegExp[] {
  const holder = globalThis as unknown as Record<symbol, RegExp[] | undefined>;
  return (holder[KEY] ??= []);
}

/**
 * Declares failures this test file causes on purpose: a worker log entry (its message, its error's
 * message, or its workflow or activity type) matching one of `patterns` is not printed. Call it at
 * the top of the file; it holds until the file ends.
 */
export function expectWorkerFailures(...patterns: RegExp[]): void {
  const list = expectedWorkerFailures();
  list.push(...patterns);
  // Test files share a process one after another: this file's patterns end with it.
  afterAll(() => {
    for (const pattern of patterns) list.splice(list.indexOf(pattern), 1);
  });
}

/** The text of a log entry that the patterns are matched against. */
export function logEntryText(message: string, meta: Record<string, unknown> | undefined): string {
  const parts = [message];
  for (const value of Object.values(meta ?? {})) {
    if (typeof value === 'string') parts.push(value);
    else if (value instanceof Error) parts.push(value.message);
    else if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string')
      parts.push((value as { message: string }).message);
  }
  return parts.join('\n');
}
