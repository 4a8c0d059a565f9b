// Evaluation materials: uploads checked and stored, the texts stored and pre-checked, then handed
// to the milestone's review workflow by reference (claim check: api/services/submission-content);
// decisions by the reviewing organization only; reads from the read model joined with the content.
import type { Client } from '@temporalio/client';
import { and, asc, eq, max } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { contracts, submissions } from '../../db/schema';
import { reviewingOrganization, type Contract } from '../../domain/contract';
import {
  isRepeatedReviewDecision,
  materialsProblems,
  precheck,
  reasonProblems,
  submissionLimitProblems,
  type MaterialSubmission,
  type ReasonGiven,
  type SectionChange,
} from '../../domain/materials';
import type { ReviewDecision } from '../../domain/decisions';
import { roundLimitProblem } from '../../domain/limits';
import { isContractorStaff, type Actor } from '../../domain/organizations';
import { decideUpdate, reviewWorkflowId, submitUpdate } from '../../workflows/review-messages';
import type { ReturnReason, Round } from '../../domain/materials';
import { withTexts } from './free-texts';
import type { Resolved } from '../../domain/free-text';
import { ApiError, forbidden, notFound, unprocessable } from '../errors';
import { withAttachments, type UploadedAttachment } from './attachments';
import type { FileStorage } from './file-storage';
import { materialReferences, SubmissionContentStore } from './submission-content';
import { sendToWorkflow } from './temporal-errors';
import { idForKey } from './tokens';
import { loadVisibleContract } from './visibility';
import { say } from '../../domain/messages';

export interface UploadedMaterial {
  templateId: string;
  sections: Record<string, string>;
  attachments: UploadedAttachment[];
}

type SubmissionRow = typeof submissions.$inferSelect;

/** A submission as the API shows it: the read model's row with its content and its changes against the round before. */
export function submissionView(
  row: SubmissionRow,
  content: { materials: MaterialSubmission[]; diff: SectionChange[] },
) {
  return {
    id: row.id,
    contractId: row.contractId,
    milestoneId: row.milestoneId,
    station: row.station || null,
    round: row.round,
    status: row.status as Round['status'],
    materials: content.materials,
    precheck: row.precheck as Round['precheck'],
    decision: row.decision as Resolved<Round['decision']>,
    diff: content.diff,
    reviewDueAt: row.reviewDueAt?.toISOString() ?? null,
    submittedBy: row.submittedBy,
    submittedAt: row.submittedAt.toISOString(),
  };
}

