// One workflow per contract with indicator quotas, a child of the contract: station staff record
// progress, and at each period's end every station (or the contract as a whole) that fell short of
// its target is handed to the escalation engine (quotaShortfall). Progress recorded late for a
// period that fell short resolves its step once the target is reached, until the next period is
// judged. Bounded whatever the term (see QuotaState): periods are judged one at a time.
import { allHandlersFinished, condition, continueAsNew, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { ladderFor, levelFiresAt, stepDueAt } from '../domain/escalation';
import { stepId as buildStepId, stepReference } from '../domain/ids';
import { projections } from './projection';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../domain/dates';
import type { WorkingCalendar } from '../domain/calendar';
import { achievedIn, nextPeriodEnd, periodsEndingIn, periodWindowAt, progressProblems, shortfallSummary, type ProgressEntry, type Quota } from '../domain/quotas';
import { contractEndedSignal } from './contract-ended';
import {
  quotaStateQuery,
  recordProgressUpdate,
  type OpenQuotaStep,
  type ProgressRecord,
  type QuotaState,
  type QuotaWorkflowInput,
} from './quota-messages';
import { reject, REJECTION } from './rejection';
import { say } from '../domain/messages';
import type { EscalationStep } from './escalation-messages';
import { openStep, resolveStep } from './steps';
import { applyCalendarPatch, calendarPatch, patchForYears, type CalendarPatch } from '../domain/calendar-changes';
import { calendarChangedSignal } from './calendar-messages';
import { tellCalendar } from './calendar-updates';
import { escalationWorkflowId } from './escalation-messages';

const { projectProgress } = projections;

const RECENT_MS = 7 * 24 * 3600 * 1000;
/** Escalations started or told at once (one workflow task each batch, instead of one per step). */
const BATCH = 20;
/** A run continues as new after a judging pass past this many events (a pass adds at most ~4 per step). */
const CONTINUE_AS_NEW_EVENTS = 1_000;
/** …or past this many bytes (a step's start carries its summary, ladder and calendar, ~3 KB). */
const CONTINUE_AS_NEW_BYTES = 1024 * 1024;

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
    coveredYears: { from: Math.max(calendar.coveredYears.from, year), to: Math.min(calendar.coveredYears.to, year + 2) },
  };
}

/** Adds a record to its station's month for its metric (dated by the month's first record). */
function addToMonth(progress: ProgressEntry[], record: ProgressEntry): void {
  const month = record.date.slice(0, 7);
  const bucket = progress.find((p) => p.station === record.station && p.metric === record.metric && p.date.slice(0, 7) === month);
  if (bucket) bucket.count += record.count;
  else progress.push({ station: record.station, metric: record.metric, count: record.count, date: record.date });
}

