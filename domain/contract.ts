// The contract definition: what the purchaser submits (API shape, money as decimal strings) and
// its normalized form (integer fen, instants), which the workflow and the read model use.
import { sameFreeText, type FreeText } from './free-text';
import type { CalendarOverrides } from './calendar';
import { contractCalendarYears, validateCalendarOverrides } from './calendar-changes';
import { addMonths, parseInstant, shanghaiDate, startOfShanghaiDay, type IsoDate } from './dates';
import {
  countProblem,
  MAX_CHECKPOINTS,
  MAX_HEADCOUNT,
  MAX_MATERIALS_PER_MILESTONE,
  MAX_MILESTONES,
  MAX_QUOTAS,
  MAX_STATIONS_PER_CONTRACT,
  MAX_TERM_YEARS,
  MAX_TRANCHES,
  MAX_VILLAGES_PER_STATION,
  pushProblems,
  TERM_FIRST_YEAR,
  TERM_LAST_YEAR,
} from './limits';
import { validateEscalationPolicies, type EscalationPolicies } from './escalation';
import { templateById, TEMPLATES } from './templates';
import {
  formatMoney,
  moneyProblem,
  parseMoney,
  percentToBasisPoints,
  scheduleAmounts,
  scheduleTotal,
  shareOf,
  type Fen,
  type SchedulePart,
} from './money';
import { pushReservedId } from './ids';
import {
  PARTY_KINDS,
  PARTY_ROLES,
  type OptionalPartyRole,
  type OrganizationKind,
  type PartyRole,
} from './organizations';
import { moneyTextProblem, problem, type Problem } from './problems';
import { validateQuotas, type Quota } from './quotas';
import {
  validatePaymentTerms,
  validateRelease,
  type EarlierPaymentTerms,
  type PaymentTerms,
  type PaymentTermsInput,
  type TrancheRelease,
} from './payment-terms';

