// The API's words to people, in every language it speaks: one catalog of messages keyed by a stable
// code, each a function of its parameters per language. A refusal is built as a `Said` (code and
// parameters, plain JSON, so it travels through workflows and histories unchanged) and written in
// the reader's language only at the edge (api/errors.ts, from the request's Accept-Language).
// `entry` demands every language of LANGS (domain/languages.ts), so a message missing a translation fails the typecheck.
// Side-effect free: the API, the workflows and the page import it.
import { dayText } from './dates';
import { PARTY_NAMES, ROLE_NAMES, type Party, type Role } from './organizations';
import { text, type Lang, type Text } from './languages';

export const DEFAULT_LANG: Lang = 'en';

/** A message in every language, as a function of its parameters (plain JSON values). */
export type Entry<P> = { readonly [L in Lang]: (params: P) => string };
export const entry = <P = Record<string, never>>(e: Entry<P>): Entry<P> => e;

type Values = { values: readonly (string | number)[] };
type Limit = { limit: number };
type Range = { min: number; max: number };
type Id = { id: string };

const quoted = (values: readonly (string | number)[]) => values.map((v) => `"${v}"`);
/** "a", "b" or "c" / "a"、"b" 或 "c" */
function orList(values: readonly (string | number)[], lang: Lang): string {
  const items = quoted(values);
  if (items.length <= 1) return items.join('');
  const last = items[items.length - 1];
  return lang === 'en' ? `${items.slice(0, -1).join(', ')} or ${last}` : `${items.slice(0, -1).join('、')} 或 ${last}`;
}
/** a, b, c / a、b、c (ids, as they are written) */
const plainList = (values: readonly (string | number)[], lang: Lang) => values.join(lang === 'en' ? ', ' : '、');

/** A size as a person reads it: KB below a megabyte (at least 1), else MB with at most one decimal. */
export function byteSize(bytes: number): string {
  const mb = 1024 * 1024;
  return bytes < mb ? `${Math.max(1, Math.ceil(bytes / 1024))} KB` : `${Number((bytes / mb).toFixed(1))} MB`;
}

/** JSON Schema type names as a person says them. */
const TYPE_NAMES: Readonly<Record<string, Text>> = {
  string: text('text', '文本'),
  number: text('a number', '数字'),
  integer: text('a whole number', '整数'),
  boolean: text('true or false', 'true 或 false'),
  object: text('an object', '对象'),
  array: text('a list', '列表'),
  null: text('null', 'null'),
};
function typeName(types: string, lang: Lang): string {
  const names = types.split(',').map((t) => TYPE_NAMES[t.trim()]?.[lang] ?? t);
  return lang === 'en' ? names.join(' or ') : names.join('或');
}

const FORMAT_NAMES: Readonly<Record<string, Text>> = {
  date: text('a real date (YYYY-MM-DD)', '真实存在的日期（YYYY-MM-DD）'),
  'date-time': text('a date and time (e.g. 2026-11-30T09:00:00+08:00)', '日期和时间（例如 2026-11-30T09:00:00+08:00）'),
  time: text('a time of day (HH:MM:SS)', '时刻（HH:MM:SS）'),
  email: text('an e-mail address', '电子邮件地址'),
  uri: text('a web address (https://…)', '网址（https://…）'),
  uuid: text('a UUID', 'UUID'),
};

/** What a refused caller wanted to do (the routes' and services' action phrases), in Chinese; one not listed is left out. */
const ACTION_ZH: Readonly<Record<string, string>> = {
  "replace users' tokens": '更换用户令牌',
  'add webhooks': '添加 webhook',
  'create users': '创建用户',
  'list users': '查看用户列表',
  'list webhooks': '查看 webhook 列表',
  'publish the official calendar': '发布官方节假日安排',
  'register organizations': '登记机构',
  'see stuck workflows': '查看停滞的流程',
  'amend disbursement schedules': '修改拨付计划',
  'amend the schedule': '修改拨付计划',
  'start contracts': '启动合同',
  'terminate contracts': '终止合同',
  'terminate the contract': '终止合同',
  'submit materials': '提交材料',
  'decide on submissions': '评审提交的材料',
  'record payments': '登记到账',
  'reverse payments': '冲正到账',
  'accept or send back deliveries': '验收或退回交付的资料',
  'accept or send back delivered materials': '验收或退回交付的资料',
  'ask villages for materials': '向村收集资料',
  'request materials': '向村收集资料',
  'cancel material requests': '取消资料收集请求',
  'record progress': '记录进度',
  "add a village's contacts": '添加村联系人',
  'deliver materials': '交付资料',
};
/** The states a refusal names (contracts, submissions, escalations, requests and their items), in Chinese. */
const STATUS_ZH: Readonly<Record<string, string>> = {
  active: '执行中',
  completed: '已完成',
  closed: '已关闭',
  terminated: '已终止',
  prechecking: '预审中',
  in_review: '评审中',
  returned: '已退回',
  approved: '已通过',
  open: '待处理',
  acknowledged: '已确认',
  resolved: '已解决',
  superseded: '已被取代',
  partially_delivered: '部分交付',
  delivered: '已交付',
  accepted: '已验收',
  cancelled: '已取消',
  pending: '待验收',
};
const statusZh = (status: string) => STATUS_ZH[status] ?? status;
/** Kinds of organization and party roles: the API's own names in English, their glossary names in Chinese. */
const kindName = (kinds: readonly string[], lang: Lang) =>
  lang === 'en'
    ? kinds.join(' or ')
    : kinds.map((k) => (Object.hasOwn(PARTY_NAMES, k) ? PARTY_NAMES[k as Party]['zh-CN'] : k)).join('或');
const roleZh = (role: string) => (Object.hasOwn(ROLE_NAMES, role) ? ROLE_NAMES[role as Role]['zh-CN'] : role);
const actionZh = (action: string) => ACTION_ZH[action] ?? '执行此操作';

/**
 * The catalog. Codes are stable (clients may match on them); parameters are plain JSON. Field
 * names are never translated: they are the API's own names, which a form maps to its labels.
 */