export async function quotaWorkflow(input: QuotaWorkflowInput): Promise<QuotaState> {
  const { contract } = input;
  /** The calendar in force: its contract passes on published years and its own days (calendarChangedSignal). */
  let calendar = input.calendar;
  const quotas = contract.quotas ?? [];
  const startedAt = Date.now();
  const state: QuotaState = input.state ?? { progress: [], recent: [], steps: {}, ended: false, judgingFrom: startedAt, judgedThrough: startedAt };
  const stationIds = contract.stations.map((s) => s.id);
  const term = { start: shanghaiDate(contract.term.startAt), end: shanghaiDate(contract.term.endAt) };
  /** The instant the term's last period ends (every quota's last period ends with the term). */
  const lastEnd = startOfShanghaiDay(addDays(term.end, 1));
  let changed = false;

  setHandler(quotaStateQuery, () => state);

  /** Tells open steps (each holding the years calendarNear gave it) the part of `patch` about their years. */
  async function tellSteps(steps: ReadonlyArray<{ stepId: string; dueAt: number }>, patch: CalendarPatch, cause: string): Promise<void> {
    for (const step of steps) {
      const year = Number(shanghaiDate(step.dueAt).slice(0, 4));
      const part = patchForYears(patch, year, year + 2);
      if (part) await tellCalendar([escalationWorkflowId(step.stepId)], part, cause);
    }
  }

  // A new calendar: open shortfalls recompute their levels still ahead and their held days; the
  // wait for the last level before the contract's close uses it too.
  setHandler(calendarChangedSignal, async ({ patch, cause }) => {
    calendar = applyCalendarPatch(calendar, patch);
    await tellSteps(Object.values(state.steps), patch, cause);
  });
  setHandler(contractEndedSignal, ({ status }) => {
    state.ended = true;
    state.endedStatus = status;
  });

  const recordCheck = (record: Omit<ProgressRecord, 'recordedAt'>) => {
    const earlier = state.recent.find((r) => r.id === record.id);
    if (earlier) return earlier;
    if (state.ended) reject(REJECTION.closed, say('contract_ended_no_progress', { id: contract.id }));
    const problems = progressProblems(record, contract, Date.now());
    if (problems.length > 0) reject(REJECTION.invalid, say('progress_invalid'), problems);
    return undefined;
  };

  setHandler(
    recordProgressUpdate,
    async (record) => {
      const earlier = recordCheck(record);
      if (earlier) return { ...record, recordedAt: earlier.recordedAt };
      const now = Date.now();
      const full: ProgressRecord = { ...record, recordedAt: new Date(now).toISOString() };
      state.recent = state.recent.filter((r) => Date.parse(r.recordedAt) > now - RECENT_MS);
      state.recent.push({ id: record.id, recordedAt: full.recordedAt });
      // Only what a judgement may still need (see prune); the read model keeps the record.
      if (record.date >= firstDayNeeded()) addToMonth(state.progress, record);
      changed = true;
      await projectProgress({ contractId: contract.id, record: full });
      return full;
    },
    { validator: (record) => void recordCheck(record) },
  );

  const quotaById = new Map<string, Quota>(quotas.map((q) => [q.id, q]));
  const achieved = (step: Pick<OpenQuotaStep, 'quotaId' | 'station' | 'from' | 'to'>) =>
    achievedIn(quotaById.get(step.quotaId)!, step.station, step, state.progress);

  /** The first day whose progress a judgement may still need: of an open step's period, or of a period not yet judged. */
  function firstDayNeeded(): string {
    const days = Object.values(state.steps).map((s) => s.from);
    const judged = shanghaiDate(state.judgedThrough);
    for (const quota of quotas) {
      let window = periodWindowAt(quota, term, judged < term.start ? term.start : judged);
      if (window && window.endsAt <= state.judgedThrough) window = periodWindowAt(quota, term, addDays(window.to, 1));
      days.push(window?.from ?? addDays(term.end, 1));
    }
    return days.reduce((a, b) => (a < b ? a : b), addDays(term.end, 1));
  }

  /** Drops the monthly buckets no judgement needs any more. */
  function prune(): void {
    const month = firstDayNeeded().slice(0, 7);
    state.progress = state.progress.filter((p) => p.date.slice(0, 7) >= month);
  }

  /**
   * Judges the periods that ended since the last pass (a shortfall opens a step, `opening`; the
   * same quota and station's previous step closes, superseded), closes open steps whose target
   * late progress reached, and (`closing`) every one still open. State first, then the
   * escalations, in batches.
   */
  async function judge(now: number, { opening = !state.ended, closing = state.ended } = {}): Promise<void> {
    const opens: EscalationStep[] = [];
    const resolves: Array<{ stepId: string; reason: string }> = [];
    const close = (reference: string, reason: string) => {
      resolves.push({ stepId: state.steps[reference]!.stepId, reason });
      delete state.steps[reference];
    };
    for (const [reference, step] of Object.entries(state.steps)) {
      if (closing) close(reference, 'contract ended');
      else if (achieved(step) >= step.target) close(reference, 'target reached by progress recorded late');
    }
    if (!closing) {
      const openByOwner = new Map(Object.entries(state.steps).map(([reference, s]) => [`${s.quotaId}\u0000${s.station ?? ''}`, reference]));
      for (const quota of quotas) {
        const owners: Array<string | null> = quota.perStation ? stationIds : [null];
        for (const window of periodsEndingIn(quota, term, state.judgedThrough, now)) {
          for (const station of owners) {
            const previous = openByOwner.get(`${quota.id}\u0000${station ?? ''}`);
            if (previous !== undefined) {
              close(previous, `superseded: period ${window.key} was judged`);
              openByOwner.delete(`${quota.id}\u0000${station ?? ''}`);
            }
            const done = achievedIn(quota, station, window, state.progress);
            if (done >= window.target || !opening || window.endsAt <= state.judgingFrom) continue;
            // A quota of the whole contract has no station part (a station may well be called "all").
            const reference = stepReference(station === null ? [quota.id, window.key] : [quota.id, station, window.key]);
            // Judged at midnight after the period's last day, which is the step's due day.
            const dueAt = stepDueAt(window.endsAt);
            // A period falls short once (it is judged once): its step has one occurrence.
            const step: OpenQuotaStep = { stepId: buildStepId(contract.id, 'quotaShortfall', reference, 1), dueAt, quotaId: quota.id, station, periodKey: window.key, from: window.from, to: window.to, target: window.target };
            state.steps[reference] = step;
            openByOwner.set(`${quota.id}\u0000${station ?? ''}`, reference);
            const stationName = station === null ? null : (contract.stations.find((s) => s.id === station)?.name ?? station);
            const standing = { quotaId: quota.id, metric: quota.metric, period: quota.period, station, periodKey: window.key, from: window.from, to: window.to, target: window.target, achieved: done, shortfall: window.target - done, status: 'short' as const, endsAt: window.endsAt };
            opens.push({ contractId: contract.id, contractTitle: contract.title, kind: 'quotaShortfall', reference, stepId: step.stepId, dueAt, summary: shortfallSummary(standing, stationName) });
          }
        }
      }
      state.judgedThrough = Math.max(state.judgedThrough, now);
      prune();
    }
    // Closing first: a superseded step and its successor never race for the same owner's attention.
    for (let i = 0; i < resolves.length; i += BATCH) {
      await Promise.all(resolves.slice(i, i + BATCH).map((r) => resolveStep(r.stepId, r.reason, now)));
    }
    const startedWith = calendar;
    for (let i = 0; i < opens.length; i += BATCH) {
      await Promise.all(opens.slice(i, i + BATCH).map((step) => openStep(contract, calendarNear(startedWith, step.dueAt), step)));
    }
    // The calendar changed while these steps were starting: they hear of it too.
    const patch = calendar !== startedWith ? calendarPatch(startedWith, calendar) : undefined;
    if (patch) await tellSteps(opens, patch, 'calendar changed while the steps started');
  }

  while (!state.ended) {
    // Cleared before anything is read, so progress recorded while this pass awaits wakes the next one.
    changed = false;
    const now = Date.now();
    await judge(now);
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_EVENTS) || info.historySize > CONTINUE_AS_NEW_BYTES) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof quotaWorkflow>({ ...input, calendar, state });
    }
    const next = nextPeriodEnd(quotas, term, now);
    const wake = () => changed || state.ended;
    if (next === undefined) await condition(wake);
    else await condition(wake, Math.max(1, next - now));
  }

  await condition(allHandlersFinished);
  if (state.endedStatus === 'completed' || state.endedStatus === 'closed') {
    // The term is over: its last period (which ends with the term) is judged too, and the
    // shortfalls still open climb their whole ladder (to the purchaser, for the final evaluation)
    // before they close with the contract.
    if (lastEnd > Date.now()) await sleep(lastEnd - Date.now());
    await judge(Date.now(), { opening: true, closing: false });
    const lastLevel = ladderFor('quotaShortfall', contract.escalationPolicies).levels.at(-1)!;
    const climbedBy = Math.max(0, ...Object.values(state.steps).map((s) => levelFiresAt(s.dueAt, lastLevel, calendar)));
    // An hour's margin, so the last level fires before the step closes.
    if (climbedBy > Date.now()) await sleep(climbedBy - Date.now() + 3600 * 1000);
  }
  await judge(Date.now(), { opening: false, closing: true });
  return state;
}
