// Submissions of evaluation materials: the pre-check against the templates, review reasons, and
// the per-section difference between two rounds.
import { templateById, type AttachmentKind, type Text } from './templates';

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

export interface ReasonGiven {
  code: ReturnReason;
  templateId: string;
  sectionId: string;
  text?: string;
}

/**
 * True when a reviewer's decision repeats the one recorded: the same outcome with the same reasons
 * (in any order). A repeat is answered with the submission as it stands; anything else is refused.
 * The pre-check's return is nobody's decision to repeat.
 */
export function isRepeatedReviewDecision(
  recorded: { outcome: 'approve' | 'return'; reasons: readonly ReasonGiven[]; decidedBy: string } | null,
  request: { outcome: 'approve' | 'return'; reasons: readonly ReasonGiven[] },
): boolean {
  if (!recorded || recorded.decidedBy === PRECHECK || recorded.outcome !== request.outcome || recorded.reasons.length !== request.reasons.length) return false;
  const key = (r: ReasonGiven) => JSON.stringify([r.code, r.templateId, r.sectionId, r.text ?? '']);
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
        reason: { en: `The ${t?.title.en ?? templateId} is missing.`, 'zh-CN': `缺少${t?.title['zh-CN'] ?? templateId}。` },
      });
    }
  }
  for (const material of materials) {
    const template = templateById(material.templateId);
    if (!template) continue;
    for (const s of template.sections) {
      const text = material.sections[s.id] ?? '';
      const fail = (en: string, zh: string) =>
        failures.push({ templateId: template.id, sectionId: s.id, reason: { en: `${s.title.en}: ${en}`, 'zh-CN': `${s.title['zh-CN']}：${zh}` } });
      if (contentLength(text) === 0) fail('this section is empty.', '该部分未填写。');
      else if (s.placeholder && text.includes(s.placeholder)) fail('still contains the template’s placeholder text.', '仍保留模板占位文字，请替换为实际内容。');
      else if (contentLength(text) < s.minLength) {
        fail(`too short (${contentLength(text)} characters, at least ${s.minLength}); describe what was actually done.`, `内容过短（${contentLength(text)} 字，至少 ${s.minLength} 字），请具体说明实际开展的工作。`);
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
  sectionId: string;
  change: 'added' | 'removed' | 'changed';
  before: string | null;
  after: string | null;
}

/** What changed section by section from the previous round to this one. */
export function sectionDiff(previous: MaterialSubmission[], current: MaterialSubmission[]): SectionChange[] {
  const changes: SectionChange[] = [];
  const templates = [...new Set([...previous, ...current].map((m) => m.templateId))];
  for (const templateId of templates) {
    const before = previous.find((m) => m.templateId === templateId)?.sections ?? {};
    const after = current.find((m) => m.templateId === templateId)?.sections ?? {};
    for (const sectionId of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
      const b = before[sectionId] ?? null;
      const a = after[sectionId] ?? null;
      if (b === a) continue;
      changes.push({ templateId, sectionId, change: b === null ? 'added' : a === null ? 'removed' : 'changed', before: b, after: a });
    }
  }
  return changes;
}
