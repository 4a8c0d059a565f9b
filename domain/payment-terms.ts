// The payer's legal clock (issue 18): a contract's payment terms, when each tranche is released,
// the purchaser's acceptance window, the payer's deadline and the interest on late money.
//
// Source: 《保障中小企业款项支付条例》 (Regulation on Ensuring Payments to Small and Medium-sized
// Enterprises, 2020; revised by State Council Order No. 802, in force 2025-06-01). Public bodies
// buying services pay within 30 days of delivery or acceptance, at most 60 days where the contract
// says so; where acceptance is late the period runs from the end of the agreed acceptance period;
// late money bears interest at the agreed rate (not below the one-year LPR at signing) or, where
// none is agreed, 0.05 % per day. Whether a contract falls under it is said per contract
// (`statute`), never assumed.
//
// Pure: days are Asia/Shanghai calendar days (YYYY-MM-DD), money integer fen, working days on the
// calendar handed in (domain/calendar.ts), so the workflow, the API and the page compute the same.
import { addWorkingDays, workingDaysBetween, type WorkingCalendar } from './calendar';
import { canonicalJson } from './canonical-json';
import { addDays, dayNumber, type IsoDate } from './dates';
import type { AcceptanceDecision } from './decisions';
import { paymentTermsChangeLimitProblem } from './limits';
import { percentToBasisPoints, WHOLE_BASIS_POINTS, type Fen } from './money';
import { say, type Said } from './messages';
import { problem, type Problem } from './problems';

export const PAYMENT_BASES = ['due_date', 'acceptance'] as const;
export type PaymentBasis = (typeof PAYMENT_BASES)[number];
export const DAY_COUNTS = ['calendar', 'working'] as const;
export type DayCount = (typeof DAY_COUNTS)[number];
export const STATUTES = ['sme_payment_2025', 'none'] as const;
export type Statute = (typeof STATUTES)[number];

/** Interest on late money: the statute's 0.05 % per day, a rate agreed in the contract, or none. */
export const LATE_INTEREST_KINDS = ['statutory_daily', 'agreed', 'none'] as const;
export type LateInterestKind = (typeof LATE_INTEREST_KINDS)[number];
/** What each kind of late interest states beside its kind (every kind has an entry). */
interface LateInterestFields {
  statutory_daily: unknown;
  agreed: { annualRatePercent: number; lprAtSigningPercent: number };
  none: unknown;
}
export type LateInterest = { [K in LateInterestKind]: { kind: K } & LateInterestFields[K] }[LateInterestKind];

export interface PaymentTerms {
  /** What starts the payer's period: the tranche's due date, or the acceptance of an application. */
  basis: PaymentBasis;
  /** Days the payer has from the start of its period (default 30). */
  payWithinDays: number;
  /** How payWithinDays is counted. */
  dayCount: DayCount;
  /** Working days the purchaser has to accept or return an application (default 10). */
  acceptanceWorkingDays: number;
  lateInterest: LateInterest;
  statute: Statute;
}

/** What a definition may give: every field optional, the rest from DEFAULT_PAYMENT_TERMS. */
export type PaymentTermsInput = Partial<PaymentTerms>;

/**
 * The terms of a contract that says nothing: today's behaviour (tranches fall due on their dates,
 * no interest, no statute); the periods at the defaults.
 */
export const DEFAULT_PAYMENT_TERMS: PaymentTerms = {
  basis: 'due_date',
  payWithinDays: 30,
  dayCount: 'calendar',
  acceptanceWorkingDays: 10,
  lateInterest: { kind: 'none' },
  statute: 'none',
};

/** The statute's cap on an agreed payment period (days). */
export const SME_MAX_PAY_WITHIN_DAYS = 60;
/** The statute's interest where no rate is agreed: 0.05 % per day = 5 / 10000. */
export const STATUTORY_DAILY_BASIS_POINTS = 5;
/** An agreed annual rate is charged per calendar day as 1/365 of it. */
export const DAYS_PER_YEAR = 365;

/** The statute's rules, as named in 422 answers. */
export const STATUTE_RULES = {
  maxPayWithin: 'sme_payment_2025.max_60_days',
  rateNotBelowLpr: 'sme_payment_2025.rate_not_below_lpr',
  interestNotWaived: 'sme_payment_2025.interest_not_waived',
  breachNotAmendedAway: 'sme_payment_2025.breach_not_amended_away',
  lprPlausible: 'sme_payment_2025.lpr_at_signing_plausible',
} as const;

/**
 * The one-year LPR at signing a contract under the statute may state (percent, exclusive lower,
 * inclusive upper bound): above 0 — an "LPR" of 0 % would let an agreed 0 % rate waive the
 * interest the statute owes — and at most 20 % (the published one-year LPR has stayed between
 * 2 % and 5 % since its reform in 2019; 20 % leaves room without admitting a typo of 345).
 */
export const LPR_AT_SIGNING_MAX_PERCENT = 20;

/**
 * The complete terms: those given, the rest DEFAULT_PAYMENT_TERMS — except that under the statute
 * interest not given is the statute's 0.05 % per day (where none is agreed, that is what is owed).
 */
