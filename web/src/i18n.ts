// Every text of the dashboard in zh-CN and en side by side (a label cannot exist in one language
// only), and the formats: CNY with thousands separators, dates and times in Asia/Shanghai, as
// each language writes them (domain/money.ts moneyText, domain/dates.ts dayText).
import type { PeriodStatus } from '../../domain/quotas';
import type { Severity } from '../../domain/severity';
import type { CheckpointState, ContractStatus, TrancheState } from '../../domain/status';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { BudgetLineKind, FundingSource } from '../../domain/contract';
import { dateTimeText, dayText, parseInstant, shanghaiDate } from '../../domain/dates';
import { moneyProblem, moneyText, parseMoney } from '../../domain/money';
import type { EventKind } from '../../domain/events';
import type { EscalationState, StepKind } from '../../domain/escalation';
import { MATERIAL_KIND_LABELS, type MaterialKind, type RequestStatus } from '../../domain/material-requests';
import type { ReturnReason, SubmissionStatus } from '../../domain/materials';
import type { LedgerKind } from '../../domain/ledger';
import { PARTY_NAMES, ROLE_NAMES, type Party, type Role } from '../../domain/organizations';
import type { AttachmentKind } from '../../domain/templates';
import { isLang, text as t, type Lang, type Text } from '../../domain/languages';

export type { Lang, Text };

/** Each language by its own name, in the order the language switch offers them (the users' own first). */
export const LANGUAGE_NAMES: Record<Lang, string> = { 'zh-CN': '中文（简体）', en: 'English' };

