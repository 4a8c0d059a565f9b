// How a calendar change reaches running workflows (issue 17).
// - calendarPublicationWorkflow: one per published version of an official year (started by the
//   API after the publication is committed; its id makes a second start a no-op). It reads the
//   active contracts from the read model a page at a time, keyset by id, and signals each one's
//   workflow in batches; it continues as new carrying only its cursor, so it is bounded whatever
//   the number of contracts and resumes where it was after a worker restart.
// - tellCalendar: a workflow passes a calendar patch on to other workflows (its children, its open
//   escalation steps), in batches; a workflow already gone has nothing left to count.
// - tellChangedWhileStarting: what a workflow started with the calendar it held (an escalation
//   step, a material request) hears what changed in it while it was starting.
import { continueAsNew, getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WorkingCalendar } from '../domain/calendar';
import { calendarPatch, type CalendarPatch } from '../domain/calendar-changes';
import { contractWorkflowId } from '../domain/ids';
import {
  CALENDAR_FANOUT_BATCH,
  CALENDAR_FANOUT_PAGE,
  calendarChangedSignal,
  calendarPublishedSignal,
  type CalendarPublicationInput,
} from './calendar-messages';

const { openContractIds } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** How far before the fan-out's start its second pass looks for contracts registered meanwhile. */
const RECENT_MARGIN_MS = 60 * 60 * 1000;

/** Pages per run: a page adds about 2 events per contract (≈ 200) and 6 for its activity. */
const PAGES_PER_RUN = 10;

/** Workflows told at once (one workflow task per batch, as the quota workflow does with its steps). */
const TELL_BATCH = 20;

/** Signals each workflow the patch, in batches; one already closed (or never started) is skipped, logged. */
export async function tellCalendar(workflowIds: readonly string[], patch: CalendarPatch, cause: string): Promise<void> {
  for (let i = 0; i < workflowIds.length; i += TELL_BATCH) {
    await Promise.all(
      workflowIds.slice(i, i + TELL_BATCH).map((id) =>
        getExternalWorkflowHandle(id)
          .signal(calendarChangedSignal, { patch, cause })
          .catch((error: unknown) =>
            log.info('calendar change not passed on: the workflow is gone', { workflowId: id, error: String(error) }),
          ),
      ),
    );
  }
}

/** What started with a calendar: one escalation step, a pass's steps, a material request. */
export type StartedWithCalendar = 'step' | 'steps' | 'request';

/**
 * Tells what started with the calendar `startedWith` what changed in it while it was starting
 * (`current`: the calendar in force now), through `tell` — tellCalendar to its workflows, or to
 * each step the part of its years — saying so as the cause; undefined when nothing changed. Not
 * async: a caller awaits the telling only when there is one, as the workflows did before they
 * shared this (their histories replay through the same awaits).
 */
export function tellChangedWhileStarting(
  startedWith: WorkingCalendar,
  current: WorkingCalendar | undefined,
  what: StartedWithCalendar,
  tell: (patch: CalendarPatch, cause: string) => Promise<void>,
): Promise<void> | undefined {
  const patch = current && current !== startedWith ? calendarPatch(startedWith, current) : undefined;
  return patch ? tell(patch, `calendar changed while the ${what} started`) : undefined;
}

/** Tells every active contract that `year` was published as `version`. Returns how many were signalled. */
export async function calendarPublicationWorkflow(input: CalendarPublicationInput): Promise<{ signalled: number }> {
  let afterId = input.afterId;
  let signalled = input.signalled ?? 0;
  let recentSince = input.recentSince;
  const startedAt = input.startedAt ?? new Date().toISOString();
  const pages = input.pagesPerRun ?? PAGES_PER_RUN;
  for (let page = 0; page < pages; page++) {
    const ids = await openContractIds({
      ...(afterId !== undefined ? { afterId } : {}),
      ...(recentSince !== undefined ? { createdSince: recentSince } : {}),
      limit: CALENDAR_FANOUT_PAGE,
    });
    for (let i = 0; i < ids.length; i += CALENDAR_FANOUT_BATCH) {
      await Promise.all(
        ids.slice(i, i + CALENDAR_FANOUT_BATCH).map((id) =>
          getExternalWorkflowHandle(contractWorkflowId(id))
            .signal(calendarPublishedSignal, { year: input.year, version: input.version })
            // Ended since the read model said active: nothing left to recompute.
            .catch((error: unknown) =>
              log.info('contract not told of the publication: its workflow is gone', {
                contractId: id,
                error: String(error),
              }),
            ),
        ),
      );
    }
    signalled += ids.length;
    if (ids.length < CALENDAR_FANOUT_PAGE) {
      if (recentSince !== undefined) return { signalled };
      // Second pass: contracts registered since shortly before the first began (telling one twice is harmless).
      recentSince = new Date(Date.parse(startedAt) - RECENT_MARGIN_MS).toISOString();
      afterId = undefined;
      continue;
    }
    afterId = ids.at(-1)!;
  }
  const { afterId: _after, recentSince: _since, ...fixed } = input;
  return continueAsNew<typeof calendarPublicationWorkflow>({
    ...fixed,
    ...(afterId !== undefined ? { afterId } : {}),
    ...(recentSince !== undefined ? { recentSince } : {}),
    startedAt,
    signalled,
  });
}
