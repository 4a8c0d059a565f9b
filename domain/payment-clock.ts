// The record of the payer's legal clock (issue 18) that a contract keeps: its payment
// applications as ids, amounts and days only — their invoice, note, attachments and reasons are
// rows in PostgreSQL (payment_applications), never in a workflow. Kept by workflows/payment-clock.ts
// in the contract's state, written to the read model with it.
import type { IsoDate } from './dates';
import type { AcceptanceDecision } from './decisions';

export interface ClockApplication {
  tranche: string;
  amountFen: number;
  /** The Shanghai day it was filed (workflow time). */
  filedOn: IsoDate;
  filedAt: number;
  /** The last day of its acceptance window, fixed at filing (absent for applications filed before it was kept). */
  acceptanceDueOn?: IsoDate;
  decision?: { outcome: AcceptanceDecision; on: IsoDate; at: number };
}

/**
 * Bounded: at most MAX_PAYMENT_APPLICATIONS (domain/payment-terms) applications of ~150 bytes
 * each (ids ≤ 64 characters), about 30 KB.
 */
export interface PaymentClockState {
  applications: Record<string, ClockApplication>;
}
