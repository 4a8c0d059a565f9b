// The contract's timeline: every event with its actor and time (Asia/Shanghai), newest first, a
// page at a time.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { isEventKind, stepResolutionText } from '../../../domain/events';
import { METRIC_LABELS, QUOTA_METRICS, type QuotaMetric } from '../../../domain/quotas';
import { EVENT_KIND, MATERIAL_REQUEST_CLOSED, UNKNOWN_EVENT, useI18n, type I18n } from '../i18n';
import type { TimelineEvent } from '../types';
import { asFailure, encode, Failure, Loading, useActorName, useOrgName, useSession } from '../ui';

const PAGE = 100;

/**
 * An event's particulars in the page's language: figures, dates, names and the users' own words
 * (references, notes, titles); never an English word written by the engine on a Chinese page.
 */
export function detailsOf(event: TimelineEvent, i18n: I18n, orgName: (id: string) => string): string {
  const { m, text } = i18n;
  const p = event.payload;
  const str = (key: string, from: Record<string, unknown> = p) => (typeof from[key] === 'string' ? (from[key] as string) : undefined);
  const num = (key: string, from: Record<string, unknown> = p) => (typeof from[key] === 'number' ? (from[key] as number) : undefined);
  const obj = (key: string) => (p[key] && typeof p[key] === 'object' ? (p[key] as Record<string, unknown>) : {});
  const fen = (key: string) => (num(key) !== undefined ? i18n.money(num(key)! / 100) : undefined);
  const orgs = (key: string, from: Record<string, unknown> = p) =>
    Array.isArray(from[key]) ? (from[key] as unknown[]).filter((v): v is string => typeof v === 'string').map(orgName).join(m('listSeparator')) : undefined;
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
      parts.push(num('workingDaysHeld') !== undefined ? m('workingDays', { days: num('workingDaysHeld')! }) : undefined);
      break;
    }
    case 'submission.prechecking':
    case 'submission.in_review':
    case 'submission.returned':
    case 'submission.approved':
      parts.push(str('milestoneId'), station(str('station')), round(num('round')));
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
      parts.push(orgName(str('village', delivery) ?? ''), items.map((i) => `${str('itemId', i) ?? ''} × ${num('quantity', i) ?? 0}`).join(m('listSeparator')));
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
      const label = metric && (QUOTA_METRICS as readonly string[]).includes(metric) ? METRIC_LABELS[metric as QuotaMetric] : undefined;
      parts.push(station(str('station')), label ? `${text(label)} ${num('count') ?? ''}` : undefined, str('date') && i18n.date(str('date')!));
      break;
    }
    default:
      // Kinds without a contract (users, organizations, probes) carry nothing a timeline reader needs.
      break;
  }
  return parts.filter((x): x is string => Boolean(x)).join(' · ');
}

export function Timeline({ contractId, version }: { contractId: string; version: number }) {
  const i18n = useI18n();
  const { m, text, dateTime } = i18n;
  const orgName = useOrgName();
  const actorName = useActorName();
  const { me } = useSession();
  const [events, setEvents] = useState<TimelineEvent[]>();
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<Error>();

  // Newest first, so what was just done is at the top however long the contract's history.
  const load = async (before: number | null, append: boolean) => {
    try {
      const page = await get<{ items: TimelineEvent[]; next: number | null }>(
        `/v1/contracts/${encode(contractId)}/events?order=desc&limit=${PAGE}${before === null ? '' : `&before=${before}`}`,
      );
      setEvents((previous) => (append ? [...(previous ?? []), ...page.items] : page.items));
      setNext(page.next);
      setError(undefined);
    } catch (failure) {
      setError(asFailure(failure));
    }
  };
  useEffect(() => {
    void load(null, false);
    // Start over when the contract changes (a payment, an acknowledgement).
  }, [contractId, version]);

  if (!events) return error ? <Failure error={error} /> : <Loading />;
  if (events.length === 0) return <p class="muted">{m('timelineEmpty')}</p>;
  return (
    <>
      {error && <Failure error={error} />}
      <div class="table-wrap">
        <table class="timeline">
          <thead>
            <tr>
              <th scope="col">{m('colTime')}</th>
              <th scope="col">{m('colEvent')}</th>
              <th scope="col">{m('colActor')}</th>
              <th scope="col">{m('colDetails')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td class="nowrap">{dateTime(e.occurredAt)}</td>
                <td>
                  {isEventKind(e.kind) ? (
                    text(EVENT_KIND[e.kind])
                  ) : (
                    <>
                      {text(UNKNOWN_EVENT)} <span class="mono muted small nowrap">{e.kind}</span>
                    </>
                  )}
                </td>
                <td>
                  {/* By name; the id beside it as secondary text, never broken across lines. */}
                  {e.actorName && e.actorId !== me.id ? (
                    <>
                      {e.actorName} <span class="mono muted small nowrap">{e.actorId}</span>
                    </>
                  ) : (
                    actorName(e.actorId)
                  )}
                </td>
                <td class="small">{detailsOf(e, i18n, orgName)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next !== null && (
        <button type="button" onClick={() => void load(next, true)}>
          {m('timelineMore')}
        </button>
      )}
    </>
  );
}
