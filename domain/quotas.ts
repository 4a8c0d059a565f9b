// Indicator quotas: how much of each kind of work a station (or the contract as a whole) owes per
// month or quarter, and how recorded progress compares with it. Periods are Shanghai calendar
// months or quarters; a period the term covers only in part owes a share of the target.
import {
  addDays,
  calendarDaysBetween,
  dayNumber,
  dayText,
  parseInstant,
  shanghaiDate,
  startOfShanghaiDay,
  utcInstant,
  type IsoDate,
} from './dates';
import type { Resolved, TextReference } from './free-text';
import { pushReservedId } from './ids';
import type { AttachmentMeta } from './materials';
import { divCeil, divFloor } from './integers';
import { problem, type Problem } from './problems';
import type { Text } from './languages';

export const QUOTA_METRICS = [
  'village_visits',
  'casework',
  'group_work',
  'community_activities',
  'service_records',
] as const;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];

export const QUOTA_PERIODS = ['month', 'quarter'] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

export interface Quota {
  id: string;
  metric: QuotaMetric;
  /** true: every station owes the target; false: the stations together owe it. */
  perStation: boolean;
  period: QuotaPeriod;
  target: number;
}

export interface PeriodWindow {
  /** "2023-05" for a month, "2023-Q2" for a quarter. */
  key: string;
  /** First and last Shanghai day of the period inside the term. */
  from: IsoDate;
  to: IsoDate;
  /** The instant the period ends (the first moment of the next day): progress is judged then. */
  endsAt: number;
  /** The target for this period, prorated when the term covers only part of it. */
  target: number;
}

/** The station a quota counts for: a station id, or '' for the contract as a whole. */
export const WHOLE_CONTRACT = '';

/** The period of a day: "2023-05" or "2023-Q2". */
export function periodKey(day: IsoDate, period: QuotaPeriod): string {
  const [y, m] = [day.slice(0, 4), Number(day.slice(5, 7))];
  return period === 'month' ? day.slice(0, 7) : `${y}-Q${divCeil(m, 3)}`;
}

/** First and last day of the period containing `day`. */
function periodBounds(day: IsoDate, period: QuotaPeriod): { first: IsoDate; last: IsoDate } {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const firstMonth = period === 'month' ? m : divFloor(m - 1, 3) * 3 + 1;
  const months = period === 'month' ? 1 : 3;
  const first = `${String(y).padStart(4, '0')}-${String(firstMonth).padStart(2, '0')}-01`;
  const next = shanghaiDate(utcInstant(y, firstMonth - 1 + months, 1));
  return { first, last: addDays(next, -1) };
}

/**
 * Every period of a quota within the term [termStart, termEnd] (Shanghai days), in order. A period
 * the term covers only in part owes the target times the share of its days covered, rounded up.
 */
export function quotaPeriods(
  quota: Pick<Quota, 'period' | 'target'>,
  termStart: IsoDate,
  termEnd: IsoDate,
): PeriodWindow[] {
  const windows: PeriodWindow[] = [];
  let day = termStart;
  // By day number, not text: "+010000-01-01" (the day after 9999-12-31) sorts before "9999-…".
  while (dayNumber(day) <= dayNumber(termEnd)) {
    const { first, last } = periodBounds(day, quota.period);
    const from = first < termStart ? termStart : first;
    const to = last > termEnd ? termEnd : last;
    const covered = calendarDaysBetween(from, to) + 1;
    const length = calendarDaysBetween(first, last) + 1;
    windows.push({
      key: periodKey(day, quota.period),
      from,
      to,
      endsAt: startOfShanghaiDay(addDays(to, 1)),
      target: covered === length ? quota.target : divCeil(quota.target * covered, length),
    });
    day = addDays(last, 1);
  }
  return windows;
}

export interface ProgressEntry {
  station: string;
  metric: QuotaMetric;
  count: number;
  /** The Shanghai day the work was done. */
  date: IsoDate;
}

export const PERIOD_STATUSES = ['upcoming', 'in_progress', 'met', 'short'] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];

export interface QuotaStanding {
  quotaId: string;
  metric: QuotaMetric;
  period: QuotaPeriod;
  /** The station, or null for a quota the stations owe together. */
  station: string | null;
  periodKey: string;
  from: IsoDate;
  to: IsoDate;
  target: number;
  achieved: number;
  shortfall: number;
  status: PeriodStatus;
  /** When the period is judged (the first moment after its last day). */
  endsAt: number;
}

