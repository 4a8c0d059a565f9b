// Submissions of evaluation materials: the pre-check against the templates, review reasons, and
// the per-section difference between two rounds.
import { freeTextDigest, type FreeText } from './free-text';
import {
  countProblem,
  lengthProblem,
  MAX_ATTACHMENTS_PER_MATERIAL,
  MAX_MATERIALS_PER_SUBMISSION,
  MAX_REASON_CHARS,
  MAX_RETURN_REASONS,
  MAX_SECTION_CHARS,
  MAX_SECTIONS_PER_MATERIAL,
  pushProblems,
} from './limits';
import { problem, type Problem } from './problems';
import type { ReviewDecision } from './decisions';
import type { Text } from './languages';
import { templateById, type AttachmentKind } from './templates';

export interface AttachmentMeta {
  name: string;
  kind: AttachmentKind;
  contentType: string;
  size: number;
  sha256: string;
}

export interface MaterialSubmission {
  templateId: string;
  sections: Record<string, string>;
  attachments: AttachmentMeta[];
}

/**
 * A submitted material as the review workflow sees it (claim check): the texts and files stay in
 * PostgreSQL and the file store; the workflow carries per section its sha256 (hex, of the UTF-8
 * text) and length in characters, per attachment its sha256, size in bytes and kind.
 */
export interface MaterialReference {
  templateId: string;
  sections: Record<string, { sha256: string; chars: number }>;
  attachments: Array<{ sha256: string; size: number; kind: AttachmentKind }>;
}

export interface PrecheckFailure {
  templateId: string;
  /** The section, or "evidence" for missing attachments. */
  sectionId: string;
  reason: Text;
}