export const MESSAGES = {
  appName: t('grantflow', 'grantflow'),
  tagline: t('Contracts, disbursements and escalations', '合同、拨付与督办'),
  skip: t('Skip to content', '跳到正文'),
  navLabel: t('Main', '主导航'),
  navContracts: t('My contracts', '我的合同'),
  navInbox: t('Inbox', '收件箱'),
  navReviews: t('Review queue', '评审队列'),
  navOverdue: t('Overdue payments', '逾期付款清单'),
  language: t('Language', '语言'),
  signedInAs: t('Signed in as {name}', '当前用户：{name}'),
  logout: t('Log out', '退出'),
  loading: t('Loading…', '加载中…'),
  failed: t('Could not load: {message}', '加载失败：{message}'),
  notFound: t('No such page.', '页面不存在。'),
  saving: t('Sending…', '正在提交…'),
  none: t('—', '—'),

  loginTitle: t('Sign in', '登录'),
  loginIntro: t(
    'Paste the API token your administrator gave you. It is kept in this browser tab only (session storage) and sent with every request to the API.',
    '请粘贴管理员发给您的 API 令牌。令牌只保存在本浏览器标签页中（会话存储），并随每个 API 请求发送。',
  ),
  loginToken: t('API token', 'API 令牌'),
  loginSubmit: t('Sign in', '登录'),
  loginInvalid: t('The API does not accept this token.', 'API 不接受此令牌。'),
  loginEmpty: t('Enter a token.', '请输入令牌。'),

  contractsTitle: t('My contracts', '我的合同'),
  filterStatus: t('Status', '状态'),
  filterAny: t('All', '全部'),
  filterOverdue: t('Only contracts in arrears', '只看有欠款的合同'),
  filterSearch: t('Search id or title', '搜索编号或名称'),
  contractsCount: t('{shown} of {total} contracts', '共 {total} 份合同，显示 {shown} 份'),
  contractsCountAtLeast: t('{shown} of more than {total} contracts', '合同超过 {total} 份，显示 {shown} 份'),
  contractsEmpty: t('No contract matches.', '没有符合条件的合同。'),
  contractsCaption: t(
    'Contracts your organization is party to; select a column heading to sort.',
    '贵单位参与的合同；点击列标题排序。',
  ),

  colContract: t('Contract', '合同'),
  colStatus: t('Status', '状态'),
  colReceived: t('Received', '已到账'),
  colDueToDate: t('Due to date', '应付至今'),
  colReceivedShare: t('Received of due', '到账/应付'),
  colArrears: t('Arrears', '欠款'),
  colEscalations: t('Open escalations', '未结督办'),
  colNextDeadline: t('Next deadline', '下一期限'),
  colBy: t('By', '截止日期'),
  colMinPercent: t('Share required', '应拨比例'),
  colRequired: t('Required', '应拨金额'),
  colReceivedBy: t('Received by then', '届时到账'),
  colShortfall: t('Shortfall', '缺口'),
  colOutstanding: t('Still outstanding', '仍未补足'),
  colRecoveredOn: t('Recovered on', '补足日期'),
  colDaysLate: t('Days late', '迟延天数'),
  colTranche: t('Tranche', '款项'),
  colDueOn: t('Due on', '应付日期'),
  colAmount: t('Amount', '金额'),
  colFundingSource: t('Funding source', '资金来源'),
  colPaidOn: t('Paid on', '付清日期'),
  colReference: t('Reference', '凭证号'),
  colKind: t('Kind', '类型'),
  colReceivedOn: t('Received on', '到账日期'),
  colRecordedBy: t('Recorded by', '登记人'),
  colNote: t('Note', '备注'),
  colMilestone: t('Milestone', '评估节点'),
  colStation: t('Station', '站点'),
  colRound: t('Round', '轮次'),
  colSubmittedAt: t('Submitted', '提交时间'),
  colReviewDue: t('Review due', '评审期限'),
  colDecision: t('Decision and reasons', '结论与原因'),
  colTitle: t('Title', '名称'),
  colVillages: t('Villages', '村'),
  colDue: t('Due', '期限'),
  colStep: t('Step', '环节'),
  colLevel: t('Level', '级别'),
  colSeverity: t('Severity', '严重程度'),
  colState: t('State', '状态'),
  colNotified: t('Notified', '已通知'),
  colOpenedAt: t('Opened', '发起时间'),
  colAction: t('Action', '操作'),
  colParty: t('Party', '责任方'),
  colOrganization: t('Organization', '单位'),
  colWorkingDays: t('Working days holding any step', '占用任一环节的工作日'),
  colSteps: t('Steps', '环节数'),
  colTime: t('Time (Asia/Shanghai)', '时间（北京时间）'),
  colEvent: t('Event', '事件'),
  colActor: t('By', '操作人'),
  colDetails: t('Details', '详情'),

  backToContracts: t('← All contracts', '← 全部合同'),
  figValue: t('Contract value', '合同金额'),
  figReceived: t('Received', '已到账'),
  figDueToDate: t('Due to date', '应付至今'),
  figArrears: t('Arrears', '欠款'),
  figUnpaid: t('Still unpaid of the value', '合同尚未拨付'),
  figNextDeadline: t('Next deadline', '下一期限'),
  figTerm: t('Term', '服务期'),
  figAsOf: t('Figures as of {time}', '数据截至 {time}'),
  partiesTitle: t('Parties', '合同各方'),

  chartTitle: t('Disbursement curve', '拨付曲线'),
  chartPlanned: t('Planned, cumulative', '计划累计拨付'),
  chartReceived: t('Received, cumulative', '实际累计到账'),
  chartShortfall: t('Shortfall', '缺口'),
  chartCheckpoint: t('Checkpoint {percent}% by {date}: {status}.', '拨付节点“{date}前{percent}%”：{status}。'),
  chartToday: t('today', '今天'),
  chartSpan: t('The chart runs from {start} to {end}.', '图表时间范围：{start} 至 {end}。'),
  chartTodayBeyond: t('today ({date}) →', '今天（{date}）→'),
  chartSummary: t(
    'Planned by today: {planned}. Received: {received}. Shortfall: {shortfall}.',
    '截至今天计划拨付 {planned}，实际到账 {received}，缺口 {shortfall}。',
  ),
  chartCheckpointLegend: t('Checkpoint', '拨付节点'),
  chartCheckpointLine: t('{percent}% by {date}', '{date}前{percent}%'),

  holdingTitle: t('Who is holding what', '谁在卡哪一步'),
  holdingNone: t('No step is stalled.', '目前没有停滞的环节。'),
  holdingStep: t('{party} holds {step} ({reference})', '{party}：{step}（{reference}）'),
  holdingSince: t('since {date}, {days} working days', '自 {date} 起，{days} 个工作日'),
  holdingTotals: t('Working days holding any step so far, per party', '各方至今占用任一环节的工作日'),

  paymentTitle: t('Record a payment received', '登记到账'),
  paymentIntro: t(
    'The API checks every field; its answer appears beside the field.',
    '各字段由 API 校验，结果显示在字段旁。',
  ),
  paymentReference: t('Voucher reference', '凭证号'),
  paymentReferenceHint: t(
    'The payer’s own reference, e.g. CZ-2023-031. Sending it again is harmless.',
    '付款方自己的凭证号，例如 CZ-2023-031。重复提交不会重复登记。',
  ),
  paymentAmount: t('Amount (CNY)', '金额（元）'),
  paymentAmountHint: t('Decimal, at most two decimals, e.g. 230000.00', '小数，最多两位，例如 230000.00'),
  paymentReceivedOn: t('Received on (Asia/Shanghai)', '到账日期（北京时间）'),
  paymentFundingSource: t('Funding source', '资金来源'),
  paymentBudgetLine: t('Budget line (optional)', '预算科目（可选）'),
  paymentNoBudgetLine: t('not specified', '不指定'),
  paymentNote: t('Note (optional)', '备注（可选）'),
  paymentSubmit: t('Record payment', '登记到账'),
  paymentRecorded: t('Payment {reference} of {amount} recorded.', '已登记到账 {reference}，金额 {amount}。'),
  paymentDuplicate: t(
    'Payment {reference} was already recorded with this content; nothing changed.',
    '凭证 {reference} 已按相同内容登记过，未重复登记。',
  ),
  paymentRefused: t('Not recorded: {message}', '未登记：{message}'),

  checkpointsTitle: t('Checkpoints', '拨付节点'),
  checkpointsEmpty: t('This contract has no checkpoints.', '本合同没有拨付节点。'),
  tranchesTitle: t('Tranches', '拨付计划'),
  clockTitle: t("The payer's legal clock", '付款期限与逾期利息'),
  clockTermsAcceptance: t(
    'The payer pays within {days} {count} of the acceptance of an application; the purchaser accepts or returns it within {acceptance} working days, and an acceptance it leaves late counts from the end of that window. Late money: {rate}. {statute}',
    '付款方应自请款验收之日起 {days} {count}内付款；采购方应在 {acceptance} 个工作日内验收或退回，逾期未验收的，付款期限自验收期限届满之日起算。逾期利息：{rate}。{statute}',
  ),
  clockTermsDueDate: t(
    'Each tranche is due on its date (or {days} {count} after its release, when it is released later). Late money: {rate}. {statute}',
    '各笔款项按约定日期支付（晚于约定日期放款的，自放款之日起 {days} {count}内）。逾期利息：{rate}。{statute}',
  ),
  clockCalendarDays: t('calendar days', '日'),
  clockWorkingDays: t('working days', '个工作日'),
  clockRateStatutory: t('0.05 % per day (statutory, none agreed)', '每日万分之五（未约定，按法定）'),
  clockRateAgreed: t(
    '{rate} % a year as agreed (one-year LPR at signing {lpr} %)',
    '约定年利率 {rate}%（签约时一年期 LPR {lpr}%）',
  ),
  clockRateNone: t('none agreed', '未约定'),
  clockStatute: t(
    'Under the Regulation on Ensuring Payments to SMEs (《保障中小企业款项支付条例》, State Council Order No. 802, in force 1 June 2025).',
    '适用《保障中小企业款项支付条例》（国务院令第802号修订，2025年6月1日起施行）。',
  ),
  clockNoStatute: t(
    'The contract does not say it falls under the SME payment regulation.',
    '合同未约定适用《保障中小企业款项支付条例》。',
  ),
  colRelease: t('Payable', '放款条件'),
  colApplied: t('Applied for', '已请款'),
  colAcceptance: t('Acceptance', '验收'),
  colPaymentDue: t('Payment due', '付款期限'),
  colOverdue: t('Overdue', '逾期金额'),
  colDaysOverdue: t('Days overdue', '逾期天数'),
  colInterest: t('Interest', '逾期利息'),
  releaseOnDueDate: t('on its due date', '按约定日期'),
  releaseOnApplication: t('on application', '凭请款'),
  releaseAfterApproval: t('after milestone {milestone} is approved', '评估节点 {milestone} 通过后'),
  releasedOn: t('released {day}', '{day} 起可付'),
  acceptedOn: t('accepted {day}', '{day} 验收'),
  deemedAcceptedOn: t('deemed accepted {day}', '视为 {day} 验收'),
  acceptanceDueBy: t('to be decided by {day}', '应于 {day} 前验收'),
  purchaserLate: t('purchaser {days} working days late', '采购方逾期 {days} 个工作日'),
  interestSegment: t(
    '{from} to {to}: {days} days × {base} → {interest}',
    '{from}至{to}：{days} 天 × {base} → {interest}',
  ),
  interestTotal: t('Interest accrued on the contract, as of {day}', '截至 {day} 合同逾期利息合计'),
  clockOwnTerms: t(
    'Its clock started on {day} and runs on the terms then in force: {days} {count}, late money {rate}.',
    '其付款期限自 {day} 起算，适用当时的条款：{days} {count}，逾期利息{rate}。',
  ),
  applicationsTitle: t('Payment applications', '请款申请'),
  applicationsEmpty: t('No payment application yet.', '尚无请款申请。'),
  applicationIntro: t(
    "File a payment application (请款) for a tranche: the purchaser's acceptance window starts today.",
    '为一笔款项提交请款申请：采购方的验收期限自今日起算。',
  ),
  invoiceNumber: t('Invoice number', '发票号码'),
  invoiceDate: t('Invoice date', '开票日期'),
  applicationAttachments: t('Attachments (optional)', '附件（可选）'),
  applicationAttachmentsHint: t(
    'The invoice, its scan, acceptance records: PDF, JPEG, PNG, Word (.docx), Excel (.xlsx), text or CSV, at most {size} each and about {total} together.',
    '发票及其扫描件、验收材料等：PDF、JPEG、PNG、Word（.docx）、Excel（.xlsx）、文本或 CSV，每个不超过 {size}，合计约不超过 {total}。',
  ),
  attachmentsChosen: t('Files to attach', '待附文件'),
  attachmentRemove: t('Remove {name}', '移除 {name}'),
  attachmentTooLarge: t('{name} is larger than {size}', '{name} 超过 {size}'),
  attachmentsTooLargeTogether: t(
    'These files are too large together: sent, they would make the filing {size}, and one filing may be at most {limit} (a file takes a third more when sent). Remove some, or attach smaller scans.',
    '这些文件合计过大：发送时整份请款将达 {size}，而一份请款最多 {limit}（文件发送时约增大三分之一）。请移除部分文件，或改附较小的扫描件。',
  ),
  attachmentsReading: t('Reading the files: {done} of {total} ready…', '正在读取文件：已完成 {done}/{total}…'),
  applicationNeedsFixing: t(
    'some fields need attention (see beside them); nothing was sent.',
    '部分字段需要修改（见各字段旁的说明），未发送任何内容。',
  ),
  applicationSubmit: t('File the application', '提交请款'),
  applicationRefused: t('The application was not filed: {message}', '请款未提交：{message}'),
  applicationFiled: t('Filed for {amount}; {day}.', '已提交 {amount} 的请款；{day}。'),
  colInvoice: t('Invoice', '发票'),
  colFiled: t('Filed', '提交'),
  colAcceptanceDue: t('Acceptance due', '验收期限'),
  colApplicationDecision: t('Decision', '验收结果'),
  applicationStatus_filing: t('Being filed', '提交中'),
  applicationStatus_pending: t('Awaiting acceptance', '待验收'),
  applicationStatus_accepted: t('Accepted', '已验收'),
  applicationStatus_returned: t('Returned', '已退回'),
  deemedAccepted: t("Window passed: the payer's period runs", '验收期限已过，付款期限照常起算'),
  decidedLate: t('Decided after its window', '逾期验收'),
  returnReasons: t('Reasons (one per line; needed to return)', '理由（每行一条；退回时必填）'),
  returnReasonsHint: t('Kept with the application; the contractor reads them.', '随申请保存，承接机构可见。'),
  applicationAccept: t('Accept', '验收通过'),
  applicationReturn: t('Return', '退回'),
  applicationDecisionRefused: t('The decision was not recorded: {message}', '验收结果未记录：{message}'),
  overdueTitle: t('Overdue payments', '逾期付款清单'),
  overdueIntro: t(
    'Every contract this organization pays with money overdue on the day, as public bodies publish it yearly under the SME payment regulation.',
    '本单位付款的合同中截至该日逾期未付的款项，供依《保障中小企业款项支付条例》年度公开。',
  ),
  overdueOrganization: t('Paying organization (id)', '付款单位（编号）'),
  overdueAsOf: t('As of', '截至日期'),
  overdueCsv: t('Download CSV', '下载 CSV'),
  overdueEmpty: t('Nothing overdue on that day.', '该日无逾期款项。'),
  overdueContractor: t('Contractor', '承接机构'),
  payrollTitle: t('Payroll coverage', '工资保障'),
  payrollHeadcount: t('Staff', '人员'),
  payrollMonthly: t('Monthly payroll', '月工资总额'),
  payrollPersonnelReceived: t('Personnel money received', '已到账人员经费'),
  payrollMonthsCovered: t('Months of payroll covered', '可覆盖工资月数'),
  payrollMonthsUnfunded: t('Months so far without money', '至今无经费月数'),
  payrollRunOut: t('Money runs out on', '经费耗尽日期'),
  payrollNone: t('This contract states no staffing.', '本合同未填写人员配置。'),
  payrollOfTerm: t('{months} of {term}', '{months} / {term}'),
  payrollShareAll: t(
    'Personnel money: the contract has no budget lines, so every payment counts as personnel money.',
    '人员经费：本合同未列预算科目，每笔到账全部计为人员经费。',
  ),
  payrollShare: t(
    'Personnel money: a payment naming a budget line counts toward that line in full; a payment naming none counts toward personnel at the personnel budget’s share of the contract value, {personnel} of {value} = {share}.',
    '人员经费：指定预算科目的到账全额计入该科目；未指定科目的到账按人员经费预算占合同金额的比例计入，即 {personnel} / {value} = {share}。',
  ),
  payrollMonthsRule: t(
    'Months covered: personnel money received ÷ the monthly payroll of {monthly}, at most the term’s {term} months. Months without money: months elapsed of which no day is paid for; a month paid in part counts as neither. The two never add up to more than {term}.',
    '可覆盖月数 = 已到账人员经费 ÷ 月工资总额 {monthly}，最多为服务期的 {term} 个月。无经费月数：已过去的月份中一天工资都未覆盖的月数；部分覆盖的月份两边都不计。两者之和不超过 {term}。',
  ),
  ledgerTitle: t('Payments received', '到账记录'),
  ledgerEmpty: t('No payment yet.', '尚无到账记录。'),

  submissionsTitle: t('Milestones and submissions', '评估节点与材料提交'),
  submissionsEmpty: t('No material submitted yet.', '尚未提交评估材料。'),
  milestonesEmpty: t('This contract has no evaluation milestone.', '本合同没有评估节点。'),
  milestoneNotSubmitted: t('not submitted', '未提交'),
  milestoneInReview: t('in review (round {round})', '评审中（第 {round} 轮）'),
  milestoneReturned: t('returned in round {round}', '第 {round} 轮被退回'),
  milestoneApproved: t('approved (round {round})', '已通过（第 {round} 轮）'),
  milestoneStationState: t('Station {station}: {state}', '站点 {station}：{state}'),
  milestoneStatesLabel: t('State of {milestone}', '{milestone}进度'),
  milestoneLine: t(
    'due {due}; reviewed by the {reviewer} within {days} working days; stations: {stations}; at most {rounds} rounds',
    '{due} 前完成；由{reviewer}在 {days} 个工作日内评审；站点：{stations}；最多 {rounds} 轮',
  ),
  submissionPrecheck: t('Pre-check', '预审'),
  submissionDecidedBy: t('{outcome} by {who}, {time}', '{who} 于 {time} {outcome}'),
  submissionChanged: t('Changed since the previous round: {sections}', '较上一轮修改：{sections}'),

  materialRequestsTitle: t('Material requests to villages', '向村收集资料'),
  materialRequestsEmpty: t('No material request.', '暂无资料收集请求。'),
  colStillOwed: t('Still owed', '尚欠'),
  deliverTitle: t('Deliver for {village}', '为{village}交付'),
  deliverQuantity: t('{item} (still owed: {owed})', '{item}（尚欠 {owed}）'),
  deliverNote: t('Note (optional)', '备注（可选）'),
  deliverSubmit: t('Deliver', '交付'),
  deliverNothing: t('Enter how many of at least one item you deliver.', '请至少填写一项的交付数量。'),
  deliverRefused: t('The delivery was refused: {message}', '交付未被接受：{message}'),
  pendingDelivery: t('{village} delivered on {time}: {items}', '{village} 于 {time} 交付：{items}'),
  acceptDelivery: t('Accept', '验收'),
  returnReason: t('Why send it back', '退回原因'),
  returnDelivery: t('Send back', '退回'),
  returnNeedsReason: t('Say why the items are sent back.', '请填写退回原因。'),
  decisionRefused: t('The decision was refused: {message}', '决定未被接受：{message}'),
  villageOwes: t('{village}: {count}', '{village}：{count}'),
  owedItem: t('{count} {item}', '{item} {count}'),
  quotasTitle: t('Indicator quotas', '指标任务'),
  quotasEmpty: t('No quota in this contract, or none has begun.', '本合同无指标任务，或尚未开始。'),
  colPeriodsShort: t('Periods short so far', '累计未完成周期'),
  colMetric: t('Indicator', '指标'),
  colPeriod: t('Period', '周期'),
  colAchieved: t('Done / target', '完成 / 目标'),
  wholeContract: t('All stations', '全部站点'),
  requestTitle: t('Ask villages for materials', '向村收集资料'),
  requestStation: t('Station', '站点'),
  requestVillages: t('Villages asked', '收集的村'),
  requestWhat: t('What is asked for', '资料名称'),
  requestItemKind: t('Item {n}: kind', '第 {n} 项：类别'),
  requestItemQuantity: t('Item {n}: how many each village owes', '第 {n} 项：每村数量'),
  requestItemDescription: t('Item {n}: description (optional)', '第 {n} 项：说明（可选）'),
  requestAddItem: t('Add an item', '增加一项'),
  requestDue: t('Due on (Asia/Shanghai)', '截止日期（北京时间）'),
  requestSubmit: t('Send the request', '发出收集请求'),
  requestSent: t('Request "{title}" sent to {villages}.', '已向{villages}发出“{title}”收集请求。'),
  requestRefused: t('The request was refused: {message}', '请求未被接受：{message}'),
  progressTitle: t('Record progress', '登记指标进展'),
  progressStation: t('Station', '站点'),
  progressMetric: t('Indicator', '指标'),
  progressCount: t('How many', '数量'),
  progressDate: t('Done on (Asia/Shanghai)', '完成日期（北京时间）'),
  progressNote: t('Evidence note (optional)', '佐证说明（可选）'),
  progressSubmit: t('Record progress', '登记'),
  progressRecorded: t(
    'Recorded: {count} {metric} at station {station} on {date}.',
    '已登记：{station} 站 {date} {metric} {count}。',
  ),
  progressRefused: t('The progress was refused: {message}', '登记未被接受：{message}'),
  overdue: t('Overdue', '逾期'),

  escalationsTitle: t('Escalations', '督办'),
  escalationsEmpty: t('No escalation.', '暂无督办。'),
  escalationNow: t(
    'Now ({time}): {outstanding} still missing; {received} of {required} received',
    '当前（{time}）：仍缺 {outstanding}；应付 {required}，已到账 {received}',
  ),
  escalationNowCovered: t(
    'Now ({time}): covered; {received} of {required} received',
    '当前（{time}）：已补足；应付 {required}，已到账 {received}',
  ),
  escalationWhenOpened: t('When escalated: {summary}', '督办发起时：{summary}'),
  acknowledge: t('Acknowledge', '确认收悉'),
  acknowledgeNote: t('Note (what you will do)', '说明（将如何处理）'),
  acknowledged: t('Acknowledged {time}: {note}', '已于 {time} 确认：{note}'),
  acknowledgeDone: t(
    'Escalation acknowledged; the climb pauses for the grace period.',
    '已确认督办，升级在宽限期内暂停。',
  ),
  delaysTitle: t('Delay attributed per party', '各方延误归属'),
  delaysEmpty: t('No delay recorded.', '暂无延误记录。'),

  timelineTitle: t('Timeline', '时间线'),
  timelineEmpty: t('No event yet.', '暂无事件。'),
  timelineMore: t('Show older events', '显示更早的记录'),
  actorSystem: t('grantflow (automatic)', 'grantflow（自动）'),
  actorYou: t('you', '您'),
  actorPrecheck: t('pre-check (automatic)', '预审（自动）'),
  workingDays: t('{days} working days', '{days} 个工作日'),
  listSeparator: t(', ', '、'),
  eventLevel: t('level {level}', '第 {level} 级'),
  eventRound: t('round {round}', '第 {round} 轮'),
  eventStation: t('station {station}', '站点 {station}'),

  inboxTitle: t('My inbox', '我的收件箱'),
  inboxUnreadOnly: t('Unread only', '只看未读'),
  inboxMarkRead: t('Mark read', '标为已读'),
  inboxRead: t('read {time}', '已读 {time}'),
  inboxUnread: t('unread', '未读'),
  inboxEmpty: t('No notification.', '没有通知。'),
  inboxOlder: t('Older notifications', '更早的通知'),
  inboxAwaiting: t('Escalations waiting for your acknowledgement', '待您确认的督办'),
  inboxAwaitingNone: t('None.', '无。'),
  inboxNotifications: t('Notifications', '通知'),
  openContract: t('Contract {id}', '合同 {id}'),

  reviewsTitle: t('Review queue', '评审队列'),
  reviewsIntro: t('Submissions that passed the pre-check and wait for a decision.', '已通过预审、等待评审结论的材料。'),
  reviewsEmpty: t('Nothing waits for review.', '暂无待评审材料。'),
  reviewsItem: t(
    '{contract} · {milestone} · station {station} · round {round}',
    '{contract} · {milestone} · 站点 {station} · 第 {round} 轮',
  ),
  reviewsWholeContract: t('whole contract', '全合同'),
  reviewsAttachments: t('Attachments', '附件'),
  reviewsEvidence: t('Evidence attachments', '佐证材料'),
  reviewsDocument: t('The document as a whole', '整份材料'),
  reviewsChecklist: t('Reasons for returning (tick each that applies)', '退回原因（勾选所有适用项）'),
  reviewsSectionFor: t('Section concerned ({reason})', '涉及章节（{reason}）'),
  reviewsTextFor: t('Explanation for the station, optional ({reason})', '给站点的说明（{reason}，可选）'),
  reviewsApprove: t('Approve', '通过'),
  reviewsReturn: t('Return with these reasons', '按所选原因退回'),
  reviewsDecided: t('Submission {id}: {outcome}.', '材料 {id}：{outcome}。'),
  reviewsRefused: t('Not decided: {message}', '未能提交结论：{message}'),
  reviewsChangedSections: t('Changed since the previous round', '较上一轮的修改'),
  reviewsAttachmentAdded: t('{name}: added', '{name}：新增'),
  reviewsAttachmentRemoved: t('{name}: removed', '{name}：删除'),
  reviewsAttachmentReplaced: t('{name}: replaced by a different file', '{name}：已替换为不同文件'),
  outcomeApprove: t('approved', '通过'),
  outcomeReturn: t('returned', '退回'),
} satisfies Record<string, Text>;

