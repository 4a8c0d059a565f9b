// What the parties are told when a money step changes state, in zh-CN and en: what is stalled,
// since when, what is owed, and who can unblock it.
import type { Contract } from './contract';
import { PARTY_NAMES, type Party, type PartyRole } from './organizations';
import { dateTimeText, dayText, parseInstant, shanghaiDate } from './dates';
import type { StepKind } from './escalation';
import { moneyText, type Fen } from './money';
import type { CheckpointStatus, ContractFigures, TrancheStatus } from './status';
import type { Severity } from './severity';
import type { NoticeText, Text } from './languages';

/** A notice to a contract's parties (by role), before the projection finds their organizations. */
export interface Notice extends NoticeText {
  kind: string;
  severity: Severity;
  recipients: PartyRole[];
}

/**
 * A notice to a contract's parties with the key it is written under once (domain/ids), as the
 * contract's projection takes it: one inbox row per recipient organization and key.
 */
export interface KeyedNotice extends Notice {
  idempotencyKey: string;
}

/**
 * An inbox notification as a projection writes it (db/notifications.ts writeNotifications):
 * one row per organization of `organizationIds` and `idempotencyKey`, so a retried or replayed
 * projection writes nothing twice. `at`: ISO 8601 instant; `escalationId` when an escalation level
 * sent it.
 */
export interface InboxNotification extends NoticeText, Pick<Notice, 'kind' | 'severity'> {
  idempotencyKey: string;
  organizationIds: string[];
  escalationId?: string;
  at: string;
}

/** A village's reminder about a material request, as its workflow hands it over (kind material_request.reminder, severity info). */
export type MaterialRequestNotice = Omit<InboxNotification, 'kind' | 'severity' | 'escalationId'>;

/** How a notification reaches an organization beyond its inbox (activities/delivery.ts), and how that went. */
export const DELIVERY_CHANNELS = ['webhook', 'email'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const DELIVERY_STATUSES = ['delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Why the administrators are told a workflow is stuck (api/services/operators.ts finds them). */
export const STUCK_REASONS = ['workflow_task_failing', 'projection_failing'] as const;
export type StuckReason = (typeof STUCK_REASONS)[number];

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
  const what: Text =
    stuck.reason === 'workflow_task_failing'
      ? { en: 'its workflow tasks keep failing', 'zh-CN': '其工作流任务持续失败' }
      : { en: 'a read-model projection cannot be written', 'zh-CN': '读模型投影无法写入' };
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
      'zh-CN': `${stuck.workflowType} 工作流 ${stuck.workflowId}${stuck.contractId ? `（合同 ${stuck.contractId}）` : ''}停滞：${what['zh-CN']}。其他合同不受影响。详情：${stuck.detail}。见 GET /v1/admin/stuck-workflows。`,
    },
    at: stuck.at,
  };
}

// Money and days as each language writes them, as the page does (issue 16 item 4).
const yuan = (fen: number) => moneyText(fen, 'en');
const zhYuan = (fen: number) => moneyText(fen, 'zh-CN');
const day = (d: string) => dayText(d, 'en');
const zhDay = (d: string) => dayText(d, 'zh-CN');

/**
 * The instant (epoch ms) a text's figures were computed, in Shanghai time: later payments change
 * the figures, so every text that quotes them says when they held.
 */
const asOf = (at: number) => ({
  en: `as of ${dateTimeText(at, 'en')} Beijing time`,
  'zh-CN': `数据截至北京时间 ${dateTimeText(at, 'zh-CN')}`,
});

