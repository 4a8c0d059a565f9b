// The payer's legal clock on the contract page (issue 18): each tranche's application, acceptance
// (or deemed acceptance), payment deadline, days overdue and interest; the contractor's staff file
// an application; the purchaser's agency officers accept or return it with reasons. Every rule is
// the API's (domain/payment-terms); the page shows its answers and its refusals beside the fields.
import { useState } from 'preact/hooks';
import type { AcceptanceDecision } from '../../../domain/decisions';
import { request } from '../api';
import { useI18n } from '../i18n';
import type { ContractDetail, PaymentApplication } from '../types';
import {
  Actor,
  Await,
  Badge,
  encode,
  Field,
  FormProblems,
  shanghaiToday,
  useLoad,
  useSession,
  useSubmission,
} from '../ui';
import { ApiFailure, get, type Problem } from '../api';
import { MAX_ATTACHMENT_BYTES, MAX_UPLOAD_REQUEST_BYTES } from '../../../domain/attachments';
import { byteSize, renderLoose } from '../../../domain/messages';
import { applicationProblems, type ApplicationFields } from '../../../domain/payment-applications';
import { useIdempotentAttempts } from '../idempotency';
import {
  ACCEPTED_EXTENSIONS,
  requestBytes,
  toUploads,
  UPLOAD_CAPACITY_BYTES,
  uploadBody,
  type Upload,
} from '../uploads';

type Clock = ContractDetail['paymentClock'];

function rateText(terms: Clock['terms'], m: ReturnType<typeof useI18n>['m']): string {
  return terms.lateInterest.kind === 'statutory_daily'
    ? m('clockRateStatutory')
    : terms.lateInterest.kind === 'agreed'
      ? m('clockRateAgreed', {
          rate: terms.lateInterest.annualRatePercent,
          lpr: terms.lateInterest.lprAtSigningPercent,
        })
      : m('clockRateNone');
}

function termsText(terms: Clock['terms'], m: ReturnType<typeof useI18n>['m']): string {
  const rate = rateText(terms, m);
  return m(terms.basis === 'acceptance' ? 'clockTermsAcceptance' : 'clockTermsDueDate', {
    days: terms.payWithinDays,
    count: m(terms.dayCount === 'working' ? 'clockWorkingDays' : 'clockCalendarDays'),
    acceptance: terms.acceptanceWorkingDays,
    rate,
    statute: terms.statute === 'sme_payment_2025' ? m('clockStatute') : m('clockNoStatute'),
  });
}

/** The columns of a tranche's late money, in the clock's table and the payer's yearly list alike. */
export function LateMoneyHeads() {
  const { m } = useI18n();
  return (
    <>
      <th scope="col">{m('colPaymentDue')}</th>
      <th scope="col" class="num">
        {m('colOverdue')}
      </th>
      <th scope="col" class="num">
        {m('colDaysOverdue')}
      </th>
      <th scope="col" class="num">
        {m('colInterest')}
      </th>
    </>
  );
}

