// The cause chain of an error (Error.cause, as Temporal's, postgres.js's and drizzle's errors nest
// them): shared by the API's outage and refusal answers and the activities' failure kinds.

/** `error`, then its cause, its cause's cause, … (objects only; a cycle ends the walk). */
export function* causes(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    yield e;
  }
}
