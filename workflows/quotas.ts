// One workflow per contract with indicator quotas, a child of the contract: station staff record
// progress, and at each period's end every station (or the contract as a whole) that fell short of
// its target is handed to the escalation engine (quotaShortfall). Progress recorded late for a
// period that fell short resolves its step once the target is reached, until the next period is
// judged. Bounded whatever the term (see QuotaState): periods are judged one at a time. The workflow
// function wires the handlers and runs the loop; the judging is a QuotaRun's.
import { allHandlersFinished, condition, continueAsNew, setHandler, sleep } from '@temporalio/workflow';
import type { Contract } from '../domain/contract';
import { ladderFor, levelFiresAt, stepDueAt } from '../domain/escalation';
import { supersededByPeriod } from '../domain/events';
import { QUOTA_RUN_MAX_BYTES, QUOTA_RUN_MAX_EVENTS } from '../domain/limits';
import { endedWithTerm } from '../domain/status';
import { stepReference } from '../domain/ids';
import { projections } from './projection';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../domain/dates';
import type { WorkingCalendar } from '../domain/calendar';
import {
  achievedIn,
  nextPeriodEnd,
  periodsEndingIn,
  periodWindowAt,
  progressProblems,
  shortfallSummary,
  type ProgressEntry,
  type Quota,
} from '../domain/quotas';
import { contractEndedSignal } from './contract-ended';
import {
  quotaStateQuery,
  recordProgressUpdate,
  type OpenQuotaStep,
  type QuotaShortfall,
  type QuotaState,
  type QuotaWorkflowInput,
} from './quota-messages';
import type { ProgressRecord } from '../domain/quotas';
import { reject, REJECTION } from './rejection';
import { say } from '../domain/messages';
import { StepHandover, type StepPass } from './step-handover';
import { applyCalendarPatch, patchForYears, type CalendarPatch } from '../domain/calendar-changes';
import { calendarChangedSignal } from './calendar-messages';
import { tellCalendar } from './calendar-updates';
import { escalationWorkflowId } from './escalation-messages';
import { waitUntil } from './wait';
import { historyIsLong, RunHandover } from './continue-as-new';

const { projectProgress } = projections;

const RECENT_MS = 7 * 24 * 3600 * 1000;

/**
 * The calendar an escalation needs: the years from its due day's to two years after (a ladder
 * climbs days or weeks), so a long contract's steps do not each carry every year of its term.
 */
function calendarNear(calendar: WorkingCalendar, dueAt: number): WorkingCalendar {
  const year = Number(shanghaiDate(dueAt).slice(0, 4));
  const inYears = (day: string) => Number(day.slice(0, 4)) >= year && Number(day.slice(0, 4)) <= year + 2;
  return {
    holidays: calendar.holidays.filter(inYears),
    workdays: calendar.workdays.filter(inYears),
    coveredYears: {
      from: Math.max(calendar.coveredYears.from, year),
      to: Math.min(calendar.coveredYears.to, year + 2),
    },
  };
}

/** Adds a record to its station's month for its metric (dated by the month's first record). */
function addToMonth(progress: ProgressEntry[], record: ProgressEntry): void {
  const month = record.date.slice(0, 7);
  const bucket = progress.find(
    (p) => p.station === record.station && p.metric === record.metric && p.date.slice(0, 7) === month,
  );
  if (bucket) bucket.count += record.count;
  else progress.push({ station: record.station, metric: record.metric, count: record.count, date: record.date });
}

export async function quotaWorkflow(input: QuotaWorkflowInput): Promise<QuotaState> {
  const run = new QuotaRun(input);
  const { state } = run;
  setHandler(quotaStateQuery, () => state);
  setHandler(calendarChangedSignal, ({ patch, cause }) => run.takeCalendar(patch, cause));
  setHandler(contractEndedSignal, ({ status }) => {
    state.ended = true;
    state.endedStatus = status;
  });
  setHandler(recordProgressUpdate, (record) => run.recordProgress(record), {
    validator: (record) => {
      run.handover.refuseWhileHandingOver();
      run.progressCheck(record);
    },
  });

  while (!state.ended) {
    // Cleared before anything is read, so progress recorded while this pass awaits wakes the next one.
    run.changed = false;
    const now = Date.now();
    await run.judge(now);
    if (historyIsLong({ events: input.continueAsNewAfterEvents ?? QUOTA_RUN_MAX_EVENTS, bytes: QUOTA_RUN_MAX_BYTES })) {
      // Progress sent meanwhile is refused (the API sends it again, to the next run).
      run.handover.handingOver = true;
      await condition(allHandlersFinished);
      await continueAsNew<typeof quotaWorkflow>({ ...input, calendar: run.calendar, state });
    }
    await waitUntil(() => run.changed || state.ended, run.nextPeriodEnd(now));
  }

  await condition(allHandlersFinished);
  if (endedWithTerm(state.endedStatus)) await run.finalJudgement();
  await run.judge(Date.now(), { opening: false, closing: true });
  return state;
}