export const MESSAGES = {
  // ---- request form (JSON Schema keywords, api/errors.ts) ----
  required: entry({ en: () => 'is required', 'zh-CN': () => '为必填项' }),
  unknown_field: entry({ en: () => 'is not a known field', 'zh-CN': () => '不是可识别的字段' }),
  one_of: entry<Values>({
    en: ({ values }) => `must be one of ${orList(values, 'en')}`,
    'zh-CN': ({ values }) => `必须是 ${orList(values, 'zh-CN')} 之一`,
  }),
  equal_to: entry<{ value: string }>({
    en: ({ value }) => `must be "${value}"`,
    'zh-CN': ({ value }) => `必须为 "${value}"`,
  }),
  wrong_type: entry<{ type: string }>({
    en: ({ type }) => `must be ${typeName(type, 'en')}`,
    'zh-CN': ({ type }) => `必须是${typeName(type, 'zh-CN')}`,
  }),
  format: entry<{ format: string }>({
    en: ({ format }) => `must be ${FORMAT_NAMES[format]?.en ?? `in the ${format} format`}`,
    'zh-CN': ({ format }) => `必须是${FORMAT_NAMES[format]?.['zh-CN'] ?? ` ${format} 格式`}`,
  }),
  min_length: entry<Limit>({
    en: ({ limit }) => `must have at least ${limit} characters`,
    'zh-CN': ({ limit }) => `至少需要 ${limit} 个字符`,
  }),
  max_length: entry<Limit>({
    en: ({ limit }) => `must have at most ${limit} characters`,
    'zh-CN': ({ limit }) => `最多 ${limit} 个字符`,
  }),
  minimum: entry<Limit>({
    en: ({ limit }) => `must be at least ${limit}`,
    'zh-CN': ({ limit }) => `不能小于 ${limit}`,
  }),
  maximum: entry<Limit>({ en: ({ limit }) => `must be at most ${limit}`, 'zh-CN': ({ limit }) => `不能大于 ${limit}` }),
  above: entry<Limit>({ en: ({ limit }) => `must be more than ${limit}`, 'zh-CN': ({ limit }) => `必须大于 ${limit}` }),
  below: entry<Limit>({ en: ({ limit }) => `must be less than ${limit}`, 'zh-CN': ({ limit }) => `必须小于 ${limit}` }),
  multiple_of: entry<Limit>({
    en: ({ limit }) => `must be a multiple of ${limit}`,
    'zh-CN': ({ limit }) => `必须是 ${limit} 的倍数`,
  }),
  min_items: entry<Limit>({
    en: ({ limit }) => `must have at least ${limit} item${limit === 1 ? '' : 's'}`,
    'zh-CN': ({ limit }) => `至少需要 ${limit} 项`,
  }),
  max_items: entry<Limit & { count?: number }>({
    en: ({ limit, count }) => `must have at most ${limit} items${count === undefined ? '' : ` (has ${count})`}`,
    'zh-CN': ({ limit, count }) => `最多 ${limit} 项${count === undefined ? '' : `（现有 ${count} 项）`}`,
  }),
  max_properties: entry<Limit & { count?: number }>({
    en: ({ limit, count }) => `must have at most ${limit} entries${count === undefined ? '' : ` (has ${count})`}`,
    'zh-CN': ({ limit, count }) => `最多 ${limit} 个条目${count === undefined ? '' : `（现有 ${count} 个）`}`,
  }),
  unique_items: entry({ en: () => 'must not list the same item twice', 'zh-CN': () => '不能重复列出同一项' }),
  no_matching_form: entry({
    en: () => 'does not have any of the accepted forms',
    'zh-CN': () => '不符合任何一种可接受的格式',
  }),
  invalid_value: entry({ en: () => 'is not an accepted value', 'zh-CN': () => '不是可接受的值' }),
  // Patterns, each said in words (api/validation.ts maps every pattern of a schema to one of these).
  pattern_id: entry({
    en: () => 'an id: letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    'zh-CN': () => '标识：字母、数字、"."、"_"、":" 或 "-"，以字母或数字开头',
  }),
  pattern_id_list: entry({
    en: () => 'ids separated by commas, each of letters, digits, ".", "_", ":" or "-"',
    'zh-CN': () => '以逗号分隔的标识，每个由字母、数字、"."、"_"、":" 或 "-" 组成',
  }),
  pattern_phone: entry({
    en: () => 'a phone number: digits, spaces or dashes, optionally starting with +',
    'zh-CN': () => '电话号码：数字、空格或短横线，可以 + 开头',
  }),
  pattern_day: entry({ en: () => 'a date written YYYY-MM-DD', 'zh-CN': () => '日期，格式为 YYYY-MM-DD' }),
  pattern_day_in_range: entry({
    en: () => 'a date written YYYY-MM-DD, in the years 1900–2199',
    'zh-CN': () => '日期，格式为 YYYY-MM-DD，年份在 1900–2199 之间',
  }),
  pattern_http_url: entry({
    en: () => 'a web address starting with http:// or https://',
    'zh-CN': () => '以 http:// 或 https:// 开头的网址',
  }),
  pattern_sha256: entry({
    en: () => 'a SHA-256 digest: 64 hexadecimal digits',
    'zh-CN': () => 'SHA-256 摘要：64 位十六进制数字',
  }),
  pattern_cursor: entry({
    en: () => "a previous page's nextCursor, as it was given",
    'zh-CN': () => '上一页给出的 nextCursor，原样传入',
  }),
  pattern_other: entry({
    en: () => 'holds characters that are not allowed here',
    'zh-CN': () => '包含此处不允许的字符',
  }),
  must_be: entry<{ what: string }>({
    en: ({ what }) => `must be ${renderLoose({ code: what }, 'en')}`,
    'zh-CN': ({ what }) => `必须是${renderLoose({ code: what }, 'zh-CN')}`,
  }),
  and_more: entry<{ count: number }>({
    en: ({ count }) => `and ${count} more problem${count === 1 ? '' : 's'}`,
    'zh-CN': ({ count }) => `另有 ${count} 个问题`,
  }),

  // ---- text a person can have written (domain/text.ts) ----
  text_unpaired_surrogate: entry<{ hex: string; at: number }>({
    en: ({ hex, at }) => `holds an unpaired surrogate (${hex}) at character ${at}`,
    'zh-CN': ({ hex, at }) => `第 ${at} 个字符是不成对的代理码位（${hex}）`,
  }),
  text_line_separator: entry<{ hex: string; at: number }>({
    en: ({ hex, at }) => `holds a line separator (${hex}) at character ${at}; use a newline`,
    'zh-CN': ({ hex, at }) => `第 ${at} 个字符是行分隔符（${hex}），请改用换行`,
  }),
  text_bidi_control: entry<{ hex: string; at: number }>({
    en: ({ hex, at }) =>
      `holds a bidirectional control character (${hex}) at character ${at}, which changes how the text displays`,
    'zh-CN': ({ hex, at }) => `第 ${at} 个字符是双向文本控制符（${hex}），会改变文字的显示顺序`,
  }),
  text_invisible: entry<{ hex: string; at: number }>({
    en: ({ hex, at }) =>
      `holds an invisible character (${hex}) at character ${at}, which makes it look like other text`,
    'zh-CN': ({ hex, at }) => `第 ${at} 个字符是不可见字符（${hex}），会让文字看起来像别的文字`,
  }),
  text_control: entry<{ hex: string; at: number }>({
    en: ({ hex, at }) => `holds a control character (${hex}) at character ${at}; only newline and tab are allowed`,
    'zh-CN': ({ hex, at }) => `第 ${at} 个字符是控制字符（${hex}），只允许换行和制表符`,
  }),
  text_field_name: entry<{ reason: LooseSaid }>({
    en: ({ reason }) => `has a field name that ${renderLoose(reason, 'en')}`,
    'zh-CN': ({ reason }) => `字段名中${renderLoose(reason, 'zh-CN')}`,
  }),

  // ---- attachments (domain/attachments.ts, api/services/attachments.ts) ----
  not_utf8: entry({ en: () => 'is not valid UTF-8 text', 'zh-CN': () => '不是有效的 UTF-8 文本' }),
  content_type_not_accepted: entry<{ types: readonly string[] }>({
    en: ({ types }) => `is not accepted (${plainList(types, 'en')})`,
    'zh-CN': ({ types }) => `不是可接受的文件类型（可接受：${plainList(types, 'zh-CN')}）`,
  }),
  content_not_text: entry<{ name: string; declared: string; reason: LooseSaid }>({
    en: ({ name, declared, reason }) =>
      `"${name}" is declared ${declared} but its content ${renderLoose(reason, 'en')}`,
    'zh-CN': ({ name, declared, reason }) => `"${name}" 声明为 ${declared}，但其内容${renderLoose(reason, 'zh-CN')}`,
  }),
  content_type_mismatch: entry<{ name: string; declared: string; detected?: string }>({
    en: ({ name, declared, detected }) =>
      `"${name}" is declared ${declared} but its content is ${detected ?? 'of no recognised type'}`,
    'zh-CN': ({ name, declared, detected }) =>
      `"${name}" 声明为 ${declared}，但其内容${detected ? `是 ${detected}` : '不是可识别的类型'}`,
  }),
  larger_than_bytes: entry<Limit>({
    en: ({ limit }) => `is larger than ${limit} bytes`,
    'zh-CN': ({ limit }) => `超过 ${limit} 字节`,
  }),
  size_mismatch: entry<{ size: number; actual: number }>({
    en: ({ size, actual }) => `is ${size} but the content has ${actual} bytes`,
    'zh-CN': ({ size, actual }) => `为 ${size}，但内容有 ${actual} 字节`,
  }),
  digest_mismatch: entry({ en: () => 'does not match the content', 'zh-CN': () => '与内容不符' }),

  // ---- business rules (domain/) ----
  not_empty: entry({ en: () => 'must not be empty', 'zh-CN': () => '不能为空' }),
  repeats_id: entry<Id>({ en: ({ id }) => `repeats the id "${id}"`, 'zh-CN': ({ id }) => `标识 "${id}" 重复` }),
  repeats_value: entry<{ value: string }>({
    en: ({ value }) => `repeats "${value}"`,
    'zh-CN': ({ value }) => `"${value}" 重复`,
  }),
  reserved_id: entry<Id>({
    en: ({ id }) => `"${id}" is a reserved name; choose another id`,
    'zh-CN': ({ id }) => `"${id}" 是保留名称，请换一个标识`,
  }),
  whole_number_between: entry<Range>({
    en: ({ min, max }) => `must be a whole number between ${min} and ${max}`,
    'zh-CN': ({ min, max }) => `必须是 ${min} 到 ${max} 之间的整数`,
  }),
  whole_number_at_least: entry<{ min: number }>({
    en: ({ min }) => `must be a whole number of at least ${min}`,
    'zh-CN': ({ min }) => `必须是不小于 ${min} 的整数`,
  }),
  days_between: entry<Range>({
    en: ({ min, max }) => `must be a whole number of days between ${min} and ${max}`,
    'zh-CN': ({ min, max }) => `必须是 ${min} 到 ${max} 之间的整数天数`,
  }),
  working_days_between: entry<Range>({
    en: ({ min, max }) => `must be a whole number of working days between ${min} and ${max}`,
    'zh-CN': ({ min, max }) => `必须是 ${min} 到 ${max} 之间的整数个工作日`,
  }),
  date_or_date_time: entry({
    en: () => 'must be an ISO 8601 date (YYYY-MM-DD) or date-time',
    'zh-CN': () => '必须是 ISO 8601 日期（YYYY-MM-DD）或日期时间',
  }),
  day_required: entry({ en: () => 'must be a date (YYYY-MM-DD)', 'zh-CN': () => '必须是日期（YYYY-MM-DD）' }),
  real_day_required: entry({
    en: () => 'must be a real date (YYYY-MM-DD)',
    'zh-CN': () => '必须是真实存在的日期（YYYY-MM-DD）',
  }),
  years_between: entry<{ from: number; to: number }>({
    en: ({ from, to }) => `must be in the years ${from}–${to}`,
    'zh-CN': ({ from, to }) => `年份必须在 ${from}–${to} 之间`,
  }),
  within_term: entry<{ from: string; to: string }>({
    en: ({ from, to }) => `must fall within the contract term (${from} to ${to})`,
    'zh-CN': ({ from, to }) => `必须在合同期内（${dayText(from, 'zh-CN')}至${dayText(to, 'zh-CN')}）`,
  }),
  outside_term: entry({ en: () => 'is outside the contract term', 'zh-CN': () => '不在合同期内' }),
  before_term: entry({ en: () => 'is before the term starts', 'zh-CN': () => '早于合同期开始' }),
  in_future: entry<{ today?: string }>({
    en: ({ today }) => (today ? `is in the future (today is ${today} in Asia/Shanghai)` : 'must not be in the future'),
    'zh-CN': ({ today }) => (today ? `是将来的日期（北京时间今天是${dayText(today, 'zh-CN')}）` : '不能是将来的日期'),
  }),
  money_not_a_number: entry({
    en: () => 'must be a decimal amount in CNY such as "1154000.00"',
    'zh-CN': () => '必须是以元为单位的金额，例如 "1154000.00"',
  }),
  money_negative: entry({ en: () => 'must not be negative', 'zh-CN': () => '不能为负数' }),
  money_too_precise: entry({
    en: () => 'must have at most two decimals (fen)',
    'zh-CN': () => '最多两位小数（精确到分）',
  }),
  money_too_large: entry({ en: () => 'is too large', 'zh-CN': () => '金额过大' }),
  above_zero: entry({ en: () => 'must be greater than zero', 'zh-CN': () => '必须大于零' }),
  percent_format: entry({
    en: () => 'must be a percentage above 0 and at most 100, with at most two decimals',
    'zh-CN': () => '必须是大于 0、不超过 100 的百分比，最多两位小数',
  }),
  amount_or_percent: entry({
    en: () => 'must give exactly one of amount or percent',
    'zh-CN': () => 'amount 和 percent 必须且只能填写一个',
  }),
  // Amounts as the form takes them ("1154000.00"; a sum of shares may hold a fraction of a fen).
  must_add_up: entry<{ expected: string; actual: string }>({
    en: ({ expected, actual }) => `must add up to the contract value ${expected}, but add up to ${actual}`,
    'zh-CN': ({ expected, actual }) => `合计应等于合同金额 ${expected} 元，实际合计 ${actual} 元`,
  }),
  checkpoint_order: entry<Id>({
    en: ({ id }) => `must come after checkpoint "${id}" (checkpoints are in date order)`,
    'zh-CN': ({ id }) => `必须晚于拨付节点 "${id}"（拨付节点按日期先后排列）`,
  }),
  checkpoint_cumulative: entry<Id>({
    en: ({ id }) => `must not be below checkpoint "${id}" (shares are cumulative)`,
    'zh-CN': ({ id }) => `不能低于拨付节点 "${id}"（比例是累计的）`,
  }),
  contract_id_format: entry({
    en: () => 'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    'zh-CN': () => '必须由 1–64 个字母、数字、"."、"_" 或 "-" 组成，以字母或数字开头',
  }),
  item_id_format: entry({
    en: () => 'must be 1–64 letters, digits, ".", "_" or "-"',
    'zh-CN': () => '必须由 1–64 个字母、数字、"."、"_" 或 "-" 组成',
  }),
  reference_format: entry({
    en: () => 'must be 1–100 letters, digits or . _ : / -, starting with a letter or digit',
    'zh-CN': () => '必须由 1–100 个字母、数字或 . _ : / - 组成，以字母或数字开头',
  }),
  term_end_after_start: entry({ en: () => 'must be after term.start', 'zh-CN': () => '必须晚于 term.start' }),
  term_too_long: entry<{ years: number; before: string }>({
    en: ({ years, before }) => `must be less than ${years} years after term.start (before ${before})`,
    'zh-CN': ({ years, before }) => `必须在 term.start 之后 ${years} 年以内（早于${dayText(before, 'zh-CN')}）`,
  }),
  unknown_organization: entry<Id>({
    en: ({ id }) => `is not a known organization ("${id}")`,
    'zh-CN': ({ id }) => `不是已登记的机构（"${id}"）`,
  }),
  party_kind: entry<{ kind: string; role: string; kinds: readonly string[] }>({
    en: ({ kind, role, kinds }) =>
      `is an organization of kind ${kind}; a ${role} must be of kind ${kindName(kinds, 'en')}`,
    'zh-CN': ({ kind, role, kinds }) =>
      `是${kindName([kind], 'zh-CN')}类机构；合同的${kindName([role], 'zh-CN')}必须是${kindName(kinds, 'zh-CN')}类机构`,
  }),
  of_kind_not: entry<{ kind: string; expected: string }>({
    en: ({ kind, expected }) => `is of kind ${kind}, not ${expected}`,
    'zh-CN': ({ kind, expected }) => `是${kindName([kind], 'zh-CN')}类机构，不是${kindName([expected], 'zh-CN')}`,
  }),
  headcount_range: entry<{ max: number }>({
    en: ({ max }) => `must be a whole number from 1 to ${max}`,
    'zh-CN': ({ max }) => `必须是 1 到 ${max} 之间的整数`,
  }),
  not_a_station: entry<{ id?: string; known: readonly string[] }>({
    en: ({ id, known }) =>
      `is not a station of this contract (${id ? `"${id}"; ` : ''}stations: ${plainList(known, 'en')})`,
    'zh-CN': ({ id, known }) =>
      `不是本合同的社工站（${id ? `"${id}"；` : ''}本合同的社工站：${plainList(known, 'zh-CN')}）`,
  }),
  at_least_one_template: entry({
    en: () => 'must name at least one template',
    'zh-CN': () => '至少要指定一个材料模板',
  }),
  unknown_template: entry<Id & { known?: readonly string[] }>({
    en: ({ id, known }) => `is not a known template ("${id}")${known ? `; known: ${plainList(known, 'en')}` : ''}`,
    'zh-CN': ({ id, known }) =>
      `不是已有的材料模板（"${id}"）${known ? `；已有模板：${plainList(known, 'zh-CN')}` : ''}`,
  }),
  template_not_in_milestone: entry<Id & { known: readonly string[] }>({
    en: ({ id, known }) => `"${id}" is not among this milestone's materials (${plainList(known, 'en')})`,
    'zh-CN': ({ id, known }) => `"${id}" 不在本评估节点要求的材料中（${plainList(known, 'zh-CN')}）`,
  }),
  not_a_section: entry<Id & { template: string; known: readonly string[] }>({
    en: ({ id, template, known }) => `"${id}" is not a section of ${template} (${plainList(known, 'en')})`,
    'zh-CN': ({ id, template, known }) => `"${id}" 不是 ${template} 的章节（${plainList(known, 'zh-CN')}）`,
  }),
  submitted_twice: entry<Id>({
    en: ({ id }) => `"${id}" is submitted more than once`,
    'zh-CN': ({ id }) => `"${id}" 提交了不止一次`,
  }),
  at_least_one_village: entry({ en: () => 'must name at least one village', 'zh-CN': () => '至少要指定一个村' }),
  not_a_village_of_station: entry<{ station: string; known: readonly string[] }>({
    en: ({ station, known }) =>
      `is not a village of station ${station} (${known.length ? plainList(known, 'en') : 'it has none'})`,
    'zh-CN': ({ station, known }) =>
      `不是社工站 ${station} 的村（${known.length ? plainList(known, 'zh-CN') : '该站没有村'}）`,
  }),
  at_least_one_item: entry({ en: () => 'must ask for at least one item', 'zh-CN': () => '至少要收集一项资料' }),
  village_not_asked: entry<{ known: readonly string[] }>({
    en: ({ known }) => `was not asked by this request (${plainList(known, 'en')})`,
    'zh-CN': ({ known }) => `不在本次收集请求的村之列（${plainList(known, 'zh-CN')}）`,
  }),
  deliver_at_least_one: entry({ en: () => 'must deliver at least one item', 'zh-CN': () => '至少要交付一项资料' }),
  not_an_item: entry<{ known: readonly string[] }>({
    en: ({ known }) => `is not an item of this request (${plainList(known, 'en')})`,
    'zh-CN': ({ known }) => `不是本次收集请求的资料（${plainList(known, 'zh-CN')}）`,
  }),
  nothing_owed: entry({
    en: () => 'is not owed any more: everything asked for was delivered',
    'zh-CN': () => '已无欠交：所收集的资料已全部交付',
  }),
  more_than_owed: entry<{ owed: number }>({
    en: ({ owed }) => `is more than the ${owed} still owed`,
    'zh-CN': ({ owed }) => `超过了尚欠的 ${owed} 份`,
  }),
  decide_at_least_one: entry({ en: () => 'must decide at least one item', 'zh-CN': () => '至少要对一项资料作出决定' }),
  not_delivered_in: entry<Id>({
    en: ({ id }) => `was not delivered in ${id}`,
    'zh-CN': ({ id }) => `不在交付 ${id} 之中`,
  }),
  already_decided: entry<{ status: string }>({
    en: ({ status }) => `was ${status} already`,
    'zh-CN': ({ status }) => `已经${statusZh(status)}`,
  }),
  say_why_returned: entry({ en: () => 'must say why the item is sent back', 'zh-CN': () => '退回时必须说明原因' }),
  exceeds_unpaid: entry<{ unpaid: string }>({
    en: ({ unpaid }) => `exceeds what is still unpaid (${unpaid})`,
    'zh-CN': ({ unpaid }) => `超过了尚未支付的金额（${unpaid} 元）`,
  }),
  not_a_budget_line: entry<Id>({
    en: ({ id }) => `is not a budget line of this contract ("${id}")`,
    'zh-CN': ({ id }) => `不是本合同的预算科目（"${id}"）`,
  }),
  metric_not_counted: entry<{ known: readonly string[] }>({
    en: ({ known }) =>
      known.length
        ? `has no quota in this contract (quotas count ${plainList(known, 'en')})`
        : 'cannot be recorded: this contract has no quotas',
    'zh-CN': ({ known }) =>
      known.length ? `本合同没有该项指标（指标有：${plainList(known, 'zh-CN')}）` : '无法记录：本合同没有指标',
  }),
  too_many: entry<{ count: number; limit: number; what: string }>({
    en: ({ count, limit, what }) => `has ${count} ${what}; at most ${limit} are allowed`,
    'zh-CN': ({ count, limit }) => `共 ${count} 项，最多允许 ${limit} 项`,
  }),
  too_long: entry<{ count: number; limit: number }>({
    en: ({ count, limit }) => `has ${count} characters; at most ${limit} are allowed`,
    'zh-CN': ({ count, limit }) => `共 ${count} 个字符，最多允许 ${limit} 个`,
  }),
  too_many_payments: entry<{ count: number; limit: number }>({
    en: ({ count, limit }) => `this contract holds ${count} payments; at most ${limit} are allowed per contract`,
    'zh-CN': ({ count, limit }) => `本合同已有 ${count} 笔到账，每份合同最多 ${limit} 笔`,
  }),
  too_many_terms_changes: entry<{ count: number; limit: number }>({
    en: ({ count, limit }) =>
      `the payment terms of this contract have changed ${count} times; at most ${limit} changes are allowed per contract`,
    'zh-CN': ({ count, limit }) => `本合同的付款条款已变更 ${count} 次，每份合同最多变更 ${limit} 次`,
  }),
  too_many_requests_made: entry<{ count: number; limit: number }>({
    en: ({ count, limit }) =>
      `this contract has made ${count} material requests; at most ${limit} are allowed per contract`,
    'zh-CN': ({ count, limit }) => `本合同已发出 ${count} 次资料收集请求，每份合同最多 ${limit} 次`,
  }),
  too_many_rounds: entry<{ station?: string; count: number; limit: number }>({
    en: ({ station, count, limit }) =>
      `${station ? `station ${station}` : 'this milestone'} has submitted ${count} rounds; at most ${limit} are allowed per station (pre-check returns included)`,
    'zh-CN': ({ station, count, limit }) =>
      `${station ? `社工站 ${station}` : '本评估节点'}已提交 ${count} 轮，每个站最多 ${limit} 轮（含预审退回）`,
  }),
  not_a_step_kind: entry({ en: () => 'is not a kind of step', 'zh-CN': () => '不是已知的环节类型' }),
  at_least_one_level: entry({ en: () => 'must have at least one level', 'zh-CN': () => '至少要有一级' }),
  after_days_one_of: entry({
    en: () => 'must give exactly one of afterWorkingDays or afterDays',
    'zh-CN': () => 'afterWorkingDays 和 afterDays 必须且只能填写一个',
  }),
  level_order: entry({ en: () => 'must not come before the level above it', 'zh-CN': () => '不能早于上一级' }),
  at_least_one_party: entry({ en: () => 'must name at least one party', 'zh-CN': () => '至少要指定一方' }),
  calendar_year_range: entry<{ from: number; to: number }>({
    en: ({ from, to }) => `must be a year from ${from} to ${to}`,
    'zh-CN': ({ from, to }) => `必须是 ${from} 到 ${to} 之间的年份`,
  }),
  at_most_days: entry<Limit>({
    en: ({ limit }) => `must list at most ${limit} days`,
    'zh-CN': ({ limit }) => `最多列出 ${limit} 天`,
  }),
  day_not_in_year: entry<{ day: string; year: number }>({
    en: ({ day, year }) => `${day} is not in ${year}`,
    'zh-CN': ({ day, year }) => `${dayText(day, 'zh-CN')}不在 ${year} 年内`,
  }),
  day_repeats: entry<{ day: string; other: string }>({
    en: ({ day, other }) => `${day} repeats ${other}`,
    'zh-CN': ({ day, other }) => `${dayText(day, 'zh-CN')}与 ${other} 重复`,
  }),
  day_off_and_working: entry<{ day: string; other: string }>({
    en: ({ day, other }) => `${day} is also a day off (${other}); a day is either off or working`,
    'zh-CN': ({ day, other }) => `${dayText(day, 'zh-CN')}同时是休息日（${other}）；一天要么休息，要么上班`,
  }),
  workday_on_weekend_only: entry<{ day: string; weekday: string }>({
    en: ({ day, weekday }) => `${day} is a ${weekday}; an adjusted working day must be a Saturday or Sunday`,
    'zh-CN': ({ day }) => `${dayText(day, 'zh-CN')}不是周末；调休上班日必须是周六或周日`,
  }),
  holidays_required: entry({
    en: () => 'must list the days off (at least one)',
    'zh-CN': () => '必须列出休息日（至少一天）',
  }),
  notice_title_required: entry({ en: () => 'must name the notice (its title)', 'zh-CN': () => '必须写明通知的标题' }),
  notice_year: entry<{ year: number }>({
    en: ({ year }) => `must be in ${year - 1} or ${year} (the notice of ${year}'s schedule)`,
    'zh-CN': ({ year }) => `必须在 ${year - 1} 年或 ${year} 年（${year} 年安排的通知）`,
  }),
  return_needs_reason: entry({ en: () => 'must name at least one reason', 'zh-CN': () => '至少要给出一条理由' }),
  station_not_in_milestone: entry({
    en: () => 'is not a station of this milestone',
    'zh-CN': () => '不是本评估节点的社工站',
  }),
  nothing_changed: entry<{ round: number }>({
    en: ({ round }) => `are identical to round ${round} (sections and attachments), which was returned`,
    'zh-CN': ({ round }) => `与已被退回的第 ${round} 轮完全相同（章节和附件），请先修改再提交`,
  }),
  station_must_be_omitted: entry({
    en: () => 'must be omitted: this milestone covers the whole contract',
    'zh-CN': () => '不应填写：本评估节点针对整份合同',
  }),

  // payment terms and applications: the rules of 《保障中小企业款项支付条例》 (State Council Order No. 802, in force 2025-06-01)
  statute_pay_within: entry<{ max: number; rule: string }>({
    en: ({ max, rule }) => `must be at most ${max} days under the statute (rule ${rule}: 《保障中小企业款项支付条例》)`,
    'zh-CN': ({ max, rule }) => `依《保障中小企业款项支付条例》不得超过 ${max} 天（规则 ${rule}）`,
  }),
  percent_to_100: entry({
    en: () => 'must be a percentage from 0 to 100 with at most two decimals',
    'zh-CN': () => '必须是 0 到 100 之间的百分比，最多两位小数',
  }),
  statute_lpr_plausible: entry<{ max: number; rule: string }>({
    en: ({ max, rule }) =>
      `must be above 0 and at most ${max} % under the statute: the one-year LPR published on the day of signing (rule ${rule}: 《保障中小企业款项支付条例》)`,
    'zh-CN': ({ max, rule }) =>
      `必须大于 0 且不超过 ${max}%：签约当日公布的一年期贷款市场报价利率（规则 ${rule}：《保障中小企业款项支付条例》）`,
  }),
  statute_rate_below_lpr: entry<{ lpr: string; rule: string }>({
    en: ({ lpr, rule }) =>
      `must not be below the one-year LPR at signing (${lpr} %) under the statute (rule ${rule}: 《保障中小企业款项支付条例》, State Council Order No. 802)`,
    'zh-CN': ({ lpr, rule }) =>
      `依《保障中小企业款项支付条例》（国务院令第 802 号）不得低于签约时的一年期贷款市场报价利率（${lpr}%）（规则 ${rule}）`,
  }),
  statute_interest_not_waived: entry<{ rule: string }>({
    en: ({ rule }) => `cannot be none under the statute: where no rate is agreed it is 0.05 % per day (rule ${rule})`,
    'zh-CN': ({ rule }) => `依条例不得约定为无：未约定利率的，按每日万分之五计付（规则 ${rule}）`,
  }),
  not_a_milestone: entry<Id>({
    en: ({ id }) => `is not a milestone of this contract ("${id}")`,
    'zh-CN': ({ id }) => `不是本合同的评估节点（"${id}"）`,
  }),
  release_form: entry<Values>({
    en: ({ values }) => `must be ${quoted(values).join(', ')} or { "afterApproval": "<milestone id>" }`,
    'zh-CN': ({ values }) => `必须是 ${quoted(values).join('、')} 或 { "afterApproval": "<评估节点标识>" }`,
  }),
  not_a_tranche: entry<Id>({
    en: ({ id }) => `is not a tranche of this contract ("${id}")`,
    'zh-CN': ({ id }) => `不是本合同的款项（"${id}"）`,
  }),
  too_many_applications: entry<{ max: number }>({
    en: ({ max }) => `a contract holds at most ${max} payment applications`,
    'zh-CN': ({ max }) => `每份合同最多 ${max} 份请款申请`,
  }),
  released_on_due_date: entry<{ day: string }>({
    en: ({ day }) => `cannot be applied for yet: the tranche is released on its due date ${dayText(day, 'en')}`,
    'zh-CN': ({ day }) => `尚不能请款：该笔款项于到期日${dayText(day, 'zh-CN')}起才可请款`,
  }),
  released_after_approval: entry<{ milestone: string }>({
    en: ({ milestone }) =>
      `cannot be applied for yet: the tranche is released only once milestone "${milestone}" is approved`,
    'zh-CN': ({ milestone }) => `尚不能请款：评估节点 "${milestone}" 通过评审后该笔款项才可请款`,
  }),
  more_than_tranche_owes: entry<{ left: string; tranche: string; applied: string; received: string }>({
    en: ({ left, tranche, applied, received }) =>
      `is more than the tranche still owes: at most ${left} (tranche ${tranche}, applied for ${applied}, received ${received})`,
    'zh-CN': ({ left, tranche, applied, received }) =>
      `超过了该笔款项尚欠的金额：最多 ${left}（款项 ${tranche}，已申请 ${applied}，已收到 ${received}）`,
  }),
  tranche_has_applications: entry<Id & { applications: readonly string[] }>({
    en: ({ id, applications }) =>
      `cannot remove tranche "${id}": payment application(s) ${plainList(applications, 'en')} stand for it (return them within their window, or pay the tranche, first)`,
    'zh-CN': ({ id, applications }) =>
      `不能删除款项 "${id}"：请款申请 ${plainList(applications, 'zh-CN')} 仍然有效（请先在验收期内退回，或付清该笔款项）`,
  }),
  overdue_tranche_kept: entry<Id & { day: string; rule: string }>({
    en: ({ id, day, rule }) =>
      `would change what tranche "${id}" owes or the interest it bears: the payer was to pay it by ${dayText(day, 'en')} and paid it late or not yet; under the statute an amendment may not change a tranche in breach — its amount, due date, release, or the money already counted toward it (pay it first; rule ${rule})`,
    'zh-CN': ({ id, day, rule }) =>
      `会改变款项 "${id}" 的欠款或逾期利息：付款方应于 ${dayText(day, 'zh-CN')} 前支付，该笔款项逾期支付或尚未支付；依条例，变更不得改动已逾期的款项——其金额、到期日、付款条件或已计入的到账款项（请先付清；规则 ${rule}）`,
  }),
  give_a_reason_to_return: entry({
    en: () => 'must give at least one reason to return',
    'zh-CN': () => '退回时至少要给出一条理由',
  }),

  // ---- refusals (the error's message) ----
  invalid_request: entry({ en: () => 'The request is not valid', 'zh-CN': () => '请求无效' }),
  field_problem: entry<{ field: string; reason: LooseSaid }>({
    en: ({ field, reason }) => `${field || 'request'} ${renderLoose(reason, 'en')}`,
    'zh-CN': ({ field, reason }) => `${field || '请求'}：${renderLoose(reason, 'zh-CN')}`,
  }),
  sign_in_required: entry({ en: () => 'A valid bearer token is required', 'zh-CN': () => '需要有效的访问令牌' }),
  token_not_valid: entry({ en: () => 'The bearer token is not valid', 'zh-CN': () => '访问令牌无效' }),
  too_many_attempts: entry<{ after: string }>({
    en: ({ after }) => `Too many requests; retry in ${after}`,
    'zh-CN': ({ after }) => `请求过于频繁，请 ${after} 后再试`,
  }),
  only_roles_may: entry<{ roles: readonly string[]; action: string }>({
    en: ({ roles, action }) => `Only ${roles.join(' or ')} may ${action}`,
    'zh-CN': ({ roles, action }) => `只有${roles.map(roleZh).join('或')}可以${actionZh(action)}`,
  }),
  only_party_may: entry<{ role: string; party: string; contract: string; action: string }>({
    en: ({ role, party, contract, action }) => `Only a ${role} of ${party} of contract ${contract} may ${action}`,
    'zh-CN': ({ role, party, contract, action }) =>
      `只有合同 ${contract} 的${PARTY_NAMES[party === 'the payer' ? 'payer' : 'purchaser']['zh-CN']}的${roleZh(role)}可以${actionZh(action)}`,
  }),
  only_purchaser_starts: entry({
    en: () => 'Only an agency_officer of the purchaser named in the contract may start it',
    'zh-CN': () => '只有合同所列采购方的业务主管可以启动合同',
  }),
  only_contractor_staff: entry<{ action: string }>({
    en: ({ action }) => `Only station_staff or contractor_staff of the contractor may ${action}`,
    'zh-CN': ({ action }) => `只有承接机构的站点社工或机构工作人员可以${actionZh(action)}`,
  }),
  only_reviewing_evaluator: entry({
    en: () => 'Only an evaluator of the reviewing organization of this contract may decide',
    'zh-CN': () => '只有本合同评审机构的评估人员可以作出评审结论',
  }),
  only_notified_acknowledge: entry({
    en: () => 'Only a user of an organization this escalation notified may acknowledge it',
    'zh-CN': () => '只有收到此督办通知的机构的用户可以确认它',
  }),
  only_village_liaison_delivers: entry({
    en: () => 'Only a village_liaison of a village this request asks may deliver',
    'zh-CN': () => '只有本次收集请求所涉村的村联络员可以交付',
  }),
  deliver_own_village: entry<{ own: string; village: string }>({
    en: ({ own, village }) => `A user of ${own} may deliver only for ${own}, not for ${village}`,
    'zh-CN': ({ own, village }) => `${own} 的用户只能为 ${own} 交付，不能为 ${village} 交付`,
  }),
  only_village_adds_contacts: entry({
    en: () => "Only the village's own village_liaison (or an administrator) may add its contacts",
    'zh-CN': () => '只有本村的村联络员（或管理员）可以添加本村联系人',
  }),
  only_village_reads_contacts: entry({
    en: () =>
      "Only the village's users, the contractor's staff of a contract with this village, or an administrator may read its contacts",
    'zh-CN': () => '只有本村用户、与本村有合同的承接机构人员或管理员可以查看本村联系人',
  }),
  only_own_delivery_log: entry({
    en: () => "Only administrators and the organization's own users may read its delivery log",
    'zh-CN': () => '只有管理员和本机构用户可以查看其投递记录',
  }),
  not_found: entry<{ what: string; id: string }>({
    en: ({ what, id }) => `${WHAT[what]?.en ?? what} ${id} does not exist`,
    'zh-CN': ({ what, id }) => `${WHAT[what]?.['zh-CN'] ?? what} ${id} 不存在`,
  }),
  not_found_or_not_shared: entry<{ what: string; id: string }>({
    en: ({ what, id }) => `${WHAT[what]?.en ?? what} ${id} does not exist or is not shared with your organization`,
    'zh-CN': ({ what, id }) => `${WHAT[what]?.['zh-CN'] ?? what} ${id} 不存在，或未与您的机构共享`,
  }),
  no_route: entry<{ method: string; path: string }>({
    en: ({ method, path }) => `No route ${method} ${path}`,
    'zh-CN': ({ method, path }) => `没有 ${method} ${path} 这个接口`,
  }),
  not_in_inbox: entry<{ id: string | number }>({
    en: ({ id }) => `Notification ${id} is not in your inbox`,
    'zh-CN': ({ id }) => `通知 ${id} 不在您的收件箱中`,
  }),
  no_milestone: entry<{ contract: string; milestone: string }>({
    en: ({ contract, milestone }) => `Contract ${contract} has no milestone ${milestone}`,
    'zh-CN': ({ contract, milestone }) => `合同 ${contract} 没有评估节点 ${milestone}`,
  }),
  no_delivery: entry<{ request: string; delivery: string }>({
    en: ({ request, delivery }) => `Material request ${request} has no delivery ${delivery}`,
    'zh-CN': ({ request, delivery }) => `资料收集请求 ${request} 没有交付 ${delivery}`,
  }),
  no_payment: entry<{ reference: string }>({
    en: ({ reference }) => `No payment with reference ${reference}`,
    'zh-CN': ({ reference }) => `没有凭证号为 ${reference} 的到账`,
  }),
  no_official_schedule: entry<{ year: number; to: number }>({
    en: ({ year, to }) => `${year} has no official schedule: the package ends with ${to} and none was published here`,
    'zh-CN': ({ year, to }) => `${year} 年没有官方节假日安排：内置数据截至 ${to} 年，本系统也未录入`,
  }),
  contract_definition_invalid: entry({
    en: () => 'The contract definition is not valid',
    'zh-CN': () => '合同定义有误',
  }),
  contract_exists: entry<Id>({
    en: ({ id }) => `Contract ${id} already exists`,
    'zh-CN': ({ id }) => `合同 ${id} 已存在`,
  }),
  contract_has_ended: entry<Id & { status: string }>({
    en: ({ id, status }) => `Contract ${id} is ${status}: its workflow has ended`,
    'zh-CN': ({ id, status }) => `合同 ${id} ${statusZh(status)}，其流程已结束`,
  }),
  contract_not_active: entry<Id & { status: string }>({
    en: ({ id, status }) => `Contract ${id} is ${status}`,
    'zh-CN': ({ id, status }) => `合同 ${id} 当前${statusZh(status)}`,
  }),
  workflow_busy_retry: entry({
    en: () =>
      "The contract's workflow could not take the request just now (nothing was recorded); send it again in a moment",
    'zh-CN': () => '合同流程暂时无法处理此请求（未作任何记录），请稍后重新发送',
  }),
  subject_workflow_ended: entry<{ subject: string }>({
    en: ({ subject }) => `${subject}: the contract's workflow has ended`,
    'zh-CN': ({ subject }) => `${subject}：合同的流程已结束`,
  }),
  worker_refused_signature: entry<{ reason: string }>({
    en: ({ reason }) => `The worker refused this API's signature, so nothing was recorded (${reason}); try again later`,
    'zh-CN': ({ reason }) => `工作进程拒绝了本 API 的签名，未作任何记录（${reason}）；请稍后再试`,
  }),
  workflow_ended: entry({
    en: () => "The request: the contract's workflow has ended",
    'zh-CN': () => '合同的流程已结束，无法处理此请求',
  }),
  contract_id_taken: entry({
    en: () => 'A contract with this id already exists',
    'zh-CN': () => '已存在相同标识的合同',
  }),
  contract_continuing: entry<Id>({
    en: ({ id }) => `The workflow of contract ${id} is continuing as new; send the request again`,
    'zh-CN': ({ id }) => `合同 ${id} 的流程正在续接，请重新发送请求`,
  }),
  contract_calendar_invalid: entry({
    en: () => "The contract's calendar cannot be amended",
    'zh-CN': () => '无法修改合同的自有日历',
  }),
  within_contract_years: entry<{ from: number; to: number }>({
    en: ({ from, to }) => `must fall within the contract's years (${from}–${to})`,
    'zh-CN': ({ from, to }) => `必须在合同涉及的年份内（${from}–${to}）`,
  }),
  calendar_day_past: entry<{ day: string; today: string }>({
    en: ({ day, today }) =>
      `cannot change ${dayText(day, 'en')}: it is before today (${dayText(today, 'en')}), and the working days already counted stay as they were counted`,
    'zh-CN': ({ day, today }) =>
      `不能修改 ${dayText(day, 'zh-CN')}：该日早于今天（${dayText(today, 'zh-CN')}），已计算的工作日不再变更`,
  }),
  say_why_days_change: entry({ en: () => 'must say why the days change', 'zh-CN': () => '请说明修改日期的原因' }),
  idempotency_key_other_amendment: entry({
    en: () => 'This Idempotency-Key was used for another amendment',
    'zh-CN': () => '此幂等键已用于另一项修改',
  }),
  contract_ended_no_requests: entry<Id>({
    en: ({ id }) => `Contract ${id} has ended; no material request can be made`,
    'zh-CN': ({ id }) => `合同 ${id} 已结束，不能再发起资料收集请求`,
  }),
  contract_ended_no_progress: entry<Id>({
    en: ({ id }) => `Contract ${id} has ended; progress can no longer be recorded`,
    'zh-CN': ({ id }) => `合同 ${id} 已结束，不能再记录进度`,
  }),
  payment_invalid: entry({ en: () => 'The payment cannot be recorded', 'zh-CN': () => '无法登记这笔到账' }),
  payment_reference_used: entry<{ reference: string }>({
    en: ({ reference }) => `Payment reference ${reference} is already recorded with other content`,
    'zh-CN': ({ reference }) => `凭证号 ${reference} 的到账已登记，且内容不同`,
  }),
  payment_reversed_otherwise: entry<{ reference: string }>({
    en: ({ reference }) => `Payment ${reference} was already reversed with another reason`,
    'zh-CN': ({ reference }) => `到账 ${reference} 已以另一理由冲正`,
  }),
  schedule_invalid: entry({ en: () => 'The schedule cannot be amended', 'zh-CN': () => '无法修改拨付计划' }),
  material_request_invalid: entry({
    en: () => 'The material request cannot be made',
    'zh-CN': () => '无法发起这次资料收集请求',
  }),
  material_request_closed: entry<Id & { status?: string }>({
    en: ({ id, status }) => `Material request ${id} is ${status ?? 'closed'}`,
    'zh-CN': ({ id, status }) => `资料收集请求 ${id} ${status ? statusZh(status) : '已结束'}`,
  }),
  material_request_contract_ended: entry<Id>({
    en: ({ id }) => `Material request ${id} is closed: its contract ended`,
    'zh-CN': ({ id }) => `资料收集请求 ${id} 已结束：其合同已结束`,
  }),
  progress_closed: entry<Id>({
    en: ({ id }) => `Contract ${id} no longer takes progress (it has ended, or it started before quotas existed)`,
    'zh-CN': ({ id }) => `合同 ${id} 不再接受进度记录（已结束，或启动于指标功能之前）`,
  }),
  updates_in_flight_full: entry<{ seconds: number }>({
    en: ({ seconds }) =>
      `Too many changes to this contract or request are in progress at once, so nothing was recorded; send it again in ${seconds} s`,
    'zh-CN': ({ seconds }) => `此合同或申请同时处理的变更过多，未作任何记录，请 ${seconds} 秒后重新发送`,
  }),
  updates_in_flight_refused: entry<{ seconds: number }>({
    en: ({ seconds }) =>
      `Too many changes to this contract or request are in progress at once, and the workflow service could not confirm this one (it may have been recorded); send it again in ${seconds} s with the same Idempotency-Key (a payment: the same reference), and it is recorded once`,
    'zh-CN': ({ seconds }) =>
      `此合同或申请同时处理的变更过多，工作流服务未能确认此变更（可能已记录）；请 ${seconds} 秒后使用相同的 Idempotency-Key（到账：相同的凭证号）重新发送，只会记录一次`,
  }),
  unknown_contact: entry<Id>({
    en: ({ id }) => `is not a known contact ("${id}")`,
    'zh-CN': ({ id }) => `不是已登记的联系人（"${id}"）`,
  }),
  contact_of_other_village: entry<{ village: string }>({
    en: ({ village }) => `is a contact of ${village}, which this request does not ask`,
    'zh-CN': ({ village }) => `是 ${village} 的联系人，而本次收集请求不涉及该村`,
  }),
  roles_misfit: entry<{ kind: string; roles: readonly string[]; rules: readonly string[] }>({
    en: ({ kind, roles, rules }) =>
      `An organization of kind ${kind} may not hold ${roles.map((r, i) => `the role ${r} (${rules[i]})`).join(', nor ')}`,
    'zh-CN': ({ kind, roles }) => `${kindName([kind], 'zh-CN')}类机构不能担任${roles.map(roleZh).join('、')}角色`,
  }),
  role_kinds: entry<{ kind: string; kinds?: readonly string[]; rule: string }>({
    en: ({ kind, rule }) => `is ${rule}, not ${kind}`,
    'zh-CN': ({ kind, kinds }) =>
      kinds
        ? `只能由${kindName(kinds, 'zh-CN')}类机构担任，不能由${kindName([kind], 'zh-CN')}类机构担任`
        : '可以属于任何机构或不属于机构',
  }),
  org_required_for_role: entry({
    en: () => 'is required for every role but admin',
    'zh-CN': () => '除管理员外，每个角色都必须属于一个机构',
  }),
  unknown_organization_plain: entry({ en: () => 'is not a known organization', 'zh-CN': () => '不是已登记的机构' }),
  organization_missing: entry<Id>({
    en: ({ id }) => `Organization ${id} does not exist`,
    'zh-CN': ({ id }) => `机构 ${id} 不存在`,
  }),
  not_a_valid_key: entry({ en: () => 'is not a valid key', 'zh-CN': () => '不是有效的键' }),
  at_most_ids_field: entry<Limit>({
    en: ({ limit }) => `must name at most ${limit} ids`,
    'zh-CN': ({ limit }) => `最多 ${limit} 个标识`,
  }),
  delivery_invalid: entry({ en: () => 'The delivery cannot be recorded', 'zh-CN': () => '无法记录这次交付' }),
  decision_invalid: entry({ en: () => 'The decision cannot be recorded', 'zh-CN': () => '无法记录这项决定' }),
  progress_invalid: entry({ en: () => 'The progress cannot be recorded', 'zh-CN': () => '无法记录这条进度' }),
  attachments_refused: entry({
    en: () => 'Attachments were refused; nothing was stored',
    'zh-CN': () => '附件被拒收，未保存任何内容',
  }),
  materials_do_not_fit: entry({
    en: () => 'The materials do not fit this milestone',
    'zh-CN': () => '材料与本评估节点的要求不符',
  }),
  reason_not_in_milestone: entry({
    en: () => 'A reason names a template or section this milestone does not have',
    'zh-CN': () => '退回理由提到了本评估节点没有的模板或章节',
  }),
  application_cannot_be_filed: entry({
    en: () => 'The payment application cannot be filed',
    'zh-CN': () => '无法提交该请款申请',
  }),
  application_needs_reasons: entry({
    en: () => 'A returned application needs its reasons',
    'zh-CN': () => '退回请款申请须说明理由',
  }),
  application_other_figures: entry<Id>({
    en: ({ id }) => `Payment application ${id} was filed with other figures`,
    'zh-CN': ({ id }) => `请款申请 ${id} 已按其他金额或款项提交`,
  }),
  application_key_reused: entry<Id>({
    en: ({ id }) =>
      `This Idempotency-Key was used for another payment application (${id}), which stands as it was filed`,
    'zh-CN': ({ id }) => `这个 Idempotency-Key 已用于另一份请款申请（${id}），该申请按原样有效`,
  }),
  contract_before_applications: entry<Id>({
    en: ({ id }) => `Contract ${id} started before payment applications existed`,
    'zh-CN': ({ id }) => `合同 ${id} 启动于请款功能上线之前，不能请款`,
  }),
  no_payment_application: entry<Id>({
    en: ({ id }) => `No payment application ${id}`,
    'zh-CN': ({ id }) => `没有请款申请 ${id}`,
  }),
  application_decided: entry<Id & { outcome: string }>({
    en: ({ id, outcome }) => `Payment application ${id} was already decided (${outcome})`,
    'zh-CN': ({ id, outcome }) => `请款申请 ${id} 已有决定（${outcome === 'accept' ? '已验收' : '已退回'}）`,
  }),
  application_deemed_accepted: entry<Id & { day: string }>({
    en: ({ id, day }) =>
      `Payment application ${id} cannot be returned: its acceptance window ended on ${dayText(day, 'en')}: it stands deemed accepted (《保障中小企业款项支付条例》: the payment period runs from the end of the acceptance period) and can no longer be returned`,
    'zh-CN': ({ id, day }) =>
      `请款申请 ${id} 不能退回：其验收期已于${dayText(day, 'zh-CN')}届满，视为已验收（《保障中小企业款项支付条例》：付款期限自验收期届满之日起算）`,
  }),
  application_not_filed: entry<Id>({
    en: ({ id }) => `Payment application ${id} is still being filed`,
    'zh-CN': ({ id }) => `请款申请 ${id} 仍在提交中`,
  }),
  contract_ended_plain: entry<Id>({
    en: ({ id }) => `Contract ${id} has ended`,
    'zh-CN': ({ id }) => `合同 ${id} 已结束`,
  }),
  only_contractor_staff_applies: entry<{ contract: string }>({
    en: ({ contract }) =>
      `Only contractor_staff of the contractor of contract ${contract} may file payment applications`,
    'zh-CN': ({ contract }) => `只有合同 ${contract} 承接机构的机构工作人员可以提交请款申请`,
  }),
  only_purchaser_officer_decides: entry<{ contract: string }>({
    en: ({ contract }) =>
      `Only an agency_officer of the purchaser of contract ${contract} may decide payment applications`,
    'zh-CN': ({ contract }) => `只有合同 ${contract} 采购方的业务主管可以对请款申请作出决定`,
  }),
  overdue_list_denied: entry<Id>({
    en: ({ id }) =>
      `Only users of organization ${id}, administrators and auditors of an organization party to its contracts may read its overdue payments`,
    'zh-CN': ({ id }) => `只有机构 ${id} 的用户、管理员和其合同相关方的审计人员可以查看其逾期付款`,
  }),
  return_needs_a_reason: entry({
    en: () => 'A return needs at least one reason',
    'zh-CN': () => '退回至少需要一条理由',
  }),
  review_ended: entry<{ milestone: string }>({
    en: ({ milestone }) => `The review of milestone ${milestone} has ended`,
    'zh-CN': ({ milestone }) => `评估节点 ${milestone} 的评审已结束`,
  }),
  review_ended_with_contract: entry<{ milestone: string }>({
    en: ({ milestone }) => `The review of milestone ${milestone} has ended with its contract`,
    'zh-CN': ({ milestone }) => `评估节点 ${milestone} 的评审已随合同结束`,
  }),
  review_ended_submission: entry<{ milestone: string; submission: string; status: string }>({
    en: ({ milestone, submission, status }) =>
      `The review of milestone ${milestone} has ended; submission ${submission} is ${status}`,
    'zh-CN': ({ milestone, submission, status }) =>
      `评估节点 ${milestone} 的评审已结束；材料提交 ${submission} ${statusZh(status)}`,
  }),
  review_handing_over: entry<{ milestone: string }>({
    en: ({ milestone }) => `The review of milestone ${milestone} is moving to its next run; send again`,
    'zh-CN': ({ milestone }) => `评估节点 ${milestone} 的评审正在续接，请重新发送`,
  }),
  station_not_in_this_milestone: entry({
    en: () => 'The station is not part of this milestone',
    'zh-CN': () => '该社工站不属于本评估节点',
  }),
  round_in_review: entry<{ round: number }>({
    en: ({ round }) => `Round ${round} is still being reviewed`,
    'zh-CN': ({ round }) => `第 ${round} 轮仍在评审中`,
  }),
  already_approved: entry({ en: () => 'These materials were approved already', 'zh-CN': () => '这些材料已经通过评审' }),
  rounds_limit: entry<{ limit: number }>({
    en: ({ limit }) => `At most ${limit} rounds per station`,
    'zh-CN': ({ limit }) => `每个社工站最多提交 ${limit} 轮`,
  }),
  nothing_changed_since: entry<{ round: number }>({
    en: ({ round }) => `Nothing changed since round ${round}`,
    'zh-CN': ({ round }) => `自第 ${round} 轮以来没有任何修改`,
  }),
  no_submission_awaits: entry<Id>({
    en: ({ id }) => `No submission ${id} awaits a decision in this review`,
    'zh-CN': ({ id }) => `本评审中没有待作出评审结论的材料提交 ${id}`,
  }),
  submission_status: entry<Id & { status: string }>({
    en: ({ id, status }) => `Submission ${id} is ${status}`,
    'zh-CN': ({ id, status }) => `材料提交 ${id} ${statusZh(status)}`,
  }),
  escalation_not_open: entry<Id & { state: string }>({
    en: ({ id, state }) => `Escalation ${id} is ${state}`,
    'zh-CN': ({ id, state }) => `督办 ${id} ${statusZh(state)}`,
  }),
  no_escalation: entry<Id>({ en: ({ id }) => `No escalation ${id}`, 'zh-CN': ({ id }) => `没有督办 ${id}` }),
  closed: entry({ en: () => 'It has closed', 'zh-CN': () => '已结束' }),
  idempotency_key_format: entry({
    en: () => 'Idempotency-Key must be 1–200 visible ASCII characters',
    'zh-CN': () => 'Idempotency-Key 必须是 1–200 个可见 ASCII 字符',
  }),
  idempotency_key_reused: entry({
    en: () => 'This Idempotency-Key was used for a different request',
    'zh-CN': () => '这个 Idempotency-Key 已用于另一个请求',
  }),
  request_in_progress: entry({
    en: () => 'A request with this Idempotency-Key is still being processed',
    'zh-CN': () => '使用这个 Idempotency-Key 的请求仍在处理中',
  }),
  administrators_only_without_org: entry({
    en: () => 'Only administrators may belong to no organization',
    'zh-CN': () => '只有管理员可以不属于任何机构',
  }),
  contacts_belong_to_villages: entry({ en: () => 'Contacts belong to villages', 'zh-CN': () => '联系人只属于村' }),
  invalid_cursor: entry({
    en: () => 'The cursor is not one this list gave out; start again without it',
    'zh-CN': () => '该游标不是此列表给出的，请不带游标重新开始',
  }),
  invalid_cursor_field: entry({
    en: () => "is not a cursor this list gave out (a previous page's nextCursor)",
    'zh-CN': () => '不是此列表给出的游标（上一页的 nextCursor）',
  }),
  at_most_ids: entry<Limit>({
    en: ({ limit }) => `At most ${limit} ids at once`,
    'zh-CN': ({ limit }) => `一次最多 ${limit} 个标识`,
  }),
  webhook_refused: entry<{ url: string; why: string }>({
    en: ({ url, why }) => `The webhook cannot be added: ${url} ${why}`,
    'zh-CN': ({ url, why }) => `无法添加 webhook：${url} ${why}`,
  }),
  webhook_target_refused: entry<{ why: string }>({
    en: ({ why }) => why,
    'zh-CN': ({ why }) => `不是可接受的 webhook 地址（${why}）`,
  }),
  internal_error: entry({ en: () => 'Internal server error', 'zh-CN': () => '服务器内部错误' }),
  // What an error code means, for a refusal without its own message in the reader's language.
  error_invalid_request: entry({ en: () => 'The request is not valid', 'zh-CN': () => '请求无效' }),
  error_unauthorized: entry({ en: () => 'A valid bearer token is required', 'zh-CN': () => '需要有效的访问令牌' }),
  error_forbidden: entry({ en: () => 'You may not do this', 'zh-CN': () => '您无权执行此操作' }),
  error_not_found: entry({ en: () => 'Not found', 'zh-CN': () => '未找到' }),
  error_method_not_allowed: entry({
    en: () => 'This method is not allowed here',
    'zh-CN': () => '此处不允许该请求方法',
  }),
  error_not_acceptable: entry({
    en: () => 'The answer cannot be given in the asked format',
    'zh-CN': () => '无法以所要求的格式应答',
  }),
  error_request_timeout: entry({ en: () => 'The request took too long to arrive', 'zh-CN': () => '请求传输超时' }),
  error_conflict: entry({ en: () => 'This conflicts with what is recorded', 'zh-CN': () => '与已记录的内容冲突' }),
  error_payload_too_large: entry({ en: () => 'The request is too large', 'zh-CN': () => '请求内容过大' }),
  body_too_large: entry<Limit>({
    en: ({ limit }) => `The request is too large: this route takes at most ${limit} bytes (${byteSize(limit)})`,
    'zh-CN': ({ limit }) => `请求内容过大：此接口最多接受 ${limit} 字节（${byteSize(limit)}）`,
  }),
  error_uri_too_long: entry({ en: () => 'The address is too long', 'zh-CN': () => '请求地址过长' }),
  error_unsupported_media_type: entry({
    en: () => 'Send the body as application/json',
    'zh-CN': () => '请以 application/json 格式发送请求正文',
  }),
  error_unprocessable: entry({ en: () => 'The request cannot be carried out', 'zh-CN': () => '无法执行该请求' }),
  error_too_many_requests: entry({
    en: () => 'Too many requests; try again later',
    'zh-CN': () => '请求过于频繁，请稍后再试',
  }),
  error_unavailable: entry({
    en: () => 'The service is unavailable; try again later',
    'zh-CN': () => '服务暂时不可用，请稍后再试',
  }),
  error_closed: entry({ en: () => 'It has closed', 'zh-CN': () => '已结束，不能再处理' }),
  error_contract_not_active: entry({ en: () => 'The contract is not active', 'zh-CN': () => '合同已不在执行中' }),
  error_review_closed: entry({ en: () => 'The review has ended', 'zh-CN': () => '评审已结束' }),
  error_escalation_not_open: entry({ en: () => 'The escalation is not open', 'zh-CN': () => '督办已不在待处理状态' }),
  unavailable_temporal: entry({
    en: () => 'The workflow engine did not answer, so nothing was recorded; try again later',
    'zh-CN': () => '工作流引擎没有应答，未记录任何内容，请稍后再试',
  }),
  unavailable_worker: entry({
    en: () => 'No worker is processing workflows, so nothing was recorded; try again later',
    'zh-CN': () => '没有工作进程在处理流程，未记录任何内容，请稍后再试',
  }),
  unavailable_database: entry({
    en: () => 'The database is unavailable; try again later',
    'zh-CN': () => '数据库暂时不可用，请稍后再试',
  }),
  malformed_body: entry({ en: () => 'The body is not valid JSON', 'zh-CN': () => '请求正文不是有效的 JSON' }),
} as const;