export type MessageKey = keyof typeof MESSAGES;

type Labels<K extends string> = Record<K, Text>;

export const CONTRACT_STATUS: Labels<ContractStatus> = {
  active: t('Active', '执行中'),
  completed: t('Completed', '已完成'),
  closed: t('Closed with arrears', '带欠款结束'),
  terminated: t('Terminated', '已终止'),
};

export const CHECKPOINT_STATUS: Labels<CheckpointState> = {
  pending: t('Pending', '未到期'),
  met: t('Met', '已达标'),
  missed: t('Missed', '未达标'),
  recovered: t('Recovered late', '逾期补足'),
};

export const TRANCHE_STATUS: Labels<TrancheState> = {
  upcoming: t('Upcoming', '未到期'),
  paid: t('Paid', '已付清'),
  overdue: t('Overdue', '逾期'),
};

export const FUNDING_SOURCE: Labels<FundingSource> = {
  fiscal: t('Fiscal budget', '财政预算'),
  social_assistance_fund: t('Social assistance fund', '社会救助专项资金'),
  welfare_lottery_fund: t('Welfare lottery fund', '福彩公益金'),
  other: t('Other', '其他'),
};

export const BUDGET_LINE: Labels<BudgetLineKind> = {
  personnel: t('Personnel', '人员经费'),
  activities: t('Activities', '活动经费'),
  supervision: t('Supervision', '督导经费'),
  administration: t('Administration', '管理费'),
  other: t('Other', '其他'),
};

