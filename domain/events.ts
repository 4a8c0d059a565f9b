// The kinds of audit event written to the events table (and read back as a contract's timeline),
// listed once: the page labels each in both languages as a Record<EventKind, …>, so a kind added
// here without labels fails the web typecheck, and tests/domain/events.test.ts fails when a kind
// written by activities/, workflows/ or api/ is missing here.
import { text as t, type Text } from './languages';
import { formatMoney, moneyText, type Fen } from './money';
import { SUBMISSION_STATUSES } from './materials';
import { CHECKPOINT_STATES, TRANCHE_STATES } from './status';

/** `${subject}.${state}` for each of `states`: the kinds written when a subject moves to a state. */
function stateKinds<S extends string, T extends string>(subject: S, states: readonly T[]): Array<`${S}.${T}`> {
  return states.map((state) => `${subject}.${state}` as const);
}

export const EVENT_KINDS = [
  // workflows/contract.ts
  'contract.started',
  'contract.schedule_amended',
  'contract.calendar_amended',
  'contract.terminated',
  'contract.completed',
  'contract.closed_with_arrears',
  'payment.recorded',
  'payment.reversed',
  // workflows/contract.ts: `${what}.${status}` for every checkpoint and tranche status it moves to
  ...stateKinds('checkpoint', CHECKPOINT_STATES),
  ...stateKinds('tranche', TRANCHE_STATES),
  // workflows/payment-clock.ts (issue 18): payment applications and the payer's legal clock
  'payment_application.filed',
  'payment_application.accepted',
  'payment_application.returned',
  'payment_application.acceptance_overdue',
  'payment_application.acceptance_decided_late',
  'payment_application.acceptance_overdue_ended',
  'tranche.payment_overdue',
  'tranche.payment_overdue_ended',
  // workflows/escalation.ts
  'escalation.opened',
  'escalation.acknowledged',
  'escalation.step_resolved',
  // activities/reviews.ts: `submission.${SubmissionStatus}`
  ...stateKinds('submission', SUBMISSION_STATUSES),
  // workflows/material-request.ts
  'material_request.created',
  'material_request.delivered',
  'material_request.reviewed',
  'material_request.cancelled',
  'material_request.reminded',
  'material_request.overdue',
  'material_request.closed',
  // activities/quotas.ts
  'progress.recorded',
  // api/services/identity.ts, api/services/contacts.ts (no contract: not on a timeline)
  'organization.created',
  'user.created',
  'user.token_rotated',
  'village_contact.created',
  // api/services/calendar.ts (no contract: not on a timeline); the administrators' notice of a missing year
  'calendar_year.published',
  'calendar.year_missing',
  // workflows/probe.ts (the deployment probe)
  'probe.finished',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * An audit event as the workflows and the API write it: appended once per `idempotencyKey`
 * (domain/ids), `kind` one of EVENT_KINDS (a string: the workflows compose some, e.g.
 * `checkpoint.${status}`; tests/domain/events.test.ts checks them), `occurredAt` an ISO 8601
 * instant, `actorId` null for the engine's own.
 */
export interface AuditEvent {
  idempotencyKey: string;
  kind: string;
  actorId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

const KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);

export function isEventKind(kind: string): kind is EventKind {
  return KINDS.has(kind);
}

/**
 * Why an escalated step was closed: each reason a workflow resolves a step with (the `reason` of
 * every resolve function, workflows/step-handover.ts and the steps a contract queues), by the
 * English words the escalation's event stores (escalation.step_resolved), which stay its code —
 * events written by earlier runs keep their label — with its words in both languages.
 */
export const STEP_RESOLUTIONS = {
  // The contract's money steps (domain/announcements): the checkpoint or tranche reached a state.
  'checkpoint met': t('checkpoint met', '拨付节点达标'),
  'checkpoint recovered': t('checkpoint recovered', '拨付节点已补足'),
  'checkpoint pending': t('checkpoint no longer due', '拨付节点尚未到期'),
  'checkpoint missed': t('checkpoint missed', '拨付节点未达标'),
  'checkpoint removed by amendment': t('checkpoint removed by amendment', '拨付节点已因合同变更删除'),
  'tranche paid': t('tranche paid', '款项已付清'),
  'tranche upcoming': t('tranche no longer due', '款项尚未到期'),
  'tranche overdue': t('tranche overdue', '款项逾期'),
  'tranche removed by amendment': t('tranche removed by amendment', '款项已因合同变更删除'),
  'tranche on the payer’s clock': t('tranche now watched by the payer’s legal clock', '款项改按法定付款期限跟踪'),
  // The payer's clock (workflows/payment-clock.ts).
  'application accept': t('application accepted', '请款已验收通过'),
  'application return': t('application returned', '请款申请已退回'),
  'tranche no longer on the payer’s clock (amended)': t(
    'tranche no longer on the payer’s clock (amended)',
    '合同变更后款项不再适用法定付款期限',
  ),
  'no application standing': t('no application standing', '已无有效的请款申请'),
  // The contract's end (workflows/contract.ts), and its children's.
  'contract completed': t('contract completed', '合同已完成'),
  'contract closed': t('contract closed with arrears', '合同带欠款结束'),
  'contract terminated': t('contract terminated', '合同已终止'),
  'contract ended': t('contract ended', '合同已结束'),
  // A material request's villages (workflows/material-request.ts).
  'request cancelled': t('request cancelled', '收集请求已取消'),
  'village delivered': t('village delivered everything', '村已全部交付'),
  'village accepted': t('village’s delivery accepted', '村交付已验收'),
  'village partially_delivered': t('village delivered part', '村已部分交付'),
  'village awaiting': t('village awaiting', '村待交付'),
  // A milestone's review (workflows/review.ts).
  'submitted for review': t('submitted for review', '已提交评审'),
  'resubmitted for review': t('resubmitted for review', '已重新提交评审'),
  'review approved': t('review done: approved', '评审完成：通过'),
  'review returned': t('review done: returned', '评审完成：退回'),
  approved: t('approved', '已通过'),
  // The quotas (workflows/quotas.ts).
  'target reached by progress recorded late': t('target reached by progress recorded late', '补登进展后指标已完成'),
} as const satisfies Record<string, Text>;

/**
 * A reason with a variable part: the paymentOverdue step of a tranche paid (with the interest it
 * accrued, as domain/money formatMoney writes it), a quota's shortfall superseded when the next
 * period of its quota and station is judged (the period's key).
 */
const VARIABLE_RESOLUTIONS = [
  {
    pattern: /^paid; interest (-?\d+\.\d{2})$/,
    text: (interest: string) => {
      // "-?yuan.fen" as formatMoney wrote it, back to integer fen (any size, either sign).
      const [whole, cents] = interest.replace('-', '').split('.') as [string, string];
      const fen = (interest.startsWith('-') ? -1 : 1) * (Number(whole) * 100 + Number(cents));
      return t(`paid; interest ${moneyText(fen, 'en')}`, `已付清；利息 ${moneyText(fen, 'zh-CN')}`);
    },
  },
  {
    pattern: /^superseded: period (.+) was judged$/,
    text: (period: string) => t(`superseded: period ${period} was judged`, `已由 ${period} 期的评定取代`),
  },
] as const;

/** Why a step was resolved: one of STEP_RESOLUTIONS, or a reason with a variable part built below. */
export type StepResolution =
  keyof typeof STEP_RESOLUTIONS | `paid; interest ${string}` | `superseded: period ${string} was judged`;

/** A tranche's paymentOverdue step closed when it was paid, with the interest it accrued. */
export function paidWithInterest(interestFen: Fen): StepResolution {
  return `paid; interest ${formatMoney(interestFen)}`;
}

/** A quota's shortfall step closed because the next period (`periodKey`) of its quota and station was judged. */
export function supersededByPeriod(periodKey: string): StepResolution {
  return `superseded: period ${periodKey} was judged`;
}

/**
 * The reason a step was resolved (as its event stores it), in both languages; undefined for a
 * reason not known here (shown in English pages only).
 */
export function stepResolutionText(reason: string): Text | undefined {
  if (Object.hasOwn(STEP_RESOLUTIONS, reason)) return STEP_RESOLUTIONS[reason as keyof typeof STEP_RESOLUTIONS];
  for (const { pattern, text } of VARIABLE_RESOLUTIONS) {
    const part = pattern.exec(reason)?.[1];
    if (part !== undefined) return text(part);
  }
  return undefined;
}
