// How every grantflow workflow waits in its main loop: until something changed (a handler, a
// signal) or the next instant something falls due, whichever comes first.
import { condition } from '@temporalio/workflow';

/**
 * Waits until `woken()` holds or, when `until` (epoch ms) is given, that instant comes (at least
 * 1 ms from now); the timer shows `summary` in the Temporal Web UI. Answers true when woken, false
 * when the instant came first. Without `until` it waits only to be woken.
 */
export async function waitUntil(woken: () => boolean, until: number | undefined, summary?: string): Promise<boolean> {
  if (until === undefined) {
    await condition(woken);
    return true;
  }
  const timeout = Math.max(1, until - Date.now());
  return summary === undefined ? condition(woken, timeout) : condition(woken, timeout, { summary });
}