export const RETURN_REASONS = [
  'theory_misapplied',
  'goals_vague',
  'steps_too_general',
  'evidence_missing',
  'writing_errors',
  'format_inconsistent',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** A submitted round's status: pre-checked, then returned (by the pre-check or the reviewer), in review or approved. */
export const SUBMISSION_STATUSES = ['prechecking', 'returned', 'in_review', 'approved'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** How a section or an attachment changed between two rounds (SectionChange). */
export const SECTION_CHANGE_KINDS = ['added', 'removed', 'changed', 'replaced'] as const;
export type SectionChangeKind = (typeof SECTION_CHANGE_KINDS)[number];

export interface ReasonGiven {
  code: ReturnReason;
  templateId: string;
  sectionId: string;
  /** The evaluator's words: a reference inside the review workflow, the text in the read model (domain/free-text). */
  text?: FreeText;
}

/** A round of a station's materials as the review decides it and the read model (submissions) keeps it. */
export interface Round {
  submissionId: string;
  contractId: string;
  milestoneId: string;
  station: string;
  round: number;
  status: SubmissionStatus;
  /** Identifies the content (see SubmitInput); the texts are read from submission_contents. */
  contentSha256: string;
  submittedBy: string;
  submittedAt: string;
  /** Failures of the automatic pre-check; a round that fails it is returned at once. */
  precheck: PrecheckFailure[];
  /** When the reviewer must decide by (rounds that passed the pre-check). */
  reviewDueAt: string | null;
  decision: { outcome: ReviewDecision; reasons: ReasonGiven[]; decidedBy: string; decidedAt: string } | null;
}

/** Where a reason or pre-check failure may point besides a template's own sections. */
export const EVIDENCE_SECTION = 'evidence';
export const DOCUMENT_SECTION = 'document';

/**
 * Reasons that name something the milestone's materials do not have: a template that does not
 * exist or that the milestone does not use, or a section the template does not have (its
 * evidence and the document as a whole may always be named). `milestoneTemplates` are the
 * template ids the milestone requires.
 */
export function reasonProblems(reasons: readonly ReasonGiven[], milestoneTemplates: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  // Bounded (domain/limits): a decision's reasons travel through the review workflow's history.
  pushProblems(problems, countProblem('reasons', reasons.length, MAX_RETURN_REASONS, 'reasons'));
  reasons.forEach((r, i) => {
    if (typeof r.text === 'string')
      pushProblems(problems, lengthProblem(`reasons.${i}.text`, r.text, MAX_REASON_CHARS));
    const template = templateById(r.templateId);
    if (!template) {
      problems.push(problem(`reasons.${i}.templateId`, 'unknown_template', { id: r.templateId }));
    } else if (!milestoneTemplates.includes(r.templateId)) {
      problems.push(
        problem(`reasons.${i}.templateId`, 'template_not_in_milestone', {
          id: r.templateId,
          known: milestoneTemplates,
        }),
      );
    } else if (
      r.sectionId !== EVIDENCE_SECTION &&
      r.sectionId !== DOCUMENT_SECTION &&
      !template.sections.some((s) => s.id === r.sectionId)
    ) {
      problems.push(
        problem(`reasons.${i}.sectionId`, 'not_a_section', {
          id: r.sectionId,
          template: r.templateId,
          known: [...template.sections.map((s) => s.id), EVIDENCE_SECTION, DOCUMENT_SECTION],
        }),
      );
    }
  });
  return problems;
}

/**
 * Materials that cannot be reviewed as submitted: a template that does not exist or that the
 * milestone does not use, the same template twice, or a section the template does not have.
 * (Missing templates and sections are the pre-check's business: it returns them with reasons.)
 */
export function materialsProblems(
  materials: ReadonlyArray<{ templateId: string; sections: Record<string, unknown> }>,
  milestoneTemplates: readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  pushProblems(problems, countProblem('materials', materials.length, MAX_MATERIALS_PER_SUBMISSION, 'materials'));
  const seen = new Set<string>();
  materials.forEach((m, i) => {
    const field = `materials.${i}.templateId`;
    const template = templateById(m.templateId);
    if (!template) problems.push(problem(field, 'unknown_template', { id: m.templateId }));
    else if (!milestoneTemplates.includes(m.templateId)) {
      problems.push(problem(field, 'template_not_in_milestone', { id: m.templateId, known: milestoneTemplates }));
    } else if (seen.has(m.templateId)) problems.push(problem(field, 'submitted_twice', { id: m.templateId }));
    else {
      for (const sectionId of Object.keys(m.sections)) {
        if (!template.sections.some((s) => s.id === sectionId)) {
          problems.push(
            problem(`materials.${i}.sections.${sectionId}`, 'not_a_section', {
              id: sectionId,
              template: m.templateId,
              known: template.sections.map((s) => s.id),
            }),
          );
        }
      }
    }
    seen.add(m.templateId);
  });
  return problems;
}

/**
 * Submitted materials past the domain limits (domain/limits): sections per material, characters
 * per section, attachments per material. Each problem names the field and the limit.
 */
export function submissionLimitProblems(
  materials: ReadonlyArray<{ sections: Record<string, string>; attachments: readonly unknown[] }>,
): Problem[] {
  const problems: Problem[] = [];
  materials.forEach((m, i) => {
    const sections = Object.entries(m.sections);
    pushProblems(
      problems,
      countProblem(`materials.${i}.sections`, sections.length, MAX_SECTIONS_PER_MATERIAL, 'sections'),
      countProblem(`materials.${i}.attachments`, m.attachments.length, MAX_ATTACHMENTS_PER_MATERIAL, 'attachments'),
    );
    for (const [id, text] of sections)
      pushProblems(problems, lengthProblem(`materials.${i}.sections.${id}`, text, MAX_SECTION_CHARS));
  });
  return problems;
}

/**
 * The text whose sha256 identifies a submission's content for "nothing changed": materials by
 * template, sections by id (each given by its text or its hash — the same kind on both sides),
 * attachments by name (a repeated name by its occurrence) with hash and kind. Two submissions have
 * the same text exactly when sectionDiff finds no change between them.
 */
export function materialsDigestText(
  materials: ReadonlyArray<{
    templateId: string;
    sections: Record<string, string>;
    attachments: readonly AttachmentMeta[];
  }>,
): string {
  const byTemplate = new Map<string, unknown>();
  for (const m of materials) {
    if (byTemplate.has(m.templateId)) continue; // sectionDiff compares the first of a template
    const sections = Object.entries(m.sections).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const files = [...attachmentsByName(m.attachments).entries()]
      .map(([name, a]) => [name, a.sha256, a.kind])
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
    byTemplate.set(m.templateId, sections.length === 0 && files.length === 0 ? null : [sections, files]);
  }
  const entries = [...byTemplate.entries()]
    .filter(([, v]) => v !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/**
 * True when a reviewer's decision repeats the one recorded: the same outcome with the same reasons
 * (in any order). A repeat is answered with the submission as it stands; anything else is refused.
 * The pre-check's return is nobody's decision to repeat.
 */
export function isRepeatedReviewDecision(
  recorded: { outcome: ReviewDecision; reasons: readonly ReasonGiven[]; decidedBy: string } | null,
  request: { outcome: ReviewDecision; reasons: readonly ReasonGiven[] },
): boolean {
  if (
    !recorded ||
    recorded.decidedBy === PRECHECK ||
    recorded.outcome !== request.outcome ||
    recorded.reasons.length !== request.reasons.length
  )
    return false;
  const key = (r: ReasonGiven) => JSON.stringify([r.code, r.templateId, r.sectionId, freeTextDigest(r.text)]);
  const left = recorded.reasons.map(key).sort();
  const right = request.reasons.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

/** Who "decided" a round the pre-check returned. */
export const PRECHECK = 'precheck';

/** Characters that count: whitespace is not content. */
function contentLength(text: string): number {
  return [...text.replace(/\s+/g, '')].length;
}

/** Which sections fail the template, and why, in plain words. */
export function precheck(materials: MaterialSubmission[], required: string[]): PrecheckFailure[] {
  const failures: PrecheckFailure[] = [];
  for (const templateId of required) {
    if (!materials.some((m) => m.templateId === templateId)) {
      const t = templateById(templateId);
      failures.push({
        templateId,
        sectionId: 'document',
        reason: {
          en: `The ${t?.title.en ?? templateId} is missing.`,
          'zh-CN': `缺少${t?.title['zh-CN'] ?? templateId}。`,
        },
      });
    }
  }
  for (const material of materials) {
    const template = templateById(material.templateId);
    if (!template) continue;
    for (const s of template.sections) {
      const text = material.sections[s.id] ?? '';
      const fail = (en: string, zh: string) =>
        failures.push({
          templateId: template.id,
          sectionId: s.id,
          reason: { en: `${s.title.en}: ${en}`, 'zh-CN': `${s.title['zh-CN']}：${zh}` },
        });
      if (contentLength(text) === 0) fail('this section is empty.', '该部分未填写。');
      else if (s.placeholder && text.includes(s.placeholder))
        fail('still contains the template’s placeholder text.', '仍保留模板占位文字，请替换为实际内容。');
      else if (contentLength(text) < s.minLength) {
        fail(
          `too short (${contentLength(text)} characters, at least ${s.minLength}); describe what was actually done.`,
          `内容过短（${contentLength(text)} 字，至少 ${s.minLength} 字），请具体说明实际开展的工作。`,
        );
      }
    }
    for (const e of template.evidence) {
      const count = material.attachments.filter((a) => a.kind === e.kind).length;
      if (count < e.min) {
        failures.push({
          templateId: template.id,
          sectionId: 'evidence',
          reason: {
            en: `Evidence: ${e.min} ${e.label.en} required, ${count} attached.`,
            'zh-CN': `佐证材料：需要${e.label['zh-CN']} ${e.min} 份，已附 ${count} 份。`,
          },
        });
      }
    }
  }
  return failures;
}

export interface SectionChange {
  templateId: string;
  /** The section, or "evidence" for an attachment. */
  sectionId: string;
  /** Sections are added, removed or changed; attachments added, removed or replaced (same name, other content). */
  change: SectionChangeKind;
  /** A section's text, or an attachment's sha256 (hex); null when absent in that round. */
  before: string | null;
  after: string | null;
  /** The attachment's file name (attachment changes only). */
  attachment?: string;
}

/**
 * Attachments keyed by name; a name used more than once is told apart by its occurrence
 * ("a.png", "a.png#2"), so every file is compared, none shadowed.
 */
function attachmentsByName(attachments: readonly AttachmentMeta[]): Map<string, AttachmentMeta> {
  const byName = new Map<string, AttachmentMeta>();
  const seen = new Map<string, number>();
  for (const a of attachments) {
    const n = (seen.get(a.name) ?? 0) + 1;
    seen.set(a.name, n);
    byName.set(n === 1 ? a.name : `${a.name}#${n}`, a);
  }
  return byName;
}

/**
 * What changed from the previous round to this one: each section's text, and each attachment
 * (by name: added, removed, or replaced when its content hash or kind differs).
 */
export function sectionDiff(
  previous: readonly MaterialSubmission[],
  current: readonly MaterialSubmission[],
): SectionChange[] {
  const changes: SectionChange[] = [];
  const templates = [...new Set([...previous, ...current].map((m) => m.templateId))];
  for (const templateId of templates) {
    const was = previous.find((m) => m.templateId === templateId);
    const is = current.find((m) => m.templateId === templateId);
    const before = was?.sections ?? {};
    const after = is?.sections ?? {};
    for (const sectionId of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
      const b = before[sectionId] ?? null;
      const a = after[sectionId] ?? null;
      if (b === a) continue;
      changes.push({
        templateId,
        sectionId,
        change: b === null ? 'added' : a === null ? 'removed' : 'changed',
        before: b,
        after: a,
      });
    }
    const filesBefore = attachmentsByName(was?.attachments ?? []);
    const filesAfter = attachmentsByName(is?.attachments ?? []);
    for (const key of [...new Set([...filesBefore.keys(), ...filesAfter.keys()])]) {
      const b = filesBefore.get(key);
      const a = filesAfter.get(key);
      if (b && a && b.sha256 === a.sha256 && b.kind === a.kind) continue;
      changes.push({
        templateId,
        sectionId: EVIDENCE_SECTION,
        change: !b ? 'added' : !a ? 'removed' : 'replaced',
        before: b?.sha256 ?? null,
        after: a?.sha256 ?? null,
        attachment: (a ?? b)!.name,
      });
    }
  }
  return changes;
}

/** A resubmission identical to the round it follows (sections and attachments): nothing to review again. */
export function nothingChanged(
  previous: readonly MaterialSubmission[],
  current: readonly MaterialSubmission[],
): boolean {
  return sectionDiff(previous, current).length === 0;
}

/**
 * How many times the reviewer returned a station's materials: rounds the pre-check returned do
 * not count, since no reviewer spent a round on them. `maxRounds` is measured against this.
 */
export function reviewerReturns(rounds: ReadonlyArray<{ status: string; precheck: readonly unknown[] }>): number {
  return rounds.filter((r) => r.status === 'returned' && r.precheck.length === 0).length;
}