export const FUNDING_SOURCES = ['fiscal', 'social_assistance_fund', 'welfare_lottery_fund', 'other'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export const BUDGET_LINE_KINDS = ['personnel', 'activities', 'supervision', 'administration', 'other'] as const;
export type BudgetLineKind = (typeof BUDGET_LINE_KINDS)[number];

export const CONTRACT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Days after the term's end during which the contract may still be paid in full. */
export const DEFAULT_CLOSE_GRACE_DAYS = 90;

/** The organization (id) standing in each party role: every one of PARTY_ROLES but the optional ones. */
export type ContractParties = Record<Exclude<PartyRole, OptionalPartyRole>, string> &
  Partial<Record<OptionalPartyRole, string>>;

export interface ContractDefinitionInput {
  id: string;
  title: string;
  term: { start: string; end: string };
  value: string;
  parties: ContractParties;
  stations: StationInput[];
  budgetLines?: Array<{ id: string; kind: BudgetLineKind; amount: string }>;
  staffing?: { headcount: number; monthlyPayroll: string };
  tranches: Array<{
    id: string;
    label: string;
    due: string;
    amount?: string;
    percent?: number;
    fundingSource: FundingSource;
    /** When the tranche may be paid (domain/payment-terms; default "on_due_date"). */
    release?: TrancheRelease;
  }>;
  checkpoints: Array<{ id: string; by: string; minPercent: number }>;
  /** The payer's legal clock (domain/payment-terms, issue 18); fields not given take DEFAULT_PAYMENT_TERMS. */
  paymentTerms?: PaymentTermsInput;
  closeGraceDays?: number;
  /** Ladders per kind of step; kinds not given use the defaults. */
  escalationPolicies?: EscalationPolicies;
  /** Days this contract treats differently from the official calendar. */
  calendar?: CalendarOverrides;
  milestones?: MilestoneInput[];
  /** Indicator quotas the stations owe per month or quarter. */
  quotas?: Quota[];
}

export interface StationInput {
  id: string;
  name: string;
  /** The township's name. */
  township: string;
  /** Village organizations (their committees) whose social work rooms the station works through. */
  villages: string[];
  /** The township government's organization (kind township), told when a village stalls. */
  townshipOrganization?: string;
}

export const REVIEWER_PARTIES = ['evaluator', 'purchaser'] as const;
export type ReviewerParty = (typeof REVIEWER_PARTIES)[number];

export interface MilestoneInput {
  id: string;
  title: string;
  due: string;
  /** Stations whose materials are reviewed (empty: the contract as a whole). */
  stations: string[];
  /** Template ids every submission must contain. */
  materials: string[];
  reviewer?: ReviewerParty;
  reviewWorkingDays: number;
  maxRounds: number;
}

/** The organization that decides a milestone's submissions: its evaluator, or the purchaser when the milestone says so. */
export function reviewingOrganization(
  contract: { parties: { purchaser: string; evaluator: string } },
  milestone: { reviewer?: ReviewerParty } | undefined,
): string {
  return milestone?.reviewer === 'purchaser' ? contract.parties.purchaser : contract.parties.evaluator;
}

export interface Milestone extends Omit<MilestoneInput, 'reviewer'> {
  dueAt: number;
  reviewer: ReviewerParty;
}

export interface Tranche {
  id: string;
  label: string;
  due: string;
  dueAt: number;
  amountFen: Fen;
  percent?: number;
  fundingSource: FundingSource;
  release?: TrancheRelease;
}

export interface Checkpoint {
  id: string;
  by: string;
  byAt: number;
  minPercent: number;
  requiredFen: Fen;
}

export interface Contract {
  id: string;
  title: string;
  term: { start: string; end: string; startAt: number; endAt: number };
  valueFen: Fen;
  parties: ContractParties;
  stations: ContractDefinitionInput['stations'];
  budgetLines: Array<{ id: string; kind: BudgetLineKind; amountFen: Fen }>;
  staffing?: { headcount: number; monthlyPayrollFen: Fen };
  tranches: Tranche[];
  checkpoints: Checkpoint[];
  closeGraceDays: number;
  escalationPolicies?: EscalationPolicies;
  calendar?: CalendarOverrides;
  milestones?: Milestone[];
  quotas?: Quota[];
  /** Present when the definition gave terms: complete (defaults filled in). Read with paymentTermsOf. */
  paymentTerms?: PaymentTerms;
  /**
   * The terms in force before the current ones, each with the day the next took effect (kept by
   * amendments, never given in a definition): a clock that has started runs on the terms in force
   * on its first day (domain/payment-terms paymentTermsOn, trancheTerms). At most MAX_PAYMENT_TERMS_CHANGES.
   */
  paymentTermsHistory?: EarlierPaymentTerms[];
}

export type OrganizationLookup = (id: string) => OrganizationKind | undefined;

/** Every organization a contract names: its parties and the villages of its stations. */
export function contractOrganizations(def: Pick<ContractDefinitionInput, 'parties' | 'stations'>): string[] {
  const ids = Object.values(def.parties).filter((v): v is string => typeof v === 'string');
  for (const station of def.stations) {
    ids.push(...station.villages);
    if (station.townshipOrganization) ids.push(station.townshipOrganization);
  }
  return [...new Set(ids)];
}

function money(problems: Problem[], field: string, text: string, positive: boolean): Fen | undefined {
  const wrong = moneyProblem(text);
  if (wrong) {
    problems.push(moneyTextProblem(field, wrong));
    return undefined;
  }
  const fen = parseMoney(text);
  if (positive && fen <= 0) {
    problems.push(problem(field, 'above_zero'));
    return undefined;
  }
  return fen;
}

/** The first and last instants any date of a contract may name (domain/limits TERM_FIRST_YEAR–TERM_LAST_YEAR, Shanghai). */
const FIRST_INSTANT = startOfShanghaiDay(`${TERM_FIRST_YEAR}-01-01`);
const LAST_INSTANT = parseInstant(`${TERM_LAST_YEAR}-12-31`)!;
const YEARS = { from: TERM_FIRST_YEAR, to: TERM_LAST_YEAR };

/** A date of the definition: parsed, and within the years a contract may name (else undefined, with a problem). */
function instant(problems: Problem[], field: string, text: string): number | undefined {
  const at = parseInstant(text);
  if (at === undefined) problems.push(problem(field, 'date_or_date_time'));
  else if (at < FIRST_INSTANT || at > LAST_INSTANT) {
    problems.push(problem(field, 'years_between', YEARS));
    return undefined;
  }
  return at;
}

function uniqueIds(problems: Problem[], field: string, items: Array<{ id: string }>): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    pushReservedId(problems, `${field}.${i}.id`, item.id);
    if (seen.has(item.id)) problems.push(problem(`${field}.${i}.id`, 'repeats_id', { id: item.id }));
    seen.add(item.id);
  });
}