/** `at`: the instant (epoch ms) the figures in `c` were computed for. */
export function checkpointNotice(contract: Contract, c: CheckpointStatus, at: number): Notice | undefined {
  const when = asOf(at);
  if (c.status === 'missed') {
    return {
      kind: 'checkpoint.missed',
      severity: 'warning',
      recipients: ['payer', 'purchaser'],
      subject: {
        en: `${contract.title}: payment checkpoint ${c.id} missed, ${yuan(c.shortfallFen)} short`,
        'zh-CN': `${contract.title}：拨付节点 ${c.id} 未达标，缺口 ${zhYuan(c.shortfallFen)}`,
      },
      body: {
        en:
          `By ${day(c.by)}, ${c.minPercent}% of the contract value (${yuan(c.requiredFen)}) was due to the contractor; ` +
          `${yuan(c.receivedByFen)} had arrived, ${yuan(c.shortfallFen)} short (${when.en}). The payer can unblock this by disbursing the shortfall.`,
        'zh-CN':
          `截至 ${zhDay(c.by)}，应拨付合同金额的 ${c.minPercent}%（${zhYuan(c.requiredFen)}）；` +
          `实际到账 ${zhYuan(c.receivedByFen)}，缺口 ${zhYuan(c.shortfallFen)}（${when['zh-CN']}）。请付款方拨付缺口资金。`,
      },
    };
  }
  if (c.status === 'recovered') {
    return {
      kind: 'checkpoint.recovered',
      severity: 'info',
      recipients: ['payer', 'purchaser', 'contractor'],
      subject: {
        en: `${contract.title}: payment checkpoint ${c.id} recovered on ${day(c.recoveredOn!)}, ${c.daysLate} days late`,
        'zh-CN': `${contract.title}：拨付节点 ${c.id} 已于 ${zhDay(c.recoveredOn!)} 补足，迟延 ${c.daysLate} 天`,
      },
      body: {
        en: `The ${yuan(c.shortfallFen)} missing at ${day(c.by)} has been received (${when.en}).`,
        'zh-CN': `${zhDay(c.by)} 时的缺口 ${zhYuan(c.shortfallFen)} 已到账（${when['zh-CN']}）。`,
      },
    };
  }
  return undefined;
}

/** `at`: the instant (epoch ms) the figures in `t` were computed for. */
export function trancheNotice(contract: Contract, t: TrancheStatus, at: number): Notice | undefined {
  if (t.status !== 'overdue') return undefined;
  const when = asOf(at);
  return {
    kind: 'tranche.overdue',
    severity: 'warning',
    recipients: ['payer', 'contractor'],
    subject: {
      en: `${contract.title}: tranche "${t.label}" overdue since ${day(t.due)}, ${yuan(t.outstandingFen)} unpaid`,
      'zh-CN': `${contract.title}：款项「${t.label}」自 ${zhDay(t.due)} 起逾期，未付 ${zhYuan(t.outstandingFen)}`,
    },
    body: {
      en: `The tranche of ${yuan(t.amountFen)} was due on ${day(t.due)}; ${yuan(t.outstandingFen)} has not arrived (${when.en}). The payer can unblock this.`,
      'zh-CN': `该笔 ${zhYuan(t.amountFen)} 应于 ${zhDay(t.due)} 拨付，尚有 ${zhYuan(t.outstandingFen)} 未到账（${when['zh-CN']}），请付款方处理。`,
    },
  };
}

/** The message of one escalation level: what is stalled, since when, what is owed, who can unblock it. */
export function escalationNotice(input: {
  contractTitle: string;
  summary: Text;
  since: string;
  level: number;
  levels: number;
  holder: string;
}): NoticeText {
  // The holder by its glossary name (domain/organizations PARTY_NAMES); it starts the English sentence.
  const named = Object.hasOwn(PARTY_NAMES, input.holder) ? PARTY_NAMES[input.holder as Party] : undefined;
  const holder = named
    ? { en: `The ${named.en}`, 'zh-CN': named['zh-CN'] }
    : { en: input.holder, 'zh-CN': input.holder };
  // `since` is the step's due instant (the end of its Shanghai day): said as that day.
  const sinceAt = parseInstant(input.since);
  const since: Text =
    sinceAt === undefined
      ? { en: input.since, 'zh-CN': input.since }
      : { en: day(shanghaiDate(sinceAt)), 'zh-CN': zhDay(shanghaiDate(sinceAt)) };
  return {
    subject: {
      en: `${input.contractTitle}: stalled since ${since.en} — escalation level ${input.level} of ${input.levels}`,
      'zh-CN': `${input.contractTitle}：自 ${since['zh-CN']} 起停滞——第 ${input.level}/${input.levels} 级督办`,
    },
    body: {
      en: `${input.summary.en} It has been stalled since ${since.en}. ${holder.en} can unblock it.`,
      'zh-CN': `${input.summary['zh-CN']}自 ${since['zh-CN']} 起未办结，需由${holder['zh-CN']}处理。`,
    },
  };
}

