// For bench/round-trips.ts only: swapped in for workflows/projection-mode.ts in a second workflow
// bundle, so that bundle's projections run as regular activities, as before issue 19.

export function projectLocally(): boolean {
  return false;
}
