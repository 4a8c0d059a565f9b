// The village chain on a contract's page: material requests to villages with what each village
// still owes, and the indicator quotas under way or short, per station.
import { METRIC_LABELS } from '../../../domain/quotas';
import { get } from '../api';
import { MATERIAL_REQUEST_STATUS, QUOTA_STATUS, useI18n } from '../i18n';
import type { MaterialRequest, Page, QuotaStanding } from '../types';
import { Await, Badge, encode, useLoad, useOrgName } from '../ui';

export function MaterialRequests({ contractId, version }: { contractId: string; version: number }) {
  const { m, text, date } = useI18n();
  const orgName = useOrgName();
  const loaded = useLoad(() => get<Page<MaterialRequest>>(`/v1/contracts/${encode(contractId)}/material-requests`).then((p) => p.items), [contractId, version]);
  const owed = (r: MaterialRequest) =>
    r.villageStatus
      .map((v) => ({ village: v.village, count: v.items.reduce((sum, i) => sum + i.outstanding, 0) }))
      .filter((v) => v.count > 0)
      .map((v) => m('villageOwes', { village: orgName(v.village), count: String(v.count) }))
      .join('; ');
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
                      <Badge tone={r.status === 'accepted' || r.status === 'delivered' ? 'ok' : r.status === 'cancelled' ? 'muted' : 'info'}>
                        {text(MATERIAL_REQUEST_STATUS[r.status])}
                      </Badge>{' '}
                      {r.overdue && <Badge tone="bad">{m('overdue')}</Badge>}
                    </td>
                    <td>{owed(r)}</td>
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
                      <Badge tone={s.status === 'short' ? 'bad' : s.status === 'met' ? 'ok' : 'info'}>{text(QUOTA_STATUS[s.status])}</Badge>
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