export function paymentTermsOf(contract: { paymentTerms?: PaymentTermsInput }): PaymentTerms {
  const given = contract.paymentTerms ?? {};
  const lateInterest: LateInterest =
    given.lateInterest ??
    (given.statute === 'sme_payment_2025' ? { kind: 'statutory_daily' } : DEFAULT_PAYMENT_TERMS.lateInterest);
  return { ...DEFAULT_PAYMENT_TERMS, ...given, lateInterest };
}

/**
 * Problems of payment terms (field paths under `paymentTerms`). Under `sme_payment_2025` a period
 * above 60 days, an agreed rate below the LPR at signing and a waiver of interest are refused,
 * each naming its rule (STATUTE_RULES).
 */
export function validatePaymentTerms(input: PaymentTermsInput, problems: Problem[]): PaymentTerms {
  const terms = paymentTermsOf({ paymentTerms: input });
  const field = (f: string) => `paymentTerms.${f}`;
  if (!PAYMENT_BASES.includes(terms.basis)) problems.push(problem(field('basis'), 'one_of', { values: PAYMENT_BASES }));
  if (!DAY_COUNTS.includes(terms.dayCount)) problems.push(problem(field('dayCount'), 'one_of', { values: DAY_COUNTS }));
  if (!STATUTES.includes(terms.statute)) problems.push(problem(field('statute'), 'one_of', { values: STATUTES }));
  if (!Number.isInteger(terms.payWithinDays) || terms.payWithinDays < 0 || terms.payWithinDays > 365) {
    problems.push(problem(field('payWithinDays'), 'days_between', { min: 0, max: 365 }));
  } else if (terms.statute === 'sme_payment_2025' && terms.payWithinDays > SME_MAX_PAY_WITHIN_DAYS) {
    problems.push(
      problem(field('payWithinDays'), 'statute_pay_within', {
        max: SME_MAX_PAY_WITHIN_DAYS,
        rule: STATUTE_RULES.maxPayWithin,
      }),
    );
  }
  if (
    !Number.isInteger(terms.acceptanceWorkingDays) ||
    terms.acceptanceWorkingDays < 1 ||
    terms.acceptanceWorkingDays > 60
  ) {
    problems.push(problem(field('acceptanceWorkingDays'), 'working_days_between', { min: 1, max: 60 }));
  }
  const interest = terms.lateInterest;
  if (interest.kind === 'agreed') {
    const rate = percentToBasisPoints(interest.annualRatePercent);
    const lpr = percentToBasisPoints(interest.lprAtSigningPercent);
    if (rate === undefined) problems.push(problem(field('lateInterest.annualRatePercent'), 'percent_to_100'));
    if (lpr === undefined) problems.push(problem(field('lateInterest.lprAtSigningPercent'), 'percent_to_100'));
    if (
      lpr !== undefined &&
      terms.statute === 'sme_payment_2025' &&
      (lpr <= 0 || lpr > LPR_AT_SIGNING_MAX_PERCENT * 100)
    ) {
      problems.push(
        problem(field('lateInterest.lprAtSigningPercent'), 'statute_lpr_plausible', {
          max: LPR_AT_SIGNING_MAX_PERCENT,
          rule: STATUTE_RULES.lprPlausible,
        }),
      );
    } else if (rate !== undefined && lpr !== undefined && terms.statute === 'sme_payment_2025' && rate < lpr) {
      problems.push(
        problem(field('lateInterest.annualRatePercent'), 'statute_rate_below_lpr', {
          lpr: String(interest.lprAtSigningPercent),
          rule: STATUTE_RULES.rateNotBelowLpr,
        }),
      );
    }
  } else if (interest.kind === 'none') {
    if (terms.statute === 'sme_payment_2025') {
      problems.push(
        problem(field('lateInterest'), 'statute_interest_not_waived', { rule: STATUTE_RULES.interestNotWaived }),
      );
    }
  } else if (interest.kind !== 'statutory_daily') {
    problems.push(problem(field('lateInterest.kind'), 'one_of', { values: LATE_INTEREST_KINDS }));
  }
  return terms;
}

/**
 * Terms that were in force before the current ones, oldest first: each on the days before `until`
 * (the day the terms after it took effect — the day their amendment was recorded, Asia/Shanghai).
 */
export interface EarlierPaymentTerms {
  terms: PaymentTerms;
  until: IsoDate;
}

/**
 * Where a contract's terms are read (domain/contract Contract has both): the terms in force now
 * (`paymentTerms`, absent: the defaults) and those before them. Bounded: at most
 * MAX_PAYMENT_TERMS_CHANGES earlier terms.
 */
export interface PaymentTermsRecord {
  paymentTerms?: PaymentTermsInput;
  paymentTermsHistory?: readonly EarlierPaymentTerms[];
}

/** One stretch of days with the same terms: from `from` (null: since the contract began) up to the day before `until` (null: still in force). */
interface TermsPeriod {
  terms: PaymentTerms;
  from: IsoDate | null;
  until: IsoDate | null;
}

