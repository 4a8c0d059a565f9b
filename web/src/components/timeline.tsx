// The contract's timeline: every event with its actor and time (Asia/Shanghai), newest first, a
// page at a time.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { EVENT_KIND, useI18n, type I18n } from '../i18n';
import type { TimelineEvent } from '../types';
import { asFailure, encode, Failure, Loading, useActorName, useOrgName } from '../ui';

const PAGE = 100;

function detailsOf(event: TimelineEvent, i18n: I18n, orgName: (id: string) => string): string {
  const p = event.payload;
  const str = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : undefined);
  const num = (key: string) => (typeof p[key] === 'number' ? (p[key] as number) : undefined);
  const fen = (key: string) => (num(key) !== undefined ? i18n.money(num(key)! / 100) : undefined);
  const parts: Array<string | undefined> = [];
  if (event.kind.startsWith('payment.')) {
    parts.push(str('reference'), fen('amountFen'), str('receivedOn') && i18n.date(str('receivedOn')!), str('reason'));
  } else if (event.kind === 'escalation.opened') {
    const notified = Array.isArray(p.notified) ? (p.notified as string[]).map(orgName).join(', ') : undefined;
    parts.push(num('level') !== undefined ? `L${num('level')}` : undefined, notified);
  } else if (event.kind === 'escalation.acknowledged') {
    parts.push(str('note'));
  } else if (event.kind === 'escalation.step_resolved') {
    parts.push(str('reason'), num('workingDaysHeld') !== undefined ? i18n.m('workingDays', { days: num('workingDaysHeld')! }) : undefined);
  } else if (event.kind.startsWith('submission.')) {
    parts.push(str('milestoneId'), str('station') ?? undefined, num('round') !== undefined ? `#${num('round')}` : undefined);
  } else if (event.kind === 'contract.started') {
    const contract = p.contract as { title?: string } | undefined;
    parts.push(contract?.title);
  } else if (event.kind === 'contract.completed') {
    parts.push(fen('receivedFen'));
  } else if (event.kind === 'contract.closed_with_arrears') {
    parts.push(fen('unpaidFen'));
  } else {
    parts.push(str('id'), str('label'), str('reason'), fen('shortfallFen'), fen('outstandingFen'));
  }
  return parts.filter((x): x is string => Boolean(x)).join(' · ');
}

export function Timeline({ contractId, version }: { contractId: string; version: number }) {
  const i18n = useI18n();
  const { m, text, dateTime } = i18n;
  const orgName = useOrgName();
  const actorName = useActorName();
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
                <td>{text(EVENT_KIND[e.kind]) || e.kind}</td>
                <td>{actorName(e.actorId)}</td>
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