/** Where every quota stands for every station and period of the term, as of `now`. */
export function quotaStandings(
  quotas: readonly Quota[],
  stations: readonly string[],
  term: { start: IsoDate; end: IsoDate },
  progress: readonly ProgressEntry[],
  now: number,
): QuotaStanding[] {
  const standings: QuotaStanding[] = [];
  // Progress by owner and metric ('' for every station), so each period sums only its own kind.
  const byKey = new Map<string, ProgressEntry[]>();
  for (const p of progress) {
    for (const key of [`${p.station}\u0000${p.metric}`, `${WHOLE_CONTRACT}\u0000${p.metric}`]) {
      const list = byKey.get(key) ?? [];
      list.push(p);
      byKey.set(key, list);
    }
  }
  for (const quota of quotas) {
    const windows = quotaPeriods(quota, term.start, term.end);
    const owners = quota.perStation ? [...stations] : [WHOLE_CONTRACT];
    for (const owner of owners) {
      const own = byKey.get(`${owner}\u0000${quota.metric}`) ?? [];
      for (const w of windows) {
        const achieved = own.filter((p) => p.date >= w.from && p.date <= w.to).reduce((sum, p) => sum + p.count, 0);
        const started = now >= startOfShanghaiDay(w.from);
        const ended = now >= w.endsAt;
        const status: PeriodStatus =
          achieved >= w.target ? 'met' : ended ? 'short' : started ? 'in_progress' : 'upcoming';
        standings.push({
          quotaId: quota.id,
          metric: quota.metric,
          period: quota.period,
          station: owner === WHOLE_CONTRACT ? null : owner,
          periodKey: w.key,
          from: w.from,
          to: w.to,
          target: w.target,
          achieved,
          shortfall: Math.max(0, w.target - achieved),
          status,
          endsAt: w.endsAt,
        });
      }
    }
  }
  return standings;
}

export function validateQuotas(quotas: readonly Quota[], problems: Problem[]): void {
  const seen = new Set<string>();
  quotas.forEach((q, i) => {
    const field = `quotas.${i}`;
    pushReservedId(problems, `${field}.id`, q.id);
    if (seen.has(q.id)) problems.push(problem(`${field}.id`, 'repeats_id', { id: q.id }));
    seen.add(q.id);
    if (!QUOTA_METRICS.includes(q.metric))
      problems.push(problem(`${field}.metric`, 'one_of', { values: QUOTA_METRICS }));
    if (!QUOTA_PERIODS.includes(q.period))
      problems.push(problem(`${field}.period`, 'one_of', { values: QUOTA_PERIODS }));
    if (!Number.isInteger(q.target) || q.target < 1 || q.target > 100_000) {
      problems.push(problem(`${field}.target`, 'whole_number_between', { min: 1, max: 100_000 }));
    }
  });
}

/** Problems with a progress record against the contract's quotas, as of `now`. */
export function progressProblems(
  entry: { station: string; metric: string; count: number; date: string },
  contract: {
    quotas?: readonly Quota[];
    stations: ReadonlyArray<{ id: string }>;
    term: { startAt: number; endAt: number };
  },
  now: number,
): Problem[] {
  const problems: Problem[] = [];
  if (!contract.stations.some((s) => s.id === entry.station)) {
    problems.push(problem('station', 'not_a_station', { known: contract.stations.map((s) => s.id) }));
  }
  const metrics = [...new Set((contract.quotas ?? []).map((q) => q.metric))];
  if (!metrics.includes(entry.metric as QuotaMetric)) {
    problems.push(problem('metric', 'metric_not_counted', { known: metrics }));
  }
  if (!Number.isInteger(entry.count) || entry.count < 1 || entry.count > 10_000) {
    problems.push(problem('count', 'whole_number_between', { min: 1, max: 10_000 }));
  }
  const at = /^\d{4}-\d{2}-\d{2}$/.test(entry.date) ? parseInstant(entry.date) : undefined;
  if (at === undefined) problems.push(problem('date', 'day_required'));
  else if (entry.date < shanghaiDate(contract.term.startAt) || entry.date > shanghaiDate(contract.term.endAt)) {
    problems.push(
      problem('date', 'within_term', {
        from: shanghaiDate(contract.term.startAt),
        to: shanghaiDate(contract.term.endAt),
      }),
    );
  } else if (entry.date > shanghaiDate(now)) problems.push(problem('date', 'in_future'));
  return problems;
}