/** A contract's quotas: the progress recorded, the periods judged and the shortfall steps open. */
class QuotaRun {
  readonly state: QuotaState;
  /** The calendar in force: its contract passes on published years and its own days (calendarChangedSignal). */
  calendar: WorkingCalendar;
  changed = false;
  private readonly contract: Contract;
  private readonly quotas: Quota[];
  private readonly quotaById: Map<string, Quota>;
  private readonly stationIds: string[];
  private readonly term: { start: string; end: string };
  /** The instant the term's last period ends (every quota's last period ends with the term). */
  private readonly lastEnd: number;
  /** The shortfall steps' handover (workflows/step-handover.ts), a judging pass's at a time. */
  private readonly steps: StepHandover<QuotaShortfall>;
  /** Handing over to the next run (workflows/continue-as-new.ts): recording progress is refused meanwhile. */
  readonly handover: RunHandover;

  constructor(input: QuotaWorkflowInput) {
    const { contract } = input;
    this.contract = contract;
    this.calendar = input.calendar;
    this.quotas = contract.quotas ?? [];
    this.quotaById = new Map(this.quotas.map((q) => [q.id, q]));
    const startedAt = Date.now();
    this.state = input.state ?? {
      progress: [],
      recent: [],
      steps: {},
      ended: false,
      judgingFrom: startedAt,
      judgedThrough: startedAt,
    };
    this.stationIds = contract.stations.map((s) => s.id);
    this.term = { start: shanghaiDate(contract.term.startAt), end: shanghaiDate(contract.term.endAt) };
    this.lastEnd = startOfShanghaiDay(addDays(this.term.end, 1));
    // The quotas have no message of their own: the API answers as for their contract's workflow.
    this.handover = new RunHandover(() => say('contract_continuing', { id: contract.id }));
    this.steps = new StepHandover(
      { contract: () => this.contract, book: () => this.state.steps, calendar: () => this.calendar },
      {
        // A long contract's steps do not each carry every year of its term.
        calendarFor: (calendar, step) => calendarNear(calendar, step.dueAt),
        tellSteps: (steps, patch, cause) => this.tellSteps(steps, patch, cause),
      },
    );
  }

  /** Tells steps (each holding the years calendarNear gave it) the part of `patch` about their years. */
  private async tellSteps(
    steps: ReadonlyArray<{ stepId: string; dueAt: number }>,
    patch: CalendarPatch,
    cause: string,
  ): Promise<void> {
    for (const step of steps) {
      const year = Number(shanghaiDate(step.dueAt).slice(0, 4));
      const part = patchForYears(patch, year, year + 2);
      if (part) await tellCalendar([escalationWorkflowId(step.stepId)], part, cause);
    }
  }

  /**
   * A new calendar: open shortfalls recompute their levels still ahead and their held days; the
   * wait for the last level before the contract's close uses it too.
   */
  async takeCalendar(patch: CalendarPatch, cause: string): Promise<void> {
    this.calendar = applyCalendarPatch(this.calendar, patch);
    await this.tellSteps(Object.values(this.state.steps), patch, cause);
  }

  /** The record it repeats (recorded in the last days), or undefined for a new one; refused when the contract has ended or the record breaks a rule. */
  progressCheck(record: Omit<ProgressRecord, 'recordedAt'>): { recordedAt: string } | undefined {
    const { state, contract } = this;
    const earlier = state.recent.find((r) => r.id === record.id);
    if (earlier) return earlier;
    if (state.ended) reject(REJECTION.closed, say('contract_ended_no_progress', { id: contract.id }));
    const problems = progressProblems(record, contract, Date.now());
    if (problems.length > 0) reject(REJECTION.invalid, say('progress_invalid'), problems);
    return undefined;
  }

  async recordProgress(record: Omit<ProgressRecord, 'recordedAt'>): Promise<ProgressRecord> {
    const earlier = this.progressCheck(record);
    if (earlier) return { ...record, recordedAt: earlier.recordedAt };
    const { state } = this;
    const now = Date.now();
    const full: ProgressRecord = { ...record, recordedAt: new Date(now).toISOString() };
    state.recent = state.recent.filter((r) => Date.parse(r.recordedAt) > now - RECENT_MS);
    state.recent.push({ id: record.id, recordedAt: full.recordedAt });
    // Only what a judgement may still need (see prune); the read model keeps the record.
    if (record.date >= this.firstDayNeeded()) addToMonth(state.progress, record);
    this.changed = true;
    await projectProgress({ contractId: this.contract.id, record: full });
    return full;
  }

  private achieved(step: Pick<OpenQuotaStep, 'quotaId' | 'station' | 'from' | 'to'>): number {
    return achievedIn(this.quotaById.get(step.quotaId)!, step.station, step, this.state.progress);
  }

