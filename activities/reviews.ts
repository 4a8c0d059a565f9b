// Evaluation materials: the submissions read model, upserted under a version guard. The texts are
// not here: the API stored them (submission_contents) and ran the pre-check before the review
// workflow heard of the submission.
import type { Database } from '../db/client';
import { appendEvent } from '../db/events';
import { resolveAndAcceptTexts } from '../db/free-texts';
import { submissions } from '../db/schema';
import { upsertNewerVersion } from '../db/versioned-rows';
import { submissionEventKey } from '../domain/ids';
import type { Round } from '../domain/materials';

export function createReviewActivities(deps: { db: Database }) {
  return {
    async projectSubmission(input: { round: Round; version: number }): Promise<void> {
      await deps.db.transaction(async (tx) => {
        // A decision's reason texts are stored by the API and carried by reference.
        const r = (await resolveAndAcceptTexts(tx, input)).round;
        const row = {
          id: r.submissionId,
          contractId: r.contractId,
          milestoneId: r.milestoneId,
          station: r.station,
          round: r.round,
          status: r.status,
          precheck: r.precheck,
          decision: r.decision,
          reviewDueAt: r.reviewDueAt ? new Date(r.reviewDueAt) : null,
          submittedBy: r.submittedBy,
          submittedAt: new Date(r.submittedAt),
          version: input.version,
        };
        await upsertNewerVersion(tx, submissions, 'id', row);
        await appendEvent(tx, {
          idempotencyKey: submissionEventKey(r.submissionId, r.status),
          kind: `submission.${r.status}`,
          actorId:
            r.status === 'in_review' || r.status === 'prechecking' ? r.submittedBy : (r.decision?.decidedBy ?? null),
          contractId: r.contractId,
          occurredAt: r.decision?.decidedAt ?? r.submittedAt,
          payload: {
            submissionId: r.submissionId,
            milestoneId: r.milestoneId,
            station: r.station,
            round: r.round,
            decision: r.decision,
            precheck: r.precheck,
          },
        });
      });
    },
  };
}
