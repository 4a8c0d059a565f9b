// The evaluator's review queue: every submission in review on the contracts the caller's
// organization is party to, its materials and changes, and the decision: approve, or return with
// reasons from the checklist, each tied to a section.
import { encodeParts } from '../../../domain/ids';
import { useState } from 'preact/hooks';
import { reviewingOrganization } from '../../../domain/contract';
import type { ReviewDecision } from '../../../domain/decisions';
import { RETURN_REASONS, type ReturnReason } from '../../../domain/materials';
import { get, post, type ApiFailure } from '../api';
import { sectionTitle } from '../components/submissions';
import { ATTACHMENT_KIND, RETURN_REASON, useI18n } from '../i18n';
import { href } from '../router';
import { useTemplates } from '../templates';
import type { ContractDetail, ContractSummary, Page, ReasonGiven, Submission, Template } from '../types';
import { Actor, asFailure, Await, encode, Field, FormProblems, useLoad, useSession } from '../ui';
import { PageTitle } from './common';

interface Queued {
  submission: Submission;
  contract: ContractSummary;
}

/** Sections a reason can point at: each section of each submitted template, its evidence, the whole. */
function sectionChoices(submission: Submission, templates: Template[]) {
  return submission.materials.flatMap((material) => {
    const template = templates.find((t) => t.id === material.templateId);
    const ids = [...(template?.sections.map((s) => s.id) ?? Object.keys(material.sections)), 'evidence', 'document'];
    return ids.map((sectionId) => ({
      templateId: material.templateId,
      sectionId,
      // Injective (domain/ids): two sections never share a value, whatever their ids hold.
      value: encodeParts([material.templateId, sectionId]),
    }));
  });
}

interface Decided {
  id: string;
  outcome: ReviewDecision;
}