export const LEDGER_KIND: Labels<LedgerKind> = {
  payment: t('Payment', '到账'),
  reversal: t('Reversal', '冲正'),
};

/** The parties by their one name (domain/organizations PARTY_NAMES), capitalized as a label. */
export const PARTY = Object.fromEntries(
  Object.entries(PARTY_NAMES).map(([party, { en, 'zh-CN': zh }]) => [
    party,
    t(en.charAt(0).toUpperCase() + en.slice(1), zh),
  ]),
) as Labels<Party>;

export const STEP_KIND: Labels<StepKind> = {
  paymentShortfall: t('Payment shortfall', '拨付缺口'),
  trancheOverdue: t('Tranche overdue', '款项逾期'),
  acceptanceOverdue: t('Acceptance overdue', '验收逾期'),
  paymentOverdue: t('Payment overdue under the statute', '逾期付款（条例）'),
  reviewOverdue: t('Review overdue', '评审逾期'),
  tooManyReturns: t('Too many returns', '退回次数过多'),
  materialRequestOverdue: t('Material request overdue', '资料收集逾期'),
  quotaShortfall: t('Service quota short', '服务指标未完成'),
  milestoneOverdue: t('Milestone overdue', '评估节点逾期'),
};

export const ESCALATION_STATE: Labels<EscalationState> = {
  open: t('Open', '待处理'),
  acknowledged: t('Acknowledged', '已确认'),
  resolved: t('Resolved', '已解决'),
  superseded: t('Superseded by a higher level', '已升级'),
};

