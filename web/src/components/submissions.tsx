// Milestones and submissions: every round with its status, pre-check failures, the decision with
// its reasons tied to sections, and what changed since the previous round.
import type { SubmissionStatus } from '../../../domain/materials';
import { PARTY_NAMES } from '../../../domain/organizations';
import { RETURN_REASON, SUBMISSION_STATUS, useI18n, type I18n, type MessageKey } from '../i18n';
import { milestoneStates, type MilestoneStateKind } from '../milestones';
import type { ContractDetail, Submission, Template } from '../types';
import { Actor, Badge, useActorName, type Tone } from '../ui';

/** "Mid-term evaluation report › Goals and indicators" for a template's section. */
export function sectionTitle(i18n: I18n, templates: Template[], templateId: string, sectionId: string): string {
  const template = templates.find((t) => t.id === templateId);
  const section = template?.sections.find((s) => s.id === sectionId);
  const sectionName = section
    ? i18n.text(section.title)
    : sectionId === 'evidence'
      ? i18n.m('reviewsEvidence')
      : sectionId === 'document'
        ? i18n.m('reviewsDocument')
        : sectionId;
  return `${template ? i18n.text(template.title) : templateId} › ${sectionName}`;
}

const SUBMISSION_TONE: Record<SubmissionStatus, Tone> = {
  approved: 'ok',
  returned: 'bad',
  in_review: 'warn',
  prechecking: 'muted',
};
export const submissionTone = (status: SubmissionStatus) => SUBMISSION_TONE[status];

type Milestone = ContractDetail['milestones'][number];

const STATE_TONE: Record<MilestoneStateKind, Tone> = {
  not_submitted: 'muted',
  in_review: 'warn',
  returned: 'bad',
  approved: 'ok',
};
const STATE_MESSAGE = {
  not_submitted: 'milestoneNotSubmitted',
  in_review: 'milestoneInReview',
  returned: 'milestoneReturned',
  approved: 'milestoneApproved',
} as const satisfies Record<MilestoneStateKind, MessageKey>;

/** Each milestone: its due day, reviewer, stations, review days and rounds allowed, and where each station stands. */
export function MilestoneList({ milestones, submissions }: { milestones: Milestone[]; submissions: Submission[] }) {
  const { m, text, date } = useI18n();
  if (milestones.length === 0) return <p class="muted">{m('milestonesEmpty')}</p>;
  return (
    <ul class="plain milestones">
      {milestones.map((ms) => (
        <li key={ms.id}>
          <strong>{ms.title}</strong> <span class="mono muted nowrap">{ms.id}</span> —{' '}
          {m('milestoneLine', {
            due: date(ms.due),
            reviewer: text(PARTY_NAMES[ms.reviewer]),
            stations: ms.stations.length > 0 ? ms.stations.join(', ') : m('reviewsWholeContract'),
            days: ms.reviewWorkingDays,
            rounds: ms.maxRounds,
          })}
          <ul class="plain milestone-states" aria-label={m('milestoneStatesLabel', { milestone: ms.title })}>
            {milestoneStates(ms, submissions).map((st) => {
              const state = m(STATE_MESSAGE[st.state], { round: st.round ?? 0 });
              return (
                <li key={st.station ?? ''} data-station={st.station ?? ''} data-state={st.state}>
                  <Badge tone={STATE_TONE[st.state]}>
                    {st.station === null ? state : m('milestoneStationState', { station: st.station, state })}
                  </Badge>
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}

export function SubmissionHistory({
  items,
  templates,
  milestones = [],
}: {
  items: Submission[];
  templates: Template[];
  milestones?: Milestone[];
}) {
  const i18n = useI18n();
  const { m, text, dateTime } = i18n;
  const actorName = useActorName();
  const milestoneTitle = (id: string) => milestones.find((ms) => ms.id === id)?.title ?? id;
  if (items.length === 0) return milestones.length > 0 ? <p class="muted">{m('submissionsEmpty')}</p> : null;
  const sorted = [...items].sort(
    (a, b) =>
      a.milestoneId.localeCompare(b.milestoneId) ||
      (a.station ?? '').localeCompare(b.station ?? '') ||
      a.round - b.round,
  );
  return (
    <div class="table-wrap">
      <table class="submissions">
        <thead>
          <tr>
            <th scope="col">{m('colMilestone')}</th>
            <th scope="col">{m('colStation')}</th>
            <th scope="col" class="num">
              {m('colRound')}
            </th>
            <th scope="col">{m('colStatus')}</th>
            <th scope="col">{m('colSubmittedAt')}</th>
            <th scope="col">{m('colReviewDue')}</th>
            <th scope="col">{m('colDecision')}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((s) => (
            <tr key={s.id} id={`submission-${s.id}`}>
              <td>{milestoneTitle(s.milestoneId)}</td>
              <td>{s.station ?? m('reviewsWholeContract')}</td>
              <td class="num">{s.round}</td>
              <td>
                <Badge tone={submissionTone(s.status)}>{text(SUBMISSION_STATUS[s.status])}</Badge>
              </td>
              <td>
                {dateTime(s.submittedAt)}
                <div class="muted small">
                  <Actor id={s.submittedBy} />
                </div>
              </td>
              <td>{s.reviewDueAt ? dateTime(s.reviewDueAt) : m('none')}</td>
              <td>
                {s.decision && (
                  <p class="small">
                    {m('submissionDecidedBy', {
                      outcome: m(s.decision.outcome === 'approve' ? 'outcomeApprove' : 'outcomeReturn'),
                      who: actorName(s.decision.decidedBy),
                      time: dateTime(s.decision.decidedAt),
                    })}
                  </p>
                )}
                {s.decision && s.decision.reasons.length > 0 && (
                  <ul class="reasons">
                    {s.decision.reasons.map((r, i) => (
                      <li key={i}>
                        <strong>{text(RETURN_REASON[r.code]) || r.code}</strong> —{' '}
                        {sectionTitle(i18n, templates, r.templateId, r.sectionId)}
                        {r.text && <div class="small">“{r.text}”</div>}
                      </li>
                    ))}
                  </ul>
                )}
                {s.precheck.length > 0 && (
                  <details>
                    <summary>
                      {m('submissionPrecheck')} ({s.precheck.length})
                    </summary>
                    <ul class="reasons">
                      {s.precheck.map((p, i) => (
                        <li key={i}>
                          {sectionTitle(i18n, templates, p.templateId, p.sectionId)}: {text(p.reason)}
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
                {s.diff.length > 0 && (
                  <p class="muted small">
                    {m('submissionChanged', {
                      // Each section once; an attachment by its name.
                      sections: [
                        ...new Set(
                          s.diff.map(
                            (d) =>
                              `${sectionTitle(i18n, templates, d.templateId, d.sectionId)}${d.attachment !== undefined ? ` (${d.attachment})` : ''}`,
                          ),
                        ),
                      ].join('; '),
                    })}
                  </p>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
