// Indicator quotas: station staff record progress through the contract's quota workflow (which
// judges each period's end); standings per station and period are computed from the recorded
// progress by the same rule the workflow uses.
import type { Client } from '@temporalio/client';
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { progressRecords } from '../../db/schema';
import type { Contract } from '../../domain/contract';
import { shanghaiDate } from '../../domain/dates';
import { isContractorStaff, type Actor } from '../../domain/organizations';
import { progressProblems, quotaStandings, type PeriodStatus, type QuotaMetric } from '../../domain/quotas';
import { resolveTexts } from '../../db/free-texts';
import { quotaWorkflowId, recordProgressUpdate } from '../../workflows/quota-messages';
import type { StoredProgressRecord } from '../../domain/quotas';
import { ApiError, forbidden, unprocessable } from '../errors';
import { withAttachments, type UploadedAttachment } from './attachments';
import { withTexts } from './free-texts';
import type { FileStorage } from './file-storage';
import { sendToWorkflow } from './temporal-errors';
import { idForKey } from './tokens';
import { loadVisibleContract } from './visibility';
import { say } from '../../domain/messages';

type ProgressRow = typeof progressRecords.$inferSelect;

const recordView = (contractId: string, r: StoredProgressRecord | ProgressRow) => ({
  id: r.id,
  contractId,
  station: r.station,
  metric: r.metric,
  count: r.count,
  date: r.date,
  evidence: {
    note: (r.evidence as StoredProgressRecord['evidence']).note ?? null,
    attachments: (r.evidence as StoredProgressRecord['evidence']).attachments,
  },
  recordedBy: r.recordedBy,
  recordedAt: typeof r.recordedAt === 'string' ? r.recordedAt : r.recordedAt.toISOString(),
});

export interface ProgressBody {
  station: string;
  metric: QuotaMetric;
  count: number;
  date: string;
  evidence?: { note?: string; attachments?: UploadedAttachment[] };
}

export class QuotaService {
  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly storage: FileStorage,
    private readonly clock: () => number = Date.now,
  ) {}

  private async contract(actor: Actor, contractId: string): Promise<Contract> {
    return (await loadVisibleContract(this.db, actor, contractId)).definition as Contract;
  }

  async record(actor: Actor, contractId: string, body: ProgressBody, idempotencyKey?: string) {
    const contract = await this.contract(actor, contractId);
    if (!isContractorStaff(actor, contract.parties.contractor)) {
      throw forbidden(say('only_contractor_staff', { action: 'record progress' }));
    }
    const problems = progressProblems(body, contract, this.clock());
    if (problems.length > 0) throw unprocessable(say('progress_invalid'), problems);
    const id = idForKey('pr', [actor.userId, contractId], idempotencyKey);
    const closedMessage = say('progress_closed', { id: contractId });
    // Progress the workflow refuses leaves none of its evidence stored: neither note nor attachments.
    return withTexts(this.db, contractId, [body.evidence?.note], ([note]) =>
      withAttachments(
        this.storage,
        [{ field: 'evidence.attachments', attachments: body.evidence?.attachments ?? [] }],
        ([attachments]) =>
          sendToWorkflow(
            quotaWorkflowId(contractId),
            async () =>
              recordView(
                contractId,
                await resolveTexts(
                  this.db,
                  await this.temporal.workflow
                    .getHandle(quotaWorkflowId(contractId))
                    .executeUpdate(recordProgressUpdate, {
                      args: [
                        {
                          id,
                          station: body.station,
                          metric: body.metric,
                          count: body.count,
                          date: body.date,
                          evidence: { ...(note ? { note } : {}), attachments: attachments! },
                          recordedBy: actor.userId,
                        },
                      ],
                    }),
                ),
              ),
            {
              // A retry under the same key is the record made before the contract ended.
              recorded: async () => {
                const [row] = await this.db.select().from(progressRecords).where(eq(progressRecords.id, id));
                return row ? recordView(contractId, row) : undefined;
              },
              closed: () => new ApiError(409, 'closed', closedMessage),
            },
          ),
      ),
    );
  }

  async records(
    actor: Actor,
    contractId: string,
    filter: { station?: string; metric?: QuotaMetric; from?: string; to?: string },
  ) {
    await this.contract(actor, contractId);
    const rows = await this.db
      .select()
      .from(progressRecords)
      .where(
        and(
          eq(progressRecords.contractId, contractId),
          filter.station ? eq(progressRecords.station, filter.station) : undefined,
          filter.metric ? eq(progressRecords.metric, filter.metric) : undefined,
          filter.from ? gte(progressRecords.date, filter.from) : undefined,
          filter.to ? lte(progressRecords.date, filter.to) : undefined,
        ),
      )
      .orderBy(asc(progressRecords.date), asc(progressRecords.recordedAt));
    return { items: rows.map((r) => recordView(contractId, r)) };
  }

  /** Every quota's standing per station (or for the stations together) and period. */
  async standings(
    actor: Actor,
    contractId: string,
    filter: { station?: string; quota?: string; status?: PeriodStatus },
  ) {
    const contract = await this.contract(actor, contractId);
    const rows = await this.db
      .select({
        station: progressRecords.station,
        metric: progressRecords.metric,
        count: progressRecords.count,
        date: progressRecords.date,
      })
      .from(progressRecords)
      .where(eq(progressRecords.contractId, contractId));
    // Counted per station, metric and month first (a month lies within one period of either kind,
    // and every record lies within the term), and only for the quotas and stations asked for.
    const months = new Map<string, { station: string; metric: QuotaMetric; count: number; date: string }>();
    for (const r of rows) {
      const key = `${r.station}\u0000${r.metric}\u0000${r.date.slice(0, 7)}`;
      const bucket = months.get(key);
      if (bucket) bucket.count += r.count;
      else months.set(key, { station: r.station, metric: r.metric, count: r.count, date: r.date });
    }
    const standings = quotaStandings(
      (contract.quotas ?? []).filter((q) => !filter.quota || q.id === filter.quota),
      contract.stations.map((s) => s.id).filter((id) => !filter.station || id === filter.station),
      { start: shanghaiDate(contract.term.startAt), end: shanghaiDate(contract.term.endAt) },
      [...months.values()],
      this.clock(),
    );
    return {
      items: standings.filter(
        (s) => (!filter.station || s.station === filter.station) && (!filter.status || s.status === filter.status),
      ),
    };
  }
}
