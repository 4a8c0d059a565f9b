// A timeline event's particulars in the page's language. Pure: tested without a browser
// (tests/browser/timeline-details.test.ts).
import { isEventKind, stepResolutionText } from '../../domain/events';
import { METRIC_LABELS, QUOTA_METRICS, type QuotaMetric } from '../../domain/quotas';
import { MATERIAL_REQUEST_CLOSED, type I18n } from './i18n';
import type { TimelineEvent } from './types';

/**
 * An event's particulars in the page's language: figures, dates, names and the users' own words
 * (references, notes, titles); never an English word written by the engine on a Chinese page.
 */
export function detailsOf(
  event: TimelineEvent,
  i18n: I18n,
  orgName: (id: string) => string,
  milestoneTitle: (id: string) => string = (id) => id,
): string {
  const { m, text } = i18n;
  const p = event.payload;
  const str = (key: string, from: Record<string, unknown> = p) =>
    typeof from[key] === 'string' ? (from[key] as string) : undefined;
  const num = (key: string, from: Record<string, unknown> = p) =>
    typeof from[key] === 'number' ? (from[key] as number) : undefined;
  const obj = (key: string) => (p[key] && typeof p[key] === 'object' ? (p[key] as Record<string, unknown>) : {});
  const fen = (key: string) => (num(key) !== undefined ? i18n.money(num(key)! / 100) : undefined);
  const orgs = (key: string, from: Record<string, unknown> = p) =>
    Array.isArray(from[key])
      ? (from[key] as unknown[])
          .filter((v): v is string => typeof v === 'string')
          .map(orgName)
          .join(m('listSeparator'))
      : undefined;
  const round = (n: number | undefined) => (n === undefined ? undefined : m('eventRound', { round: n }));
  const station = (s: string | undefined) => (s ? m('eventStation', { station: s }) : undefined);
  const kind = isEventKind(event.kind) ? event.kind : undefined;
  const parts: Array<string | undefined> = [];
  switch (kind) {
    case 'payment.recorded':
    case 'payment.reversed':
      parts.push(str('reference'), fen('amountFen'), str('receivedOn') && i18n.date(str('receivedOn')!), str('reason'));
      break;
    case 'escalation.opened':
      parts.push(num('level') !== undefined ? m('eventLevel', { level: num('level')! }) : undefined, orgs('notified'));
      break;
    case 'escalation.acknowledged':
      parts.push(str('note'));
      break;
    case 'escalation.step_resolved': {
      const reason = str('reason');
      const known = reason === undefined ? undefined : stepResolutionText(reason);
      // An unknown reason is the engine's English: shown on an English page only.
      parts.push(known ? text(known) : i18n.lang === 'en' ? reason : undefined);
      parts.push(
        num('workingDaysHeld') !== undefined ? m('workingDays', { days: num('workingDaysHeld')! }) : undefined,
      );
      break;
    }
    case 'submission.prechecking':
    case 'submission.in_review':
    case 'submission.returned':
    case 'submission.approved':
      parts.push(
        str('milestoneId') && milestoneTitle(str('milestoneId')!),
        station(str('station')),
        round(num('round')),
      );
      break;
    case 'contract.started':
      parts.push(str('title', obj('contract')));
      break;
    case 'contract.completed':
      parts.push(fen('receivedFen'));
      break;
    case 'contract.closed_with_arrears':
      parts.push(fen('unpaidFen'));
      break;
    case 'contract.terminated':
    case 'material_request.cancelled':
      parts.push(str('reason'));
      break;
    case 'checkpoint.pending':
    case 'checkpoint.met':
    case 'checkpoint.missed':
    case 'checkpoint.recovered':
      parts.push(str('id'), num('shortfallFen') ? fen('shortfallFen') : undefined);
      break;
    case 'tranche.upcoming':
    case 'tranche.paid':
    case 'tranche.overdue':
      parts.push(str('label'), num('outstandingFen') ? fen('outstandingFen') : undefined);
      break;
    case 'material_request.created':
      parts.push(str('title', obj('request')), orgs('villages', obj('request')));
      break;
    case 'material_request.delivered': {
      const delivery = obj('delivery');
      const items = Array.isArray(delivery.items) ? (delivery.items as Array<Record<string, unknown>>) : [];
      parts.push(
        orgName(str('village', delivery) ?? ''),
        items.map((i) => `${str('itemId', i) ?? ''} × ${num('quantity', i) ?? 0}`).join(m('listSeparator')),
      );
      break;
    }
    case 'material_request.reviewed':
      parts.push(orgName(str('village') ?? ''));
      break;
    case 'material_request.reminded':
    case 'material_request.overdue':
      parts.push(orgs('villages'));
      break;
    case 'material_request.closed': {
      const status = str('status');
      const label = status ? MATERIAL_REQUEST_CLOSED[status] : undefined;
      parts.push(label ? text(label) : i18n.lang === 'en' ? status : undefined);
      break;
    }
    case 'progress.recorded': {
      const metric = str('metric');
      const label =
        metric && (QUOTA_METRICS as readonly string[]).includes(metric)
          ? METRIC_LABELS[metric as QuotaMetric]
          : undefined;
      parts.push(
        station(str('station')),
        label ? `${text(label)} ${num('count') ?? ''}` : undefined,
        str('date') && i18n.date(str('date')!),
      );
      break;
    }
    default:
      // Kinds without a contract (users, organizations, probes) carry nothing a timeline reader needs.
      break;
  }
  return parts.filter((x): x is string => Boolean(x)).join(' · ');
}
