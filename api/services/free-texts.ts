// The API's side of the free-text claim check (domain/free-text.ts): a request's texts are stored
// before the workflow hears of them, and released again when the workflow refuses the request.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/client';
import { releaseTexts, storeTexts, sweepUnacceptedTexts } from '../../db/free-texts';
import type { TextReference } from '../../domain/free-text';
import { ApiError } from '../errors';

/**
 * Unaccepted texts older than this belong to a request whose process died mid-way: swept. A week,
 * so a projection held up by an outage (it retries hourly) still finds the texts it must write.
 */
export const UNACCEPTED_TEXT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Stores `texts` (undefined and '' stay undefined) in `scope`, then runs `record` with their
 * references in the same order. When `record` fails with a client error (the workflow refused the
 * request: 4xx), the texts are released, so nothing stays stored for a refused request. After a
 * 5xx the outcome is unknown and the texts stay; an unaccepted one is swept after a week. `kept`
 * tells from a success whether the workflow recorded these texts; when it did not (the request
 * changed nothing: the days already in force, say), they are released too.
 */
export async function withTexts<T>(
  db: Database,
  scope: string,
  texts: ReadonlyArray<string | undefined>,
  record: (references: Array<TextReference | undefined>) => Promise<T>,
  kept: (result: T) => boolean = () => true,
): Promise<T> {
  const present = texts.filter((t): t is string => t !== undefined && t !== '');
  const stored = await storeTexts(db, scope, present);
  let next = 0;
  const references = texts.map((t) => (t !== undefined && t !== '' ? stored[next++] : undefined));
  try {
    const result = await record(references);
    if (!kept(result)) await releaseTexts(db, stored);
    return result;
  } catch (error) {
    if (error instanceof ApiError && error.statusCode < 500) await releaseTexts(db, stored);
    throw error;
  }
}

/** Sweeps unaccepted texts every `intervalMs` in the background until the returned function is called. */
export function sweepTextsEvery(db: Database, intervalMs: number, log?: FastifyBaseLogger): () => void {
  const timer = setInterval(() => {
    sweepUnacceptedTexts(db, UNACCEPTED_TEXT_TTL_MS).then(
      (n) => n > 0 && log?.info({ swept: n }, 'swept free texts of requests that never finished'),
      (error) => log?.warn({ err: error }, 'free-text sweep failed'),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
