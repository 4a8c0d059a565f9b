// Material requests down the three-level service system: a township station asks its villages'
// social work rooms (and, through them, hamlet volunteers) for records and evidence by a due date.
// Villages deliver in parts; station staff accept each delivered item or send it back.
import { isBlankText, sameFreeText, type FreeText, type Resolved } from './free-text';
import { previousWorkingDay, type WorkingCalendar } from './calendar';
import { noticeMayCarryContacts, type HamletContact } from './contacts';
import type { Contract } from './contract';
import { stepDueDay } from './escalation';
import { dayText, parseInstant, shanghaiDate, startOfShanghaiDay } from './dates';
import type { AttachmentMeta } from './materials';
import { problem, type Problem } from './problems';
import type { AcceptanceDecision } from './decisions';
import type { Lang, Text } from './languages';

export const MATERIAL_KINDS = [
  'visit_records',
  'casework_records',
  'group_work_records',
  'activity_photos',
  'sign_in_sheets',
  'household_roster',
  'meeting_minutes',
  'other',
] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/** Each kind as people call it, for texts and the page alike (no "visit_records" in a sentence). */
export const MATERIAL_KIND_LABELS: Readonly<Record<MaterialKind, Text>> = {
  visit_records: { en: 'visit records', 'zh-CN': '走访记录' },
  casework_records: { en: 'casework records', 'zh-CN': '个案记录' },
  group_work_records: { en: 'group work records', 'zh-CN': '小组活动记录' },
  activity_photos: { en: 'activity photos', 'zh-CN': '活动照片' },
  sign_in_sheets: { en: 'sign-in sheets', 'zh-CN': '签到表' },
  household_roster: { en: 'household roster', 'zh-CN': '户籍花名册' },
  meeting_minutes: { en: 'meeting minutes', 'zh-CN': '会议纪要' },
  other: { en: 'other materials', 'zh-CN': '其他材料' },
};

export interface RequestedItem {
  id: string;
  kind: MaterialKind;
  /** How many each village owes (sheets, records, photos…). */
  quantity: number;
  description?: string;
}

export type { HamletContact } from './contacts';

export interface MaterialRequestInput {
  station: string;
  villages: string[];
  title: string;
  note?: string;
  items: RequestedItem[];
  due: string;
  /** Hamlet volunteers who hold the materials; named in the reminders and escalations. */
  contacts?: string[];
}

/** A request as made: the input, with the contacts looked up and the due instant parsed. */
export interface MaterialRequest extends Omit<MaterialRequestInput, 'contacts' | 'note'> {
  /** A reference inside workflows, the text in the read model (domain/free-text). */
  note?: FreeText;
  id: string;
  contractId: string;
  dueAt: number;
  contacts: HamletContact[];
  /** Each village's name, for the messages. */
  villageNames?: Record<string, string>;
  requestedBy: string;
  requestedAt: string;
}