export class SubmissionService {
  private readonly contents: SubmissionContentStore;

  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly storage: FileStorage,
  ) {
    this.contents = new SubmissionContentStore(db);
  }

  private async views(rows: SubmissionRow[]) {
    const contents = await this.contents.withDiffs(rows);
    return rows.map((row) => submissionView(row, contents.get(row.id)!));
  }

  /** The submission as it stands in the read model (the review projects a round before it answers). */
  private async view(id: string) {
    const row = await this.submissionRow(id);
    if (!row) throw new Error(`Submission ${id} was answered by its review but is not in the read model`);
    return (await this.views([row]))[0]!;
  }

  private async visibleContract(actor: Actor, id: string): Promise<Contract> {
    return (await loadVisibleContract(this.db, actor, id)).definition as Contract;
  }

  private async submissionRow(id: string): Promise<SubmissionRow | undefined> {
    return (await this.db.select().from(submissions).where(eq(submissions.id, id)))[0];
  }

  /** Rounds a station has submitted for a milestone (its latest round's number; 0 if none). */
  private async stationRounds(contractId: string, milestoneId: string, station: string): Promise<number> {
    const [row] = await this.db
      .select({ rounds: max(submissions.round) })
      .from(submissions)
      .where(
        and(
          eq(submissions.contractId, contractId),
          eq(submissions.milestoneId, milestoneId),
          eq(submissions.station, station),
        ),
      );
    return row?.rounds ?? 0;
  }

  /**
   * `idempotencyKey`: a retry under the same key is the same submission (the same id), so the
   * review recognises it even after it closed.
   */
  async submit(
    actor: Actor,
    contractId: string,
    milestoneId: string,
    body: { station?: string; materials: UploadedMaterial[] },
    idempotencyKey?: string,
  ) {
    const contract = await this.visibleContract(actor, contractId);
    if (!isContractorStaff(actor, contract.parties.contractor)) {
      throw forbidden(say('only_contractor_staff', { action: 'submit materials' }));
    }
    const milestone = contract.milestones?.find((m) => m.id === milestoneId);
    if (!milestone) throw notFound(say('no_milestone', { contract: contractId, milestone: milestoneId }));
    const submissionId = idForKey('sub', [actor.userId, contractId, milestoneId], idempotencyKey);
    // A repeat of a recorded submission is answered as it stands: the review keeps only each
    // station's latest round, so an earlier one is recognised here, from the read model.
    const recorded = await this.submissionRow(submissionId);
    if (recorded) return (await this.views([recorded]))[0]!;
    // Refused before anything is stored; the workflow applies the template and round rules again.
    const station = body.station ?? '';
    const problems = [
      ...materialsProblems(body.materials, milestone.materials),
      ...submissionLimitProblems(body.materials),
    ];
    const overLimit = roundLimitProblem(station, await this.stationRounds(contractId, milestoneId, station));
    if (overLimit) problems.push(overLimit);
    if (problems.length > 0) throw unprocessable(say('materials_do_not_fit'), problems);
    // A submission the workflow refuses leaves none of its files, and none of its texts, stored.
    return withAttachments(
      this.storage,
      body.materials.map((m, i) => ({ field: `materials.${i}.attachments`, attachments: m.attachments })),
      async (stored) => {
        const materials: MaterialSubmission[] = body.materials.map((m, i) => ({
          templateId: m.templateId,
          sections: m.sections,
          attachments: stored[i]!,
        }));
        const { references, contentSha256 } = materialReferences(materials);
        await this.contents.store({ submissionId, contractId, milestoneId, sha256: contentSha256, materials });
        try {
          return await sendToWorkflow(
            reviewWorkflowId(contractId, milestoneId),
            async () => {
              const handle = this.temporal.workflow.getHandle(reviewWorkflowId(contractId, milestoneId));
              const receipt = await handle.executeUpdate(submitUpdate, {
                args: [
                  {
                    submissionId,
                    station,
                    materials: references,
                    contentSha256,
                    precheck: precheck(materials, milestone.materials),
                    submittedBy: actor.userId,
                  },
                ],
              });
              return this.view(receipt.submissionId);
            },
            {
              recorded: async () => {
                const row = await this.submissionRow(submissionId);
                return row ? (await this.views([row]))[0] : undefined;
              },
              closed: () => new ApiError(409, 'review_closed', say('review_ended', { milestone: milestoneId })),
            },
          );
        } catch (error) {
          // Refused (4xx): the texts go, as the files do; an unknown outcome (5xx) keeps them for a retry.
          if (error instanceof ApiError && error.statusCode < 500) await this.contents.discard(submissionId);
          throw error;
        }
      },
    );
  }

  async decide(actor: Actor, submissionId: string, body: { outcome: ReviewDecision; reasons: ReasonGiven[] }) {
    const [row] = await this.db.select().from(submissions).where(eq(submissions.id, submissionId));
    if (!row) throw notFound(say('not_found', { what: 'submission', id: submissionId }));
    const [contractRow] = await this.db.select().from(contracts).where(eq(contracts.id, row.contractId));
    const contract = contractRow!.definition as Contract;
    const milestone = contract.milestones?.find((m) => m.id === row.milestoneId);
    const reviewer = reviewingOrganization(contract, milestone);
    // Anyone else, evaluators of other contracts included, is refused outright.
    if (actor.organizationId !== reviewer || !actor.roles.includes('evaluator')) {
      throw forbidden(say('only_reviewing_evaluator'));
    }
    const problems = reasonProblems(body.reasons, milestone?.materials ?? []);
    if (problems.length > 0) throw unprocessable(say('reason_not_in_milestone'), problems);
    // A repeat (its answer lost) is answered from the read model, by the rule the review applies:
    // the review keeps decisions of its current run only.
    if (isRepeatedReviewDecision(row.decision as Resolved<Round['decision']>, body))
      return (await this.views([row]))[0]!;
    // The reasons' words are stored first and travel by reference (claim check).
    return withTexts(
      this.db,
      row.contractId,
      body.reasons.map((r) => (typeof r.text === 'string' ? r.text : undefined)),
      (texts) =>
        sendToWorkflow(
          reviewWorkflowId(row.contractId, row.milestoneId),
          async () => {
            const handle = this.temporal.workflow.getHandle(reviewWorkflowId(row.contractId, row.milestoneId));
            const reasons = body.reasons.map(({ text: _t, ...r }, i) => ({
              ...r,
              ...(texts[i] ? { text: texts[i] } : {}),
            }));
            await handle.executeUpdate(decideUpdate, {
              args: [{ submissionId, outcome: body.outcome, reasons, decidedBy: actor.userId }],
            });
            return this.view(submissionId);
          },
          {
            // The same rule the review applies while it runs.
            recorded: async () => {
              const current = (await this.submissionRow(submissionId))!;
              return isRepeatedReviewDecision(current.decision as Resolved<Round['decision']>, body)
                ? (await this.views([current]))[0]
                : undefined;
            },
            closed: async () => {
              const current = (await this.submissionRow(submissionId))!;
              return new ApiError(
                409,
                'review_closed',
                say('review_ended_submission', {
                  milestone: row.milestoneId,
                  submission: submissionId,
                  status: current.status,
                }),
              );
            },
          },
        ),
    );
  }

  async get(actor: Actor, submissionId: string) {
    const [row] = await this.db.select().from(submissions).where(eq(submissions.id, submissionId));
    if (!row) throw notFound(say('not_found', { what: 'submission', id: submissionId }));
    await this.visibleContract(actor, row.contractId);
    return (await this.views([row]))[0]!;
  }

  async list(actor: Actor, contractId: string, filter: { milestoneId?: string; station?: string }) {
    await this.visibleContract(actor, contractId);
    return { items: await this.views(await this.rows(contractId, filter)) };
  }

  private async rows(contractId: string, filter: { milestoneId?: string; station?: string }): Promise<SubmissionRow[]> {
    return this.db
      .select()
      .from(submissions)
      .where(
        and(
          eq(submissions.contractId, contractId),
          filter.milestoneId ? eq(submissions.milestoneId, filter.milestoneId) : undefined,
          filter.station ? eq(submissions.station, filter.station) : undefined,
        ),
      )
      .orderBy(asc(submissions.submittedAt), asc(submissions.round));
  }

  /** Returns per station and per reason, so the contractor sees where training is needed. */
  async stats(actor: Actor, contractId: string) {
    await this.visibleContract(actor, contractId);
    // Statistics need no texts: the read model's rows alone.
    const items = (await this.rows(contractId, {})).map((row) => ({
      station: row.station || null,
      status: row.status,
      precheck: row.precheck as Round['precheck'],
      decision: row.decision as Resolved<Round['decision']>,
    }));
    const stations = new Map<
      string,
      { station: string | null; submissions: number; approved: number; returned: number; precheckFailures: number }
    >();
    const reasons = new Map<ReturnReason | 'precheck', number>();
    for (const s of items) {
      const key = s.station ?? '';
      const entry = stations.get(key) ?? {
        station: s.station,
        submissions: 0,
        approved: 0,
        returned: 0,
        precheckFailures: 0,
      };
      entry.submissions += 1;
      if (s.status === 'approved') entry.approved += 1;
      if (s.status === 'returned') entry.returned += 1;
      if (s.precheck.length > 0) entry.precheckFailures += 1;
      stations.set(key, entry);
      for (const r of s.decision?.reasons ?? []) reasons.set(r.code, (reasons.get(r.code) ?? 0) + 1);
      if (s.precheck.length > 0) reasons.set('precheck', (reasons.get('precheck') ?? 0) + s.precheck.length);
    }
    return {
      stations: [...stations.values()].sort((a, b) => b.returned - a.returned),
      reasons: [...reasons.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count),
    };
  }
}
