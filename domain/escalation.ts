// Escalation ladders: when a step with a due time stalls, it climbs ordered levels, each addressed
// to the parties that can unblock it, after a delay in working (or calendar) days.
import { sameFreeText, type FreeText } from './free-text';
import type { WorkingCalendar } from './calendar';
import { addWorkingDays } from './calendar';
import { addDays, shanghaiDate, startOfShanghaiDay, type IsoDate } from './dates';
import type { Text } from './languages';
import type { Severity } from './severity';
import { PARTY_ROLES } from './organizations';
import { problem, type Problem } from './problems';

export const STEP_KINDS = [
  'paymentShortfall',
  'trancheOverdue',
  'reviewOverdue',
  'tooManyReturns',
  'materialRequestOverdue',
  'quotaShortfall',
  'milestoneOverdue',
  // The payer's legal clock (issue 18, domain/payment-terms): the purchaser late accepting an
  // application, the payer late paying after its statutory deadline.
  'acceptanceOverdue',
  'paymentOverdue',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Kinds of step about money: a checkpoint's shortfall, an overdue tranche (their figures: domain/notices moneyStepFigures). */
export const MONEY_STEP_KINDS = ['paymentShortfall', 'trancheOverdue'] as const satisfies readonly StepKind[];

/** A stalled step as its owner's step book keeps it (workflows/step-book.ts); plain JSON, carried across continue-as-new. */
export interface BookedStep {
  /** The id of the step's latest occurrence (domain/ids stepId), which its escalation workflow's id is built from. */
  stepId: string;
  /** 1, 2, … as the step stalls again. */
  occurrence: number;
  open: boolean;
  /** When the latest occurrence's condition was met (epoch ms), once it resolved. */
  resolvedAt?: number;
}

/** Steps by domain/ids stepKey; `D` is what an owner keeps beside each (a quota's period and target). */
export type StepBook<D extends object = object> = Record<string, BookedStep & D>;

/**
 * Who a step can be escalated to: a contract's parties (PARTY_ROLES), and the village a material
 * request waits on with the township of its station (workflows/material-request.ts).
 */
export const ESCALATION_PARTIES = [...PARTY_ROLES, 'township', 'village'] as const;
export type EscalationParty = (typeof ESCALATION_PARTIES)[number];

/** An escalation level's life: open until acknowledged, resolved (its step unblocked) or superseded by the next level. */
export const ESCALATION_STATES = ['open', 'acknowledged', 'resolved', 'superseded'] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];

/**
 * One escalation of a stalled step as the escalation workflow records it and its projection writes
 * it (activities/escalations.ts; one row per id, the newest version): instants ISO 8601, `summary`
 * what is stalled in both languages.
 */
export interface EscalationRecord {
  id: string;
  contractId: string;
  stepId: string;
  stepKind: StepKind;
  stepReference: string;
  level: number;
  severity: Severity;
  notifiedParties: EscalationParty[];
  notifiedOrganizationIds: string[];
  state: EscalationState;
  summary: Text;
  dueAt: string;
  openedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  /** A reference inside the workflow, the text in the read model (domain/free-text). */
  acknowledgementNote?: FreeText;
  closedAt?: string;
}

export interface EscalationLevel {
  afterWorkingDays?: number;
  afterDays?: number;
  notify: EscalationParty[];
  severity: Severity;
}

export interface EscalationLadder {
  levels: EscalationLevel[];
  /** How long an acknowledgement pauses the climb, in working days. */
  acknowledgementGraceWorkingDays?: number;
}

export const DEFAULT_ACKNOWLEDGEMENT_GRACE_WORKING_DAYS = 3;

/** Which party holds each kind of step (whose delay it is). */
export const STEP_HOLDER: Record<StepKind, EscalationParty> = {
  paymentShortfall: 'payer',
  trancheOverdue: 'payer',
  reviewOverdue: 'evaluator',
  tooManyReturns: 'contractor',
  materialRequestOverdue: 'village',
  quotaShortfall: 'contractor',
  milestoneOverdue: 'contractor',
  acceptanceOverdue: 'purchaser',
  paymentOverdue: 'payer',
};

const level = (after: number, notify: EscalationParty[], severity: Severity): EscalationLevel => ({
  afterWorkingDays: after,
  notify,
  severity,
});

export const DEFAULT_LADDERS: Record<StepKind, EscalationLadder> = {
  // Payer's finance officers at once, the payer's heads after 5 working days, the purchaser after
  // 10, oversight after 20.
  paymentShortfall: {
    levels: [
      level(0, ['payer'], 'warning'),
      level(5, ['payer'], 'critical'),
      level(10, ['purchaser'], 'critical'),
      level(20, ['oversight'], 'critical'),
    ],
  },
  trancheOverdue: {
    levels: [
      level(0, ['payer'], 'info'),
      level(5, ['payer'], 'warning'),
      level(10, ['purchaser'], 'critical'),
      level(20, ['oversight'], 'critical'),
    ],
  },
  reviewOverdue: { levels: [level(0, ['evaluator'], 'warning'), level(5, ['purchaser'], 'critical')] },
  tooManyReturns: { levels: [level(0, ['contractor'], 'warning'), level(5, ['purchaser'], 'critical')] },
  materialRequestOverdue: {
    levels: [
      level(0, ['village'], 'info'),
      level(2, ['village'], 'warning'),
      level(5, ['township'], 'critical'),
      level(10, ['purchaser'], 'critical'),
    ],
  },
  quotaShortfall: { levels: [level(0, ['contractor'], 'warning'), level(5, ['purchaser'], 'critical')] },
  milestoneOverdue: { levels: [level(0, ['contractor'], 'warning'), level(5, ['purchaser'], 'critical')] },
  // The purchaser's officers at once, its heads after 3 working days, oversight after 10.
  acceptanceOverdue: {
    levels: [
      level(0, ['purchaser'], 'warning'),
      level(3, ['purchaser'], 'critical'),
      level(10, ['oversight'], 'critical'),
    ],
  },
  // As a tranche overdue, but the statute's deadline has passed and interest runs: warning at once.
  paymentOverdue: {
    levels: [
      level(0, ['payer'], 'warning'),
      level(5, ['payer'], 'critical'),
      level(10, ['purchaser'], 'critical'),
      level(20, ['oversight'], 'critical'),
    ],
  },
};