/** Term days are whole Shanghai days: the start is the first moment of its day. */
function termStart(text: string): number | undefined {
  const at = parseInstant(text);
  if (at === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? startOfShanghaiDay(text as IsoDate) : at;
}

export function validateSchedule(
  input: Pick<ContractDefinitionInput, 'tranches' | 'checkpoints'>,
  valueFen: Fen,
  term: { startAt: number; endAt: number },
  problems: Problem[],
  /** The contract's milestones, which an `afterApproval` release must name. */
  milestoneIds: ReadonlySet<string> = new Set(),
): { tranches: Tranche[]; checkpoints: Checkpoint[] } {
  uniqueIds(problems, 'tranches', input.tranches);
  const tranches: Tranche[] = [];
  // Each valid tranche's part of the value, by its index; amounts are set once all are known.
  const parts = new Map<number, SchedulePart>();
  input.tranches.forEach((t, i) => {
    const field = `tranches.${i}`;
    const dueAt = instant(problems, `${field}.due`, t.due);
    if (dueAt !== undefined && dueAt < term.startAt) problems.push(problem(`${field}.due`, 'before_term'));
    if ((t.amount === undefined) === (t.percent === undefined)) {
      problems.push(problem(field, 'amount_or_percent'));
    } else if (t.amount !== undefined) {
      const fen = money(problems, `${field}.amount`, t.amount, true);
      if (fen !== undefined) parts.set(i, { fen });
    } else {
      const bp = percentToBasisPoints(t.percent!);
      if (bp === undefined || bp === 0) {
        problems.push(problem(`${field}.percent`, 'percent_format'));
      } else parts.set(i, { basisPoints: bp });
    }
    validateRelease(t.release, `${field}.release`, milestoneIds, problems);
    tranches.push({
      id: t.id,
      label: t.label,
      due: t.due,
      dueAt: dueAt ?? 0,
      amountFen: 0,
      ...(t.percent !== undefined ? { percent: t.percent } : {}),
      fundingSource: t.fundingSource,
      ...(t.release !== undefined ? { release: t.release } : {}),
    });
  });
  if (problems.length === 0) {
    const total = scheduleTotal(valueFen, [...parts.values()]);
    if (!total.exact) {
      problems.push(problem('tranches', 'must_add_up', { expected: formatMoney(valueFen), actual: total.text }));
    } else {
      // Cumulative shares in the order the tranches fall due (ties keep their order), so the
      // money due by any instant is one rounded share of the value: see scheduleAmounts.
      const order = tranches.map((t, i) => ({ t, i })).sort((a, b) => a.t.dueAt - b.t.dueAt || a.i - b.i);
      const amounts = scheduleAmounts(
        valueFen,
        order.map(({ i }) => parts.get(i)!),
      );
      order.forEach(({ t }, k) => (t.amountFen = amounts[k]!));
    }
  }

  uniqueIds(problems, 'checkpoints', input.checkpoints);
  const checkpoints: Checkpoint[] = [];
  let previous: { checkpoint: Checkpoint; bp: number | undefined } | undefined;
  input.checkpoints.forEach((c, i) => {
    const field = `checkpoints.${i}`;
    const byAt = instant(problems, `${field}.by`, c.by);
    const bp = percentToBasisPoints(c.minPercent);
    if (bp === undefined || bp === 0) {
      problems.push(problem(`${field}.minPercent`, 'percent_format'));
    }
    if (byAt !== undefined && (byAt < term.startAt || byAt > term.endAt)) {
      problems.push(problem(`${field}.by`, 'outside_term'));
    }
    if (previous && byAt !== undefined && byAt <= previous.checkpoint.byAt) {
      problems.push(problem(`${field}.by`, 'checkpoint_order', { id: previous.checkpoint.id }));
    }
    if (previous?.bp !== undefined && bp !== undefined && bp < previous.bp) {
      problems.push(problem(`${field}.minPercent`, 'checkpoint_cumulative', { id: previous.checkpoint.id }));
    }
    const checkpoint: Checkpoint = {
      id: c.id,
      by: c.by,
      byAt: byAt ?? 0,
      minPercent: c.minPercent,
      // The same rounding rule as the tranches' cumulative shares (money.ts shareOf).
      requiredFen: bp === undefined ? 0 : shareOf(valueFen, bp),
    };
    checkpoints.push(checkpoint);
    if (byAt !== undefined) previous = { checkpoint, bp };
  });
  return { tranches, checkpoints };
}

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function validateContractDefinition(
  input: ContractDefinitionInput,
  organizationKind: OrganizationLookup,
): Validation<Contract> {
  const problems: Problem[] = [];
  if (!CONTRACT_ID.test(input.id)) {
    problems.push(problem('id', 'contract_id_format'));
  }
  if (!input.title.trim()) problems.push(problem('title', 'not_empty'));

  let startAt = termStart(input.term.start);
  if (startAt === undefined) problems.push(problem('term.start', 'date_or_date_time'));
  else if (startAt < FIRST_INSTANT || startAt > LAST_INSTANT) {
    problems.push(problem('term.start', 'years_between', YEARS));
    startAt = undefined;
  }
  const endAt = instant(problems, 'term.end', input.term.end);
  if (startAt !== undefined && endAt !== undefined && endAt <= startAt) {
    problems.push(problem('term.end', 'term_end_after_start'));
  } else if (startAt !== undefined && endAt !== undefined) {
    // At most MAX_TERM_YEARS: the term ends before the same day MAX_TERM_YEARS later.
    const limitDay = addMonths(shanghaiDate(startAt), 12 * MAX_TERM_YEARS);
    if (endAt >= startOfShanghaiDay(limitDay)) {
      problems.push(problem('term.end', 'term_too_long', { years: MAX_TERM_YEARS, before: limitDay }));
    }
  }
  const valueFen = money(problems, 'value', input.value, true);

  for (const role of PARTY_ROLES) {
    const id = input.parties[role];
    if (id === undefined) continue;
    const kind = organizationKind(id);
    if (!kind) problems.push(problem(`parties.${role}`, 'unknown_organization', { id }));
    else if (!PARTY_KINDS[role].includes(kind)) {
      problems.push(problem(`parties.${role}`, 'party_kind', { kind, role, kinds: PARTY_KINDS[role] }));
    }
  }

  pushProblems(
    problems,
    countProblem('stations', input.stations.length, MAX_STATIONS_PER_CONTRACT, 'stations'),
    countProblem('tranches', input.tranches.length, MAX_TRANCHES, 'tranches'),
    countProblem('checkpoints', input.checkpoints.length, MAX_CHECKPOINTS, 'checkpoints'),
    countProblem('milestones', input.milestones?.length ?? 0, MAX_MILESTONES, 'milestones'),
    countProblem('quotas', input.quotas?.length ?? 0, MAX_QUOTAS, 'quotas'),
  );
  uniqueIds(problems, 'stations', input.stations);
  input.stations.forEach((station, i) => {
    pushProblems(
      problems,
      countProblem(`stations.${i}.villages`, station.villages.length, MAX_VILLAGES_PER_STATION, 'villages'),
    );
    station.villages.forEach((village, j) => {
      const kind = organizationKind(village);
      if (!kind) problems.push(problem(`stations.${i}.villages.${j}`, 'unknown_organization', { id: village }));
      else if (kind !== 'village')
        problems.push(problem(`stations.${i}.villages.${j}`, 'of_kind_not', { kind, expected: 'village' }));
    });
    if (station.townshipOrganization !== undefined) {
      const kind = organizationKind(station.townshipOrganization);
      const field = `stations.${i}.townshipOrganization`;
      if (!kind) problems.push(problem(field, 'unknown_organization', { id: station.townshipOrganization }));
      else if (kind !== 'township') problems.push(problem(field, 'of_kind_not', { kind, expected: 'township' }));
    }
  });

  const budgetLines: Contract['budgetLines'] = [];
  if (input.budgetLines) {
    uniqueIds(problems, 'budgetLines', input.budgetLines);
    let sum = 0;
    let complete = true;
    input.budgetLines.forEach((line, i) => {
      const amountFen = money(problems, `budgetLines.${i}.amount`, line.amount, true);
      if (amountFen === undefined) complete = false;
      else sum += amountFen;
      budgetLines.push({ id: line.id, kind: line.kind, amountFen: amountFen ?? 0 });
    });
    if (complete && valueFen !== undefined && sum !== valueFen) {
      problems.push(problem('budgetLines', 'must_add_up', { expected: input.value, actual: formatMoney(sum) }));
    }
  }

  let staffing: Contract['staffing'];
  if (input.staffing) {
    if (
      !Number.isInteger(input.staffing.headcount) ||
      input.staffing.headcount < 1 ||
      input.staffing.headcount > MAX_HEADCOUNT
    ) {
      problems.push(problem('staffing.headcount', 'headcount_range', { max: MAX_HEADCOUNT }));
    }
    const payroll = money(problems, 'staffing.monthlyPayroll', input.staffing.monthlyPayroll, true);
    if (payroll !== undefined) staffing = { headcount: input.staffing.headcount, monthlyPayrollFen: payroll };
  }

  const graceDays = input.closeGraceDays ?? DEFAULT_CLOSE_GRACE_DAYS;
  if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > 3650) {
    problems.push(problem('closeGraceDays', 'days_between', { min: 0, max: 3650 }));
  }

  if (input.escalationPolicies) validateEscalationPolicies(input.escalationPolicies, problems);
  const milestones = validateMilestones(input, startAt, problems);
  const milestoneIds = new Set((input.milestones ?? []).map((m) => m.id));
  const paymentTerms = input.paymentTerms ? validatePaymentTerms(input.paymentTerms, problems) : undefined;
  if (input.quotas) validateQuotas(input.quotas, problems);
  // The same rules as an amendment of a running contract's own days (POST /v1/contracts/:id/calendar).
  if (input.calendar) {
    const years =
      startAt !== undefined && endAt !== undefined && Number.isInteger(graceDays)
        ? contractCalendarYears({ term: { start: shanghaiDate(startAt), endAt }, closeGraceDays: graceDays })
        : undefined;
    validateCalendarOverrides(input.calendar, problems, 'calendar', years);
  }

  if (problems.length > 0 || startAt === undefined || endAt === undefined || valueFen === undefined) {
    // Schedule checks need a valid term and value; report what we can.
    if (startAt !== undefined && endAt !== undefined && valueFen !== undefined) {
      validateSchedule(input, valueFen, { startAt, endAt }, problems, milestoneIds);
    }
    return { ok: false, problems };
  }
  const schedule = validateSchedule(input, valueFen, { startAt, endAt }, problems, milestoneIds);
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    value: {
      id: input.id,
      title: input.title.trim(),
      term: { start: input.term.start, end: input.term.end, startAt, endAt },
      valueFen,
      parties: { ...input.parties },
      stations: input.stations.map((s) => ({ ...s, villages: [...s.villages] })),
      budgetLines,
      ...(staffing ? { staffing } : {}),
      tranches: schedule.tranches,
      checkpoints: schedule.checkpoints,
      closeGraceDays: graceDays,
      ...(input.escalationPolicies ? { escalationPolicies: input.escalationPolicies } : {}),
      ...(input.calendar ? { calendar: input.calendar } : {}),
      ...(milestones.length > 0 ? { milestones } : {}),
      ...(input.quotas && input.quotas.length > 0 ? { quotas: input.quotas.map((q) => ({ ...q })) } : {}),
      ...(paymentTerms ? { paymentTerms } : {}),
    },
  };
}