function periodsOf(record: PaymentTermsRecord): TermsPeriod[] {
  const history = record.paymentTermsHistory ?? [];
  return [
    ...history.map((h, i) => ({ terms: h.terms, from: history[i - 1]?.until ?? null, until: h.until })),
    { terms: paymentTermsOf(record), from: history.at(-1)?.until ?? null, until: null },
  ];
}

/** The index of the period `day` falls in. */
function periodIndexOn(periods: readonly TermsPeriod[], day: IsoDate): number {
  const i = periods.findIndex((p) => p.until === null || day < p.until);
  return i < 0 ? periods.length - 1 : i;
}

/** The terms in force on `day`: those of the amendment last recorded on or before it, else the definition's. */
export function paymentTermsOn(record: PaymentTermsRecord, day: IsoDate): PaymentTerms {
  const periods = periodsOf(record);
  return periods[periodIndexOn(periods, day)]!.terms;
}

/**
 * The terms and their history after an amendment to `next` recorded on `on` (Asia/Shanghai). It
 * takes effect the next day: the terms in force until then join the history up to and including
 * `on` — so every clock that started on or before `on` (an acceptance earlier that day included:
 * a day has no order within it) keeps running on them, and those that start after `on` run on
 * `next`. Terms recorded on `on` and replaced the same day were in force on no day of their own and
 * are not kept. Terms equal to those in force change nothing. A problem (field `paymentTerms`,
 * naming MAX_PAYMENT_TERMS_CHANGES) when the history is full.
 */
export function amendPaymentTerms(
  record: PaymentTermsRecord,
  next: PaymentTerms,
  on: IsoDate,
):
  | { ok: true; value: { paymentTerms: PaymentTerms; paymentTermsHistory?: EarlierPaymentTerms[] } }
  | { ok: false; problem: Problem } {
  const history = [...(record.paymentTermsHistory ?? [])];
  const current = paymentTermsOf(record);
  const keep = () => ({
    ok: true as const,
    value: { paymentTerms: next, ...(history.length > 0 ? { paymentTermsHistory: history } : {}) },
  });
  if (canonicalJson(current) === canonicalJson(next)) return keep();
  const from = addDays(on, 1);
  if (history.at(-1)?.until === from) return keep();
  const full = paymentTermsChangeLimitProblem(history.length);
  if (full) return { ok: false, problem: full };
  history.push({ terms: current, until: from });
  return keep();
}

/** The releases a word names: a tranche paid on its due date (today's behaviour) or on an application. */
export const RELEASE_KINDS = ['on_due_date', 'on_application'] as const;
export type ReleaseKind = (typeof RELEASE_KINDS)[number];
/** When a tranche may be paid: on its due date, on an application (RELEASE_KINDS), or after a milestone's approval. */
export type TrancheRelease = ReleaseKind | { afterApproval: string };

export function releaseOf(tranche: { release?: TrancheRelease }): TrancheRelease {
  return tranche.release ?? 'on_due_date';
}

/** Problems of a tranche's release (field `tranches.<i>.release`): a milestone must be one of the contract's. */
export function validateRelease(
  release: TrancheRelease | undefined,
  field: string,
  milestoneIds: ReadonlySet<string>,
  problems: Problem[],
): void {
  if (release === undefined || (RELEASE_KINDS as readonly unknown[]).includes(release)) return;
  if (typeof release === 'object' && release !== null && typeof release.afterApproval === 'string') {
    if (!milestoneIds.has(release.afterApproval)) {
      problems.push(problem(`${field}.afterApproval`, 'not_a_milestone', { id: release.afterApproval }));
    }
    return;
  }
  problems.push(problem(field, 'release_form', { values: RELEASE_KINDS }));
}

/**
 * The day a tranche is released (payable), or null while it is not: its due day; the day its
 * milestone was approved (`approvedOn`, null while not approved); or, on application, the day its
 * clock started (`clockStartOn`, see applicationClock).
 */
export function releasedOn(
  release: TrancheRelease,
  dueOn: IsoDate,
  approvedOn: IsoDate | null,
  clockStartOn: IsoDate | null,
): IsoDate | null {
  if (release === 'on_due_date') return dueOn;
  if (release === 'on_application') return clockStartOn;
  return approvedOn;
}

/**
 * Whether an application for a tranche may be filed on `day`: under `on_application` at any
 * time; otherwise once the tranche is released (its due day reached, its milestone approved).
 * A reason (for a 422 / 409) when not.
 */
export function applicationNotYetAllowed(
  release: TrancheRelease,
  dueOn: IsoDate,
  approvedOn: IsoDate | null,
  day: IsoDate,
): Said<'released_on_due_date' | 'released_after_approval'> | undefined {
  if (release === 'on_application') return undefined;
  if (release === 'on_due_date') return day < dueOn ? say('released_on_due_date', { day: dueOn }) : undefined;
  return approvedOn === null ? say('released_after_approval', { milestone: release.afterApproval }) : undefined;
}