export const LINE_STATUSES = ['pending', 'accepted', 'returned'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

export interface DeliveryLine {
  itemId: string;
  quantity: number;
  status: LineStatus;
  /** Why station staff sent it back (a reference inside workflows, the text in the read model). */
  reason?: FreeText;
}

export interface Delivery {
  id: string;
  village: string;
  lines: DeliveryLine[];
  attachments: AttachmentMeta[];
  note?: FreeText;
  deliveredBy: string;
  deliveredAt: string;
  reviewedBy?: string;
  reviewedAt?: string;
}

export interface ItemStanding {
  itemId: string;
  requested: number;
  /** Delivered and not sent back (accepted or awaiting a decision). */
  delivered: number;
  accepted: number;
  pending: number;
  returned: number;
  outstanding: number;
}

export const VILLAGE_STATUSES = ['awaiting', 'partially_delivered', 'delivered', 'accepted'] as const;
export type VillageStatus = (typeof VILLAGE_STATUSES)[number];
export const REQUEST_STATUSES = ['open', 'partially_delivered', 'delivered', 'accepted', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface VillageStanding {
  village: string;
  status: VillageStatus;
  items: ItemStanding[];
}

export function villageStanding(
  request: Pick<MaterialRequest, 'items'>,
  deliveries: readonly Delivery[],
  village: string,
): VillageStanding {
  const lines = deliveries.filter((d) => d.village === village).flatMap((d) => d.lines);
  const items = request.items.map((item): ItemStanding => {
    const mine = lines.filter((l) => l.itemId === item.id);
    const sum = (status: LineStatus) => mine.filter((l) => l.status === status).reduce((s, l) => s + l.quantity, 0);
    const [accepted, pending, returned] = [sum('accepted'), sum('pending'), sum('returned')];
    const delivered = accepted + pending;
    return {
      itemId: item.id,
      requested: item.quantity,
      delivered,
      accepted,
      pending,
      returned,
      outstanding: Math.max(0, item.quantity - delivered),
    };
  });
  const status: VillageStatus = items.every((i) => i.accepted >= i.requested)
    ? 'accepted'
    : items.every((i) => i.outstanding === 0)
      ? 'delivered'
      : items.some((i) => i.delivered > 0)
        ? 'partially_delivered'
        : 'awaiting';
  return { village, status, items };
}

/** A request is as far along as its least advanced village. */
export function requestStatus(villages: readonly VillageStanding[], cancelled: boolean): RequestStatus {
  if (cancelled) return 'cancelled';
  if (villages.every((v) => v.status === 'accepted')) return 'accepted';
  if (villages.every((v) => v.status === 'accepted' || v.status === 'delivered')) return 'delivered';
  if (villages.some((v) => v.status !== 'awaiting')) return 'partially_delivered';
  return 'open';
}

/** A village still holds the request while anything it owes is neither delivered nor accepted. */
export function villageHolds(standing: VillageStanding): boolean {
  return standing.status === 'awaiting' || standing.status === 'partially_delivered';
}

const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Problems with a new request against the contract (contacts are checked by the caller, who can look them up). */
export function materialRequestProblems(
  input: Omit<MaterialRequestInput, 'contacts' | 'note'>,
  contract: Pick<Contract, 'stations' | 'term'>,
): Problem[] {
  const problems: Problem[] = [];
  const station = contract.stations.find((s) => s.id === input.station);
  if (!station) problems.push(problem('station', 'not_a_station', { known: contract.stations.map((s) => s.id) }));
  if (input.villages.length === 0) problems.push(problem('villages', 'at_least_one_village'));
  const seenVillages = new Set<string>();
  input.villages.forEach((village, i) => {
    if (seenVillages.has(village)) problems.push(problem(`villages.${i}`, 'repeats_value', { value: village }));
    seenVillages.add(village);
    if (station && !station.villages.includes(village)) {
      problems.push(
        problem(`villages.${i}`, 'not_a_village_of_station', { station: station.id, known: station.villages }),
      );
    }
  });
  if (!input.title.trim()) problems.push(problem('title', 'not_empty'));
  if (input.items.length === 0) problems.push(problem('items', 'at_least_one_item'));
  const seenItems = new Set<string>();
  input.items.forEach((item, i) => {
    if (!ITEM_ID.test(item.id)) problems.push(problem(`items.${i}.id`, 'item_id_format'));
    if (seenItems.has(item.id)) problems.push(problem(`items.${i}.id`, 'repeats_id', { id: item.id }));
    seenItems.add(item.id);
    if (!MATERIAL_KINDS.includes(item.kind))
      problems.push(problem(`items.${i}.kind`, 'one_of', { values: MATERIAL_KINDS }));
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > 10_000) {
      problems.push(problem(`items.${i}.quantity`, 'whole_number_between', { min: 1, max: 10_000 }));
    }
  });
  const dueAt = parseInstant(input.due);
  if (dueAt === undefined) problems.push(problem('due', 'date_or_date_time'));
  else if (dueAt < contract.term.startAt || dueAt > contract.term.endAt) {
    problems.push(
      problem('due', 'within_term', {
        from: shanghaiDate(contract.term.startAt),
        to: shanghaiDate(contract.term.endAt),
      }),
    );
  }
  return problems;
}

/** Problems with a delivery: the village must be asked, and no item delivered beyond what it still owes. */
export function deliveryProblems(
  request: MaterialRequest,
  deliveries: readonly Delivery[],
  delivery: { village: string; lines: Array<{ itemId: string; quantity: number }> },
): Problem[] {
  const problems: Problem[] = [];
  if (!request.villages.includes(delivery.village)) {
    problems.push(problem('village', 'village_not_asked', { known: request.villages }));
    return problems;
  }
  if (delivery.lines.length === 0) problems.push(problem('items', 'deliver_at_least_one'));
  const standing = villageStanding(request, deliveries, delivery.village);
  const seen = new Set<string>();
  delivery.lines.forEach((line, i) => {
    const item = standing.items.find((s) => s.itemId === line.itemId);
    if (!item) {
      problems.push(problem(`items.${i}.itemId`, 'not_an_item', { known: request.items.map((r) => r.id) }));
      return;
    }
    if (seen.has(line.itemId)) problems.push(problem(`items.${i}.itemId`, 'repeats_value', { value: line.itemId }));
    seen.add(line.itemId);
    if (!Number.isInteger(line.quantity) || line.quantity < 1)
      problems.push(problem(`items.${i}.quantity`, 'whole_number_at_least', { min: 1 }));
    else if (line.quantity > item.outstanding) {
      problems.push(
        item.outstanding === 0
          ? problem(`items.${i}.quantity`, 'nothing_owed')
          : problem(`items.${i}.quantity`, 'more_than_owed', { owed: item.outstanding }),
      );
    }
  });
  return problems;
}

export interface LineDecision {
  itemId: string;
  outcome: AcceptanceDecision;
  reason?: FreeText;
}

/** Problems with station staff's decisions on a delivery's pending items. */
export function reviewProblems(delivery: Delivery, decisions: readonly LineDecision[]): Problem[] {
  const problems: Problem[] = [];
  if (decisions.length === 0) problems.push(problem('items', 'decide_at_least_one'));
  const seen = new Set<string>();
  decisions.forEach((d, i) => {
    const line = delivery.lines.find((l) => l.itemId === d.itemId);
    if (!line) problems.push(problem(`items.${i}.itemId`, 'not_delivered_in', { id: delivery.id }));
    else if (line.status !== 'pending')
      problems.push(problem(`items.${i}.itemId`, 'already_decided', { status: line.status }));
    if (seen.has(d.itemId)) problems.push(problem(`items.${i}.itemId`, 'repeats_value', { value: d.itemId }));
    seen.add(d.itemId);
    if (d.outcome === 'return' && isBlankText(d.reason))
      problems.push(problem(`items.${i}.reason`, 'say_why_returned'));
  });
  return problems;
}

/** The same decisions sent again (a retry): every item already stands as decided, with the same reason. */
export function isRepeatedDecision(delivery: Delivery, decisions: readonly LineDecision[]): boolean {
  return (
    decisions.length > 0 &&
    decisions.every((d) => {
      const line = delivery.lines.find((l) => l.itemId === d.itemId);
      if (!line) return false;
      return d.outcome === 'accept'
        ? line.status === 'accepted'
        : line.status === 'returned' &&
            sameFreeText(line.reason, typeof d.reason === 'string' ? d.reason.trim() : d.reason);
    })
  );
}

/**
 * The village's volunteers for the messages: "Wang Li (Banli, 138…)" in a text for `reader` (an
 * organization id) that may read the village's contact details, "Wang Li (Banli)" in any other;
 * `reader` null: a text every party may read.
 */
export function contactsText(
  contacts: readonly HamletContact[],
  village: string,
  lang: Lang,
  reader: string | null,
): string {
  const mine = contacts.filter((c) => c.village === village);
  if (mine.length === 0) return '';
  const phones = noticeMayCarryContacts(reader, village);
  return lang === 'en'
    ? ` Hamlet volunteers holding them: ${mine.map((c) => `${c.name} (${c.hamlet}${phones ? `, ${c.phone}` : ''})`).join('; ')}.`
    : `屯志愿者：${mine.map((c) => `${c.name}（${c.hamlet}${phones ? `，${c.phone}` : ''}）`).join('；')}。`;
}

/** Villages are reminded at 09:00 Asia/Shanghai on the last working day before the due day (see stepDueDay). */
export function reminderAt(dueAt: number, calendar: WorkingCalendar): number {
  return startOfShanghaiDay(previousWorkingDay(stepDueDay(dueAt), calendar)) + 9 * 3600 * 1000;
}

function outstandingText(request: MaterialRequest, standing: VillageStanding, lang: Lang): string {
  const parts = standing.items
    .filter((i) => i.outstanding > 0)
    .map((i) => {
      const item = request.items.find((r) => r.id === i.itemId)!;
      const kind = MATERIAL_KIND_LABELS[item.kind]?.[lang] ?? item.kind;
      const name = item.description ? `${item.description} (${kind})` : kind;
      return lang === 'en' ? `${i.outstanding} of ${i.requested} ${name}` : `${name} ${i.outstanding}/${i.requested}`;
    });
  return parts.join(lang === 'en' ? ', ' : '、');
}

/**
 * What a village still owes, for its reminder and its escalation ladder, as told to `reader` (an
 * organization id; null: every party): only a reader that may read the village's contact details
 * is given its volunteers' phones.
 */
export function villageOwes(
  request: MaterialRequest,
  standing: VillageStanding,
  stationName: string,
  reader: string | null,
): Text {
  const due = stepDueDay(request.dueAt);
  const village = request.villageNames?.[standing.village] ?? standing.village;
  return {
    en: `${stationName} asked ${village} for "${request.title}" by ${dayText(due, 'en')}; still owed: ${outstandingText(request, standing, 'en')}.${contactsText(request.contacts, standing.village, 'en', reader)}`,
    'zh-CN': `${stationName}请${village}于 ${dayText(due, 'zh-CN')} 前提供“${request.title}”，尚欠：${outstandingText(request, standing, 'zh-CN')}。${contactsText(request.contacts, standing.village, 'zh-CN', reader)}`,
  };
}

export interface MaterialRequestState {
  request: MaterialRequest;
  deliveries: Delivery[];
  villages: VillageStanding[];
  status: RequestStatus;
  /** Past due with a village still holding it. */
  overdue: boolean;
  remindedAt: string | null;
  cancelled: { reason: FreeText; cancelledBy: string; cancelledAt: string } | null;
  closedAt: string | null;
}

/** The state as the read model keeps it and the API answers it: texts instead of references. */
export type StoredMaterialRequestState = Resolved<MaterialRequestState>;
