// Whether a projection runs as a local activity (in the workflow task's own worker, no round trip
// through Temporal's task queue) or as a regular activity. A local activity records a marker
// instead of scheduling a task, so switching a running workflow over needs patched().
// bench/round-trips.ts swaps this module for one that always answers false, to measure the
// difference in one run.

export function projectLocally(): boolean {
  // Off: under bursts (two API processes, 60 payments at once) a workflow task that ran local
  // projections and then failed was retried from history, reusing revision numbers the failed
  // attempt had written with other content — the contract row fell behind its ledger and a retried
  // payment answered 500 (found by a two-API burst test, not yet on main). Regular activities run only after
  // the task that scheduled them completed. To be designed again (a revision the read model
  // assigns, not the workflow), then behind patched().
  return false;
}