/** The last day of the purchaser's acceptance window for an application filed on `filedOn`: that many working days after it. */
export function acceptanceWindowEnd(
  filedOn: IsoDate,
  terms: Pick<PaymentTerms, 'acceptanceWorkingDays'>,
  calendar: WorkingCalendar,
): IsoDate {
  return addWorkingDays(filedOn, terms.acceptanceWorkingDays, calendar);
}

export interface ApplicationFacts {
  filedOn: IsoDate;
  /**
   * The last day of its acceptance window as fixed when it was filed (the terms in force then).
   * Absent for applications filed before windows were kept: then computed from the terms given.
   */
  acceptanceDueOn?: IsoDate;
  decision?: { outcome: AcceptanceDecision; on: IsoDate };
}

/**
 * The last day of an application's acceptance window: the one fixed at filing, else computed from
 * the terms in force on its filing day (an application's window is a clock that starts when it is
 * filed: later amendments do not move it).
 */
export function windowOf(app: ApplicationFacts, record: PaymentTermsRecord, calendar: WorkingCalendar): IsoDate {
  return app.acceptanceDueOn ?? acceptanceWindowEnd(app.filedOn, paymentTermsOn(record, app.filedOn), calendar);
}

/**
 * Whether a return decided on `on` may still undo an application whose window ends on
 * `acceptanceDueOn`: only within the window. Once the window has expired the application stands
 * deemed accepted (the statute: where acceptance is late, the payer's period runs from the end
 * of the acceptance period), so a later return is refused (409) and, where one was recorded
 * before this rule, does not stop the clock. A reason when refused.
 */
export function lateReturnRefusal(
  applicationId: string,
  acceptanceDueOn: IsoDate,
  on: IsoDate,
): Said<'application_deemed_accepted'> | undefined {
  return on > acceptanceDueOn
    ? say('application_deemed_accepted', { id: applicationId, day: acceptanceDueOn })
    : undefined;
}

/** Whether the application stands returned on `asOf`: returned by then, within its window. */
export function isReturned(app: ApplicationFacts, acceptanceDueOn: IsoDate, asOf: IsoDate): boolean {
  return app.decision?.outcome === 'return' && app.decision.on <= asOf && app.decision.on <= acceptanceDueOn;
}

export interface ApplicationClock {
  /** The last day of the acceptance window. */
  acceptanceDueOn: IsoDate;
  /** The day the payer's period starts: the acceptance, or the window's end when the purchaser was late; null while neither. */
  startOn: IsoDate | null;
  /** True when the period starts from the window's end, not from an acceptance within it. */
  deemed: boolean;
  /** Working days the purchaser was late deciding (after the window's end, up to the decision or `asOf`). */
  purchaserLateWorkingDays: number;
}

/**
 * Where an application stands on `asOf`: an acceptance within the window starts the payer's
 * period that day; with no decision by the window's end, the period starts from the window's end
 * (the statute: late acceptance does not delay the payer's deadline), and the purchaser is charged
 * every working day after the window's end up to the day it decides (or `asOf`). A return within
 * the window stops the clock; a return after it does not (lateReturnRefusal). The window is the
 * one fixed at filing when the facts carry it (windowOf).
 */
export function applicationClock(
  app: ApplicationFacts,
  record: PaymentTermsRecord,
  calendar: WorkingCalendar,
  asOf: IsoDate,
): ApplicationClock {
  const acceptanceDueOn = windowOf(app, record, calendar);
  const decidedOn = app.decision && app.decision.on <= asOf ? app.decision.on : undefined;
  const heldUntil = decidedOn ?? asOf;
  const purchaserLateWorkingDays = workingDaysBetween(acceptanceDueOn, heldUntil, calendar);
  if (isReturned(app, acceptanceDueOn, asOf)) {
    return { acceptanceDueOn, startOn: null, deemed: false, purchaserLateWorkingDays };
  }
  if (decidedOn !== undefined && decidedOn <= acceptanceDueOn) {
    return { acceptanceDueOn, startOn: decidedOn, deemed: false, purchaserLateWorkingDays };
  }
  if (asOf > acceptanceDueOn)
    return { acceptanceDueOn, startOn: acceptanceDueOn, deemed: true, purchaserLateWorkingDays };
  return { acceptanceDueOn, startOn: null, deemed: false, purchaserLateWorkingDays };
}

/** The last day the payer is on time, `payWithinDays` calendar or working days after `startOn`. */
export function payerDeadline(
  startOn: IsoDate,
  terms: Pick<PaymentTerms, 'payWithinDays' | 'dayCount'>,
  calendar: WorkingCalendar,
): IsoDate {
  return terms.dayCount === 'working'
    ? addWorkingDays(startOn, terms.payWithinDays, calendar)
    : addDays(startOn, terms.payWithinDays);
}

/**
 * A tranche's payment due day, or null while its clock has not started.
 * - basis `acceptance`: payerDeadline from the start of its clock (`clockStartOn`).
 * - basis `due_date`: its due day when released on it; otherwise the later of its due day and
 *   payerDeadline from the day it was released (the approval, the clock's start).
 */
