// Publishing an official year reaches the contracts already running (issue 17): the API starts one
// fan-out workflow per published version (workflows/calendar-updates.ts), which signals every
// active contract; each recomputes what has not happened yet. The workflow id is the version's, so
// starting it again (a repeated PUT, a retry after an outage) finds the one started before.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { calendarPublicationWorkflow } from '../../workflows';
import { calendarPublicationWorkflowId } from '../../workflows/calendar-messages';
import { apiErrorFromTemporal } from './temporal-errors';

/** Starts the fan-out of `year`'s `version` (or finds it started); Temporal unreachable: 503, the PUT may be repeated. */
export type ReachRunningContracts = (year: number, version: number) => Promise<void>;

export function reachRunningContracts(temporal: Client, taskQueue: string): ReachRunningContracts {
  return async (year, version) => {
    try {
      await temporal.workflow.start<typeof calendarPublicationWorkflow>('calendarPublicationWorkflow', {
        workflowId: calendarPublicationWorkflowId(year, version),
        taskQueue,
        // A fan-out that finished is not run again; one that failed or was terminated may be.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        args: [{ year, version }],
        staticSummary: `Tell running contracts that ${year}'s calendar version ${version} is published`,
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      throw apiErrorFromTemporal(error, `The publication of ${year}`);
    }
  };
}
