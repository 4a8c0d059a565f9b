// One contract: its figures and disbursement curve with who holds what beside it, the payment form
// for the payer's finance officers, checkpoints, tranches, payroll coverage, payments, escalations
// and delays per party, milestones and submissions, material requests, and the timeline.
import { useState } from 'preact/hooks';
import type { EscalationParty } from '../../../domain/escalation';
import { get } from '../api';
import { CurveChart } from '../components/curve-chart';
import { fenOf } from '../curve';
import { DelayTable, EscalationTable, Holding } from '../components/escalations';
import { MaterialRequests, ProgressForm, QuotaTable, RequestForm } from '../components/village-chain';
import { PaymentForm } from '../components/payment-form';
import { ApplicationForm, ApplicationList, PaymentClockTable } from '../components/payment-applications';
import { MilestoneList, SubmissionHistory } from '../components/submissions';
import { Timeline } from '../components/timeline';
import {
  CHECKPOINT_STATUS,
  CONTRACT_STATUS,
  FUNDING_SOURCE,
  LEDGER_KIND,
  PARTY,
  TRANCHE_STATUS,
  useI18n,
} from '../i18n';
import { href } from '../router';
import { useTemplates } from '../templates';
import type { ContractDetail, Delays, Escalation, Page, Submission } from '../types';
import { Actor, Await, Badge, encode, isStationStaff, Section, useLoad, useOrgName, useSession } from '../ui';
import { CHECKPOINT_TONE, PageTitle, statusTone, TRANCHE_TONE } from './common';