export function paymentDueOn(
  terms: PaymentTerms,
  release: TrancheRelease,
  dueOn: IsoDate,
  approvedOn: IsoDate | null,
  clockStartOn: IsoDate | null,
  calendar: WorkingCalendar,
): IsoDate | null {
  if (terms.basis === 'acceptance') return clockStartOn === null ? null : payerDeadline(clockStartOn, terms, calendar);
  if (release === 'on_due_date') return dueOn;
  const released = releasedOn(release, dueOn, approvedOn, clockStartOn);
  if (released === null) return null;
  const deadline = payerDeadline(released, terms, calendar);
  return deadline > dueOn ? deadline : dueOn;
}

/**
 * Basis `due_date`: a tranche released before the terms its clock runs on took effect (`from`; an
 * amendment to basis `due_date` after the due day of a tranche no application had started) owes
 * from those terms on, as if released the day they took effect — never interest for days before
 * them.
 */
function stretchedDueOn(
  dueOn: IsoDate | null,
  released: IsoDate | null,
  from: IsoDate | null,
  terms: PaymentTerms,
  calendar: WorkingCalendar,
): IsoDate | null {
  if (dueOn === null || released === null || from === null || released >= from) return dueOn;
  const fromThen = payerDeadline(from, terms, calendar);
  return fromThen > dueOn ? fromThen : dueOn;
}

/** Money that arrived toward a debt on a day (negative: a reversal). */
export interface Receipt {
  on: IsoDate;
  fen: Fen;
}

export interface InterestSegment {
  /** First and last day charged (inclusive). */
  from: IsoDate;
  to: IsoDate;
  days: number;
  baseFen: Fen;
  interestFen: Fen;
}

export interface LateMoney {
  /** Calendar days charged: after the due day, on which money was outstanding at the day's start, up to `asOf`. */
  daysOverdue: number;
  /** Outstanding at the end of `asOf`. */
  outstandingFen: Fen;
  segments: InterestSegment[];
  /** The sum of the segments' interest (each rounded half up to the fen). */
  interestFen: Fen;
}

/** a × b × c / d rounded half up (d > 0), exact in BigInt. */
function mulMulDivRoundHalfUp(a: number, b: number, c: number, d: number): number {
  const n = 2n * BigInt(a) * BigInt(b) * BigInt(c) + BigInt(d);
  const q = n / (2n * BigInt(d));
  return Number(q);
}

/** Interest (fen) on `baseFen` for `days` calendar days at `rate`, rounded half up to the fen. */
export function interestFor(baseFen: Fen, days: number, rate: LateInterest): Fen {
  if (rate.kind === 'none' || baseFen <= 0 || days <= 0) return 0;
  if (rate.kind === 'statutory_daily')
    return mulMulDivRoundHalfUp(baseFen, days, STATUTORY_DAILY_BASIS_POINTS, WHOLE_BASIS_POINTS);
  const bp = percentToBasisPoints(rate.annualRatePercent) ?? 0;
  return mulMulDivRoundHalfUp(baseFen, days, bp, WHOLE_BASIS_POINTS * DAYS_PER_YEAR);
}

/**
 * Interest on money paid late: for each calendar day after `dueOn` up to and including `asOf`, the
 * amount outstanding at that day's start (before that day's receipts) is charged — so the day
 * money is paid is charged, and a partial payment reduces the base from the day after its
 * receipt date. Runs of consecutive days with the same base form segments (a receipt that leaves
 * the base as it was — 0 fen, or clipped by the clamp — does not split a run); each segment's
 * interest is rounded half up to the fen once, and the total is their sum.
 * `amountFen`: the debt; `receipts`: money toward it by day (any order; before `dueOn` too).
 * Outstanding is clamped to [0, amountFen].
 */
export function lateInterest(
  amountFen: Fen,
  receipts: readonly Receipt[],
  dueOn: IsoDate,
  asOf: IsoDate,
  rate: LateInterest,
): LateMoney {
  const byDay = new Map<number, Fen>();
  for (const r of receipts) {
    const n = dayNumber(r.on);
    byDay.set(n, (byDay.get(n) ?? 0) + r.fen);
  }
  const dueN = dayNumber(dueOn);
  const asOfN = dayNumber(asOf);
  const clamp = (fen: Fen) => Math.min(amountFen, Math.max(0, fen));
  // Paid by the end of the due day.
  let paid = 0;
  const later: number[] = [];
  for (const [n, fen] of byDay) {
    if (n <= dueN) paid += fen;
    else if (n <= asOfN) later.push(n);
  }
  later.sort((a, b) => a - b);
  // Runs of days (dueN < k ≤ asOfN), day k charged clamp(amount − paid through k − 1); equal bases merged.
  const runs: Array<{ from: number; to: number; base: Fen }> = [];
  let from = dueN + 1;
  const close = (to: number) => {
    if (to < from) return;
    const base = clamp(amountFen - paid);
    const last = runs.at(-1);
    if (last && last.base === base && last.to === from - 1) last.to = to;
    else runs.push({ from, to, base });
  };
  for (const n of later) {
    // Day n itself is charged at the base before its receipts.
    close(n);
    paid += byDay.get(n)!;
    from = n + 1;
  }
  close(asOfN);
  const segments: InterestSegment[] = runs
    .filter((r) => r.base > 0)
    .map((r) => {
      const days = r.to - r.from + 1;
      return {
        from: addDays(dueOn, r.from - dueN),
        to: addDays(dueOn, r.to - dueN),
        days,
        baseFen: r.base,
        interestFen: interestFor(r.base, days, rate),
      };
    });
  return {
    daysOverdue: segments.reduce((s, x) => s + x.days, 0),
    outstandingFen: clamp(amountFen - paid),
    segments,
    interestFen: segments.reduce((s, x) => s + x.interestFen, 0),
  };
}