export const SEVERITY: Labels<Severity> = {
  info: t('Info', '提示'),
  warning: t('Warning', '警告'),
  critical: t('Critical', '严重'),
};

export const SUBMISSION_STATUS: Labels<SubmissionStatus> = {
  prechecking: t('Pre-checking', '预审中'),
  returned: t('Returned', '已退回'),
  in_review: t('In review', '评审中'),
  approved: t('Approved', '已通过'),
};

export const RETURN_REASON: Labels<ReturnReason> = {
  theory_misapplied: t('Theory misapplied', '理论运用不当'),
  goals_vague: t('Goals vague', '目标模糊'),
  steps_too_general: t('Activity steps too general', '活动步骤过于笼统'),
  evidence_missing: t('Evidence missing', '缺少佐证材料'),
  writing_errors: t('Typos or broken sentences', '错别字或语句不通'),
  format_inconsistent: t('Format does not follow the template', '格式与模板不一致'),
  other: t('Other', '其他'),
};

export const MATERIAL_REQUEST_STATUS: Labels<RequestStatus> = {
  open: t('Open', '待交付'),
  partially_delivered: t('Partially delivered', '部分交付'),
  delivered: t('Delivered', '已交付'),
  accepted: t('Accepted', '已验收'),
  cancelled: t('Cancelled', '已取消'),
};

