// My inbox: escalations waiting for my organization's acknowledgement, and the notifications to my
// organization with my own read state.
import { useEffect, useState } from 'preact/hooks';
import { get, getAll, post } from '../api';
import { EscalationTable } from '../components/escalations';
import { SEVERITY, useI18n } from '../i18n';
import { href } from '../router';
import type { Escalation, Notification } from '../types';
import { asFailure, Await, Badge, Failure, Loading, Section, useLoad, useSession } from '../ui';
import { PageTitle, severityTone } from './common';

function Notifications({ unreadOnly }: { unreadOnly: boolean }) {
  const { m, text, dateTime } = useI18n();
  const { inboxChanged } = useSession();
  const [items, setItems] = useState<Notification[]>();
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<Error>();

  const load = async (before: number | null) => {
    const query = new URLSearchParams({ limit: '50' });
    if (unreadOnly) query.set('unread', 'true');
    if (before !== null) query.set('before', String(before));
    try {
      const page = await get<{ items: Notification[]; next: number | null }>(`/v1/inbox?${query}`);
      setItems((previous) => (before === null ? page.items : [...(previous ?? []), ...page.items]));
      setNext(page.next);
      setError(undefined);
    } catch (failure) {
      setError(asFailure(failure));
    }
  };
  useEffect(() => {
    void load(null);
  }, [unreadOnly]);

  const markRead = async (id: number) => {
    try {
      const { readAt } = await post<{ id: number; readAt: string }>(`/v1/inbox/${id}/read`, {});
      setItems((list) => list?.map((n) => (n.id === id ? { ...n, readAt } : n)));
      inboxChanged();
      // The button is gone: keep the keyboard on the notification just read.
      requestAnimationFrame(() =>
        document.getElementById(`notification-${id}`)?.closest<HTMLElement>('article')?.focus(),
      );
    } catch (failure) {
      setError(asFailure(failure));
    }
  };

  if (!items) return error ? <Failure error={error} /> : <Loading />;
  return (
    <>
      {error && <Failure error={error} />}
      {items.length === 0 ? (
        <p class="muted">{m('inboxEmpty')}</p>
      ) : (
        <ul class="notifications">
          {items.map((n) => (
            <li key={n.id} class={n.readAt ? 'read' : 'unread'}>
              <article aria-labelledby={`notification-${n.id}`} tabIndex={-1}>
                <header>
                  <Badge tone={severityTone(n.severity)}>{text(SEVERITY[n.severity])}</Badge>{' '}
                  <h3 id={`notification-${n.id}`}>{text(n.subject)}</h3>
                </header>
                <p>{text(n.body)}</p>
                <p class="muted small">
                  {dateTime(n.createdAt)}
                  {n.contractId && (
                    <>
                      {' · '}
                      <a href={href.contract(n.contractId)}>{m('openContract', { id: n.contractId })}</a>
                    </>
                  )}
                  {' · '}
                  {n.readAt ? (
                    <span>{m('inboxRead', { time: dateTime(n.readAt) })}</span>
                  ) : (
                    <strong>{m('inboxUnread')}</strong>
                  )}
                </p>
                {!n.readAt && (
                  <button
                    type="button"
                    onClick={() => void markRead(n.id)}
                    aria-label={`${m('inboxMarkRead')}: ${text(n.subject)}`}
                  >
                    {m('inboxMarkRead')}
                  </button>
                )}
              </article>
            </li>
          ))}
        </ul>
      )}
      {next !== null && (
        <button type="button" onClick={() => void load(next)}>
          {m('inboxOlder')}
        </button>
      )}
    </>
  );
}

export function InboxPage() {
  const { m } = useI18n();
  const { me, inboxChanged } = useSession();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const awaiting = useLoad(
    () =>
      getAll<Escalation>('/v1/escalations?status=open&limit=200').then((items) =>
        items.filter((e) => me.organization !== null && e.notifiedOrganizationIds.includes(me.organization.id)),
      ),
    [],
  );
  return (
    <>
      <PageTitle>{m('inboxTitle')}</PageTitle>
      <Section id="awaiting" title={m('inboxAwaiting')}>
        <Await loaded={awaiting}>
          {(items) => (
            <EscalationTable
              items={items}
              showContract
              emptyText={m('inboxAwaitingNone')}
              onChanged={() => {
                awaiting.reload();
                inboxChanged();
              }}
            />
          )}
        </Await>
      </Section>
      <Section
        id="notifications"
        title={m('inboxNotifications')}
        actions={
          <div class="field check">
            <input
              id="unread-only"
              type="checkbox"
              checked={unreadOnly}
              onChange={(e) => setUnreadOnly((e.currentTarget as HTMLInputElement).checked)}
            />
            <label for="unread-only">{m('inboxUnreadOnly')}</label>
          </div>
        }
      >
        <Notifications unreadOnly={unreadOnly} />
      </Section>
    </>
  );
}