function DecisionForm({
  submission,
  templates,
  onDecided,
}: {
  submission: Submission;
  templates: Template[];
  onDecided(decided: Decided): void;
}) {
  const i18n = useI18n();
  const { m, text } = i18n;
  const choices = sectionChoices(submission, templates);
  const [checked, setChecked] = useState<Partial<Record<ReturnReason, { section: string; text: string }>>>({});
  const [failure, setFailure] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const reasonsProblem = failure?.reasonFor('reasons');
  const legendId = `reasons-${submission.id}`;

  const decide = async (outcome: ReviewDecision) => {
    const reasons: ReasonGiven[] =
      outcome === 'approve'
        ? []
        : RETURN_REASONS.flatMap((code) => {
            const given = checked[code];
            // The choice the select's value names (its template and section, not split back out of the value).
            const choice = given && choices.find((c) => c.value === given.section);
            if (!given || !choice) return [];
            const { templateId, sectionId } = choice;
            return [{ code, templateId, sectionId, ...(given.text.trim() ? { text: given.text.trim() } : {}) }];
          });
    setBusy(true);
    try {
      const decided = await post<Submission>(`/v1/submissions/${encode(submission.id)}/decision`, { outcome, reasons });
      setFailure(undefined);
      onDecided({ id: decided.id, outcome });
    } catch (error) {
      setFailure(asFailure(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="decision" onSubmit={(e) => (e.preventDefault(), void decide('return'))} noValidate>
      <fieldset
        aria-describedby={reasonsProblem ? `${legendId}-problem` : undefined}
        class={reasonsProblem ? 'field-invalid' : undefined}
      >
        <legend id={legendId}>{m('reviewsChecklist')}</legend>
        {reasonsProblem && (
          <p class="field-problem" id={`${legendId}-problem`}>
            {reasonsProblem}
          </p>
        )}
        <ul class="checklist">
          {RETURN_REASONS.map((code) => {
            const id = `${submission.id}-${code}`;
            const given = checked[code];
            const update = (change: Partial<{ section: string; text: string }>) =>
              setChecked((c) => ({
                ...c,
                [code]: { ...(c[code] ?? { section: choices[0]?.value ?? '', text: '' }), ...change },
              }));
            return (
              <li key={code}>
                <div class="check">
                  <input
                    id={id}
                    type="checkbox"
                    name="reason"
                    value={code}
                    checked={Boolean(given)}
                    onChange={(e) =>
                      (e.currentTarget as HTMLInputElement).checked
                        ? update({})
                        : setChecked((c) => {
                            const rest = { ...c };
                            delete rest[code];
                            return rest;
                          })
                    }
                  />
                  <label for={id}>{text(RETURN_REASON[code])}</label>
                </div>
                {given && (
                  <div class="reason-details">
                    <Field label={m('reviewsSectionFor', { reason: text(RETURN_REASON[code]) })}>
                      {(attrs) => (
                        <select
                          {...attrs}
                          value={given.section}
                          onChange={(e) => update({ section: (e.currentTarget as HTMLSelectElement).value })}
                        >
                          {choices.map((c) => (
                            <option key={c.value} value={c.value}>
                              {sectionTitle(i18n, templates, c.templateId, c.sectionId)}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                    <Field label={m('reviewsTextFor', { reason: text(RETURN_REASON[code]) })}>
                      {(attrs) => (
                        <input
                          {...attrs}
                          value={given.text}
                          onInput={(e) => update({ text: (e.currentTarget as HTMLInputElement).value })}
                        />
                      )}
                    </Field>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </fieldset>
      <FormProblems
        failure={failure}
        fields={['reasons']}
        prefix={m('reviewsRefused', { message: failure?.message ?? '' })}
      />
      <div class="buttons">
        <button type="submit" class="danger" disabled={busy}>
          {m('reviewsReturn')}
        </button>
        <button type="button" class="primary" disabled={busy} onClick={() => void decide('approve')}>
          {m('reviewsApprove')}
        </button>
      </div>
    </form>
  );
}

/** The template's order of sections, then any the template does not name. */
function sectionOrder(material: Submission['materials'][number], template: Template | undefined): string[] {
  const known = (template?.sections.map((s) => s.id) ?? []).filter((id) => id in material.sections);
  return [...known, ...Object.keys(material.sections).filter((id) => !known.includes(id))];
}

function Materials({ submission, templates }: { submission: Submission; templates: Template[] }) {
  const i18n = useI18n();
  const { m, text } = i18n;
  return (
    <>
      {submission.materials.map((material) => {
        const template = templates.find((t) => t.id === material.templateId);
        return (
          <section
            key={material.templateId}
            class="material"
            aria-label={template ? text(template.title) : material.templateId}
          >
            <h4>{template ? text(template.title) : material.templateId}</h4>
            {sectionOrder(material, template).map((sectionId) => (
              <details key={sectionId}>
                <summary>{text(template?.sections.find((s) => s.id === sectionId)?.title) || sectionId}</summary>
                <p class="section-text">{material.sections[sectionId]}</p>
              </details>
            ))}
            {material.attachments.length > 0 && (
              <p class="small">
                {m('reviewsAttachments')}:{' '}
                {material.attachments
                  .map((a) => `${a.name} (${text(ATTACHMENT_KIND[a.kind]) || a.kind}, ${Math.ceil(a.size / 1024)} KB)`)
                  .join(', ')}
              </p>
            )}
          </section>
        );
      })}
      {submission.diff.length > 0 && (
        <details open>
          <summary>{m('reviewsChangedSections')}</summary>
          <ul class="reasons">
            {submission.diff.map((d) => (
              <li key={`${d.templateId}/${d.sectionId}/${d.attachment ?? ''}`}>
                <strong>{sectionTitle(i18n, templates, d.templateId, d.sectionId)}</strong>
                {d.attachment !== undefined ? (
                  // An attachment: its name and what happened to it (before/after are content hashes).
                  <div class="small">
                    {m(
                      d.change === 'added'
                        ? 'reviewsAttachmentAdded'
                        : d.change === 'removed'
                          ? 'reviewsAttachmentRemoved'
                          : 'reviewsAttachmentReplaced',
                      {
                        name: d.attachment,
                      },
                    )}
                  </div>
                ) : (
                  <div class="diff">
                    {d.before !== null && <del>{d.before}</del>}
                    {d.after !== null && <ins>{d.after}</ins>}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

export function ReviewsPage() {
  const { m, dateTime } = useI18n();
  const { inboxChanged, me } = useSession();
  const templates = useTemplates();
  const [decided, setDecided] = useState<Decided>();
  const queue = useLoad(async () => {
    const contracts = await get<Page<ContractSummary>>('/v1/contracts?limit=200');
    const lists = await Promise.all(
      contracts.items.map(async (contract) => {
        const [detail, submissions] = await Promise.all([
          get<ContractDetail>(`/v1/contracts/${encode(contract.id)}`),
          get<Page<Submission>>(`/v1/contracts/${encode(contract.id)}/submissions`),
        ]);
        // Only the milestones this user's organization reviews (the evaluator, or the purchaser when a milestone says so).
        const reviewerOf = (milestoneId: string) =>
          reviewingOrganization(
            detail,
            detail.milestones.find((ms) => ms.id === milestoneId),
          );
        return submissions.items
          .filter((s) => s.status === 'in_review' && reviewerOf(s.milestoneId) === me.organization?.id)
          .map((submission): Queued => ({ submission, contract }));
      }),
    );
    // Oldest review deadline first.
    return lists.flat().sort((a, b) => (a.submission.reviewDueAt ?? '').localeCompare(b.submission.reviewDueAt ?? ''));
  }, []);

  return (
    <>
      <PageTitle>{m('reviewsTitle')}</PageTitle>
      <p class="muted">{m('reviewsIntro')}</p>
      <div role="status">
        {decided && (
          <p class="alert alert-ok">
            {m('reviewsDecided', {
              id: decided.id,
              outcome: m(decided.outcome === 'approve' ? 'outcomeApprove' : 'outcomeReturn'),
            })}
          </p>
        )}
      </div>
      <Await loaded={templates}>
        {(templateList) => (
          <Await loaded={queue}>
            {(items) =>
              items.length === 0 ? (
                <p>{m('reviewsEmpty')}</p>
              ) : (
                <ol class="queue">
                  {items.map(({ submission: s, contract }) => (
                    <li key={s.id}>
                      <article class="card" aria-labelledby={`review-${s.id}`}>
                        <h2 id={`review-${s.id}`}>
                          {m('reviewsItem', {
                            contract: contract.title,
                            milestone: s.milestoneId,
                            station: s.station ?? m('reviewsWholeContract'),
                            round: s.round,
                          })}
                        </h2>
                        <p class="muted small">
                          <a href={href.contract(contract.id)}>{m('openContract', { id: contract.id })}</a> ·{' '}
                          {m('colSubmittedAt')} {dateTime(s.submittedAt)} · <Actor id={s.submittedBy} />
                          {s.reviewDueAt && ` · ${m('colReviewDue')} ${dateTime(s.reviewDueAt)}`}
                        </p>
                        <Materials submission={s} templates={templateList} />
                        <DecisionForm
                          submission={s}
                          templates={templateList}
                          onDecided={(result) => {
                            setDecided(result);
                            queue.reload();
                            inboxChanged();
                          }}
                        />
                      </article>
                    </li>
                  ))}
                </ol>
              )
            }
          </Await>
        )}
      </Await>
    </>
  );
}
