// The payer's yearly list (issue 18; 《保障中小企业款项支付条例》: public bodies publish their overdue
// payments yearly): every contract the organization pays with money overdue on a day, its
// contractor, tranche, amount, days and interest; as a table, and as CSV to publish.
import { useState } from 'preact/hooks';
import { getAll, session } from '../api';
import { useI18n } from '../i18n';
import { href } from '../router';
import { LateMoneyHeads } from '../components/payment-applications';
import type { OverduePayments } from '../types';
import { Await, encode, Field, shanghaiToday, useLoad, useSession } from '../ui';
import { PageTitle } from './common';

export function OverduePage() {
  const { m, money, date } = useI18n();
  const { me } = useSession();
  const [organization, setOrganization] = useState(me.organization?.id ?? '');
  const [asOf, setAsOf] = useState(
    `${shanghaiToday().slice(0, 4)}-12-31` > shanghaiToday() ? shanghaiToday() : `${shanghaiToday().slice(0, 4)}-12-31`,
  );
  const path = `/v1/organizations/${encode(organization)}/overdue-payments?asOf=${encode(asOf)}`;
  // Paged by the payer's contracts (nextCursor): the table is every page's rows.
  const loaded = useLoad(
    async () =>
      organization ? { items: await getAll<OverduePayments['items'][number]>(`${path}&limit=500`) } : undefined,
    [path],
  );
  const [csvUrl, setCsvUrl] = useState<string>();

  const downloadCsv = async () => {
    const token = session.token();
    const response = await fetch(path, {
      headers: { accept: 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    if (!response.ok) return;
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    const url = URL.createObjectURL(await response.blob());
    setCsvUrl(url);
    const a = document.createElement('a');
    a.href = url;
    a.download = `overdue-payments-${organization}-${asOf}.csv`;
    a.click();
  };

  return (
    <>
      <PageTitle sub={<p class="subtitle muted">{m('overdueIntro')}</p>}>{m('overdueTitle')}</PageTitle>
      <div class="form-grid">
        <Field label={m('overdueOrganization')}>
          {(attrs) => (
            <input
              {...attrs}
              value={organization}
              onChange={(e) => setOrganization((e.currentTarget as HTMLInputElement).value.trim())}
            />
          )}
        </Field>
        <Field label={m('overdueAsOf')}>
          {(attrs) => (
            <input
              {...attrs}
              type="date"
              value={asOf}
              onChange={(e) => setAsOf((e.currentTarget as HTMLInputElement).value)}
            />
          )}
        </Field>
      </div>
      <p>
        <button type="button" onClick={() => void downloadCsv()}>
          {m('overdueCsv')}
        </button>
      </p>
      <Await loaded={loaded}>
        {(list) =>
          !list || list.items.length === 0 ? (
            <p class="muted">{m('overdueEmpty')}</p>
          ) : (
            <div class="table-wrap">
              <table data-testid="overdue-payments">
                <thead>
                  <tr>
                    <th scope="col">{m('colContract')}</th>
                    <th scope="col">{m('overdueContractor')}</th>
                    <th scope="col">{m('colTranche')}</th>
                    <LateMoneyHeads />
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((i) => (
                    <tr key={`${i.contractId}/${i.tranche}`}>
                      <th scope="row">
                        <a href={href.contract(i.contractId)}>{i.contractTitle}</a>
                      </th>
                      <td>{i.contractorName}</td>
                      <td>{i.trancheLabel}</td>
                      <td>{date(i.paymentDueOn)}</td>
                      <td class="num bad">{money(i.outstanding)}</td>
                      <td class="num">{i.daysOverdue}</td>
                      <td class="num">{money(i.interest)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Await>
    </>
  );
}