/**
 * Each tranche's receipts from the contract's receipts by day: money covers the tranches in the
 * order they fall due (as domain/status does), so tranche i receives what brings the running
 * total from the sum of the tranches before it up to its own end. `days`: net fen per day (the
 * ledger's per-day totals). Returns receipts per tranche id.
 */
export function trancheReceipts(
  tranches: ReadonlyArray<{ id: string; dueAt: number; amountFen: Fen }>,
  days: Readonly<Record<IsoDate, Fen>>,
): Map<string, Receipt[]> {
  const ordered = [...tranches].sort((a, b) => a.dueAt - b.dueAt);
  const result = new Map<string, Receipt[]>(ordered.map((t) => [t.id, []]));
  let total = 0;
  for (const day of Object.keys(days).sort()) {
    const before = total;
    total += days[day]!;
    let start = 0;
    for (const t of ordered) {
      const coveredBefore = Math.min(t.amountFen, Math.max(0, before - start));
      const coveredAfter = Math.min(t.amountFen, Math.max(0, total - start));
      if (coveredAfter !== coveredBefore) result.get(t.id)!.push({ on: day, fen: coveredAfter - coveredBefore });
      start += t.amountFen;
    }
  }
  return result;
}

export interface TrancheApplication extends ApplicationFacts {
  id: string;
  amountFen: Fen;
}

/** One application's own clock within its tranche (basis `acceptance`). */
export interface ApplicationMoney extends ApplicationClock {
  id: string;
  filedOn: IsoDate;
  /** The payer's last day on time for this application; null while its clock has not started. */
  paymentDueOn: IsoDate | null;
  /** What this application is owed: its amount, within what is left of the tranche (see applicationLayers). */
  owedFen: Fen;
  /** What is left of owedFen on `asOf`. */
  outstandingFen: Fen;
  daysOverdue: number;
  interestFen: Fen;
  segments: InterestSegment[];
}

export interface TrancheClock {
  trancheId: string;
  release: TrancheRelease;
  /** The terms its clock runs on: those in force on the day it started (trancheTerms). */
  terms: PaymentTerms;
  /** The day its clock started (acceptance, deemed acceptance, release, due day), null while it has not on `asOf`. */
  startedOn: IsoDate | null;
  /** The day the tranche became payable, null while not (see releasedOn). */
  releasedOn: IsoDate | null;
  /** What the applications not returned ask for (fen), and the first one's filing day. */
  appliedFen: Fen;
  appliedOn: IsoDate | null;
  /** The first application not returned: its acceptance window's last day, and its acceptance (or the window's end, deemed). */
  acceptanceDueOn: IsoDate | null;
  acceptedOn: IsoDate | null;
  deemedAcceptedOn: IsoDate | null;
  purchaserLateWorkingDays: number;
  /**
   * The payer's last day on time; null while no clock has started. Under basis `acceptance` with
   * several applications: the earliest deadline of those still owed money (else the earliest).
   */
  paymentDueOn: IsoDate | null;
  /** What the interest is charged on: the tranche (basis due_date) or what was applied for (basis acceptance). */
  owedFen: Fen;
  /** What is left of owedFen after what arrived toward it (by `asOf`). */
  owedOutstandingFen: Fen;
  /** What is left of owedFen whose deadline has passed on `asOf` (the overdue money). */
  overdueFen: Fen;
  /** What is left of the tranche. */
  outstandingFen: Fen;
  /** The longest delay, in calendar days charged, of the tranche's clocks. */
  daysOverdue: number;
  /** The sum of the clocks' interest. */
  interestFen: Fen;
  /** Every clock's segments, by first day. */
  segments: InterestSegment[];
  /** Basis `acceptance`: each application's own clock (the tranche's figures are their sums); else empty. */
  applications: ApplicationMoney[];
}

const byFiling = (a: TrancheApplication, b: TrancheApplication) =>
  a.filedOn < b.filedOn ? -1 : a.filedOn > b.filedOn ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * What each application (in filing order) is owed out of its tranche: a layer [startFen, endFen)
 * of the tranche's money counted in the order it arrives. An application asks for what is left
 * once what arrived by its filing day (inclusive) is deducted, so its layer starts at the larger
 * of the previous layer's end and the money received by then, and ends its amount later — never
 * beyond the tranche. Money arriving afterwards pays the layers in turn: an application's
 * outstanding on a day is its layer less what had arrived by then.
 */
