// The one Drizzle schema. Migrations under db/migrations are generated from it (npm run db:generate).
// A text column holding one of a domain list names it (`text('x', { enum: LIST })`): a type only, so
// rows read back as the domain's union and writers must pass one; the database keeps plain text.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { FUNDING_SOURCES } from '../domain/contract';
import { ESCALATION_PARTIES, ESCALATION_STATES, STEP_KINDS } from '../domain/escalation';
import { LEDGER_KINDS } from '../domain/ledger';
import { REQUEST_STATUSES } from '../domain/material-requests';
import { SUBMISSION_STATUSES } from '../domain/materials';
import { DELIVERY_CHANNELS, DELIVERY_STATUSES } from '../domain/notices';
import { ORGANIZATION_KINDS, ROLES } from '../domain/organizations';
import { QUOTA_METRICS } from '../domain/quotas';
import { SEVERITIES } from '../domain/severity';
import { CONTRACT_STATUSES, PAYMENT_APPLICATION_STATUSES } from '../domain/status';

export const organizations = pgTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ORGANIZATION_KINDS }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The administrators' list pages by (created_at, id) (issue 19).
  (t) => [index('organizations_created_idx').on(t.createdAt, t.id)],
);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    // null only for platform administrators, who belong to no party.
    organizationId: text('organization_id').references(() => organizations.id),
    roles: text('roles', { enum: ROLES }).array().notNull(),
    // Where e-mail notifications go (when SMTP_URL is configured); optional.
    email: text('email'),
    // sha256 of the bearer token; the token itself is never stored.
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('users_organization_idx').on(t.organizationId), index('users_created_idx').on(t.createdAt, t.id)],
);

// Append-only audit trail. Writers insert with ON CONFLICT (idempotency_key) DO NOTHING, so a
// retried activity or a replayed workflow never records the same fact twice.
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    kind: text('kind').notNull(),
    actorId: text('actor_id'),
    organizationId: text('organization_id'),
    contractId: text('contract_id'),
    payload: jsonb('payload')
      .notNull()
      .default(sql`'{}'::jsonb`),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('events_contract_idx').on(t.contractId, t.id)],
);

// Read model of each contract, written only by the contract workflow's projection activity.
// `revision` guards the upsert, so an older projection never overwrites a newer one.
export const contracts = pgTable(
  'contracts',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: CONTRACT_STATUSES }).notNull(),
    valueFen: bigint('value_fen', { mode: 'number' }).notNull(),
    receivedFen: bigint('received_fen', { mode: 'number' }).notNull(),
    purchaserId: text('purchaser_id').notNull(),
    payerId: text('payer_id').notNull(),
    contractorId: text('contractor_id').notNull(),
    evaluatorId: text('evaluator_id').notNull(),
    // Every organization the contract names (parties and villages): who may see it.
    partyOrganizationIds: text('party_organization_ids').array().notNull(),
    definition: jsonb('definition').notNull(),
    scheduleVersion: integer('schedule_version').notNull(),
    amendments: jsonb('amendments').notNull(),
    announced: jsonb('announced').notNull(),
    termination: jsonb('termination'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    revision: integer('revision').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * From when the contract is in arrears given what it has received (domain/status arrearsFrom);
     * null when that covers every tranche. Overdue now ⇔ arrears_from <= now: an indexed fact,
     * recomputed by the projection whenever received_fen or the schedule changes (issue 19).
     */
    arrearsFrom: timestamp('arrears_from', { withTimezone: true }),
  },
  (t) => [
    index('contracts_parties_idx').using('gin', t.partyOrganizationIds),
    // Administrators' pages, in the list's order (created_at, id), whole or by status.
    index('contracts_created_idx').on(t.createdAt, t.id),
    index('contracts_status_created_idx').on(t.status, t.createdAt, t.id),
  ],
);

// Who may see each contract, one row per organization it names, in the contract list's order
// (issue 19): an organization's page is a bounded index scan however many contracts the province
// has. Kept by triggers on contracts (migration 0013) from party_organization_ids; status and
// arrears_from copied so the list's filters need no join.
export const contractParties = pgTable(
  'contract_parties',
  {
    contractId: text('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    organizationId: text('organization_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: CONTRACT_STATUSES }).notNull(),
    arrearsFrom: timestamp('arrears_from', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.contractId, t.organizationId] }),
    index('contract_parties_org_idx').on(t.organizationId, t.createdAt, t.contractId),
    index('contract_parties_org_status_idx').on(t.organizationId, t.status, t.createdAt, t.contractId),
  ],
);

// The payment ledger: append-only, one row per business reference per contract.
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    contractId: text('contract_id').notNull(),
    reference: text('reference').notNull(),
    kind: text('kind', { enum: LEDGER_KINDS }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    fundingSource: text('funding_source', { enum: FUNDING_SOURCES }).notNull(),
    budgetLine: text('budget_line'),
    note: text('note'),
    reverses: text('reverses'),
    reason: text('reason'),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('ledger_entries_reference_idx').on(t.contractId, t.reference)],
);