export type EscalationPolicies = Partial<Record<StepKind, EscalationLadder>>;

export function ladderFor(kind: StepKind, policies: EscalationPolicies | undefined): EscalationLadder {
  return policies?.[kind] ?? DEFAULT_LADDERS[kind];
}

export function validateEscalationPolicies(policies: EscalationPolicies, problems: Problem[]): void {
  for (const [kind, ladder] of Object.entries(policies) as Array<[StepKind, EscalationLadder]>) {
    const field = `escalationPolicies.${kind}`;
    if (!STEP_KINDS.includes(kind)) {
      problems.push(problem(field, 'not_a_step_kind'));
      continue;
    }
    if (ladder.levels.length === 0) problems.push(problem(`${field}.levels`, 'at_least_one_level'));
    let previous = -1;
    ladder.levels.forEach((l, i) => {
      const f = `${field}.levels.${i}`;
      if ((l.afterWorkingDays === undefined) === (l.afterDays === undefined)) {
        problems.push(problem(f, 'after_days_one_of'));
        return;
      }
      const after = l.afterWorkingDays ?? l.afterDays!;
      if (!Number.isInteger(after) || after < 0 || after > 365) {
        problems.push(problem(f, 'days_between', { min: 0, max: 365 }));
      } else if (l.afterWorkingDays !== undefined && after < previous) {
        problems.push(problem(f, 'level_order'));
      }
      if (l.afterWorkingDays !== undefined) previous = after;
      if (l.notify.length === 0) problems.push(problem(`${f}.notify`, 'at_least_one_party'));
    });
    const grace = ladder.acknowledgementGraceWorkingDays;
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > 60)) {
      problems.push(problem(`${field}.acknowledgementGraceWorkingDays`, 'whole_number_between', { min: 0, max: 60 }));
    }
  }
}

/**
 * The levels of a ladder that can reach someone with this contract's parties (`parties`: the
 * organization of each party role, undefined when the contract names none), each with its index
 * in the ladder. A level addressed only to absent parties (no oversight body named) never fires,
 * so it is neither climbed nor counted in "level n of m".
 */
export function reachableLevels(
  ladder: EscalationLadder,
  parties: Partial<Record<EscalationParty, string>>,
): Array<{ index: number; level: EscalationLevel }> {
  return ladder.levels.flatMap((level, index) =>
    level.notify.some((p) => parties[p] !== undefined) ? [{ index, level }] : [],
  );
}

/** Escalations reach people in the morning of a working day: 09:00 Asia/Shanghai. */
const NINE_AM_MS = 9 * 3600 * 1000;

/**
 * A step's due instant (epoch ms) from its deadline (epoch ms, the moment it is late): the
 * deadline, kept inside the step's due day — the last Shanghai day on which it was still on time —
 * because its ladder and its held days count from the next working day after the day of its due
 * instant (levelFiresAt, workingDaysBetween). A deadline at the first moment of a day (a quota
 * period judged at midnight, a due date-time of 00:00) was met on time through the day before, so
 * it becomes that day's last millisecond. Every workflow passes its deadlines through this before
 * handing a step over; an instant at which a step is held again (a return, a re-stall) is already
 * in the last day it was not held and is passed as it is.
 */
export function stepDueAt(deadline: number): number {
  return deadline === startOfShanghaiDay(shanghaiDate(deadline)) ? deadline - 1 : deadline;
}

/** The due day of a deadline (epoch ms): the last Shanghai day on which the step was on time. */
export function stepDueDay(deadline: number): IsoDate {
  return shanghaiDate(stepDueAt(deadline));
}

/**
 * When a level fires for a step due at `dueAt` (epoch ms, inside its due day: see stepDueAt): at
 * once for a delay of 0; otherwise at 09:00 on the day that many working (or calendar) days after
 * the due day.
 */
export function levelFiresAt(dueAt: number, level: EscalationLevel, calendar: WorkingCalendar): number {
  const after = level.afterWorkingDays ?? level.afterDays ?? 0;
  if (after === 0) return dueAt;
  const dueDay: IsoDate = shanghaiDate(dueAt);
  const day = level.afterWorkingDays !== undefined ? addWorkingDays(dueDay, after, calendar) : addDays(dueDay, after);
  return startOfShanghaiDay(day) + NINE_AM_MS;
}

/** The instant an acknowledgement made at `at` stops pausing the climb. */
export function acknowledgementEndsAt(at: number, graceWorkingDays: number, calendar: WorkingCalendar): number {
  return startOfShanghaiDay(addWorkingDays(shanghaiDate(at), graceWorkingDays, calendar)) + NINE_AM_MS;
}

/**
 * True when an acknowledgement repeats one recorded on the escalation: the same user with the same
 * note. A repeat is answered with the escalation as it stands, even after it closed.
 */
export function isRepeatedAcknowledgement(
  recorded: { acknowledgedBy?: string | null; acknowledgementNote?: FreeText | null },
  request: { userId: string; note: FreeText },
): boolean {
  return (
    recorded.acknowledgedBy === request.userId &&
    recorded.acknowledgementNote != null &&
    sameFreeText(recorded.acknowledgementNote, request.note)
  );
}
