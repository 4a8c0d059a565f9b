// The village chain on a contract's page: material requests to villages with what each village
// still owes, and each station's indicator quotas; the forms with which villages deliver and
// station staff ask, accept or send back, and record progress.
import { METRIC_LABELS, type PeriodStatus, type QuotaMetric } from '../../../domain/quotas';
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { AcceptanceDecision } from '../../../domain/decisions';
import { MATERIAL_KINDS, type MaterialKind, type RequestStatus } from '../../../domain/material-requests';
import { get, post } from '../api';
import { MATERIAL_KIND, MATERIAL_REQUEST_STATUS, QUOTA_STATUS, useI18n } from '../i18n';
import type { ContractDetail, MaterialRequest, Page, QuotaStanding } from '../types';
import {
  Await,
  Badge,
  encode,
  Field,
  FormProblems,
  isStationStaff,
  shanghaiToday,
  useLoad,
  useOrgName,
  useSession,
  useSubmission,
  type Tone,
} from '../ui';

const REQUEST_TONE: Record<RequestStatus, Tone> = {
  open: 'info',
  partially_delivered: 'info',
  delivered: 'ok',
  accepted: 'ok',
  cancelled: 'muted',
};
const PERIOD_TONE: Record<PeriodStatus, Tone> = { upcoming: 'info', in_progress: 'info', met: 'ok', short: 'bad' };

