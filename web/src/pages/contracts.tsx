// My contracts: status, received against due, arrears, open escalations and the next deadline,
// filtered (status and arrears by the API, text here) and sortable by any column.
import { CONTRACT_STATUSES } from '../../../domain/status';
import { useMemo, useState } from 'preact/hooks';
import { get, getAll } from '../api';
import { CONTRACT_STATUS, useI18n } from '../i18n';
import { href } from '../router';
import type { ContractStatus, ContractSummary, Escalation, Page } from '../types';
import { Await, Badge, useLoad } from '../ui';
import { PageTitle, statusTone } from './common';

type SortKey = 'id' | 'status' | 'received' | 'share' | 'arrears' | 'escalations' | 'nextDeadline';
type Row = ContractSummary & { escalations: number; share: number };

const STATUSES: readonly ContractStatus[] = CONTRACT_STATUSES;

function compare(a: Row, b: Row, key: SortKey): number {
  switch (key) {
    case 'id':
      return a.id.localeCompare(b.id);
    case 'status':
      return a.status.localeCompare(b.status);
    case 'received':
    case 'arrears':
      return Number(a[key]) - Number(b[key]);
    case 'share':
    case 'escalations':
      return a[key] - b[key];
    case 'nextDeadline':
      // Contracts without a deadline sort last.
      return (a.nextDeadline ?? '9999').localeCompare(b.nextDeadline ?? '9999');
  }
}

export function ContractsPage() {
  const { m, text, money, date, percent } = useI18n();
  const [status, setStatus] = useState<ContractStatus | ''>('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'arrears', descending: true });

  const loaded = useLoad(async () => {
    const query = new URLSearchParams({ limit: '200' });
    if (status) query.set('status', status);
    if (overdueOnly) query.set('overdue', 'true');
    const [contracts, escalations] = await Promise.all([
      get<Page<ContractSummary> & { total: number; totalExact: boolean }>(`/v1/contracts?${query}`),
      getAll<Escalation>('/v1/escalations?limit=200'),
    ]);
    const open = new Map<string, number>();
    for (const e of escalations) {
      if (e.state === 'open' || e.state === 'acknowledged') open.set(e.contractId, (open.get(e.contractId) ?? 0) + 1);
    }
    const rows: Row[] = contracts.items.map((c) => ({
      ...c,
      escalations: open.get(c.id) ?? 0,
      share: Number(c.dueToDate) > 0 ? Number(c.received) / Number(c.dueToDate) : 1,
    }));
    return { rows, total: contracts.total, exact: contracts.totalExact };
  }, [status, overdueOnly]);

  const needle = search.trim().toLowerCase();
  const shown = useMemo(() => {
    const rows = (loaded.data?.rows ?? []).filter(
      (r) => !needle || r.id.toLowerCase().includes(needle) || r.title.toLowerCase().includes(needle),
    );
    return rows.sort((a, b) => (sort.descending ? -1 : 1) * compare(a, b, sort.key));
  }, [loaded.data, needle, sort]);

  const header = (key: SortKey, label: string, numeric = false) => (
    <th
      scope="col"
      class={numeric ? 'num' : undefined}
      aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        class="sort"
        onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : numeric }))}
      >
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ' ↕'}</span>
      </button>
    </th>
  );

  return (
    <>
      <PageTitle>{m('contractsTitle')}</PageTitle>
      <form class="filters" onSubmit={(e) => e.preventDefault()} role="search">
        <div class="field">
          <label for="filter-status">{m('filterStatus')}</label>
          <select
            id="filter-status"
            value={status}
            onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as ContractStatus | '')}
          >
            <option value="">{m('filterAny')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {text(CONTRACT_STATUS[s])}
              </option>
            ))}
          </select>
        </div>
        <div class="field check">
          <input
            id="filter-overdue"
            type="checkbox"
            checked={overdueOnly}
            onChange={(e) => setOverdueOnly((e.currentTarget as HTMLInputElement).checked)}
          />
          <label for="filter-overdue">{m('filterOverdue')}</label>
        </div>
        <div class="field grow">
          <label for="filter-search">{m('filterSearch')}</label>
          <input
            id="filter-search"
            type="search"
            value={search}
            onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
      </form>
      <Await loaded={loaded}>
        {(data) => (
          <>
            <p class="muted" role="status">
              {m(data.exact ? 'contractsCount' : 'contractsCountAtLeast', { shown: shown.length, total: data.total })}
            </p>
            {shown.length === 0 ? (
              <p>{m('contractsEmpty')}</p>
            ) : (
              <div class="table-wrap">
                <table class="contracts">
                  <caption class="visually-hidden">{m('contractsCaption')}</caption>
                  <thead>
                    <tr>
                      {header('id', m('colContract'))}
                      {header('status', m('colStatus'))}
                      {header('received', m('colReceived'), true)}
                      {header('share', m('colReceivedShare'), true)}
                      {header('arrears', m('colArrears'), true)}
                      {header('escalations', m('colEscalations'), true)}
                      {header('nextDeadline', m('colNextDeadline'))}
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((c) => (
                      <tr key={c.id}>
                        <td>
                          <a href={href.contract(c.id)}>{c.id}</a>
                          <div class="muted small">{c.title}</div>
                        </td>
                        <td>
                          <Badge tone={statusTone(c.status)}>{text(CONTRACT_STATUS[c.status])}</Badge>
                        </td>
                        <td class="num">
                          {money(c.received)}
                          <div class="muted small">
                            {m('colDueToDate')} {money(c.dueToDate)}
                          </div>
                        </td>
                        <td class="num">
                          <meter
                            min={0}
                            max={1}
                            low={0.8}
                            optimum={1}
                            value={Math.min(1, c.share)}
                            aria-label={m('colReceivedShare')}
                          />{' '}
                          {percent(c.share)}
                        </td>
                        <td class={`num${c.overdue ? ' bad' : ''}`}>{money(c.arrears)}</td>
                        <td class="num">{c.escalations > 0 ? <Badge tone="bad">{c.escalations}</Badge> : '0'}</td>
                        <td>{c.nextDeadline ? date(c.nextDeadline) : m('none')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Await>
    </>
  );
}
