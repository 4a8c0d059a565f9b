/**
 * Domain limits: the upper bounds that keep every contract's workflow state, payloads and history
 * bounded by design (Temporal: 2 MB per payload, 50 MB and 51,200 events per run). Each bound is
 * validated where the input enters (a 422 naming the field and the limit) and listed in the README
 * ("Limits"), with what its worst case costs. The API's schema caps (api/schemas.ts, a 400) sit
 * above these, so a person meets the domain's message, not the schema's.
 */
import { daysInMonth } from './dates';
import { problem, type Problem } from './problems';

/** A contract's term lies within these years (Asia/Shanghai) … */
export const TERM_FIRST_YEAR = 2000;
export const TERM_LAST_YEAR = 2100;
/** … and lasts at most this many years (the quota and calendar workflows enumerate its periods). */
export const MAX_TERM_YEARS = 10;

/** Stations of one contract, and villages one station works through. */
export const MAX_STATIONS_PER_CONTRACT = 100;
export const MAX_VILLAGES_PER_STATION = 100;
/** Payment tranches and cumulative checkpoints of one contract. */
export const MAX_TRANCHES = 60;
export const MAX_CHECKPOINTS = 60;
/** Milestones of one contract (one review workflow each), and quotas (each enumerated per period and station). */
export const MAX_MILESTONES = 40;
export const MAX_QUOTAS = 20;
/** Templates one milestone asks for: each known template at most once. */
export const MAX_MATERIALS_PER_MILESTONE = 10;
/** Staff a contract plans (staffing.headcount). */
export const MAX_HEADCOUNT = 10_000;
/**
 * A list's `total` is counted up to this many rows and no further (issue 19: reads that do not grow
 * with the province). Counting every row of a province's 10,000 contracts cost more than the page
 * itself; a count that stops at 1,000 costs the same from 1,000 contracts on. A total of this many
 * is told apart from more by `totalExact` (the count reads one row past the cap) — the page then
 * says "more than 1,000"; a client walks the rest by `cursor`.
 */
export const MAX_COUNTED = 1_000;

/** Materials in one submission (each a template, at most once) and sections in one material. */
export const MAX_MATERIALS_PER_SUBMISSION = 10;
export const MAX_SECTIONS_PER_MATERIAL = 20;
/** Characters of one section of evaluation material (kept in PostgreSQL, never in a workflow). */
export const MAX_SECTION_CHARS = 20_000;
/** Attachments of one submitted material (their bytes are bounded by domain/attachments MAX_ATTACHMENT_BYTES). */
export const MAX_ATTACHMENTS_PER_MATERIAL = 30;

/** Reasons of one returned submission, and characters of each reason's text. */
export const MAX_RETURN_REASONS = 20;
export const MAX_REASON_CHARS = 1000;
/** Payments (ledger entries of kind payment) one contract may hold over its whole life. */
export const MAX_PAYMENTS_PER_CONTRACT = 2000;

/** Characters, as a person counts them (code points, so one Chinese character is one). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** A list longer than its limit: the problem naming the field and the limit. */
export function countProblem(field: string, count: number, limit: number, what: string): Problem | undefined {
  return count > limit ? problem(field, 'too_many', { count, limit, what }) : undefined;
}

/** A text longer than its limit (in characters). */
export function lengthProblem(field: string, text: string, limit: number): Problem | undefined {
  // Cheap first: UTF-16 units are never fewer than code points.
  if (text.length <= limit) return undefined;
  const chars = charCount(text);
  return chars > limit ? problem(field, 'too_long', { count: chars, limit }) : undefined;
}

/** Pushes the problems that are there. */
export function pushProblems(problems: Problem[], ...found: Array<Problem | undefined>): void {
  for (const p of found) if (p) problems.push(p);
}

/**
 * The problem of one more payment to a contract that holds `payments` already (the
 * MAX_PAYMENTS_PER_CONTRACT + 1st is refused; a repeat of a recorded one is not a new payment).
 */
export function paymentLimitProblem(payments: number): Problem | undefined {
  return payments >= MAX_PAYMENTS_PER_CONTRACT
    ? problem('reference', 'too_many_payments', { count: payments, limit: MAX_PAYMENTS_PER_CONTRACT })
    : undefined;
}

/**
 * Changes of a contract's payment terms over its whole life (issue 18): the contract keeps the terms
 * each change replaced, with the day it took effect, so that a clock that has started runs on the
 * terms in force on its first day (domain/payment-terms amendPaymentTerms). At about 250 bytes
 * each, 20 changes add about 5 KB to the definition the workflow and the read model carry.
 * Several changes on one day count once; an amendment that leaves the terms as they are, none.
 */
export const MAX_PAYMENT_TERMS_CHANGES = 20;

