// How an Update refuses a request: a non-retryable ApplicationFailure whose type the API maps to a
// status code; its first detail, when given, lists the problems field by field, and its second is
// the message as the catalog says it (domain/messages.ts), so the API answers in the reader's
// language. The failure's own message stays English (logs, the Temporal UI).
import { ApplicationFailure } from '@temporalio/workflow';
import { render, type Said } from '../domain/messages';
import type { Problem } from '../domain/problems';

export function reject(type: string, message: string | Said, problems?: Problem[]): never {
  const text = typeof message === 'string' ? message : render(message, 'en');
  const details = typeof message === 'string' ? (problems ? [problems] : []) : [problems ?? null, message];
  throw ApplicationFailure.create({ type, message: text, details, nonRetryable: true });
}