/** What a `not_found` names, in each language. */
const WHAT: Readonly<Record<string, Text>> = {
  contract: text('Contract', '合同'),
  organization: text('Organization', '机构'),
  user: text('User', '用户'),
  submission: text('Submission', '材料提交'),
  escalation: text('Escalation', '督办'),
  material_request: text('Material request', '资料收集请求'),
  notification: text('Notification', '通知'),
  payment_application: text('Payment application', '请款申请'),
};

export type MessageCode = keyof typeof MESSAGES;
export type MessageParams<C extends MessageCode> = Parameters<(typeof MESSAGES)[C]['en']>[0];
export type PatternCode = Extract<MessageCode, `pattern_${string}`>;

/** Something to say: a message code and its parameters (plain JSON). */
export interface Said<C extends MessageCode = MessageCode> {
  code: C;
  params?: MessageParams<C>;
}

type ParamsArg<C extends MessageCode> =
  Record<string, never> extends MessageParams<C> ? [params?: MessageParams<C>] : [params: MessageParams<C>];

/** `say('one_of', { values: ['a', 'b'] })`: a message to render later in the reader's language. */
export function say<C extends MessageCode>(code: C, ...[params]: ParamsArg<C>): Said<C> {
  return params === undefined ? { code } : { code, params };
}

