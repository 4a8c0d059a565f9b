// Whether a projection runs as a local activity (in the workflow task's own worker, no round trip
// through Temporal's task queue) or as a regular activity (before issue 19). A local activity
// records a marker instead of scheduling a task, so a workflow that ran before must keep its
// regular activities when it replays: the choice sits behind patched(). bench/round-trips.ts swaps
// this module for one that always answers false, to measure the difference in one run.
import { patched } from '@temporalio/workflow';

export const LOCAL_PROJECTIONS_PATCH = 'local-projections';

export function projectLocally(): boolean {
  return patched(LOCAL_PROJECTIONS_PATCH);
}
