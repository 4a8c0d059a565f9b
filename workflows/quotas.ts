// One workflow per contract with indicator quotas, a child of the contract: station staff record
// progress, and at each period's end every station (or the contract as a whole) that fell short of
// its target is handed to the escalation engine (quotaShortfall). Progress recorded late for a
// period that fell short resolves its step once the target is reached.
import { allHandlersFinished, condition, continueAsNew, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { ladderFor, levelFiresAt, stepDueAt } from '../domain/escalation';
import { stepId as buildStepId, stepReference } from '../domain/ids';
import { projections } from './projection';
import { shanghaiDate } from '../domain/dates';
import { progressProblems, quotaPeriods, quotaStandings, shortfallSummary, type ProgressEntry } from '../domain/quotas';
import { contractEndedSignal } from './contract-ended';
import {
  QUOTA_REJECTION,
  quotaStateQuery,
  recordProgressUpdate,
  type ProgressRecord,
  type QuotaState,
  type QuotaWorkflowInput,
} from './quota-messages';
import { reject } from './rejection';
import { openStep, resolveStep } from './steps';

const { projectProgress } = projections;

const RECENT_MS = 7 * 24 * 3600 * 1000;

/** Adds a record to its station's month for its metric (dated by the month's first record). */
function addToMonth(progress: ProgressEntry[], record: ProgressEntry): void {
  const month = record.date.slice(0, 7);
  const bucket = progress.find((p) => p.station === record.station && p.metric === record.metric && p.date.slice(0, 7) === month);
  if (bucket) bucket.count += record.count;
  else progress.push({ station: record.station, metric: record.metric, count: record.count, date: record.date });
}

export async function quotaWorkflow(input: QuotaWorkflowInput): Promise<QuotaState> {
  const { contract, calendar } = input;
  const quotas = contract.quotas ?? [];
  const state: QuotaState = input.state ?? { progress: [], recent: [], steps: {}, ended: false, judgingFrom: Date.now() };
  const stationIds = contract.stations.map((s) => s.id);
  const term = { start: shanghaiDate(contract.term.startAt), end: shanghaiDate(contract.term.endAt) };
  let changed = false;

  setHandler(quotaStateQuery, () => state);
  setHandler(contractEndedSignal, ({ status }) => {
    state.ended = true;
    state.endedStatus = status;
  });

  const recordCheck = (record: Omit<ProgressRecord, 'recordedAt'>) => {
    const earlier = state.recent.find((r) => r.id === record.id);
    if (earlier) return earlier;
    if (state.ended) reject(QUOTA_REJECTION.closed, `Contract ${contract.id} has ended; progress can no longer be recorded`);
    const problems = progressProblems(record, contract, Date.now());
    if (problems.length > 0) reject(QUOTA_REJECTION.invalid, 'The progress cannot be recorded', problems);
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
      addToMonth(state.progress, record);
      changed = true;
      await projectProgress({ contractId: contract.id, record: full });
      return full;
    },
    { validator: (record) => void recordCheck(record) },
  );

  /**
   * Hands each period that ended short to the escalation engine; takes back those now met, and
   * (`closing`) every one still open.
   */
  async function judge(now: number, { opening = !state.ended, closing = state.ended } = {}): Promise<void> {
    for (const standing of quotaStandings(quotas, stationIds, term, state.progress, now)) {
      // A quota of the whole contract has no station part (a station may well be called "all").
      const reference = stepReference(
        standing.station === null ? [standing.quotaId, standing.periodKey] : [standing.quotaId, standing.station, standing.periodKey],
      );
      const key = reference;
      const step = state.steps[key];
      const endsAt = standing.endsAt;
      // Judged at midnight after the period's last day, which is the step's due day.
      const dueAt = stepDueAt(endsAt);
      if (standing.status === 'short' && !step && opening && endsAt > state.judgingFrom) {
        // A period falls short once: its step has one occurrence.
        const stepId = buildStepId(contract.id, 'quotaShortfall', reference, 1);
        state.steps[key] = { stepId, open: true, dueAt };
        const stationName = standing.station === null ? null : (contract.stations.find((s) => s.id === standing.station)?.name ?? standing.station);
        await openStep(contract, calendar, {
          contractId: contract.id,
          contractTitle: contract.title,
          kind: 'quotaShortfall',
          reference,
          stepId,
          dueAt,
          summary: shortfallSummary(standing, stationName),
        });
      } else if (step?.open && (standing.status === 'met' || closing)) {
        step.open = false;
        await resolveStep(step.stepId, state.ended ? 'contract ended' : 'target reached by progress recorded late', now);
      }
    }
  }

  /** The next period end still to judge. */
  const nextPeriodEnd = (now: number) => {
    const ends = quotas.flatMap((q) => quotaPeriods(q, term.start, term.end).map((w) => w.endsAt)).filter((t) => t > now);
    return ends.length > 0 ? Math.min(...ends) : undefined;
  };

  while (!state.ended) {
    // Cleared before anything is read, so progress recorded while this pass awaits wakes the next one.
    changed = false;
    const now = Date.now();
    await judge(now);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof quotaWorkflow>({ ...input, state });
    }
    const next = nextPeriodEnd(now);
    const wake = () => changed || state.ended;
    if (next === undefined) await condition(wake);
    else await condition(wake, Math.max(1, next - now));
  }

  await condition(allHandlersFinished);
  if (state.endedStatus === 'completed' || state.endedStatus === 'closed') {
    // The term is over: its last period (which ends with the term) is judged too, and the
    // shortfalls still open climb their whole ladder (to the purchaser, for the final evaluation)
    // before they close with the contract.
    const lastEnd = Math.max(...quotas.flatMap((q) => quotaPeriods(q, term.start, term.end).map((w) => w.endsAt)));
    if (lastEnd > Date.now()) await sleep(lastEnd - Date.now());
    await judge(Date.now(), { opening: true, closing: false });
    const lastLevel = ladderFor('quotaShortfall', contract.escalationPolicies).levels.at(-1)!;
    const climbedBy = Math.max(0, ...Object.values(state.steps).filter((s) => s.open).map((s) => levelFiresAt(s.dueAt ?? stepDueAt(lastEnd), lastLevel, calendar)));
    // An hour's margin, so the last level fires before the step closes.
    if (climbedBy > Date.now()) await sleep(climbedBy - Date.now() + 3600 * 1000);
  }
  await judge(Date.now(), { opening: false, closing: true });
  return state;
}
