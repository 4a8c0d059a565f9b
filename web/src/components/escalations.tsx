// Escalations with their acknowledgement, the working days each party held stalled steps, and
// who holds which stalled step now.
import { useEffect, useRef, useState } from 'preact/hooks';
import { referenceParts } from '../../../domain/ids';
import { post } from '../api';
import { ESCALATION_STATE, PARTY, SEVERITY, STEP_KIND, useI18n } from '../i18n';
import { escalationTone, severityTone } from '../pages/common';
import { href } from '../router';
import type { Delays, Escalation } from '../types';
import { Badge, encode, Field, FormProblems, useActorName, useOrgName, useSession, useSubmission } from '../ui';

function AcknowledgeForm({ escalation, onDone }: { escalation: Escalation; onDone(): void }) {
  const { m, text } = useI18n();
  const [note, setNote] = useState('');
  const { busy, failure, submit: send } = useSubmission();
  const submit = (event: Event) => {
    event.preventDefault();
    void send(async () => {
      await post(`/v1/escalations/${encode(escalation.id)}/acknowledge`, { note: note.trim() });
      onDone();
    });
  };
  return (
    <form
      class="inline-form"
      onSubmit={submit}
      noValidate
      aria-label={`${m('acknowledge')}: ${text(STEP_KIND[escalation.step.kind])} ${escalation.step.reference}`}
    >
      <Field label={m('acknowledgeNote')} problem={failure?.reasonFor('note')}>
        {(attrs) => (
          <input
            {...attrs}
            name="note"
            value={note}
            onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)}
          />
        )}
      </Field>
      <FormProblems failure={failure} fields={['note']} prefix={failure?.message ?? ''} />
      <button type="submit" disabled={busy}>
        {m('acknowledge')}
      </button>
    </form>
  );
}