  /** The first day whose progress a judgement may still need: of an open step's period, or of a period not yet judged. */
  private firstDayNeeded(): string {
    const { state, term } = this;
    const days = Object.values(state.steps).map((s) => s.from);
    const judged = shanghaiDate(state.judgedThrough);
    for (const quota of this.quotas) {
      let window = periodWindowAt(quota, term, judged < term.start ? term.start : judged);
      if (window && window.endsAt <= state.judgedThrough) window = periodWindowAt(quota, term, addDays(window.to, 1));
      days.push(window?.from ?? addDays(term.end, 1));
    }
    return days.reduce((a, b) => (a < b ? a : b), addDays(term.end, 1));
  }

  /** Drops the monthly buckets no judgement needs any more. */
  private prune(): void {
    const month = this.firstDayNeeded().slice(0, 7);
    this.state.progress = this.state.progress.filter((p) => p.date.slice(0, 7) >= month);
  }

  nextPeriodEnd(now: number): number | undefined {
    return nextPeriodEnd(this.quotas, this.term, now);
  }

  /**
   * Judges the periods that ended since the last pass (a shortfall opens a step, `opening`; the
   * same quota and station's previous step closes, superseded), closes open steps whose target
   * late progress reached, and (`closing`) every one still open. State first, then the
   * escalations, in batches.
   */
  judge(now: number, { opening = !this.state.ended, closing = this.state.ended } = {}): Promise<void> {
    // A period is judged once: its step, once resolved, is forgotten (the book stays bounded).
    const pass = this.steps.pass(now, { forget: true });
    for (const [key, step] of Object.entries(this.state.steps)) {
      if (closing) pass.resolve(key, 'contract ended');
      else if (this.achieved(step) >= step.target) pass.resolve(key, 'target reached by progress recorded late');
    }
    if (!closing) this.judgePeriods(now, opening, pass);
    return pass.handOver();
  }

  /** The periods ended since the last pass, judged: their shortfalls opened (`opening`) and their predecessors resolved in `pass`. */
  private judgePeriods(now: number, opening: boolean, pass: StepPass<QuotaShortfall>): void {
    const { state, contract, term } = this;
    // Whose a step is, as one key: its quota and its station (none for the contract as a whole).
    const owner = (quotaId: string, station: string | null) => `${quotaId}\u0000${station ?? ''}`;
    const openByOwner = new Map(Object.entries(state.steps).map(([key, s]) => [owner(s.quotaId, s.station), key]));
    for (const quota of this.quotas) {
      const owners: Array<string | null> = quota.perStation ? this.stationIds : [null];
      for (const window of periodsEndingIn(quota, term, state.judgedThrough, now)) {
        for (const station of owners) {
          const previous = openByOwner.get(owner(quota.id, station));
          if (previous !== undefined) {
            pass.resolve(previous, supersededByPeriod(window.key));
            openByOwner.delete(owner(quota.id, station));
          }
          const done = achievedIn(quota, station, window, state.progress);
          if (done >= window.target || !opening || window.endsAt <= state.judgingFrom) continue;
          // A quota of the whole contract has no station part (a station may well be called "all").
          const reference = stepReference(station === null ? [quota.id, window.key] : [quota.id, station, window.key]);
          // Judged at midnight after the period's last day, which is the step's due day.
          const dueAt = stepDueAt(window.endsAt);
          const stationName =
            station === null ? null : (contract.stations.find((s) => s.id === station)?.name ?? station);
          const standing = {
            quotaId: quota.id,
            metric: quota.metric,
            period: quota.period,
            station,
            periodKey: window.key,
            from: window.from,
            to: window.to,
            target: window.target,
            achieved: done,
            shortfall: window.target - done,
            status: 'short' as const,
            endsAt: window.endsAt,
          };
          // A period falls short once (it is judged once): its step has one occurrence.
          const opened = pass.open(
            'quotaShortfall',
            reference,
            {
              dueAt,
              quotaId: quota.id,
              station,
              periodKey: window.key,
              from: window.from,
              to: window.to,
              target: window.target,
            },
            ({ stepId }) => ({
              contractId: contract.id,
              contractTitle: contract.title,
              kind: 'quotaShortfall',
              reference,
              stepId,
              dueAt,
              summary: shortfallSummary(standing, stationName),
            }),
          );
          if (opened) openByOwner.set(owner(quota.id, station), opened.key);
        }
      }
    }
    state.judgedThrough = Math.max(state.judgedThrough, now);
    this.prune();
  }

  /**
   * The term is over: its last period (which ends with the term) is judged too, and the
   * shortfalls still open climb their whole ladder (to the purchaser, for the final evaluation)
   * before they close with the contract.
   */
  async finalJudgement(): Promise<void> {
    if (this.lastEnd > Date.now()) await sleep(this.lastEnd - Date.now());
    await this.judge(Date.now(), { opening: true, closing: false });
    const lastLevel = ladderFor('quotaShortfall', this.contract.escalationPolicies).levels.at(-1)!;
    const climbedBy = Math.max(
      0,
      ...Object.values(this.state.steps).map((s) => levelFiresAt(s.dueAt, lastLevel, this.calendar)),
    );
    // An hour's margin, so the last level fires before the step closes.
    if (climbedBy > Date.now()) await sleep(climbedBy - Date.now() + 3600 * 1000);
  }
}
