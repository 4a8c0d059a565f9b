// The contract's timeline: every event with its actor and time (Asia/Shanghai), newest first, a
// page at a time.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { isEventKind } from '../../../domain/events';
import { EVENT_KIND, UNKNOWN_EVENT, useI18n } from '../i18n';
import { detailsOf } from '../timeline-details';
import type { TimelineEvent } from '../types';
import { asFailure, encode, Failure, Loading, useActorName, useOrgName, useSession } from '../ui';

const PAGE = 100;

export function Timeline({
  contractId,
  version,
  milestones = [],
}: {
  contractId: string;
  version: number;
  milestones?: Array<{ id: string; title: string }>;
}) {
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
                <td class="small">
                  {detailsOf(e, i18n, orgName, (id) => milestones.find((ms) => ms.id === id)?.title ?? id)}
                </td>
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
