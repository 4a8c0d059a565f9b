// Inbox notifications written by projections: one row per organization and idempotency key, so a
// retried or replayed projection writes nothing twice; the ids are returned for delivery.
import { inArray } from 'drizzle-orm';
import type { Database } from '../db/client';
import { notifications } from '../db/schema';
import type { InboxNotification, StuckReason } from '../domain/notices';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Writes the notifications (new ones only) and returns the ids of all of them, oldest first. */
export async function writeNotifications(tx: Transaction, contractId: string | null, notices: InboxNotification[]): Promise<number[]> {
  for (const n of notices) {
    if (n.organizationIds.length === 0) continue;
    await tx
      .insert(notifications)
      .values(
        n.organizationIds.map((organizationId) => ({
          idempotencyKey: n.idempotencyKey,
          organizationId,
          contractId,
          kind: n.kind,
          severity: n.severity,
          subject: n.subject,
          body: n.body,
          escalationId: n.escalationId ?? null,
          createdAt: new Date(n.at),
        })),
      )
      .onConflictDoNothing();
  }
  const keys = notices.map((n) => n.idempotencyKey);
  if (keys.length === 0) return [];
  const rows = await tx.select({ id: notifications.id }).from(notifications).where(inArray(notifications.idempotencyKey, keys));
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Why a workflow is shown to operators (api/services/operators.ts finds them). */
export interface StuckWorkflowNotice {
  workflowId: string;
  workflowType: string;
  contractId: string | null;
  reason: StuckReason;
  /** What failed, in the engine's words (English only: it is a technical message). */
  detail: string;
  at: string;
}

/**
 * The administrators' notice that a workflow is stuck, for `inbox` (the administrators' inbox, see
 * api/services/inbox): one per workflow (its idempotency key is the workflow id), however often it
 * is found stuck again.
 */
export function stuckWorkflowNotification(stuck: StuckWorkflowNotice, inbox: string): InboxNotification {
  const what =
    stuck.reason === 'workflow_task_failing'
      ? { en: 'its workflow tasks keep failing', zh: '其工作流任务持续失败' }
      : { en: 'a read-model projection cannot be written', zh: '读模型投影无法写入' };
  return {
    idempotencyKey: `workflow-stuck:${stuck.workflowId}`,
    organizationIds: [inbox],
    kind: 'workflow_stuck',
    severity: 'critical',
    subject: {
      en: `Workflow stuck: ${stuck.workflowType} ${stuck.workflowId}`,
      'zh-CN': `工作流停滞：${stuck.workflowType} ${stuck.workflowId}`,
    },
    body: {
      en: `The ${stuck.workflowType} workflow ${stuck.workflowId}${stuck.contractId ? ` (contract ${stuck.contractId})` : ''} is stuck: ${what.en}. Other contracts go on. Details: ${stuck.detail}. See GET /v1/admin/stuck-workflows.`,
      'zh-CN': `${stuck.workflowType} 工作流 ${stuck.workflowId}${stuck.contractId ? `（合同 ${stuck.contractId}）` : ''}停滞：${what.zh}。其他合同不受影响。详情：${stuck.detail}。见 GET /v1/admin/stuck-workflows。`,
    },
    at: stuck.at,
  };
}
