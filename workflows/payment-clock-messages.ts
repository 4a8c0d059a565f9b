// Messages of the payer's legal clock (issue 18) on the contract workflow, shared with the API.
// Side-effect free. Applications travel as ids, amounts and days only: their invoice, note,
// attachments and reasons are rows in PostgreSQL (payment_applications), never in a workflow.
import { defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/dates';
import type { AcceptanceDecision } from '../domain/decisions';
import type { RecordOutcome } from '../domain/outcomes';

export interface FileApplicationInput {
  applicationId: string;
  tranche: string;
  amountFen: number;
  filedBy: string;
  /**
   * For a tranche released after a milestone's approval: the day the milestone was approved, as
   * the read model (submissions) says, or null while it is not. The workflow does not follow reviews.
   */
  approvedOn?: IsoDate | null;
}

export interface FiledApplication {
  outcome: RecordOutcome;
  applicationId: string;
  filedOn: IsoDate;
  /** The last day of the purchaser's acceptance window. */
  acceptanceDueOn: IsoDate;
  /** The end of that day (Asia/Shanghai), ISO 8601. */
  acceptanceDueAt: string;
}

export interface DecideApplicationInput {
  applicationId: string;
  outcome: AcceptanceDecision;
  decidedBy: string;
}

export interface DecidedApplication {
  outcome: RecordOutcome;
  applicationId: string;
  decision: AcceptanceDecision;
  decidedOn: IsoDate;
  decidedAt: string;
  /** True when the decision came after the window: the payer's period ran from the window's end. */
  late: boolean;
}

export const fileApplicationUpdate = defineUpdate<FiledApplication, [FileApplicationInput]>('filePaymentApplication');
export const decideApplicationUpdate = defineUpdate<DecidedApplication, [DecideApplicationInput]>(
  'decidePaymentApplication',
);