export function isMessageCode(code: unknown): code is MessageCode {
  return typeof code === 'string' && Object.hasOwn(MESSAGES, code);
}

/** True when `value` is a Said whose code is in the catalog (e.g. read back from a workflow failure). */
export function isSaid(value: unknown): value is Said {
  return typeof value === 'object' && value !== null && isMessageCode((value as { code?: unknown }).code);
}

/** The catalog message a workflow's rejection carries (workflows/rejection.ts: its second detail), if any. */
export function rejectionSaid(details: readonly unknown[] | null | undefined): Said | undefined {
  const said = details?.[1];
  return isSaid(said) ? said : undefined;
}

/** The message in `lang`. */
export function render(said: Said, lang: Lang): string {
  return renderLoose(said, lang);
}

/** A Said as it may arrive from elsewhere (a nested parameter, a workflow failure's details). */
export interface LooseSaid {
  code: string;
  params?: unknown;
}

/** The message in `lang`; a code not in the catalog renders as itself. */
export function renderLoose(said: LooseSaid, lang: Lang): string {
  if (!Object.hasOwn(MESSAGES, said.code)) return said.code;
  const message = (MESSAGES as Record<string, Entry<unknown>>)[said.code]![lang];
  return message(said.params ?? {});
}

/**
 * The language an Accept-Language header asks for, among LANGS: the highest-q range whose primary
 * tag is zh or en (zh, zh-CN, zh-Hans… → zh-CN); English when none is given or none matches (RFC 9110 §12.5.4).
 */
export function languageOf(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return DEFAULT_LANG;
  const ranges = acceptLanguage
    .slice(0, 500)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...attributes] = part.trim().split(';');
      const q = attributes.map((a) => /^\s*q=([0-9.]+)\s*$/.exec(a)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    const primary = tag.split('-')[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return DEFAULT_LANG;
}