export function EscalationTable({
  items,
  onChanged,
  showContract = false,
  emptyText,
}: {
  items: Escalation[];
  onChanged(): void;
  showContract?: boolean;
  emptyText?: string;
}) {
  const { m, text, dateTime, money } = useI18n();
  const { me } = useSession();
  const orgName = useOrgName();
  const actorName = useActorName();
  const [acknowledged, setAcknowledged] = useState<string>();
  const doneRef = useRef<HTMLParagraphElement>(null);
  // The form is gone once acknowledged: the keyboard goes to the confirmation.
  useEffect(() => {
    if (acknowledged) doneRef.current?.focus();
  }, [acknowledged]);
  return (
    <>
      <div role="status">
        {acknowledged && (
          <p ref={doneRef} tabIndex={-1} class="alert alert-ok">
            {m('acknowledgeDone')}
          </p>
        )}
      </div>
      {items.length === 0 ? (
        <p class="muted">{emptyText ?? m('escalationsEmpty')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{m('colStep')}</th>
                <th scope="col">{m('colSeverity')}</th>
                <th scope="col">{m('colState')}</th>
                <th scope="col">{m('colNotified')}</th>
                <th scope="col">{m('colOpenedAt')}</th>
                <th scope="col">{m('colAction')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => {
                const mine = me.organization !== null && e.notifiedOrganizationIds.includes(me.organization.id);
                return (
                  <tr key={e.id}>
                    <td>
                      <strong>{text(STEP_KIND[e.step.kind]) || e.step.kind}</strong>{' '}
                      <span class="muted">
                        <Reference reference={e.step.reference} />
                      </span>
                      {showContract && (
                        <div>
                          <a href={href.contract(e.contractId)}>{m('openContract', { id: e.contractId })}</a>
                        </div>
                      )}
                      {e.current ? (
                        // A money step: today's figures first, then the text as it was sent (its figures dated).
                        <>
                          <div class="small">
                            {m(e.current.outstanding !== '0.00' ? 'escalationNow' : 'escalationNowCovered', {
                              time: dateTime(e.current.asOf),
                              outstanding: money(e.current.outstanding),
                              received: money(e.current.received),
                              required: money(e.current.required),
                            })}
                          </div>
                          <div class="small muted">{m('escalationWhenOpened', { summary: text(e.summary) })}</div>
                        </>
                      ) : (
                        <div class="small">{text(e.summary)}</div>
                      )}
                    </td>
                    <td>
                      <Badge tone={severityTone(e.severity)}>{text(SEVERITY[e.severity])}</Badge>
                      <div class="muted small">
                        {m('colLevel')} {e.level}
                      </div>
                    </td>
                    <td>
                      <Badge tone={escalationTone(e.state)}>{text(ESCALATION_STATE[e.state])}</Badge>
                    </td>
                    <td>
                      {e.notifiedParties.map((p) => text(PARTY[p])).join(', ')}
                      <div class="muted small">{e.notifiedOrganizationIds.map(orgName).join(', ')}</div>
                    </td>
                    <td>{dateTime(e.openedAt)}</td>
                    <td>
                      {e.acknowledgedAt ? (
                        <span class="small">
                          {m('acknowledged', { time: dateTime(e.acknowledgedAt), note: e.acknowledgementNote ?? '' })} ·{' '}
                          {actorName(e.acknowledgedBy)}
                        </span>
                      ) : e.state === 'open' && mine ? (
                        <AcknowledgeForm
                          escalation={e}
                          onDone={() => {
                            setAcknowledged(e.id);
                            onChanged();
                          }}
                        />
                      ) : (
                        m('none')
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function DelayTable({ delays }: { delays: Delays }) {
  const { m, text } = useI18n();
  const orgName = useOrgName();
  if (delays.parties.length === 0) return <p class="muted">{m('delaysEmpty')}</p>;
  // A party's delay is the working days it held any step: parallel steps do not add up.
  const most = Math.max(1, ...delays.parties.map((p) => p.workingDaysHoldingAnyStep));
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{m('colParty')}</th>
          <th scope="col">{m('colOrganization')}</th>
          <th scope="col" class="num">
            {m('colWorkingDays')}
          </th>
          <th scope="col" class="num">
            {m('colSteps')}
          </th>
        </tr>
      </thead>
      <tbody>
        {delays.parties.map((p) => (
          <tr key={`${p.party}-${p.organizationId}`}>
            <th scope="row">{text(PARTY[p.party]) || p.party}</th>
            <td>{orgName(p.organizationId)}</td>
            <td class="num">
              <span class="bar" aria-hidden="true" style={{ width: `${(p.workingDaysHoldingAnyStep / most) * 6}em` }} />{' '}
              {p.workingDaysHoldingAnyStep}
            </td>
            <td class="num">{p.steps}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * What a step is about, part by part (a request and a village, a milestone and a station): an
 * organization by name, any other part as it is, each kept on one line so no id breaks midway.
 */
function Reference({ reference }: { reference: string }) {
  const orgName = useOrgName();
  const parts = referenceParts(reference) ?? [reference];
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 && ' · '}
          {orgName(part) !== part ? orgName(part) : <span class="mono nowrap">{part}</span>}
        </span>
      ))}
    </>
  );
}

const REFERENCE_SLOT = '\u0000';

/** Beside the curve: each stalled step still open, who holds it and for how long. */
export function Holding({ delays }: { delays: Delays }) {
  const { m, text, date } = useI18n();
  const orgName = useOrgName();
  const open = delays.steps.filter((s) => s.resolvedAt === null).sort((a, b) => b.workingDays - a.workingDays);
  return (
    <div class="holding">
      {open.length === 0 ? (
        <p class="muted">{m('holdingNone')}</p>
      ) : (
        <ul class="holds">
          {open.map((s) => (
            <li key={s.stepId}>
              <strong>
                {m('holdingStep', {
                  party: `${text(PARTY[s.party]) || s.party}${s.organizationId ? ` (${orgName(s.organizationId)})` : ''}`,
                  step: text(STEP_KIND[s.kind]) || s.kind,
                  reference: REFERENCE_SLOT,
                })
                  .split(REFERENCE_SLOT)
                  .flatMap((piece, i) => (i === 0 ? [piece] : [<Reference key={i} reference={s.reference} />, piece]))}
              </strong>
              <div class="muted small">{m('holdingSince', { date: date(s.since), days: s.workingDays })}</div>
            </li>
          ))}
        </ul>
      )}
      {delays.parties.length > 0 && (
        <>
          <h3>{m('holdingTotals')}</h3>
          <ul class="plain">
            {delays.parties.map((p) => (
              <li key={`${p.party}-${p.organizationId}`}>
                {text(PARTY[p.party]) || p.party}: {p.workingDaysHoldingAnyStep}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