export function applicationLayers(
  trancheFen: Fen,
  applications: readonly TrancheApplication[],
  receipts: readonly Receipt[],
): Array<{ id: string; startFen: Fen; endFen: Fen }> {
  let previousEnd = 0;
  return [...applications].sort(byFiling).map((a) => {
    const received = receipts.filter((r) => r.on <= a.filedOn).reduce((s, r) => s + r.fen, 0);
    const startFen = Math.min(trancheFen, Math.max(previousEnd, received));
    const endFen = Math.min(trancheFen, startFen + a.amountFen);
    previousEnd = endFen;
    return { id: a.id, startFen, endFen };
  });
}

/**
 * Whether the payer's clock watches the tranche (the paymentOverdue step) rather than its due date
 * (trancheOverdue): its deadline is not simply its due date — basis `acceptance`, or a tranche
 * released on application or after a milestone's approval (payable only from then).
 */
export function clockDriven(terms: Pick<PaymentTerms, 'basis'>, release: TrancheRelease): boolean {
  return terms.basis === 'acceptance' || release !== 'on_due_date';
}

/**
 * The terms a tranche's clock runs on, and the day it started (null while it has not, on `asOf`).
 * A clock that has started runs on the terms in force on the day it started; an amendment applies
 * only to clocks that start on or after the day it was recorded. The day a clock starts depends on
 * the terms' basis: its release (the due day, the approval, the first acceptance) under
 * `due_date`, the first acceptance (or deemed acceptance) under `acceptance`. So each stretch of
 * days with the same terms, oldest first, is asked when the clock starts under its terms; the
 * first stretch in which that day falls gives the terms — a day before the stretch began counts as
 * its first day (the amendment itself set the clock going: a tranche whose due day had passed
 * when an amendment put it on basis `due_date`). Started under none: the terms in force on `asOf`.
 * `firstStartOn`: the earliest start of the applications' clocks (not returned), or null.
 */
export function trancheTerms(
  record: PaymentTermsRecord,
  release: TrancheRelease,
  dueOn: IsoDate,
  approvedOn: IsoDate | null,
  firstStartOn: IsoDate | null,
  asOf: IsoDate,
): { terms: PaymentTerms; period: number; startedOn: IsoDate | null } {
  const periods = periodsOf(record);
  for (const [i, p] of periods.entries()) {
    const start = p.terms.basis === 'acceptance' ? firstStartOn : releasedOn(release, dueOn, approvedOn, firstStartOn);
    if (start === null) continue;
    const on = p.from !== null && start < p.from ? p.from : start;
    if (p.until === null || on < p.until) return { terms: p.terms, period: i, startedOn: on <= asOf ? on : null };
  }
  const i = periodIndexOn(periods, asOf);
  return { terms: periods[i]!.terms, period: i, startedOn: null };
}

/**
 * The terms one application's clock runs on (basis `acceptance`): those in force on the day it
 * started — never those of a stretch before the tranche's own (`fromPeriod`, see trancheTerms).
 */
function applicationTerms(record: PaymentTermsRecord, fromPeriod: number, startOn: IsoDate): PaymentTerms {
  const periods = periodsOf(record);
  const from = periods[fromPeriod]!.from;
  return periods[periodIndexOn(periods, from !== null && startOn < from ? from : startOn)]!.terms;
}

/**
 * A tranche's clock on `asOf`. Applications returned within their window (by `asOf`) do not
 * count. The clock runs on the terms in force on the day it started (trancheTerms): amendments
 * recorded later do not move its deadline or change its interest. Under basis `acceptance` each
 * application has its own clock — its acceptance window (fixed at filing), the payer's deadline
 * from its acceptance on the terms in force that day, and interest on its layer of the tranche
 * (applicationLayers) still outstanding — and the tranche's figures are their sums: money
 * received before an application was filed is not deducted from it again, and a later
 * application is charged nothing for days before its own deadline. Under `due_date` interest runs
 * on the tranche's amount less what arrived, from its due day (or, released on application or
 * approval, from the payer's deadline). `record`: the contract's terms and their history;
 * `receipts`: the tranche's own (trancheReceipts); `approvedOn`: the day the milestone of an
 * `afterApproval` release was approved, or null.
 */
