// How an Update refuses a request: a non-retryable ApplicationFailure whose type the API maps to a
// status code and whose first detail, when given, lists the problems field by field.
import { ApplicationFailure } from '@temporalio/workflow';
import type { Problem } from '../domain/problems';

export function reject(type: string, message: string, problems?: Problem[]): never {
  throw ApplicationFailure.create({ type, message, details: problems ? [problems] : [], nonRetryable: true });
}