// Messages to organizations (the inbox); one per idempotency key.
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull(),
    organizationId: text('organization_id').notNull(),
    contractId: text('contract_id'),
    kind: text('kind').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    subject: jsonb('subject').notNull(),
    body: jsonb('body').notNull(),
    escalationId: text('escalation_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('notifications_key_idx').on(t.idempotencyKey, t.organizationId),
    index('notifications_org_idx').on(t.organizationId, t.id),
  ],
);

// Responses to requests that carried an Idempotency-Key, replayed when the same key comes again.
export const idempotencyRecords = pgTable(
  'idempotency_records',
  {
    actorId: text('actor_id').notNull(),
    key: text('key').notNull(),
    route: text('route').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.route, t.key] })],
);

// Escalations, one row per level reached by a stalled step, written only by the escalation workflow.
export const escalations = pgTable(
  'escalations',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id').notNull(),
    stepId: text('step_id').notNull(),
    stepKind: text('step_kind', { enum: STEP_KINDS }).notNull(),
    stepReference: text('step_reference').notNull(),
    level: integer('level').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    notifiedParties: text('notified_parties', { enum: ESCALATION_PARTIES }).array().notNull(),
    notifiedOrganizationIds: text('notified_organization_ids').array().notNull(),
    state: text('state', { enum: ESCALATION_STATES }).notNull(),
    summary: jsonb('summary').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgementNote: text('acknowledgement_note'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    // Bumped by the workflow on every change of the step; guards the upsert.
    version: integer('version').notNull(),
  },
  (t) => [
    index('escalations_contract_idx').on(t.contractId),
    index('escalations_state_idx').on(t.state),
    // Administrators' pages in the list's order: by severity, then oldest first (issue 19).
    index('escalations_severity_idx').on(t.severity, t.openedAt, t.id),
    index('escalations_state_severity_idx').on(t.state, t.severity, t.openedAt, t.id),
  ],
);

// Which organizations see each escalation (those its contract names), in the list's order (issue
// 19). Kept by triggers on escalations and contracts (migration 0013).
export const escalationParties = pgTable(
  'escalation_parties',
  {
    escalationId: text('escalation_id')
      .notNull()
      .references(() => escalations.id, { onDelete: 'cascade' }),
    organizationId: text('organization_id').notNull(),
    contractId: text('contract_id').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    state: text('state', { enum: ESCALATION_STATES }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.escalationId, t.organizationId] }),
    index('escalation_parties_org_idx').on(t.organizationId, t.severity, t.openedAt, t.escalationId),
    index('escalation_parties_org_state_idx').on(t.organizationId, t.state, t.severity, t.openedAt, t.escalationId),
    index('escalation_parties_contract_idx').on(t.contractId),
  ],
);

// Who held each stalled step and for how long: the basis of delay attribution.
export const stepDelays = pgTable(
  'step_delays',
  {
    stepId: text('step_id').primaryKey(),
    contractId: text('contract_id').notNull(),
    stepKind: text('step_kind', { enum: STEP_KINDS }).notNull(),
    stepReference: text('step_reference').notNull(),
    holderParty: text('holder_party', { enum: ESCALATION_PARTIES }).notNull(),
    holderOrganizationId: text('holder_organization_id'),
    since: timestamp('since', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    workingDays: integer('working_days'),
    // The escalation workflow's version of the step; guards the upsert like escalations.version.
    version: integer('version').notNull().default(0),
  },
  (t) => [index('step_delays_contract_idx').on(t.contractId)],
);

// Outbound webhooks of an organization; the secret signs each body (HMAC-SHA256).
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    url: text('url').notNull(),
    secret: text('secret').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.organizationId)],
);

// Every attempt to deliver a notification outside the app (webhook, e-mail), one row per target.
export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    notificationId: bigint('notification_id', { mode: 'number' }).notNull(),
    organizationId: text('organization_id').notNull(),
    channel: text('channel', { enum: DELIVERY_CHANNELS }).notNull(),
    target: text('target').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    responseStatus: integer('response_status'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('deliveries_org_idx').on(t.organizationId, t.updatedAt)],
);

// Which user has read which notification of their organization's inbox.
export const notificationReads = pgTable(
  'notification_reads',
  {
    notificationId: bigint('notification_id', { mode: 'number' }).notNull(),
    userId: text('user_id').notNull(),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.userId] })],
);

// Rounds of evaluation materials, written only by the review workflow.
export const submissions = pgTable(
  'submissions',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id').notNull(),
    milestoneId: text('milestone_id').notNull(),
    station: text('station').notNull(),
    round: integer('round').notNull(),
    status: text('status', { enum: SUBMISSION_STATUSES }).notNull(),
    precheck: jsonb('precheck').notNull(),
    decision: jsonb('decision'),
    reviewDueAt: timestamp('review_due_at', { withTimezone: true }),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    version: integer('version').notNull(),
  },
  (t) => [index('submissions_contract_idx').on(t.contractId, t.milestoneId, t.station)],
);

