// A finance officer of the payer records money received. The browser checks nothing itself: the
// API's problems ({ field, reason }) appear beside their fields, anything else above the button.
import { useEffect, useRef, useState } from 'preact/hooks';
import { FUNDING_SOURCES } from '../../../domain/contract';
import { request } from '../api';
import { BUDGET_LINE, FUNDING_SOURCE, useI18n } from '../i18n';
import type { ContractDetail, LedgerEntry, PaymentRequest } from '../types';
import { encode, Field, FormProblems, shanghaiToday, useSubmission } from '../ui';

const FIELDS = ['reference', 'amount', 'receivedOn', 'fundingSource', 'budgetLine', 'note'];

export function PaymentForm({ contract, onRecorded }: { contract: ContractDetail; onRecorded(): void }) {
  const { m, text, money } = useI18n();
  const [form, setForm] = useState({
    reference: '',
    amount: '',
    receivedOn: shanghaiToday(),
    fundingSource: contract.tranches.find((t) => t.status !== 'paid')?.fundingSource ?? 'fiscal',
    budgetLine: '',
    note: '',
  });
  const { busy, failure, submit: send } = useSubmission();
  // Kept as data, written out at render: the message follows a change of language.
  const [done, setDone] = useState<{ created: boolean; reference: string; amount: string }>();
  const set = (field: keyof typeof form) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setForm((f) => ({ ...f, [field]: value }));
  };

  const formRef = useRef<HTMLFormElement>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  // Keyboard users land where the answer is: the first field refused, else the refusal, else the confirmation.
  useEffect(() => {
    if (!failure) return;
    const target =
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      formRef.current?.querySelector<HTMLElement>('[role="alert"]');
    target?.focus();
  }, [failure]);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const submit = (event: Event) => {
    event.preventDefault();
    void send(async () => {
      setDone(undefined);
      const body: PaymentRequest = {
        reference: form.reference.trim(),
        amount: form.amount.trim().replace(/[,，\s]/g, ''),
        receivedOn: form.receivedOn,
        fundingSource: form.fundingSource,
        ...(form.budgetLine ? { budgetLine: form.budgetLine } : {}),
        ...(form.note.trim() ? { note: form.note.trim() } : {}),
      };
      // 201: recorded now; 200: this very payment was recorded before (the API answers with it).
      const { status, body: entry } = await request<LedgerEntry>(
        'POST',
        `/v1/contracts/${encode(contract.id)}/payments`,
        body,
      );
      setDone({ created: status === 201, reference: entry.reference, amount: entry.amount });
      setForm((f) => ({ ...f, reference: '', amount: '', note: '' }));
      onRecorded();
    });
  };

  const problem = (field: string) => failure?.reasonFor(field);
  return (
    <form ref={formRef} class="payment-form" onSubmit={submit} noValidate aria-describedby="payment-intro">
      <p id="payment-intro" class="muted">
        {m('paymentIntro')}
      </p>
      <div class="form-grid">
        <Field label={m('paymentReference')} hint={m('paymentReferenceHint')} problem={problem('reference')}>
          {(attrs) => (
            <input {...attrs} name="reference" autoComplete="off" value={form.reference} onInput={set('reference')} />
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
        <Field label={m('paymentReceivedOn')} problem={problem('receivedOn')}>
          {(attrs) => (
            <input {...attrs} name="receivedOn" type="date" value={form.receivedOn} onInput={set('receivedOn')} />
          )}
        </Field>
        <Field label={m('paymentFundingSource')} problem={problem('fundingSource')}>
          {(attrs) => (
            <select {...attrs} name="fundingSource" value={form.fundingSource} onChange={set('fundingSource')}>
              {FUNDING_SOURCES.map((s) => (
                <option key={s} value={s}>
                  {text(FUNDING_SOURCE[s])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={m('paymentBudgetLine')} problem={problem('budgetLine')}>
          {(attrs) => (
            <select {...attrs} name="budgetLine" value={form.budgetLine} onChange={set('budgetLine')}>
              <option value="">{m('paymentNoBudgetLine')}</option>
              {contract.budgetLines.map((l) => (
                <option key={l.id} value={l.id}>
                  {text(BUDGET_LINE[l.kind as keyof typeof BUDGET_LINE]) || l.kind} · {l.id} · {money(l.amount)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={m('paymentNote')} problem={problem('note')}>
          {(attrs) => <textarea {...attrs} name="note" rows={2} value={form.note} onInput={set('note')} />}
        </Field>
      </div>
      <FormProblems
        failure={failure}
        fields={FIELDS}
        prefix={m('paymentRefused', { message: failure?.message ?? '' })}
      />
      {/* Always present, so screen readers announce what is put in it. */}
      <div role="status">
        {done && (
          <p ref={doneRef} tabIndex={-1} class="alert alert-ok">
            {m(done.created ? 'paymentRecorded' : 'paymentDuplicate', {
              reference: done.reference,
              amount: money(done.amount),
            })}
          </p>
        )}
      </div>
      <button type="submit" class="primary" aria-disabled={busy}>
        {busy ? m('saving') : m('paymentSubmit')}
      </button>
    </form>
  );
}