function Figures({ c }: { c: ContractDetail }) {
  const { m, money, date, dateTime } = useI18n();
  const figures: Array<[string, string, string?]> = [
    [m('figValue'), money(c.value)],
    [m('figDueToDate'), money(c.dueToDate)],
    [m('figReceived'), money(c.received)],
    [m('figArrears'), money(c.arrears), c.overdue ? 'bad' : 'ok'],
    [m('figUnpaid'), money(c.unpaid)],
    [m('figNextDeadline'), c.nextDeadline ? date(c.nextDeadline) : m('none')],
  ];
  return (
    <>
      <dl class="figures">
        {figures.map(([label, value, tone]) => (
          <div key={label} class={tone ? `figure ${tone}` : 'figure'}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="muted small">{m('figAsOf', { time: dateTime(c.asOf) })}</p>
    </>
  );
}

function Checkpoints({ c }: { c: ContractDetail }) {
  const { m, text, money, date } = useI18n();
  if (c.checkpoints.length === 0) return <p class="muted">{m('checkpointsEmpty')}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{m('colBy')}</th>
            <th scope="col" class="num">
              {m('colMinPercent')}
            </th>
            <th scope="col" class="num">
              {m('colRequired')}
            </th>
            <th scope="col" class="num">
              {m('colReceivedBy')}
            </th>
            <th scope="col">{m('colStatus')}</th>
            <th scope="col" class="num">
              {m('colShortfall')}
            </th>
            <th scope="col" class="num">
              {m('colOutstanding')}
            </th>
            <th scope="col">{m('colRecoveredOn')}</th>
          </tr>
        </thead>
        <tbody>
          {c.checkpoints.map((cp) => (
            <tr key={cp.id}>
              <th scope="row">
                {date(cp.by)} <span class="muted small">{cp.id}</span>
              </th>
              <td class="num">{cp.minPercent}%</td>
              <td class="num">{money(cp.required)}</td>
              <td class="num">{money(cp.receivedBy)}</td>
              <td>
                <Badge tone={CHECKPOINT_TONE[cp.status]}>{text(CHECKPOINT_STATUS[cp.status])}</Badge>
              </td>
              <td class="num">{money(cp.shortfall)}</td>
              <td class="num">{money(cp.outstanding)}</td>
              <td>
                {cp.recoveredOn ? `${date(cp.recoveredOn)} (${m('colDaysLate')}: ${cp.daysLate ?? 0})` : m('none')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Tranches({ c }: { c: ContractDetail }) {
  const { m, text, money, date } = useI18n();
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{m('colTranche')}</th>
            <th scope="col">{m('colDueOn')}</th>
            <th scope="col" class="num">
              {m('colAmount')}
            </th>
            <th scope="col">{m('colFundingSource')}</th>
            <th scope="col">{m('colStatus')}</th>
            <th scope="col" class="num">
              {m('colOutstanding')}
            </th>
            <th scope="col">{m('colPaidOn')}</th>
          </tr>
        </thead>
        <tbody>
          {c.tranches.map((t) => (
            <tr key={t.id}>
              <th scope="row">{t.label}</th>
              <td>{date(t.due)}</td>
              <td class="num">
                {money(t.amount)}
                {t.percent !== null && <span class="muted small"> ({t.percent}%)</span>}
              </td>
              <td>{text(FUNDING_SOURCE[t.fundingSource])}</td>
              <td>
                <Badge tone={TRANCHE_TONE[t.status]}>{text(TRANCHE_STATUS[t.status])}</Badge>
              </td>
              <td class="num">{money(t.outstanding)}</td>
              <td>{t.paidOn ? date(t.paidOn) : m('none')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Payroll({ c }: { c: ContractDetail }) {
  const { m, money, date, percent } = useI18n();
  const p = c.payroll;
  if (!p) return <p class="muted">{m('payrollNone')}</p>;
  const rows: Array<[string, string, string?]> = [
    [m('payrollHeadcount'), String(p.headcount)],
    [m('payrollMonthly'), money(p.monthlyPayroll)],
    [m('payrollPersonnelReceived'), money(p.personnelReceived)],
    [m('payrollMonthsCovered'), m('payrollOfTerm', { months: p.monthsCovered.toFixed(1), term: p.termMonths })],
    [m('payrollMonthsUnfunded'), String(p.monthsUnfunded), p.monthsUnfunded > 0 ? 'bad' : 'ok'],
    [m('payrollRunOut'), date(p.runOutDate)],
  ];
  // The rule is domain/status.ts personnelReceived and payrollStatus; said here in the reader's words.
  const personnelFen = c.budgetLines.filter((l) => l.kind === 'personnel').reduce((sum, l) => sum + fenOf(l.amount), 0);
  const valueFen = fenOf(c.value);
  return (
    <>
      <dl class="figures compact">
        {rows.map(([label, value, tone]) => (
          <div key={label} class={tone ? `figure ${tone}` : 'figure'}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div class="muted small payroll-rule">
        <p>
          {c.budgetLines.length === 0
            ? m('payrollShareAll')
            : m('payrollShare', {
                personnel: money(personnelFen / 100),
                value: money(valueFen / 100),
                share: percent(valueFen > 0 ? personnelFen / valueFen : 0),
              })}
        </p>
        <p>{m('payrollMonthsRule', { monthly: money(p.monthlyPayroll), term: p.termMonths })}</p>
      </div>
    </>
  );
}

function Ledger({ c }: { c: ContractDetail }) {
  const { m, text, money, date, dateTime } = useI18n();
  if (c.ledger.length === 0) return <p class="muted">{m('ledgerEmpty')}</p>;
  return (
    <div class="table-wrap">
      <table class="ledger">
        <thead>
          <tr>
            <th scope="col">{m('colReference')}</th>
            <th scope="col">{m('colKind')}</th>
            <th scope="col" class="num">
              {m('colAmount')}
            </th>
            <th scope="col">{m('colReceivedOn')}</th>
            <th scope="col">{m('colFundingSource')}</th>
            <th scope="col">{m('colRecordedBy')}</th>
            <th scope="col">{m('colNote')}</th>
          </tr>
        </thead>
        <tbody>
          {c.ledger.map((e) => (
            <tr key={e.reference}>
              <th scope="row">{e.reference}</th>
              <td>{text(LEDGER_KIND[e.kind])}</td>
              <td class={`num${e.kind === 'reversal' ? ' bad' : ''}`}>{money(e.amount)}</td>
              <td>{date(e.receivedOn)}</td>
              <td>{text(FUNDING_SOURCE[e.fundingSource])}</td>
              <td>
                <Actor id={e.recordedBy} />
                <div class="muted small">{dateTime(e.recordedAt)}</div>
              </td>
              <td class="small">{[e.budgetLine, e.note, e.reason].filter(Boolean).join(' · ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Parties({ c }: { c: ContractDetail }) {
  const { m, text } = useI18n();
  const orgName = useOrgName();
  const entries = Object.entries(c.parties).filter(
    (entry): entry is [EscalationParty, string] => typeof entry[1] === 'string',
  );
  return (
    <>
      <dl class="parties">
        {entries.map(([party, id]) => (
          <div key={party}>
            <dt>{text(PARTY[party])}</dt>
            <dd>{orgName(id)}</dd>
          </div>
        ))}
      </dl>
      <p class="muted small">
        {m('colStation')}: {c.stations.map((s) => `${s.name} (${s.township})`).join(', ')}
      </p>
    </>
  );
}

export function ContractPage({ id }: { id: string }) {
  const { m, text, date } = useI18n();
  const { me, inboxChanged } = useSession();
  // Bumped by every change made from this page: the figures, curve, escalations and timeline reload.
  const [version, setVersion] = useState(0);
  const changed = () => {
    setVersion((v) => v + 1);
    inboxChanged();
  };
  const path = `/v1/contracts/${encode(id)}`;
  const detail = useLoad(() => get<ContractDetail>(path), [id, version]);
  const delays = useLoad(() => get<Delays>(`${path}/delays`), [id, version]);
  const escalations = useLoad(() => get<Page<Escalation>>(`${path}/escalations`).then((p) => p.items), [id, version]);
  const submissions = useLoad(() => get<Page<Submission>>(`${path}/submissions`).then((p) => p.items), [id, version]);
  const templates = useTemplates();

  return (
    <>
      <p>
        <a href={href.contracts()}>{m('backToContracts')}</a>
      </p>
      <Await loaded={detail}>
        {(c) => {
          const pays =
            me.roles.includes('finance_officer') && me.organization?.id === c.parties.payer && c.status === 'active';
          const stationStaff = isStationStaff(me, c.parties.contractor);
          const files =
            me.roles.includes('contractor_staff') &&
            me.organization?.id === c.parties.contractor &&
            c.status === 'active';
          return (
            <>
              <PageTitle
                sub={
                  <p class="subtitle">
                    <span class="mono">{c.id}</span>{' '}
                    <Badge tone={statusTone(c.status)}>{text(CONTRACT_STATUS[c.status])}</Badge>{' '}
                    <span class="muted">
                      {m('figTerm')} {date(c.term.start)} – {date(c.term.end)}
                    </span>
                  </p>
                }
              >
                {c.title}
              </PageTitle>
              <CalendarWarnings warnings={c.calendarWarnings} />
              <Figures c={c} />
              <div class="curve-row">
                <Section id="curve" title={m('chartTitle')}>
                  <CurveChart detail={c} />
                </Section>
                <Section id="holding" title={m('holdingTitle')}>
                  <Await loaded={delays}>{(d) => <Holding delays={d} />}</Await>
                </Section>
              </div>
              {pays && (
                <Section id="payment" title={m('paymentTitle')}>
                  <PaymentForm contract={c} onRecorded={changed} />
                </Section>
              )}
              <Section id="checkpoints" title={m('checkpointsTitle')}>
                <Checkpoints c={c} />
              </Section>
              <Section id="tranches" title={m('tranchesTitle')}>
                <Tranches c={c} />
              </Section>
              <Section id="payment-clock" title={m('clockTitle')}>
                <PaymentClockTable c={c} />
                <h3>{m('applicationsTitle')}</h3>
                <ApplicationList c={c} version={version} onChanged={changed} />
                {files && <ApplicationForm c={c} onFiled={changed} />}
              </Section>
              <Section id="payroll" title={m('payrollTitle')}>
                <Payroll c={c} />
              </Section>
              <Section id="ledger" title={m('ledgerTitle')}>
                <Ledger c={c} />
              </Section>
              <Section id="escalations" title={m('escalationsTitle')}>
                <Await loaded={escalations}>{(items) => <EscalationTable items={items} onChanged={changed} />}</Await>
                <h3>{m('delaysTitle')}</h3>
                <Await loaded={delays}>{(d) => <DelayTable delays={d} />}</Await>
              </Section>
              <Section id="submissions" title={m('submissionsTitle')}>
                <Await loaded={submissions}>
                  {(items) => (
                    <>
                      <MilestoneList milestones={c.milestones} submissions={items} />
                      <SubmissionHistory items={items} templates={templates.data ?? []} milestones={c.milestones} />
                    </>
                  )}
                </Await>
              </Section>
              <Section id="quotas" title={m('quotasTitle')}>
                <QuotaTable contractId={c.id} version={version} />
                {stationStaff && c.status === 'active' && <ProgressForm contract={c} onRecorded={changed} />}
              </Section>
              <Section id="material-requests" title={m('materialRequestsTitle')}>
                <MaterialRequests contractId={c.id} contractorId={c.parties.contractor} version={version} />
                {stationStaff && c.status === 'active' && <RequestForm contract={c} onRequested={changed} />}
              </Section>
              <Section id="timeline" title={m('timelineTitle')}>
                <Timeline contractId={c.id} version={version} milestones={c.milestones} />
              </Section>
              <Section id="parties" title={m('partiesTitle')}>
                <Parties c={c} />
              </Section>
            </>
          );
        }}
      </Await>
    </>
  );
}

/** Years of the term without an official calendar (only weekends are days off there): said above everything else. */
function CalendarWarnings({ warnings }: { warnings: ContractDetail['calendarWarnings'] }) {
  const { text } = useI18n();
  if (warnings.length === 0) return null;
  return (
    <div class="alert alert-warn" role="note" data-testid="calendar-warnings">
      {warnings.map((w) => (
        <p key={w.year}>{text(w.message)}</p>
      ))}
    </div>
  );
}
