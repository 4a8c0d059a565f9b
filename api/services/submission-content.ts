// The claim check of evaluation materials: a submission's texts and attachment metadata are stored
// in PostgreSQL (submission_contents) before the review workflow hears of it; the workflow gets
// references only (per section its sha256 and length, per attachment its sha256, size and kind).
// A submission the review refuses has its content deleted again; reads join it back.
import { createHash } from 'node:crypto';
import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { submissionContents, submissions } from '../../db/schema';
import { charCount } from '../../domain/limits';
import {
  materialsDigestText,
  sectionDiff,
  type MaterialReference,
  type MaterialSubmission,
  type SectionChange,
} from '../../domain/materials';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What the workflow carries of a submission, and the digest that tells two submissions' contents apart. */
export function materialReferences(materials: readonly MaterialSubmission[]): {
  references: MaterialReference[];
  contentSha256: string;
} {
  const hashed = materials.map((m) => ({
    templateId: m.templateId,
    sections: Object.fromEntries(Object.entries(m.sections).map(([id, text]) => [id, sha256(text)])),
    attachments: m.attachments,
  }));
  const references = materials.map((m, i) => ({
    templateId: m.templateId,
    sections: Object.fromEntries(
      Object.entries(m.sections).map(([id, text]) => [
        id,
        { sha256: hashed[i]!.sections[id]!, chars: charCount(text) },
      ]),
    ),
    attachments: m.attachments.map((a) => ({ sha256: a.sha256, size: a.size, kind: a.kind })),
  }));
  return { references, contentSha256: sha256(materialsDigestText(hashed)) };
}

export class SubmissionContentStore {
  constructor(private readonly db: Database) {}

  /** Stores a submission's content once: a retry under the same submission id keeps the first. */
  async store(content: {
    submissionId: string;
    contractId: string;
    milestoneId: string;
    sha256: string;
    materials: MaterialSubmission[];
  }): Promise<void> {
    await this.db
      .insert(submissionContents)
      .values(content)
      .onConflictDoNothing({ target: submissionContents.submissionId });
  }

  /**
   * Deletes the content of a submission the review refused. A submission the review recorded
   * (a retry of an accepted one, refused for another reason) keeps its content.
   */
  async discard(submissionId: string): Promise<void> {
    await this.db.delete(submissionContents).where(
      and(
        eq(submissionContents.submissionId, submissionId),
        notExists(
          this.db
            .select({ one: sql`1` })
            .from(submissions)
            .where(eq(submissions.id, submissionId)),
        ),
      ),
    );
  }

  /** The materials of these submissions, by id (a submission without stored content is left out). */
  async materials(ids: readonly string[]): Promise<Map<string, MaterialSubmission[]>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: submissionContents.submissionId, materials: submissionContents.materials })
      .from(submissionContents)
      .where(inArray(submissionContents.submissionId, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, r.materials as MaterialSubmission[]]));
  }

  /**
   * Each submission's materials and its changes against the previous round of its station (the
   * round before it of the same contract, milestone and station).
   */
  async withDiffs(
    rows: ReadonlyArray<{ id: string; contractId: string; milestoneId: string; station: string; round: number }>,
  ): Promise<Map<string, { materials: MaterialSubmission[]; diff: SectionChange[] }>> {
    const groupKey = (r: { contractId: string; milestoneId: string; station: string }) =>
      JSON.stringify([r.contractId, r.milestoneId, r.station]);
    const previousId = new Map<string, string>(); // group and round → id
    for (const [contractId, milestoneId] of [
      ...new Set(rows.map((r) => JSON.stringify([r.contractId, r.milestoneId]))),
    ].map((k) => JSON.parse(k) as [string, string])) {
      const siblings = await this.db
        .select({
          id: submissions.id,
          contractId: submissions.contractId,
          milestoneId: submissions.milestoneId,
          station: submissions.station,
          round: submissions.round,
        })
        .from(submissions)
        .where(and(eq(submissions.contractId, contractId), eq(submissions.milestoneId, milestoneId)));
      for (const s of siblings) previousId.set(`${groupKey(s)}#${s.round}`, s.id);
    }
    const before = (r: (typeof rows)[number]) =>
      r.round > 1 ? previousId.get(`${groupKey(r)}#${r.round - 1}`) : undefined;
    const contents = await this.materials([
      ...rows.map((r) => r.id),
      ...rows.map(before).filter((id): id is string => id !== undefined),
    ]);
    const result = new Map<string, { materials: MaterialSubmission[]; diff: SectionChange[] }>();
    for (const r of rows) {
      const materials = contents.get(r.id) ?? [];
      const previousId = before(r);
      const previous = previousId === undefined ? undefined : contents.get(previousId);
      result.set(r.id, { materials, diff: previous ? sectionDiff(previous, materials) : [] });
    }
    return result;
  }
}