function validateMilestones(
  input: ContractDefinitionInput,
  startAt: number | undefined,
  problems: Problem[],
): Milestone[] {
  const milestones: Milestone[] = [];
  if (!input.milestones) return milestones;
  uniqueIds(problems, 'milestones', input.milestones);
  const stationIds = new Set(input.stations.map((s) => s.id));
  input.milestones.forEach((m, i) => {
    const field = `milestones.${i}`;
    const dueAt = instant(problems, `${field}.due`, m.due);
    if (dueAt !== undefined && startAt !== undefined && dueAt < startAt)
      problems.push(problem(`${field}.due`, 'before_term'));
    m.stations.forEach((station, j) => {
      if (!stationIds.has(station))
        problems.push(problem(`${field}.stations.${j}`, 'not_a_station', { id: station, known: [...stationIds] }));
    });
    if (m.materials.length === 0) problems.push(problem(`${field}.materials`, 'at_least_one_template'));
    pushProblems(
      problems,
      countProblem(`${field}.materials`, m.materials.length, MAX_MATERIALS_PER_MILESTONE, 'templates'),
      countProblem(`${field}.stations`, m.stations.length, MAX_STATIONS_PER_CONTRACT, 'stations'),
    );
    m.materials.forEach((templateId, j) => {
      if (!templateById(templateId)) {
        problems.push(
          problem(`${field}.materials.${j}`, 'unknown_template', { id: templateId, known: TEMPLATES.map((t) => t.id) }),
        );
      }
    });
    if (!Number.isInteger(m.reviewWorkingDays) || m.reviewWorkingDays < 1 || m.reviewWorkingDays > 60) {
      problems.push(problem(`${field}.reviewWorkingDays`, 'working_days_between', { min: 1, max: 60 }));
    }
    if (!Number.isInteger(m.maxRounds) || m.maxRounds < 1 || m.maxRounds > 20) {
      problems.push(problem(`${field}.maxRounds`, 'whole_number_between', { min: 1, max: 20 }));
    }
    milestones.push({
      ...m,
      stations: [...m.stations],
      materials: [...m.materials],
      dueAt: dueAt ?? 0,
      reviewer: m.reviewer ?? 'evaluator',
    });
  });
  return milestones;
}

/**
 * True when a termination request repeats the one recorded (the same reason): it is answered with
 * the termination as it stands; a termination with another reason is refused (409).
 */
export function isRepeatedTermination(
  recorded: { reason: FreeText } | null | undefined,
  request: { reason: FreeText },
): boolean {
  return recorded !== null && recorded !== undefined && sameFreeText(recorded.reason, request.reason);
}

/** The day a term date names, for display and day counts. */
export function dayOf(instantMs: number): IsoDate {
  return shanghaiDate(instantMs);
}