export const MATERIAL_KIND: Labels<MaterialKind> = MATERIAL_KIND_LABELS;

export const QUOTA_STATUS: Labels<PeriodStatus> = {
  upcoming: t('Upcoming', '未开始'),
  in_progress: t('Under way', '进行中'),
  met: t('Met', '已完成'),
  short: t('Short', '未完成'),
};

export const ATTACHMENT_KIND: Labels<AttachmentKind> = {
  photo: t('photo', '照片'),
  sign_in_sheet: t('sign-in sheet', '签到表'),
  case_record: t('case record', '个案记录'),
  service_register: t('service register', '服务对象台账'),
  report: t('report', '报告'),
  other: t('other', '其他'),
};

export const ROLE: Labels<Role> = ROLE_NAMES;

// Typed by domain/events.ts's list: a kind without a label in both languages fails the typecheck.
export const EVENT_KIND: Labels<EventKind> = {
  'contract.started': t('Contract started', '合同启动'),
  'contract.schedule_amended': t('Schedule amended', '拨付计划变更'),
  'contract.calendar_amended': t("Contract's own days off and working days amended", '合同自定休息日和工作日变更'),
  'contract.terminated': t('Contract terminated', '合同终止'),
  'contract.completed': t('Contract completed', '合同完成'),
  'contract.closed_with_arrears': t('Contract closed with arrears', '合同带欠款结束'),
  'payment.recorded': t('Payment recorded', '登记到账'),
  'payment.reversed': t('Payment reversed', '到账冲正'),
  'payment_application.filed': t('Payment application filed', '提交请款申请'),
  'payment_application.accepted': t('Payment application accepted', '请款验收通过'),
  'payment_application.returned': t('Payment application returned', '请款申请退回'),
  'payment_application.acceptance_overdue': t('Acceptance window passed without a decision', '验收期限届满未处理'),
  'payment_application.acceptance_decided_late': t(
    'Application decided after its acceptance window',
    '逾期后作出验收决定',
  ),
  'payment_application.acceptance_overdue_ended': t('Acceptance no longer overdue', '验收逾期已结束'),
  'tranche.payment_overdue': t('Statutory payment deadline passed', '超过法定付款期限'),
  'tranche.payment_overdue_ended': t('Overdue payment settled', '逾期款项已付清'),
  'checkpoint.pending': t('Checkpoint no longer due', '拨付节点恢复为未到期'),
  'checkpoint.met': t('Checkpoint met', '拨付节点达标'),
  'checkpoint.missed': t('Checkpoint missed', '拨付节点未达标'),
  'checkpoint.recovered': t('Checkpoint recovered', '拨付节点已补足'),
  'tranche.upcoming': t('Tranche no longer due', '款项恢复为未到期'),
  'tranche.paid': t('Tranche paid', '款项付清'),
  'tranche.overdue': t('Tranche overdue', '款项逾期'),
  'escalation.opened': t('Escalation opened', '发起督办'),
  'escalation.acknowledged': t('Escalation acknowledged', '督办已确认'),
  'escalation.step_resolved': t('Stalled step resolved', '停滞环节已解决'),
  'submission.prechecking': t('Materials submitted', '提交评估材料'),
  'submission.in_review': t('Materials passed pre-check, in review', '材料通过预审，进入评审'),
  'submission.returned': t('Materials returned', '材料被退回'),
  'submission.approved': t('Materials approved', '材料通过'),
  'material_request.created': t('Materials requested from villages', '向村发出资料收集请求'),
  'material_request.delivered': t('Village delivered materials', '村交付资料'),
  'material_request.reviewed': t('Delivery checked', '交付资料已验收或退回'),
  'material_request.cancelled': t('Material request cancelled', '资料收集请求已取消'),
  'material_request.reminded': t('Villages reminded', '已提醒村'),
  'material_request.overdue': t('Material request overdue', '资料收集逾期'),
  'material_request.closed': t('Material request closed', '资料收集结束'),
  'progress.recorded': t('Progress recorded', '登记指标进展'),
  'organization.created': t('Organization registered', '登记单位'),
  'user.created': t('User registered', '登记用户'),
  'user.token_rotated': t('User token replaced', '更换用户令牌'),
  'village_contact.created': t('Village contact registered', '登记村联系人'),
  'calendar_year.published': t('Official calendar year published', '发布官方年度节假日安排'),
  'calendar.year_missing': t("Next year's official calendar not published yet", '下一年度官方节假日安排尚未发布'),
  'probe.finished': t('Deployment probe finished', '部署自检完成'),
};

