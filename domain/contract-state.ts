// A contract's state as its workflow keeps it and the read model mirrors it (activities/contracts.ts
// projects it): the record shared by the workflow, its projection and the API's views.
import type { WorkingCalendar } from './calendar';
import type { Checkpoint, Contract, Tranche } from './contract';
import type { IsoDate } from './dates';
import type { StepBook } from './escalation';
import type { FreeText, Resolved } from './free-text';
import type { LedgerSummary } from './ledger';
import type { PaymentClockState } from './payment-clock';
import type { PaymentTerms } from './payment-terms';
import type { ContractStatus } from './status';

export interface Amendment {
  /** From the request's Idempotency-Key (api/services/tokens idForKey): a retry is the same amendment. */
  id?: string;
  version: number;
  /** A reference inside the workflow, the text in the read model (domain/free-text). */
  reason: FreeText;
  amendedBy: string;
  amendedAt: string;
  tranches: Tranche[];
  checkpoints: Checkpoint[];
  /** The payment terms in force from this version, when the amendment changed them (issue 18). */
  paymentTerms?: PaymentTerms;
}

/**
 * What the workflow's decisions need; carried across continue-as-new and mirrored to the read
 * model. Bounded: nothing in it grows with use beyond the domain limits (the ledger is a
 * LedgerSummary; amendments and ledger entries are the read model's record, not the state's).
 */
export interface ContractState {
  contract: Contract;
  status: ContractStatus;
  createdBy: string;
  createdAt: string;
  /** Bumped on every change; the read model keeps only the newest revision. */
  revision: number;
  scheduleVersion: number;
  /** Totals, per-day aggregates and digests of the ledger (domain/ledger LedgerSummary). */
  ledger: LedgerSummary;
  /** Last status announced per checkpoint/tranche, by domain/ids announcedKey ("checkpoint~june-80" → "missed"). */
  announced: Record<string, string>;
  terminated?: Termination;
  endedAt?: string;
  /** Working-day calendar for the contract's years (with its overrides), fetched once. */
  calendar?: WorkingCalendar;
  /** Stalled steps handed to the escalation engine (workflows/step-book.ts). */
  steps?: StepBook;
  /** "<amendment id> <digest of its content>" of the most recent amendments (at most RECENT_AMENDMENT_IDS): a retry is not a second version, a key reused for other content is refused. */
  recentAmendmentIds?: string[];
  /** True once each milestone's review workflow was started. */
  reviewsStarted?: boolean;
  /** True once the indicator-quota workflow was started (contracts with quotas). */
  quotasStarted?: boolean;
  /** Ids of material requests whose workflows this contract started. */
  materialRequests?: string[];
  /** Payment applications' ids, amounts and dates (no texts): workflows/payment-clock.ts. */
  paymentClock?: PaymentClockState;
  /**
   * The day each milestone was approved (every station it names), as its review workflow told
   * (milestoneApprovedSignal): tranches released after it fall due from then. At most MAX_MILESTONES entries.
   */
  milestonesApproved?: Record<string, IsoDate>;
  /**
   * The version in force of the contract's own days (`contract.calendar`) once amended (issue 17;
   * version 1, absent here, is the definition's): who amended it, when, and why.
   */
  ownCalendar?: { version: number; reason: FreeText; amendedBy: string; amendedAt: string };
}

export interface Termination {
  /** A reference inside the workflow, the text in the read model (domain/free-text). */
  reason: FreeText;
  terminatedBy: string;
  terminatedAt: string;
}

/** A termination or amendment as the read model and the API hold it: with its reason's text. */
export type StoredTermination = Resolved<Termination>;
export type StoredAmendment = Resolved<Amendment>;