/** A village liaison delivers what their village still owes: a quantity per item, a note. */
function DeliverForm({
  request,
  village,
  onDelivered,
}: {
  request: MaterialRequest;
  village: string;
  onDelivered(): void;
}) {
  const { m, text } = useI18n();
  const orgName = useOrgName();
  const owing = request.villageStatus.find((v) => v.village === village)?.items.filter((i) => i.outstanding > 0) ?? [];
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const { busy, failure, submit: send } = useSubmission();
  const [empty, setEmpty] = useState(false);
  // The items sent, in order: the API names a refused one by its place in that list.
  const [sent, setSent] = useState<string[]>([]);
  if (owing.length === 0) return null;
  const submit = async (event: Event) => {
    event.preventDefault();
    const items = owing
      .map((i) => ({ itemId: i.itemId, quantity: Number(quantities[i.itemId] || '0') }))
      .filter((i) => i.quantity > 0);
    setEmpty(items.length === 0);
    if (items.length === 0) return;
    setSent(items.map((i) => i.itemId));
    await send(async () => {
      await post(`/v1/material-requests/${encode(request.id)}/deliveries`, {
        items,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setQuantities({});
      setNote('');
      onDelivered();
    });
  };
  return (
    <form class="deliver-form" onSubmit={submit} noValidate>
      <h4>{m('deliverTitle', { village: orgName(village) })}</h4>
      {owing.map((standing) => {
        const item = request.items.find((i) => i.id === standing.itemId)!;
        const label = m('deliverQuantity', {
          item: item.description ?? text(MATERIAL_KIND[item.kind]),
          owed: standing.outstanding,
        });
        return (
          <Field
            key={standing.itemId}
            label={label}
            problem={
              sent.includes(standing.itemId)
                ? failure?.reasonFor(`items.${sent.indexOf(standing.itemId)}.quantity`)
                : undefined
            }
          >
            {(attrs) => (
              <input
                {...attrs}
                type="number"
                min={0}
                max={standing.outstanding}
                inputMode="numeric"
                value={quantities[standing.itemId] ?? ''}
                onInput={(e) =>
                  setQuantities((q) => ({ ...q, [standing.itemId]: (e.currentTarget as HTMLInputElement).value }))
                }
              />
            )}
          </Field>
        );
      })}
      <Field label={m('deliverNote')}>
        {(attrs) => (
          <input {...attrs} value={note} onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
        )}
      </Field>
      <div role="status">{empty && <p class="field-problem">{m('deliverNothing')}</p>}</div>
      <FormProblems
        failure={failure}
        fields={['items']}
        prefix={m('deliverRefused', { message: failure?.message ?? '' })}
      />
      <button type="submit" class="primary" aria-disabled={busy}>
        {busy ? m('saving') : m('deliverSubmit')}
      </button>
    </form>
  );
}

/** Station staff accept a delivery's pending items, or send them back with a reason. */
function DecideForm({
  request,
  delivery,
  onDecided,
}: {
  request: MaterialRequest;
  delivery: MaterialRequest['deliveries'][number];
  onDecided(): void;
}) {
  const { m, text, dateTime } = useI18n();
  const orgName = useOrgName();
  const [reason, setReason] = useState('');
  const { busy, failure, submit: send } = useSubmission();
  const [needsReason, setNeedsReason] = useState(false);
  const pending = delivery.items.filter((i) => i.status === 'pending');
  const itemName = (itemId: string) => {
    const item = request.items.find((i) => i.id === itemId)!;
    return item.description ?? text(MATERIAL_KIND[item.kind]);
  };
  const decide = async (outcome: AcceptanceDecision) => {
    setNeedsReason(outcome === 'return' && !reason.trim());
    if (outcome === 'return' && !reason.trim()) return;
    await send(async () => {
      const items = pending.map((i) => ({
        itemId: i.itemId,
        outcome,
        ...(outcome === 'return' ? { reason: reason.trim() } : {}),
      }));
      await post(`/v1/material-requests/${encode(request.id)}/deliveries/${encode(delivery.id)}/decision`, { items });
      onDecided();
    });
  };
  return (
    <form class="decide-form" onSubmit={(e) => (e.preventDefault(), void decide('return'))} noValidate>
      <p class="small">
        {m('pendingDelivery', {
          village: orgName(delivery.village),
          time: dateTime(delivery.deliveredAt),
          items: pending.map((i) => `${i.quantity} × ${itemName(i.itemId)}`).join(', '),
        })}
        {delivery.note && <span class="muted"> — {delivery.note}</span>}
      </p>
      <button type="button" class="primary" aria-disabled={busy} onClick={() => void decide('accept')}>
        {m('acceptDelivery')}
      </button>
      <Field label={m('returnReason')} problem={needsReason ? m('returnNeedsReason') : undefined}>
        {(attrs) => (
          <input {...attrs} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
        )}
      </Field>
      <button type="submit" aria-disabled={busy}>
        {m('returnDelivery')}
      </button>
      <FormProblems failure={failure} fields={[]} prefix={m('decisionRefused', { message: failure?.message ?? '' })} />
    </form>
  );
}

export function MaterialRequests({
  contractId,
  contractorId,
  version,
}: {
  contractId: string;
  contractorId: string;
  version: number;
}) {
  const { m, text, date } = useI18n();
  const orgName = useOrgName();
  const { me } = useSession();
  const [delivered, setDelivered] = useState(0);
  const loaded = useLoad(
    () => get<Page<MaterialRequest>>(`/v1/contracts/${encode(contractId)}/material-requests`).then((p) => p.items),
    [contractId, version, delivered],
  );
  // A village liaison may deliver their own village's part of the requests that ask it.
  const myVillage = me.roles.includes('village_liaison') ? me.organization?.id : undefined;
  const open = (r: MaterialRequest) => r.closedAt === null && r.status !== 'cancelled';
  // The contractor's staff accept what villages delivered, or send it back.
  const stationStaff = isStationStaff(me, contractorId);
  // Each item with its own count: 12 sign-in sheets and 1 household roster are not "13".
  const owed = (r: MaterialRequest) =>
    r.villageStatus
      .map((v) => ({ village: v.village, items: v.items.filter((i) => i.outstanding > 0) }))
      .filter((v) => v.items.length > 0)
      .map((v) => ({
        village: v.village,
        text: m('villageOwes', {
          village: orgName(v.village),
          count: v.items
            .map((i) => {
              const item = r.items.find((x) => x.id === i.itemId);
              return m('owedItem', {
                count: i.outstanding,
                item: item ? (item.description ?? text(MATERIAL_KIND[item.kind])) : i.itemId,
              });
            })
            .join(m('listSeparator')),
        }),
      }));
  return (
    <Await loaded={loaded}>
      {(items) =>
        items.length === 0 ? (
          <p class="muted">{m('materialRequestsEmpty')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{m('colTitle')}</th>
                  <th scope="col">{m('colStation')}</th>
                  <th scope="col">{m('colVillages')}</th>
                  <th scope="col">{m('colDue')}</th>
                  <th scope="col">{m('colStatus')}</th>
                  <th scope="col">{m('colStillOwed')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      {r.title} <span class="mono muted">{r.id}</span>
                    </th>
                    <td>{r.station}</td>
                    <td>{r.villages.map(orgName).join(', ')}</td>
                    <td>{date(r.dueAt)}</td>
                    <td>
                      <Badge tone={REQUEST_TONE[r.status]}>{text(MATERIAL_REQUEST_STATUS[r.status])}</Badge>{' '}
                      {r.overdue && <Badge tone="bad">{m('overdue')}</Badge>}
                    </td>
                    <td>
                      {owed(r).length > 0 && (
                        <ul class="owed">
                          {owed(r).map((v) => (
                            <li key={v.village}>{v.text}</li>
                          ))}
                        </ul>
                      )}
                      {myVillage && r.villages.includes(myVillage) && open(r) && (
                        <DeliverForm request={r} village={myVillage} onDelivered={() => setDelivered((n) => n + 1)} />
                      )}
                      {stationStaff &&
                        open(r) &&
                        r.deliveries
                          .filter((d) => d.items.some((i) => i.status === 'pending'))
                          .map((d) => (
                            <DecideForm
                              key={d.id}
                              request={r}
                              delivery={d}
                              onDecided={() => setDelivered((n) => n + 1)}
                            />
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </Await>
  );
}

const REQUEST_FIELDS = ['station', 'villages', 'title', 'items', 'due'];

/** Station staff ask some of a station's villages for materials, by a due day. */
export function RequestForm({ contract, onRequested }: { contract: ContractDetail; onRequested(): void }) {
  const { m, text } = useI18n();
  const orgName = useOrgName();
  const stations = contract.stations.filter((s) => s.villages.length > 0);
  const [station, setStation] = useState(stations[0]?.id ?? '');
  const [villages, setVillages] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [items, setItems] = useState([{ kind: 'visit_records' as MaterialKind, quantity: '', description: '' }]);
  const [due, setDue] = useState('');
  const { busy, failure, submit: send } = useSubmission();
  const [sent, setSent] = useState<{ title: string; villages: string[] }>();
  if (stations.length === 0) return null;
  const villagesOf = stations.find((s) => s.id === station)?.villages ?? [];
  const setItem = (index: number, field: 'kind' | 'quantity' | 'description') => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setItems((list) => list.map((item, i) => (i === index ? { ...item, [field]: value } : item)));
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setSent(undefined);
    await send(async () => {
      const made = await post<MaterialRequest>(`/v1/contracts/${encode(contract.id)}/material-requests`, {
        station,
        villages,
        title: title.trim(),
        items: items.map((item, i) => ({
          id: `item-${i + 1}`,
          kind: item.kind,
          quantity: Number(item.quantity),
          ...(item.description.trim() ? { description: item.description.trim() } : {}),
        })),
        due,
      });
      setSent({ title: made.title, villages: made.villages });
      setTitle('');
      setItems([{ kind: 'visit_records', quantity: '', description: '' }]);
      onRequested();
    });
  };
  const problem = (field: string) => failure?.reasonFor(field);
  return (
    <form class="request-form" onSubmit={submit} noValidate>
      <h3>{m('requestTitle')}</h3>
      <div class="form-grid">
        <Field label={m('requestStation')} problem={problem('station')}>
          {(attrs) => (
            <select
              {...attrs}
              value={station}
              onChange={(e) => (setStation((e.currentTarget as HTMLSelectElement).value), setVillages([]))}
            >
              {stations.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset class="field">
          <legend>{m('requestVillages')}</legend>
          {villagesOf.map((v) => (
            <label key={v} class="checkbox">
              <input
                type="checkbox"
                checked={villages.includes(v)}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  setVillages((list) => (on ? [...list, v] : list.filter((x) => x !== v)));
                }}
              />{' '}
              {orgName(v)}
            </label>
          ))}
          {problem('villages') && <p class="field-problem">{problem('villages')}</p>}
        </fieldset>
        <Field label={m('requestWhat')} problem={problem('title')}>
          {(attrs) => (
            <input {...attrs} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
          )}
        </Field>
        <Field label={m('requestDue')} problem={problem('due')}>
          {(attrs) => (
            <input
              {...attrs}
              type="date"
              value={due}
              onInput={(e) => setDue((e.currentTarget as HTMLInputElement).value)}
            />
          )}
        </Field>
        {items.map((item, i) => (
          <Fragment key={i}>
            <Field label={m('requestItemKind', { n: i + 1 })} problem={problem(`items.${i}.kind`)}>
              {(attrs) => (
                <select {...attrs} value={item.kind} onChange={setItem(i, 'kind')}>
                  {MATERIAL_KINDS.map((kind) => (
                    <option key={kind} value={kind}>
                      {text(MATERIAL_KIND[kind])}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={m('requestItemQuantity', { n: i + 1 })} problem={problem(`items.${i}.quantity`)}>
              {(attrs) => (
                <input
                  {...attrs}
                  type="number"
                  min={1}
                  inputMode="numeric"
                  value={item.quantity}
                  onInput={setItem(i, 'quantity')}
                />
              )}
            </Field>
            <Field label={m('requestItemDescription', { n: i + 1 })}>
              {(attrs) => <input {...attrs} value={item.description} onInput={setItem(i, 'description')} />}
            </Field>
          </Fragment>
        ))}
      </div>
      <button
        type="button"
        onClick={() => setItems((list) => [...list, { kind: 'visit_records', quantity: '', description: '' }])}
      >
        {m('requestAddItem')}
      </button>
      <FormProblems
        failure={failure}
        fields={REQUEST_FIELDS}
        prefix={m('requestRefused', { message: failure?.message ?? '' })}
      />
      <div role="status">
        {sent && (
          <p class="alert alert-ok">
            {m('requestSent', { title: sent.title, villages: sent.villages.map(orgName).join(', ') })}
          </p>
        )}
      </div>
      <button type="submit" class="primary" aria-disabled={busy}>
        {busy ? m('saving') : m('requestSubmit')}
      </button>
    </form>
  );
}

const PROGRESS_FIELDS = ['station', 'metric', 'count', 'date', 'evidence'];

/** Station staff record what a station did: so many village visits, casework sessions… on a day. */
export function ProgressForm({ contract, onRecorded }: { contract: ContractDetail; onRecorded(): void }) {
  const { m, text, date } = useI18n();
  const metrics = [...new Set(contract.quotas.map((q) => q.metric))];
  const lastDay = contract.term.end.slice(0, 10);
  const [form, setForm] = useState({
    station: contract.stations[0]?.id ?? '',
    metric: metrics[0] ?? '',
    count: '',
    date: shanghaiToday() > lastDay ? lastDay : shanghaiToday(),
    note: '',
  });
  const { busy, failure, submit: send } = useSubmission();
  const [done, setDone] = useState<{ count: number; metric: QuotaMetric; station: string; date: string }>();
  const set = (field: keyof typeof form) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setForm((f) => ({ ...f, [field]: value }));
  };
  if (metrics.length === 0) return null;
  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(undefined);
    await send(async () => {
      const record = await post<{ count: number; metric: QuotaMetric; station: string; date: string }>(
        `/v1/contracts/${encode(contract.id)}/progress`,
        {
          station: form.station,
          metric: form.metric,
          count: Number(form.count),
          date: form.date,
          ...(form.note.trim() ? { evidence: { note: form.note.trim() } } : {}),
        },
      );
      setDone(record);
      setForm((f) => ({ ...f, count: '', note: '' }));
      onRecorded();
    });
  };
  const problem = (field: string) => failure?.reasonFor(field);
  return (
    <form class="progress-form" onSubmit={submit} noValidate>
      <h3>{m('progressTitle')}</h3>
      <div class="form-grid">
        <Field label={m('progressStation')} problem={problem('station')}>
          {(attrs) => (
            <select {...attrs} value={form.station} onChange={set('station')}>
              {contract.stations.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={m('progressMetric')} problem={problem('metric')}>
          {(attrs) => (
            <select {...attrs} value={form.metric} onChange={set('metric')}>
              {metrics.map((metric) => (
                <option key={metric} value={metric}>
                  {text(METRIC_LABELS[metric])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={m('progressCount')} problem={problem('count')}>
          {(attrs) => (
            <input {...attrs} type="number" min={1} inputMode="numeric" value={form.count} onInput={set('count')} />
          )}
        </Field>
        <Field label={m('progressDate')} problem={problem('date')}>
          {(attrs) => <input {...attrs} type="date" value={form.date} onInput={set('date')} />}
        </Field>
        <Field label={m('progressNote')} problem={problem('evidence.note')}>
          {(attrs) => <input {...attrs} value={form.note} onInput={set('note')} />}
        </Field>
      </div>
      <FormProblems
        failure={failure}
        fields={PROGRESS_FIELDS}
        prefix={m('progressRefused', { message: failure?.message ?? '' })}
      />
      <div role="status">
        {done && (
          <p class="alert alert-ok">
            {m('progressRecorded', {
              count: done.count,
              metric: text(METRIC_LABELS[done.metric]),
              station: done.station,
              date: date(done.date),
            })}
          </p>
        )}
      </div>
      <button type="submit" class="primary" aria-disabled={busy}>
        {busy ? m('saving') : m('progressSubmit')}
      </button>
    </form>
  );
}

/** Per quota and station: the latest period begun, and how many periods fell short so far. */
export function QuotaTable({ contractId, version }: { contractId: string; version: number }) {
  const { m, text } = useI18n();
  const loaded = useLoad(
    () => get<Page<QuotaStanding>>(`/v1/contracts/${encode(contractId)}/quotas`).then((p) => latestPerStation(p.items)),
    [contractId, version],
  );
  return (
    <Await loaded={loaded}>
      {(rows) =>
        rows.length === 0 ? (
          <p class="muted">{m('quotasEmpty')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{m('colStation')}</th>
                  <th scope="col">{m('colMetric')}</th>
                  <th scope="col">{m('colPeriod')}</th>
                  <th scope="col">{m('colAchieved')}</th>
                  <th scope="col">{m('colStatus')}</th>
                  <th scope="col">{m('colPeriodsShort')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ latest: s, short }) => (
                  <tr key={`${s.quotaId}:${s.station}`}>
                    <th scope="row">{s.station ?? m('wholeContract')}</th>
                    <td>{text(METRIC_LABELS[s.metric])}</td>
                    <td>{s.periodKey}</td>
                    <td>
                      {s.achieved} / {s.target}
                    </td>
                    <td>
                      <Badge tone={PERIOD_TONE[s.status]}>{text(QUOTA_STATUS[s.status])}</Badge>
                    </td>
                    <td>{short}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </Await>
  );
}

function latestPerStation(standings: QuotaStanding[]): Array<{ latest: QuotaStanding; short: number }> {
  const rows = new Map<string, { latest: QuotaStanding; short: number }>();
  for (const s of standings) {
    if (s.status === 'upcoming') continue;
    const key = `${s.quotaId}:${s.station}`;
    const row = rows.get(key) ?? { latest: s, short: 0 };
    if (s.from >= row.latest.from) row.latest = s;
    if (s.status === 'short') row.short += 1;
    rows.set(key, row);
  }
  return [...rows.values()];
}
