// Messages of a running contract's calendar (issue 17), defined once and shared by the workflows
// and the API. Side-effect free: only definitions and plain types.
import type { FreeText, TextReference } from '../domain/free-text';
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CalendarPatch } from '../domain/calendar-changes';

/**
 * To a contract's workflow: the official year `year` was published as `version`; the contract
 * reads the calendar in force (an activity) and passes on what changed. Idempotent: a repeat, or a
 * publication that changes none of its days, changes nothing.
 */
export const calendarPublishedSignal = defineSignal<[{ year: number; version: number }]>('calendarPublished');

/**
 * To a contract's children (reviews, material requests, quotas) and to every open escalation
 * step: the years of the calendar that changed, with all their days (bounded by the years that
 * changed, see domain/calendar-changes CalendarPatch). `cause` says why, for the logs.
 */
export const calendarChangedSignal = defineSignal<[{ patch: CalendarPatch; cause: string }]>('calendarChanged');

/** A contract's own days, as the purchaser amends them (each list replaces the one in force). */
export interface AmendCalendarInput {
  holidays: string[];
  workdays: string[];
  /** Stored by the API (domain/free-text). */
  reason: TextReference;
  amendedBy: string;
}

/** A version of a contract's own days: version 1 is what the contract was registered with. */
export interface CalendarAmendment {
  version: number;
  holidays: string[];
  workdays: string[];
  /** A reference from the workflow; the text once the API has resolved it. */
  reason: FreeText;
  amendedBy: string;
  amendedAt: string;
  /** False when the days were already those in force: no new version, this is the one in force. */
  created: boolean;
}

export const amendCalendarUpdate = defineUpdate<CalendarAmendment, [AmendCalendarInput]>('amendCalendar');

/** Contracts one page of the publication's fan-out reads and signals (keyset by contract id). */
export const CALENDAR_FANOUT_PAGE = 100;
/** Contracts signalled at once (one workflow task per batch). */
export const CALENDAR_FANOUT_BATCH = 20;

export interface CalendarPublicationInput {
  year: number;
  version: number;
  /** Present when continuing as new: contracts with ids up to this one were signalled. */
  afterId?: string;
  /** Contracts signalled so far (all runs). */
  signalled?: number;
  /** Continue as new after this many pages (default 10; tests lower it). */
  pagesPerRun?: number;
  /**
   * Set once the pass over every active contract is done: the second pass, over contracts
   * registered since this instant (an hour before the fan-out began). A contract that read its
   * calendar just before the publication committed, and reached the read model after the first
   * pass went by its id, is told in this one.
   */
  recentSince?: string;
  /** When the first run began (ISO), carried so the second pass knows where to start. */
  startedAt?: string;
}

/** One fan-out per published version: starting it twice finds the first (idempotent). */
export function calendarPublicationWorkflowId(year: number, version: number): string {
  return `calendar-publication:${year}:v${version}`;
}