/** A material request's closing status, as workflows/material-request.ts writes it. */
export const MATERIAL_REQUEST_CLOSED: Record<string, Text> = {
  accepted: t('all accepted', '全部验收'),
  cancelled: t('cancelled', '已取消'),
  'contract ended': t('contract ended', '合同已结束'),
};

export const UNKNOWN_EVENT = t('Other event', '其他事件');

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  /** A message with {placeholders} filled in. */
  m(key: MessageKey, values?: Record<string, string | number>): string;
  /** One of the label maps above, or any { en, zh-CN } text from the API. */
  text(value: Text | undefined): string;
  money(amount: string | number): string;
  compactMoney(yuan: number): string;
  /** A calendar day "YYYY-MM-DD" (already a Shanghai day), or an instant, as a Shanghai date. */
  date(value: string): string;
  /** An instant as date and time in Asia/Shanghai. */
  dateTime(value: string): string;
  percent(value: number): string;
}

export const TIME_ZONE = 'Asia/Shanghai';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The API's instants (ISO with Z) and the definition's date-times (Shanghai when without offset). */
function instantOf(value: string): number | undefined {
  const instant = parseInstant(value) ?? Date.parse(value);
  return Number.isNaN(instant) ? undefined : instant;
}

export function createI18n(lang: Lang, setLang: (lang: Lang) => void): I18n {
  const compactFormat = new Intl.NumberFormat(lang, {
    style: 'currency',
    currency: 'CNY',
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  const percentFormat = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  return {
    lang,
    setLang,
    m(key, values = {}) {
      return MESSAGES[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
        name in values ? String(values[name]) : whole,
      );
    },
    text: (value) => (value ? value[lang] : ''),
    // The one money format of the page and the API's texts (domain/money.ts), exact to the fen.
    money: (amount) => moneyText(typeof amount === 'number' ? Math.round(amount * 100) : signedFen(amount), lang),
    compactMoney: (yuan) => compactFormat.format(yuan),
    date(value) {
      // A bare day is a day in Shanghai already: print it as that day, whatever the browser's zone.
      if (DAY.test(value)) return dayText(value, lang);
      const instant = instantOf(value);
      return instant === undefined ? value : dayText(shanghaiDate(instant), lang);
    },
    dateTime(value) {
      const instant = instantOf(value);
      return instant === undefined ? value : dateTimeText(instant, lang);
    },
    percent: (value) => percentFormat.format(value),
  };
}

/** A decimal string as the API writes money ("-300000.00" for a reversal), in fen. */
function signedFen(text: string): number {
  const negative = text.startsWith('-');
  const unsigned = negative ? text.slice(1) : text;
  // Not the API's form (should not happen): the nearest fen rather than a broken page.
  const fen = moneyProblem(unsigned) ? Math.round(Number(unsigned) * 100) : parseMoney(unsigned);
  return negative ? -fen : fen;
}

const LANG_KEY = 'grantflow.lang';

export function initialLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY);
  if (isLang(saved)) return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function rememberLang(lang: Lang): void {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nContext');
  return i18n;
}