export function trancheClock(
  record: PaymentTermsRecord,
  tranche: { id: string; dueOn: IsoDate; amountFen: Fen; release?: TrancheRelease },
  applications: readonly TrancheApplication[],
  receipts: readonly Receipt[],
  approvedOn: IsoDate | null,
  calendar: WorkingCalendar,
  asOf: IsoDate,
): TrancheClock {
  const release = releaseOf(tranche);
  const filed = applications.filter((a) => a.filedOn <= asOf).sort(byFiling);
  const open = filed.filter((a) => !isReturned(a, windowOf(a, record, calendar), asOf));
  const owns = new Map(open.map((a) => [a.id, applicationClock(a, record, calendar, asOf)]));
  const first = open[0];
  const clock = first ? owns.get(first.id) : undefined;
  const clockStartOn = clock?.startOn ?? null;
  const starts = [...owns.values()].flatMap((c) => (c.startOn === null ? [] : [c.startOn])).sort();
  const { terms, period, startedOn } = trancheTerms(
    record,
    release,
    tranche.dueOn,
    approvedOn,
    starts[0] ?? null,
    asOf,
  );
  const appliedFen = open.reduce((s, a) => s + a.amountFen, 0);
  const paid = receipts.filter((r) => r.on <= asOf).reduce((s, r) => s + r.fen, 0);
  const common = {
    trancheId: tranche.id,
    release,
    terms,
    startedOn,
    releasedOn: releasedOn(release, tranche.dueOn, approvedOn, clockStartOn),
    appliedFen,
    appliedOn: first?.filedOn ?? null,
    acceptanceDueOn: clock?.acceptanceDueOn ?? null,
    acceptedOn: clock && !clock.deemed ? clock.startOn : null,
    deemedAcceptedOn: clock?.deemed ? clock.startOn : null,
    // The latest of the applications' delays (applications in parallel are one delay, not a sum).
    purchaserLateWorkingDays: filed.reduce(
      (max, a) => Math.max(max, applicationClock(a, record, calendar, asOf).purchaserLateWorkingDays),
      0,
    ),
    outstandingFen: Math.min(tranche.amountFen, Math.max(0, tranche.amountFen - paid)),
  };
  if (terms.basis === 'acceptance') {
    const layers = new Map(applicationLayers(tranche.amountFen, open, receipts).map((l) => [l.id, l]));
    const apps: ApplicationMoney[] = open.map((a) => {
      const own = owns.get(a.id)!;
      const layer = layers.get(a.id)!;
      const owedFen = layer.endFen - layer.startFen;
      const ownTerms = own.startOn === null ? undefined : applicationTerms(record, period, own.startOn);
      const dueOn = own.startOn === null || !ownTerms ? null : payerDeadline(own.startOn, ownTerms, calendar);
      // The layer as a debt of its own: what arrived up to its start does not pay it.
      const late =
        dueOn === null || !ownTerms
          ? undefined
          : lateInterest(
              owedFen,
              [{ on: a.filedOn, fen: -layer.startFen }, ...receipts],
              dueOn,
              asOf,
              ownTerms.lateInterest,
            );
      const outstandingFen = Math.min(owedFen, Math.max(0, layer.endFen - Math.max(layer.startFen, paid)));
      return {
        id: a.id,
        filedOn: a.filedOn,
        ...own,
        paymentDueOn: dueOn,
        owedFen,
        outstandingFen,
        daysOverdue: late?.daysOverdue ?? 0,
        interestFen: late?.interestFen ?? 0,
        segments: late?.segments ?? [],
      };
    });
    const dues = (list: ApplicationMoney[]) =>
      list.flatMap((a) => (a.paymentDueOn === null ? [] : [a.paymentDueOn])).sort();
    const owedDues = dues(apps.filter((a) => a.outstandingFen > 0));
    return {
      ...common,
      paymentDueOn: owedDues[0] ?? dues(apps)[0] ?? null,
      owedFen: apps.reduce((s, a) => s + a.owedFen, 0),
      owedOutstandingFen: apps.reduce((s, a) => s + a.outstandingFen, 0),
      overdueFen: apps
        .filter((a) => a.paymentDueOn !== null && asOf > a.paymentDueOn)
        .reduce((s, a) => s + a.outstandingFen, 0),
      daysOverdue: apps.reduce((max, a) => Math.max(max, a.daysOverdue), 0),
      interestFen: apps.reduce((s, a) => s + a.interestFen, 0),
      segments: apps.flatMap((a) => a.segments).sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : 0)),
      applications: apps,
    };
  }
  const dueOn = stretchedDueOn(
    paymentDueOn(terms, release, tranche.dueOn, approvedOn, clockStartOn, calendar),
    releasedOn(release, tranche.dueOn, approvedOn, clockStartOn),
    periodsOf(record)[period]!.from,
    terms,
    calendar,
  );
  const owedFen = tranche.amountFen;
  const late = dueOn === null ? undefined : lateInterest(owedFen, receipts, dueOn, asOf, terms.lateInterest);
  const owedOutstandingFen = Math.min(owedFen, Math.max(0, owedFen - paid));
  return {
    ...common,
    paymentDueOn: dueOn,
    owedFen,
    owedOutstandingFen,
    overdueFen: dueOn !== null && asOf > dueOn ? owedOutstandingFen : 0,
    daysOverdue: late?.daysOverdue ?? 0,
    interestFen: late?.interestFen ?? 0,
    segments: late?.segments ?? [],
    applications: [],
  };
}

/**
 * What a new application for a tranche may still ask for (fen): the tranche less the larger of
 * what the applications not returned ask for and what has arrived toward it. Never negative.
 */
export function applicableFen(trancheFen: Fen, appliedFen: Fen, receivedFen: Fen): Fen {
  return Math.max(0, trancheFen - Math.max(appliedFen, receivedFen));
}

/** Payment applications one contract may hold (each ~150 bytes of workflow state: ~30 KB at most). */
export const MAX_PAYMENT_APPLICATIONS = 200;