/** The problem of one more change of payment terms to a contract that keeps `changes` earlier terms already. */
export function paymentTermsChangeLimitProblem(changes: number): Problem | undefined {
  return changes >= MAX_PAYMENT_TERMS_CHANGES
    ? problem('paymentTerms', 'too_many_terms_changes', { count: changes, limit: MAX_PAYMENT_TERMS_CHANGES })
    : undefined;
}

/**
 * Material requests one contract may make over its whole life. The contract's workflow keeps each
 * request's id (to recognise a retry and to tell every request when the contract ends): at about
 * 40 bytes an id, 2,000 requests keep its state under 100 KB — a monthly request to each of 16
 * stations for 10 years.
 */
export const MAX_MATERIAL_REQUESTS_PER_CONTRACT = 2000;

/** The problem of one more material request to a contract that has made `requests` already. */
export function materialRequestLimitProblem(requests: number): Problem | undefined {
  return requests >= MAX_MATERIAL_REQUESTS_PER_CONTRACT
    ? problem('items', 'too_many_requests_made', { count: requests, limit: MAX_MATERIAL_REQUESTS_PER_CONTRACT })
    : undefined;
}

/**
 * Rounds one station may submit for one milestone, pre-check returns included: three times the
 * most reviewer rounds a milestone may plan (maxRounds ≤ 20, domain/contract), so a station may
 * fail the pre-check twice per planned round, and past maxRounds the tooManyReturns escalation
 * has room to act before the station is stopped. Bounds a review's total work: 100 stations × 60
 * rounds, spread over continued runs (REVIEW_RUN_MAX_EVENTS).
 */
export const MAX_ROUNDS_PER_STATION = 60;

/**
 * The problem of one more round for a station that has submitted `rounds` already (the
 * MAX_ROUNDS_PER_STATION + 1st is refused; a repeat of a recorded submission is not a new round).
 * `station` is '' for a milestone that covers the contract as a whole.
 */
export function roundLimitProblem(station: string, rounds: number): Problem | undefined {
  return rounds >= MAX_ROUNDS_PER_STATION
    ? problem('station', 'too_many_rounds', {
        ...(station ? { station } : {}),
        count: rounds,
        limit: MAX_ROUNDS_PER_STATION,
      })
    : undefined;
}

/**
 * A review workflow continues as new past this many events or bytes of history (or when Temporal
 * suggests it), well inside Temporal's 51,200 events and 50 MB per run and under its warnings
 * (10,240 events, 10 MB): up to 10 Updates in flight when the bound is crossed (≈ 13 events each)
 * still finish in the same run.
 */
export const REVIEW_RUN_MAX_EVENTS = 4000;
export const REVIEW_RUN_MAX_BYTES = 4 * 1024 * 1024;

/**
 * A contract's workflow continues as new past these (or when Temporal suggests it), well inside
 * Temporal's limits. Events: a worker that does not hold a contract in its cache (a restart, an
 * eviction, a failed workflow task — what a burst brings) replays the whole run before it answers
 * anything, and replay measured about 2 ms per event (bench/replay-cost.ts: a 3,300-event run 7 to
 * 8 s, on 2 loaded cores); 1,000 events (about 110 payments) bound a run's replay to about 2.6 s.
 * Bytes: a payment adds at most ~7 KB (its note travels in the Update and in the projection), so a
 * run ends well before 5 MB whatever arrives while it drains.
 */
export const CONTRACT_RUN_MAX_EVENTS = 1_000;
export const CONTRACT_RUN_MAX_BYTES = 3 * 1024 * 1024;

/**
 * The quota workflow continues as new after a judging pass past this many events (a pass adds at
 * most ~4 per step) or bytes (a step's start carries its summary, ladder and calendar, ~3 KB).
 */
export const QUOTA_RUN_MAX_EVENTS = 1_000;
export const QUOTA_RUN_MAX_BYTES = 1024 * 1024;

/**
 * Problem of a calendar day (YYYY-MM-DD, Asia/Shanghai) given with a contract's business (an
 * invoice's date, …): a real day within TERM_FIRST_YEAR–TERM_LAST_YEAR, as the contract's own
 * dates are. `field` names it in the 422.
 */
export function dayWithinYearsProblem(field: string, text: string): Problem | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const year = match ? Number(match[1]) : NaN;
  const month = match ? Number(match[2]) : NaN;
  const day = match ? Number(match[3]) : NaN;
  const real = match !== null && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  if (!real) return problem(field, 'day_required');
  if (year < TERM_FIRST_YEAR || year > TERM_LAST_YEAR)
    return problem(field, 'years_between', { from: TERM_FIRST_YEAR, to: TERM_LAST_YEAR });
  return undefined;
}
