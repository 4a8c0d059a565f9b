// The disbursement curve of a contract, from its detail as the API computed it: money planned by
// the tranches, cumulative, against money received (payments less reversals), cumulative, on a
// time axis in seconds. Pure: no DOM, so it can be tested without a browser.
import { parseInstant, startOfShanghaiDay } from '../../domain/dates';
import { parseMoney, type Fen } from '../../domain/money';
import type { ContractDetail } from './types';

export interface Curve {
  /** Instants, epoch seconds, ascending. */
  xs: number[];
  /** Cumulative money due by each instant, in yuan. */
  planned: number[];
  /** Cumulative money received by each instant up to now, in yuan; null after now. */
  received: Array<number | null>;
  /** min(planned, received) where received is known, else planned: the shortfall's lower edge. */
  floor: number[];
  checkpoints: Array<{
    id: string;
    x: number;
    required: number;
    minPercent: number;
    by: string;
    status: ContractDetail['checkpoints'][number]['status'];
  }>;
  now: number;
  /**
   * The span to draw: the term, and after it up to today, but at most a quarter of the term more
   * unless money arrived later: then a twentieth of the span past the day money last arrived
   * (at least to that day's end), but never past now.
   */
  start: number;
  end: number;
  value: number;
}

/** A signed decimal string ("-300000.00" for a reversal) in fen. */
export function fenOf(text: string): Fen {
  return text.startsWith('-') ? -parseMoney(text.slice(1)) : parseMoney(text);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** When a day or date-time of the definition begins (days: their first millisecond in Shanghai). */
function startOf(text: string): number {
  if (DAY.test(text)) return startOfShanghaiDay(text);
  const instant = parseInstant(text);
  if (instant === undefined) throw new Error(`not a date: ${text}`);
  return instant;
}

/** When something due on `text` falls due: the end of a day, or the instant given. */
function dueAt(text: string): number {
  const instant = parseInstant(text);
  if (instant === undefined) throw new Error(`not a date: ${text}`);
  return instant;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
const DAY_SECONDS = 86_400;
const yuan = (fen: Fen) => fen / 100;

export function disbursementCurve(detail: ContractDetail): Curve {
  // Everything in whole seconds, the chart's unit, so that equal instants meet.
  const now = seconds(Date.parse(detail.asOf));
  const start = seconds(startOf(detail.term.start));
  const end = seconds(dueAt(detail.term.end));
  const tranches = detail.tranches.map((t) => ({ at: seconds(dueAt(t.due)), fen: fenOf(t.amount) }));
  const entries = detail.ledger.map((e) => ({ at: seconds(startOfShanghaiDay(e.receivedOn)), fen: fenOf(e.amount) }));
  const checkpoints = detail.checkpoints.map((c) => ({
    id: c.id,
    x: seconds(dueAt(c.by)),
    required: yuan(fenOf(c.required)),
    minPercent: c.minPercent,
    by: c.by,
    status: c.status,
  }));

  // Long after the term the lines only run flat: keep the term readable by showing at most a
  // quarter of it more, but always up to the end of the last day money arrived (up to now), so
  // money paid after the term appears and the shortfall is seen to close.
  // A twentieth of the span more shows the last step standing, not on the chart's edge.
  const lastReceipt = Math.max(...entries.filter((e) => e.at <= now).map((e) => e.at), end);
  const termView = Math.min(Math.max(end, now), end + Math.round((end - start) / 4));
  const viewEnd =
    lastReceipt <= termView
      ? termView
      : Math.min(now, lastReceipt + Math.max(DAY_SECONDS - 1, Math.round((lastReceipt - start) / 20)));
  // The second after now closes the shading: nothing is known to be missing in the future.
  const xs = [
    ...new Set([
      start,
      end,
      viewEnd,
      now,
      ...(now < viewEnd ? [now + 1] : []),
      ...tranches.map((t) => t.at),
      ...entries.map((e) => e.at),
      ...checkpoints.map((c) => c.x),
    ]),
  ].sort((a, b) => a - b);
  const planned: number[] = [];
  const received: Array<number | null> = [];
  const floor: number[] = [];
  for (const x of xs) {
    const due = tranches.filter((t) => t.at <= x).reduce((sum, t) => sum + t.fen, 0);
    planned.push(yuan(due));
    if (x <= now) {
      const got = entries.filter((e) => e.at <= x).reduce((sum, e) => sum + e.fen, 0);
      received.push(yuan(got));
      floor.push(yuan(Math.min(due, got)));
    } else {
      received.push(null);
      floor.push(yuan(due));
    }
  }
  return { xs, planned, received, floor, checkpoints, now, start, end: viewEnd, value: yuan(fenOf(detail.value)) };
}