// What a submission contains (section texts and attachment metadata), stored by the API before
// the review workflow hears of it (claim check: the workflow carries only hashes, sizes and the
// pre-check's verdict). Written once per submission id; deleted again when the review refuses it.
export const submissionContents = pgTable(
  'submission_contents',
  {
    submissionId: text('submission_id').primaryKey(),
    contractId: text('contract_id').notNull(),
    milestoneId: text('milestone_id').notNull(),
    /** sha256 (hex) of the materials' canonical digest text (domain/materials materialsDigestText). */
    sha256: text('sha256').notNull(),
    materials: jsonb('materials').notNull(),
    storedAt: timestamp('stored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('submission_contents_contract_idx').on(t.contractId, t.milestoneId)],
);

// Hamlet volunteers: contacts of a village (no account), reached through their village.
export const villageContacts = pgTable(
  'village_contacts',
  {
    id: text('id').primaryKey(),
    villageId: text('village_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    hamlet: text('hamlet').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('village_contacts_village_idx').on(t.villageId)],
);

// Read model of material requests: the request workflow's state, newest version only.
export const materialRequests = pgTable(
  'material_requests',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id').notNull(),
    station: text('station').notNull(),
    villages: text('villages').array().notNull(),
    status: text('status', { enum: REQUEST_STATUSES }).notNull(),
    overdue: boolean('overdue').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    state: jsonb('state').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [index('material_requests_contract_idx').on(t.contractId, t.station, t.status)],
);

// Indicator progress as recorded by station staff (append-only, one row per record).
export const progressRecords = pgTable(
  'progress_records',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id').notNull(),
    station: text('station').notNull(),
    metric: text('metric', { enum: QUOTA_METRICS }).notNull(),
    count: integer('count').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    evidence: jsonb('evidence').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('progress_records_contract_idx').on(t.contractId, t.station, t.metric, t.date)],
);

// Official calendar years published here (issue 17): append-only, one row per version of a year;
// the highest version of a year is the one in force, over the packaged data (db/calendar.ts).
export const calendarYears = pgTable(
  'calendar_years',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    year: integer('year').notNull(),
    version: integer('version').notNull(),
    // YYYY-MM-DD strings, sorted ascending (jsonb: read back the same by PostgreSQL and PGlite).
    holidays: jsonb('holidays').$type<string[]>().notNull(),
    workdays: jsonb('workdays').$type<string[]>().notNull(),
    sourceTitle: text('source_title').notNull(),
    sourceDate: date('source_date', { mode: 'string' }).notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('calendar_years_version_idx').on(t.year, t.version)],
);

// Free texts people write (payment notes, reasons, progress evidence, delivery notes…), stored by the
// API before a workflow hears of them (claim check, domain/free-text.ts): workflows carry only the
// row's id, digest and length. `holders` counts requests in flight with this text; a refused request
// releases its hold and the row goes once none holds it and no projection has accepted it.
export const freeTexts = pgTable(
  'free_texts',
  {
    /** "txt_" and 64 hex digits: sha256 of the scope and the text's digest (db/free-texts textRefId). */
    id: text('id').primaryKey(),
    /** What the text belongs to (a contract id, an escalation id…), for audits and erasure. */
    scope: text('scope').notNull(),
    sha256: text('sha256').notNull(),
    chars: integer('chars').notNull(),
    body: text('body').notNull(),
    holders: integer('holders').notNull().default(1),
    /** Set by the projection that wrote a record with this text: from then on it is never deleted here. */
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    /** Of the latest store; unaccepted rows older than a day are a crashed request's and are swept. */
    storedAt: timestamp('stored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('free_texts_scope_idx').on(t.scope),
    index('free_texts_unaccepted_idx')
      .on(t.storedAt)
      .where(sql`accepted_at IS NULL`),
  ],
);

// Payment applications (请款, issue 18): the contractor's application with its texts (invoice,
// note, attachments' metadata, the purchaser's reasons) — the claim check: the contract workflow
// holds only the id, tranche, amount and days (workflows/payment-clock.ts). Written by the API:
// the row first (status "filing"), then the workflow's Update, then its answer's days.
export const paymentApplications = pgTable(
  'payment_applications',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id').notNull(),
    tranche: text('tranche').notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    invoiceNumber: text('invoice_number').notNull(),
    invoiceDate: date('invoice_date', { mode: 'string' }).notNull(),
    note: text('note'),
    attachments: jsonb('attachments')
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** filing → pending → accepted | returned */
    status: text('status', { enum: PAYMENT_APPLICATION_STATUSES }).notNull(),
    filedBy: text('filed_by').notNull(),
    filedAt: timestamp('filed_at', { withTimezone: true }),
    filedOn: date('filed_on', { mode: 'string' }),
    acceptanceDueOn: date('acceptance_due_on', { mode: 'string' }),
    decisionReasons: jsonb('decision_reasons'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedOn: date('decided_on', { mode: 'string' }),
    decidedLate: boolean('decided_late'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('payment_applications_contract_idx').on(t.contractId, t.tranche)],
);