/** The clock of every tranche, and the contract's total interest. */
export function PaymentClockTable({ c }: { c: ContractDetail }) {
  const { m, money, date } = useI18n();
  const clock = c.paymentClock;
  const day = (d: string | null) => (d ? date(d) : m('none'));
  const release = (r: Clock['tranches'][number]['release']) =>
    r === 'on_due_date'
      ? m('releaseOnDueDate')
      : r === 'on_application'
        ? m('releaseOnApplication')
        : m('releaseAfterApproval', { milestone: r.afterApproval });
  return (
    <>
      <p class="muted small" data-testid="clock-terms">
        {termsText(clock.terms, m)}
      </p>
      <div class="table-wrap">
        <table data-testid="payment-clock">
          <thead>
            <tr>
              <th scope="col">{m('colTranche')}</th>
              <th scope="col">{m('colRelease')}</th>
              <th scope="col" class="num">
                {m('colApplied')}
              </th>
              <th scope="col">{m('colAcceptance')}</th>
              <LateMoneyHeads />
            </tr>
          </thead>
          <tbody>
            {clock.tranches.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.label}</th>
                <td class="small">
                  {release(t.release)}
                  {t.releasedOn && <div class="muted">{m('releasedOn', { day: date(t.releasedOn) })}</div>}
                </td>
                <td class="num">
                  {money(t.applied)}
                  {t.appliedOn && <div class="muted small">{date(t.appliedOn)}</div>}
                </td>
                <td class="small">
                  {t.acceptedOn && m('acceptedOn', { day: date(t.acceptedOn) })}
                  {t.deemedAcceptedOn && (
                    <Badge tone="warn">{m('deemedAcceptedOn', { day: date(t.deemedAcceptedOn) })}</Badge>
                  )}
                  {!t.acceptedOn &&
                    !t.deemedAcceptedOn &&
                    t.acceptanceDueOn &&
                    m('acceptanceDueBy', { day: date(t.acceptanceDueOn) })}
                  {!t.acceptanceDueOn && m('none')}
                  {t.purchaserLateWorkingDays > 0 && (
                    <div class="bad">{m('purchaserLate', { days: t.purchaserLateWorkingDays })}</div>
                  )}
                </td>
                <td>
                  {day(t.paymentDueOn)}
                  {/* A clock started before the terms were amended runs on the terms of its first day. */}
                  {t.clockStartedOn && termsText(t.terms, m) !== termsText(clock.terms, m) && (
                    <div class="muted small">
                      {m('clockOwnTerms', {
                        day: date(t.clockStartedOn),
                        days: t.terms.payWithinDays,
                        count: m(t.terms.dayCount === 'working' ? 'clockWorkingDays' : 'clockCalendarDays'),
                        rate: rateText(t.terms, m),
                      })}
                    </div>
                  )}
                </td>
                <td class={`num${t.overdue !== '0.00' ? ' bad' : ''}`}>{money(t.overdue)}</td>
                <td class="num">{t.daysOverdue}</td>
                <td
                  class={`num${t.interest !== '0.00' ? ' bad' : ''}`}
                  title={t.segments
                    .map((s) =>
                      m('interestSegment', {
                        from: date(s.from),
                        to: date(s.to),
                        days: s.days,
                        base: money(s.base),
                        interest: money(s.interest),
                      }),
                    )
                    .join('\n')}
                >
                  {money(t.interest)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={7}>
                {m('interestTotal', { day: date(clock.asOf) })}
              </th>
              <td class="num" data-testid="interest-total">
                {money(clock.interest)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

const FILE_FIELDS = ['tranche', 'amount', 'invoice', 'note', 'attachments'];

/** Contractor staff file an application for a tranche. */
export function ApplicationForm({ c, onFiled }: { c: ContractDetail; onFiled(): void }) {
  const { lang, m, money, date } = useI18n();
  const [form, setForm] = useState({
    tranche: c.tranches.find((t) => t.status !== 'paid')?.id ?? c.tranches[0]?.id ?? '',
    amount: '',
    number: '',
    date: shanghaiToday(),
    note: '',
  });
  const [done, setDone] = useState<PaymentApplication>();
  /** The files chosen so far (the invoice, its scan, acceptance records); read and hashed when the form is sent. */
  const [files, setFiles] = useState<File[]>([]);
  /** Bumped to clear the file input once its files are taken into `files` or sent. */
  const [picker, setPicker] = useState(0);
  /** Files read so far while the form is sent (they are read and hashed one at a time). */
  const [reading, setReading] = useState<{ done: number; total: number }>();
  const { busy, failure, submit: send } = useSubmission();
  const attempt = useIdempotentAttempts();
  const choose = (event: Event) => {
    const chosen = [...((event.currentTarget as HTMLInputElement).files ?? [])];
    setFiles((f) => [...f, ...chosen.filter((c) => !f.some((x) => x.name === c.name && x.size === c.size))]);
    setPicker((n) => n + 1);
  };
  const set = (field: keyof typeof form) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setForm((f) => ({ ...f, [field]: value }));
  };
  /**
   * Every refusal the page can give before it reads a file or sends anything, in the page's
   * language: the fields by the filing's rules (domain/payment-applications), each file larger than
   * MAX_ATTACHMENT_BYTES, and files too large together for one request (MAX_UPLOAD_REQUEST_BYTES).
   */
  const refusals = (body: ApplicationFields & { note?: string }): Problem[] => {
    const fields = applicationProblems(
      body,
      c.tranches.map((t) => t.id),
    ).map((p) => ({
      field: p.field,
      reason: p.code ? renderLoose({ code: p.code, params: p.params }, lang) : p.reason,
    }));
    const large = files.flatMap((f, i) =>
      f.size > MAX_ATTACHMENT_BYTES
        ? [
            {
              field: `attachments.${i}`,
              reason: m('attachmentTooLarge', { name: f.name, size: byteSize(MAX_ATTACHMENT_BYTES) }),
            },
          ]
        : [],
    );
    const bytes = requestBytes(body, files, 'other');
    const together =
      bytes > MAX_UPLOAD_REQUEST_BYTES
        ? [
            {
              field: 'attachments',
              reason: m('attachmentsTooLargeTogether', {
                size: byteSize(bytes),
                limit: byteSize(MAX_UPLOAD_REQUEST_BYTES),
              }),
            },
          ]
        : [];
    return [...fields, ...large, ...together];
  };
  const submit = (event: Event) => {
    event.preventDefault();
    void send(async () => {
      setDone(undefined);
      const body = {
        tranche: form.tranche,
        amount: form.amount.trim().replace(/[,，\s]/g, ''),
        invoice: { number: form.number.trim(), date: form.date },
        ...(form.note.trim() ? { note: form.note.trim() } : {}),
      };
      const refused = refusals(body);
      if (refused.length > 0) throw new ApiFailure(422, 'invalid', m('applicationNeedsFixing'), refused);
      let attachments: Upload[];
      try {
        attachments = await toUploads(files, 'other', (done, total) => setReading({ done, total }));
      } finally {
        setReading(undefined);
      }
      // The same application sent again after no answer (or a 5xx) goes under the same Idempotency-Key.
      const identity = { ...body, attachments: attachments.map(({ content: _bytes, ...meta }) => meta) };
      const { body: filed } = await attempt(identity, (idempotencyKey) =>
        request<PaymentApplication>(
          'POST',
          `/v1/contracts/${encode(c.id)}/payment-applications`,
          uploadBody(body, attachments),
          { idempotencyKey },
        ),
      );
      setDone(filed);
      setForm((f) => ({ ...f, amount: '', number: '', note: '' }));
      setFiles([]);
      onFiled();
    });
  };
  const problem = (field: string) => failure?.reasonFor(field);
  return (
    <form class="payment-form" onSubmit={submit} noValidate data-testid="application-form">
      <p class="muted">{m('applicationIntro')}</p>
      <div class="form-grid">
        <Field label={m('colTranche')} problem={problem('tranche')}>
          {(attrs) => (
            <select {...attrs} name="tranche" value={form.tranche} onChange={set('tranche')}>
              {c.tranches.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label} · {money(t.amount)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={m('paymentAmount')} hint={m('paymentAmountHint')} problem={problem('amount')}>
          {(attrs) => (
            <input
              {...attrs}
              name="amount"
              inputMode="decimal"
              autoComplete="off"
              value={form.amount}
              onInput={set('amount')}
            />
          )}
        </Field>
        <Field label={m('invoiceNumber')} problem={problem('invoice.number')}>
          {(attrs) => (
            <input {...attrs} name="invoiceNumber" autoComplete="off" value={form.number} onInput={set('number')} />
          )}
        </Field>
        <Field label={m('invoiceDate')} problem={problem('invoice.date')}>
          {(attrs) => <input {...attrs} name="invoiceDate" type="date" value={form.date} onInput={set('date')} />}
        </Field>
        <Field label={m('paymentNote')} problem={problem('note')}>
          {(attrs) => <textarea {...attrs} name="note" rows={2} value={form.note} onInput={set('note')} />}
        </Field>
        <Field
          label={m('applicationAttachments')}
          hint={m('applicationAttachmentsHint', {
            size: byteSize(MAX_ATTACHMENT_BYTES),
            total: byteSize(UPLOAD_CAPACITY_BYTES),
          })}
          problem={problem('attachments')}
        >
          {(attrs) => (
            <input
              {...attrs}
              key={picker}
              name="attachments"
              type="file"
              multiple
              accept={ACCEPTED_EXTENSIONS}
              onChange={choose}
            />
          )}
        </Field>
      </div>
      {files.length > 0 && (
        <ul class="attachments small" data-testid="chosen-attachments" aria-label={m('attachmentsChosen')}>
          {files.map((f) => (
            <li key={`${f.name}/${f.size}`}>
              {f.name} <span class="muted">· {byteSize(f.size)}</span>{' '}
              <button type="button" class="small-action" onClick={() => setFiles((all) => all.filter((x) => x !== f))}>
                {m('attachmentRemove', { name: f.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormProblems
        failure={failure}
        fields={FILE_FIELDS}
        prefix={m('applicationRefused', { message: failure?.message ?? '' })}
      />
      <div role="status">
        {reading && (
          <p class="muted" data-testid="attachments-reading">
            {m('attachmentsReading', { done: reading.done, total: reading.total })}
          </p>
        )}
        {done && (
          <p class="alert alert-ok">
            {m('applicationFiled', {
              amount: money(done.amount),
              day: done.acceptanceDueOn ? m('acceptanceDueBy', { day: date(done.acceptanceDueOn) }) : '',
            })}
          </p>
        )}
      </div>
      <button type="submit" class="primary" aria-disabled={busy}>
        {busy ? m('saving') : m('applicationSubmit')}
      </button>
    </form>
  );
}

function Decide({ application, onDecided }: { application: PaymentApplication; onDecided(): void }) {
  const { m } = useI18n();
  const [reasons, setReasons] = useState('');
  const { busy, failure, submit } = useSubmission();
  const attempt = useIdempotentAttempts();
  const decide = (outcome: AcceptanceDecision) =>
    void submit(async () => {
      const list = reasons
        .split('\n')
        .map((r) => r.trim())
        .filter(Boolean);
      const body = { outcome, ...(list.length > 0 ? { reasons: list } : {}) };
      await attempt(body, (idempotencyKey) =>
        request('POST', `/v1/payment-applications/${encode(application.id)}/decision`, body, { idempotencyKey }),
      );
      onDecided();
    });
  return (
    <div class="decide">
      <Field label={m('returnReasons')} hint={m('returnReasonsHint')} problem={failure?.reasonFor('reasons')}>
        {(attrs) => (
          <textarea
            {...attrs}
            rows={2}
            value={reasons}
            onInput={(e) => setReasons((e.currentTarget as HTMLTextAreaElement).value)}
          />
        )}
      </Field>
      <FormProblems
        failure={failure}
        fields={['reasons']}
        prefix={m('applicationDecisionRefused', { message: failure?.message ?? '' })}
      />
      <button type="button" class="primary" aria-disabled={busy} onClick={() => decide('accept')}>
        {m('applicationAccept')}
      </button>{' '}
      <button type="button" aria-disabled={busy} onClick={() => decide('return')}>
        {m('applicationReturn')}
      </button>
    </div>
  );
}

/** The contract's applications; the purchaser's agency officers decide the pending ones. */
export function ApplicationList({ c, version, onChanged }: { c: ContractDetail; version: number; onChanged(): void }) {
  const { m, money, date, dateTime } = useI18n();
  const { me } = useSession();
  const loaded = useLoad(
    () =>
      get<{ items: PaymentApplication[] }>(`/v1/contracts/${encode(c.id)}/payment-applications`).then((r) => r.items),
    [c.id, version],
  );
  const decides =
    me.roles.includes('agency_officer') && me.organization?.id === c.parties.purchaser && c.status === 'active';
  const label = (id: string) => c.tranches.find((t) => t.id === id)?.label ?? id;
  const tone = (s: string) => (s === 'accepted' ? 'ok' : s === 'returned' ? 'bad' : 'warn');
  return (
    <Await loaded={loaded}>
      {(items) =>
        items.length === 0 ? (
          <p class="muted">{m('applicationsEmpty')}</p>
        ) : (
          <div class="table-wrap">
            <table data-testid="applications">
              <thead>
                <tr>
                  <th scope="col">{m('colTranche')}</th>
                  <th scope="col" class="num">
                    {m('colAmount')}
                  </th>
                  <th scope="col">{m('colInvoice')}</th>
                  <th scope="col">{m('colFiled')}</th>
                  <th scope="col">{m('colAcceptanceDue')}</th>
                  <th scope="col">{m('colStatus')}</th>
                  <th scope="col">{m('colApplicationDecision')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">
                      {label(a.tranche)} <span class="muted small mono">{a.id}</span>
                    </th>
                    <td class="num">{money(a.amount)}</td>
                    <td class="small">
                      {a.invoice.number} · {date(a.invoice.date)}
                      {a.note && <div class="muted">{a.note}</div>}
                      {a.attachments.length > 0 && (
                        <ul class="attachments" aria-label={m('reviewsAttachments')}>
                          {a.attachments.map((f) => (
                            <li key={f.sha256 + f.name} title={`SHA-256 ${f.sha256}`}>
                              {f.name} <span class="muted">· {byteSize(f.size)}</span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td class="small">
                      <Actor id={a.filedBy} />
                      {a.filedAt && <div class="muted">{dateTime(a.filedAt)}</div>}
                    </td>
                    <td>{a.acceptanceDueOn ? date(a.acceptanceDueOn) : m('none')}</td>
                    <td>
                      <Badge tone={tone(a.status)}>{m(`applicationStatus_${a.status}`)}</Badge>
                      {a.deemedAccepted && <div class="small bad">{m('deemedAccepted')}</div>}
                    </td>
                    <td class="small">
                      {a.decision ? (
                        <>
                          <Actor id={a.decision.decidedBy} /> · {date(a.decision.decidedOn)}
                          {a.decision.late && <div class="bad">{m('decidedLate')}</div>}
                          {a.decision.reasons.length > 0 && (
                            <ul>
                              {a.decision.reasons.map((r, i) => (
                                <li key={i}>{r}</li>
                              ))}
                            </ul>
                          )}
                        </>
                      ) : decides && a.status === 'pending' ? (
                        <Decide application={a} onDecided={onChanged} />
                      ) : (
                        m('none')
                      )}
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