export const METRIC_LABELS: Record<QuotaMetric, Text> = {
  village_visits: { en: 'village visits', 'zh-CN': '入村走访' },
  casework: { en: 'casework sessions', 'zh-CN': '个案服务' },
  group_work: { en: 'group work sessions', 'zh-CN': '小组活动' },
  community_activities: { en: 'community activities', 'zh-CN': '社区活动' },
  service_records: { en: 'service records', 'zh-CN': '服务记录' },
};

/** What fell short, for the quotaShortfall ladder's messages. */
export function shortfallSummary(standing: QuotaStanding, stationName: string | null): Text {
  const label = METRIC_LABELS[standing.metric];
  const who = stationName ? { en: stationName, zh: stationName } : { en: 'The stations together', zh: '各社工站合计' };
  return {
    en: `${who.en} recorded ${standing.achieved} of ${standing.target} ${label.en} in ${standing.periodKey} (${dayText(standing.from, 'en')} to ${dayText(standing.to, 'en')}), ${standing.shortfall} short.`,
    'zh-CN': `${who.zh}：${standing.periodKey}（${dayText(standing.from, 'zh-CN')} 至 ${dayText(standing.to, 'zh-CN')}）${label['zh-CN']}完成 ${standing.achieved}/${standing.target}，差 ${standing.shortfall}。`,
  };
}

/**
 * The window of a quota's period that contains `day`, clipped to the term; undefined outside it.
 * One period at a time, so nothing ever enumerates a whole (long) term.
 */
export function periodWindowAt(
  quota: Pick<Quota, 'period' | 'target'>,
  term: { start: IsoDate; end: IsoDate },
  day: IsoDate,
): PeriodWindow | undefined {
  if (day < term.start || day > term.end) return undefined;
  const { first, last } = periodBounds(day, quota.period);
  const from = first < term.start ? term.start : first;
  const to = last > term.end ? term.end : last;
  const covered = calendarDaysBetween(from, to) + 1;
  const length = calendarDaysBetween(first, last) + 1;
  return {
    key: periodKey(day, quota.period),
    from,
    to,
    endsAt: startOfShanghaiDay(addDays(to, 1)),
    target: covered === length ? quota.target : divCeil(quota.target * covered, length),
  };
}

/** The windows of a quota whose periods end in (after, upTo] (instants), in order. */
export function periodsEndingIn(
  quota: Pick<Quota, 'period' | 'target'>,
  term: { start: IsoDate; end: IsoDate },
  after: number,
  upTo: number,
): PeriodWindow[] {
  const windows: PeriodWindow[] = [];
  const firstDay = shanghaiDate(after);
  let window = periodWindowAt(quota, term, firstDay < term.start ? term.start : firstDay);
  while (window && window.endsAt <= upTo) {
    if (window.endsAt > after) windows.push(window);
    window = periodWindowAt(quota, term, addDays(window.to, 1));
  }
  return windows;
}

/** The first instant after `now` at which a period of any quota ends, or undefined once the term's last has. */
export function nextPeriodEnd(
  quotas: ReadonlyArray<Pick<Quota, 'period' | 'target'>>,
  term: { start: IsoDate; end: IsoDate },
  now: number,
): number | undefined {
  const today = shanghaiDate(now);
  const ends = quotas
    .flatMap((q) => periodWindowAt(q, term, today < term.start ? term.start : today)?.endsAt ?? [])
    .filter((t) => t > now);
  return ends.length > 0 ? Math.min(...ends) : undefined;
}

/** Work recorded for `quota` by `station` (null: every station) within a window. */
export function achievedIn(
  quota: Pick<Quota, 'metric'>,
  station: string | null,
  window: { from: IsoDate; to: IsoDate },
  progress: readonly ProgressEntry[],
): number {
  return progress
    .filter(
      (p) =>
        p.metric === quota.metric &&
        (station === null || p.station === station) &&
        p.date >= window.from &&
        p.date <= window.to,
    )
    .reduce((sum, p) => sum + p.count, 0);
}

export interface ProgressRecord extends ProgressEntry {
  id: string;
  /** The note is a casework text, possibly about beneficiaries: stored by the API, carried by reference. */
  evidence: { note?: TextReference; attachments: AttachmentMeta[] };
  recordedBy: string;
  recordedAt: string;
}

/** A progress record as the read model and the API hold it: with its note's text. */
export type StoredProgressRecord = Resolved<ProgressRecord>;