/**
 * What a stalled money step is about, for escalation messages and the escalation's view: the
 * checkpoint's figures as they stood at `at` (epoch ms), which the text dates.
 */
export function checkpointStepSummary(c: CheckpointStatus, at: number): Text {
  const when = asOf(at);
  const head = {
    en: `Payment checkpoint ${c.id}: ${c.minPercent}% of the contract value (${yuan(c.requiredFen)}) was due by ${day(c.by)}; ${yuan(c.receivedByFen)} arrived by then, ${yuan(c.shortfallFen)} short`,
    'zh-CN': `拨付节点 ${c.id}：截至 ${zhDay(c.by)} 应拨付 ${c.minPercent}%（${zhYuan(c.requiredFen)}），实际到账 ${zhYuan(c.receivedByFen)}，缺口 ${zhYuan(c.shortfallFen)}`,
  };
  // Money that arrived after the checkpoint day leaves the shortfall at the day as it was but
  // lowers what is missing now; covered, the step is over.
  const tail =
    c.status === 'recovered'
      ? { en: `; covered on ${day(c.recoveredOn!)}`, 'zh-CN': `；已于 ${zhDay(c.recoveredOn!)} 补足` }
      : c.outstandingFen !== c.shortfallFen
        ? { en: `; ${yuan(c.outstandingFen)} still missing`, 'zh-CN': `；目前仍缺 ${zhYuan(c.outstandingFen)}` }
        : { en: '', 'zh-CN': '' };
  return {
    en: `${head.en}${tail.en} (${when.en}).`,
    'zh-CN': `${head['zh-CN']}${tail['zh-CN']}（${when['zh-CN']}）。`,
  };
}

/** A tranche's figures as they stood at `at` (epoch ms), which the text dates. */
export function trancheStepSummary(t: TrancheStatus, at: number): Text {
  const when = asOf(at);
  if (t.outstandingFen === 0) {
    return {
      en: `Tranche "${t.label}" of ${yuan(t.amountFen)} was due on ${day(t.due)}; paid in full${t.paidOn ? ` on ${day(t.paidOn!)}` : ''} (${when.en}).`,
      'zh-CN': `款项「${t.label}」${zhYuan(t.amountFen)} 应于 ${zhDay(t.due)} 拨付，${t.paidOn ? `已于 ${zhDay(t.paidOn!)} ` : '已'}全额到账（${when['zh-CN']}）。`,
    };
  }
  return {
    en: `Tranche "${t.label}" of ${yuan(t.amountFen)} was due on ${day(t.due)}; ${yuan(t.outstandingFen)} has not arrived (${when.en}).`,
    'zh-CN': `款项「${t.label}」${zhYuan(t.amountFen)} 应于 ${zhDay(t.due)} 拨付，尚有 ${zhYuan(t.outstandingFen)} 未到账（${when['zh-CN']}）。`,
  };
}

/** A money step's figures now: what it requires, what arrived toward it and what is missing (fen). */
export interface MoneyStepFigures {
  status: CheckpointStatus['status'] | TrancheStatus['status'];
  requiredFen: Fen;
  receivedFen: Fen;
  outstandingFen: Fen;
  summary: Text;
}

/**
 * Where a money step (a checkpoint's shortfall, an overdue tranche) stands in `figures`, computed
 * for `at` (epoch ms): for an escalation's view beside the text written when it opened. undefined
 * for other kinds of step, or when an amendment removed the checkpoint or tranche.
 */
export function moneyStepFigures(
  kind: StepKind,
  reference: string,
  figures: ContractFigures,
  at: number,
): MoneyStepFigures | undefined {
  if (kind === 'paymentShortfall') {
    const c = figures.checkpoints.find((x) => x.id === reference);
    if (!c) return undefined;
    return {
      status: c.status,
      requiredFen: c.requiredFen,
      receivedFen: c.requiredFen - c.outstandingFen,
      outstandingFen: c.outstandingFen,
      summary: checkpointStepSummary(c, at),
    };
  }
  if (kind === 'trancheOverdue') {
    const t = figures.tranches.find((x) => x.id === reference);
    if (!t) return undefined;
    return {
      status: t.status,
      requiredFen: t.amountFen,
      receivedFen: t.amountFen - t.outstandingFen,
      outstandingFen: t.outstandingFen,
      summary: trancheStepSummary(t, at),
    };
  }
  return undefined;
}
