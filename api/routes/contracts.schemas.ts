// TypeBox schemas of the contract resource. Field names are the public contract of the API.
import { CHECKPOINT_STATES, CONTRACT_STATUSES, TRANCHE_STATES } from '../../domain/status';
import { Type, type TOptional, type TSchema } from 'typebox';
import { BUDGET_LINE_KINDS, FUNDING_SOURCES, REVIEWER_PARTIES } from '../../domain/contract';
import { ESCALATION_PARTIES, STEP_KINDS } from '../../domain/escalation';
import { LEDGER_KINDS } from '../../domain/ledger';
import { isOptionalPartyRole, PARTY_ROLES, type OptionalPartyRole, type PartyRole } from '../../domain/organizations';
import { SEVERITIES } from '../../domain/severity';
import { QUOTA_METRICS, QUOTA_PERIODS } from '../../domain/quotas';
import { DAY_COUNTS, PAYMENT_BASES, RELEASE_KINDS, STATUTES } from '../../domain/payment-terms';
import {
  IdSchema,
  MAX_AMOUNT_LENGTH,
  MAX_BUDGET_LINES,
  MAX_CALENDAR_DAYS,
  MAX_CHECKPOINTS,
  MAX_DATE_TEXT_LENGTH,
  MAX_ID_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_LADDER_LEVELS,
  MAX_MATERIALS,
  MAX_MILESTONES,
  MAX_NOTE_LENGTH,
  MAX_QUOTAS,
  MAX_REFERENCE_LENGTH,
  MAX_STATIONS,
  MAX_TRANCHES,
  MAX_VILLAGES_PER_STATION,
  NullableInteger,
  NullableNumber,
  NullableString,
  TextSchema,
} from '../schemas';

const closed = { additionalProperties: false } as const;
const Money = Type.String({
  maxLength: MAX_AMOUNT_LENGTH,
  description: 'CNY as a decimal string with at most two decimals, e.g. "1154000.00"',
});
const DateText = Type.String({
  description: 'ISO 8601 date (end of that day in Asia/Shanghai) or date-time',
  maxLength: MAX_DATE_TEXT_LENGTH,
});
const Label = Type.String({ minLength: 1, maxLength: MAX_LABEL_LENGTH });
export const FundingSourceSchema = Type.Enum(FUNDING_SOURCES);
const Percent = Type.Number({ description: 'Percentage of the contract value, at most two decimals' });

export const ReleaseSchema = Type.Union([Type.Enum(RELEASE_KINDS), Type.Object({ afterApproval: IdSchema }, closed)], {
  description:
    'When the tranche may be paid: on its due date (default), on an application, or once a milestone is approved (issue 18)',
});

export const TrancheInput = Type.Object(
  {
    id: IdSchema,
    label: Label,
    due: DateText,
    amount: Type.Optional(Money),
    percent: Type.Optional(Percent),
    fundingSource: FundingSourceSchema,
    release: Type.Optional(ReleaseSchema),
  },
  closed,
);

const RatePercent = Type.Number({ description: 'Percent per year, at most two decimals' });

/**
 * Interest on late money (domain/payment-terms LateInterest): one form per LATE_INTEREST_KINDS. The
 * definition's and the payer's clock's both: a form missing here or one the domain lacks fails the
 * typecheck of the contract routes (they answer with the domain's terms and pass the body to it).
 */
const LateInterestSchema = Type.Union([
  Type.Object({ kind: Type.Literal('statutory_daily') }, closed),
  Type.Object(
    { kind: Type.Literal('agreed'), annualRatePercent: RatePercent, lprAtSigningPercent: RatePercent },
    closed,
  ),
  Type.Object({ kind: Type.Literal('none') }, closed),
]);

/** The payer's legal clock (domain/payment-terms; 《保障中小企业款项支付条例》, State Council Order No. 802). */
export const PaymentTermsSchema = Type.Object(
  {
    basis: Type.Optional(
      Type.Enum(PAYMENT_BASES, { description: "What starts the payer's period (default due_date)" }),
    ),
    payWithinDays: Type.Optional(
      Type.Integer({ description: 'Days the payer has (default 30; at most 60 under the statute)' }),
    ),
    dayCount: Type.Optional(Type.Enum(DAY_COUNTS, { description: 'How payWithinDays counts (default calendar)' })),
    acceptanceWorkingDays: Type.Optional(
      Type.Integer({ description: 'Working days the purchaser has to accept or return an application (default 10)' }),
    ),
    lateInterest: Type.Optional(LateInterestSchema),
    statute: Type.Optional(
      Type.Enum(STATUTES, {
        description: 'sme_payment_2025: the contract falls under the SME payment regulation (default none)',
      }),
    ),
  },
  closed,
);

export const Ladder = Type.Object(
  {
    levels: Type.Array(
      Type.Object(
        {
          afterWorkingDays: Type.Optional(Type.Integer()),
          afterDays: Type.Optional(Type.Integer()),
          notify: Type.Array(Type.Enum(ESCALATION_PARTIES), { maxItems: ESCALATION_PARTIES.length }),
          severity: Type.Enum(SEVERITIES),
        },
        closed,
      ),
      { maxItems: MAX_LADDER_LEVELS },
    ),
    acknowledgementGraceWorkingDays: Type.Optional(Type.Integer()),
  },
  closed,
);

const QuotaSchema = Type.Object(
  {
    id: IdSchema,
    metric: Type.Enum(QUOTA_METRICS),
    perStation: Type.Boolean({
      description: 'true: every station owes the target; false: the stations together owe it',
    }),
    period: Type.Enum(QUOTA_PERIODS),
    target: Type.Integer({
      description: 'How much per period (a period the term covers in part owes a prorated share)',
    }),
  },
  closed,
);

/** A contract's parties (domain/contract ContractParties): an organization per PARTY_ROLES, the optional ones optional. */
type PartiesProperties<Id extends TSchema> = Record<Exclude<PartyRole, OptionalPartyRole>, Id> &
  Record<OptionalPartyRole, TOptional<Id>>;
const partiesSchema = <Id extends TSchema>(id: Id) =>
  Type.Object(
    Object.fromEntries(
      PARTY_ROLES.map((role) => [role, isOptionalPartyRole(role) ? Type.Optional(id) : id]),
    ) as PartiesProperties<Id>,
    closed,
  );

export const CheckpointInput = Type.Object({ id: IdSchema, by: DateText, minPercent: Percent }, closed);

export const ContractDefinition = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
    title: Label,
    term: Type.Object({ start: DateText, end: DateText }, closed),
    value: Money,
    parties: partiesSchema(IdSchema),
    stations: Type.Array(
      Type.Object(
        {
          id: IdSchema,
          name: Label,
          township: Label,
          villages: Type.Array(IdSchema, { maxItems: MAX_VILLAGES_PER_STATION }),
          townshipOrganization: Type.Optional(IdSchema),
        },
        closed,
      ),
      { maxItems: MAX_STATIONS },
    ),
    budgetLines: Type.Optional(
      Type.Array(Type.Object({ id: IdSchema, kind: Type.Enum(BUDGET_LINE_KINDS), amount: Money }, closed), {
        maxItems: MAX_BUDGET_LINES,
      }),
    ),
    staffing: Type.Optional(Type.Object({ headcount: Type.Integer(), monthlyPayroll: Money }, closed)),
    tranches: Type.Array(TrancheInput, { minItems: 1, maxItems: MAX_TRANCHES }),
    checkpoints: Type.Array(CheckpointInput, { maxItems: MAX_CHECKPOINTS }),
    paymentTerms: Type.Optional(PaymentTermsSchema),
    closeGraceDays: Type.Optional(
      Type.Integer({
        description: 'Days after the term during which full payment completes the contract (default 90)',
      }),
    ),
    escalationPolicies: Type.Optional(
      Type.Object(Object.fromEntries(STEP_KINDS.map((kind) => [kind, Type.Optional(Ladder)])), closed),
    ),
    milestones: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: IdSchema,
            title: Label,
            due: DateText,
            stations: Type.Array(IdSchema, { maxItems: MAX_STATIONS }),
            materials: Type.Array(Type.String({ maxLength: MAX_ID_LENGTH }), { maxItems: MAX_MATERIALS }),
            reviewer: Type.Optional(Type.Enum(REVIEWER_PARTIES)),
            reviewWorkingDays: Type.Integer(),
            maxRounds: Type.Integer(),
          },
          closed,
        ),
        { maxItems: MAX_MILESTONES },
      ),
    ),
    quotas: Type.Optional(Type.Array(QuotaSchema, { maxItems: MAX_QUOTAS })),
    calendar: Type.Optional(
      Type.Object(
        {
          holidays: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: MAX_CALENDAR_DAYS })),
          workdays: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: MAX_CALENDAR_DAYS })),
        },
        { ...closed, description: 'Days this contract treats as days off / working days, over the official calendar' },
      ),
    ),
  },
  closed,
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const LedgerEntryView = Type.Object(
  {
    reference: Type.String(),
    kind: Type.Enum(LEDGER_KINDS),
    amount: Type.String(),
    receivedOn: Type.String(),
    fundingSource: FundingSourceSchema,
    budgetLine: NullableString(),
    note: NullableString(),
    reverses: NullableString(),
    reason: NullableString(),
    recordedBy: Type.String(),
    recordedAt: Type.String(),
  },
  closed,
);

const StatusEnum = Type.Enum(CONTRACT_STATUSES);

const DayOrNull = NullableString;

/** The payer's clock per tranche and the contract's total interest (issue 18; domain/payment-terms). */
const TermsView = (description: string) =>
  Type.Object(
    {
      basis: Type.Enum(PAYMENT_BASES),
      payWithinDays: Type.Integer(),
      dayCount: Type.Enum(DAY_COUNTS),
      acceptanceWorkingDays: Type.Integer(),
      lateInterest: LateInterestSchema,
      statute: Type.Enum(STATUTES),
    },
    { ...closed, description },
  );

export const PaymentClockSchema = Type.Object(
  {
    terms: TermsView('The terms in force now: clocks that start from today run on them'),
    asOf: Type.String(),
    tranches: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          label: Type.String(),
          release: ReleaseSchema,
          terms: TermsView(
            'The terms this tranche’s clock runs on: those in force on the day it started (an amendment recorded later does not change them)',
          ),
          clockStartedOn: Type.Unsafe<string | null>({
            type: ['string', 'null'],
            description:
              'The day its clock started (acceptance, deemed acceptance, release or due day), null while it has not',
          }),
          releasedOn: DayOrNull(),
          applied: Type.String({ description: 'What the applications not returned ask for' }),
          appliedOn: DayOrNull(),
          acceptanceDueOn: DayOrNull(),
          acceptedOn: DayOrNull(),
          deemedAcceptedOn: DayOrNull(),
          purchaserLateWorkingDays: Type.Integer(),
          paymentDueOn: DayOrNull(),
          outstanding: Type.String(),
          overdue: Type.String(),
          daysOverdue: Type.Integer(),
          interest: Type.String(),
          segments: Type.Array(
            Type.Object(
              {
                from: Type.String(),
                to: Type.String(),
                days: Type.Integer(),
                base: Type.String(),
                interest: Type.String(),
              },
              closed,
            ),
            { maxItems: 2000 },
          ),
        },
        closed,
      ),
      { maxItems: 100 },
    ),
    interest: Type.String({ description: 'Late-payment interest accrued on every tranche' }),
  },
  closed,
);

const summaryFields = {
  id: Type.String(),
  title: Type.String(),
  status: StatusEnum,
  value: Type.String(),
  received: Type.String(),
  dueToDate: Type.String(),
  arrears: Type.String(),
  overdue: Type.Boolean(),
  nextDeadline: NullableString(),
};

export const ContractSummaryView = Type.Object(summaryFields, closed);

export const ContractDetailView = Type.Object(
  {
    ...summaryFields,
    term: Type.Object({ start: Type.String(), end: Type.String() }, closed),
    parties: partiesSchema(Type.String()),
    stations: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          name: Type.String(),
          township: Type.String(),
          villages: Type.Array(Type.String()),
          townshipOrganization: NullableString(),
        },
        closed,
      ),
    ),
    quotas: Type.Array(QuotaSchema),
    milestones: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          title: Type.String(),
          due: Type.String(),
          stations: Type.Array(Type.String()),
          materials: Type.Array(Type.String()),
          reviewer: Type.Enum(REVIEWER_PARTIES),
          reviewWorkingDays: Type.Integer(),
          maxRounds: Type.Integer(),
        },
        closed,
      ),
    ),
    budgetLines: Type.Array(
      Type.Object({ id: Type.String(), kind: Type.Enum(BUDGET_LINE_KINDS), amount: Type.String() }, closed),
    ),
    staffing: Nullable(Type.Object({ headcount: Type.Integer(), monthlyPayroll: Type.String() }, closed)),
    closeGraceDays: Type.Integer(),
    calendarWarnings: Type.Array(Type.Object({ year: Type.Integer(), message: TextSchema }, closed), {
      description: 'Years of the term with no official calendar yet (only weekends count as days off there), issue 17',
    }),
    unpaid: Type.String(),
    asOf: Type.String(),
    checkpoints: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          by: Type.String(),
          minPercent: Type.Number(),
          required: Type.String(),
          receivedBy: Type.String(),
          status: Type.Enum(CHECKPOINT_STATES),
          shortfall: Type.String(),
          outstanding: Type.String(),
          recoveredOn: NullableString(),
          daysLate: NullableInteger(),
        },
        closed,
      ),
    ),
    tranches: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          label: Type.String(),
          due: Type.String(),
          amount: Type.String(),
          percent: NullableNumber(),
          fundingSource: FundingSourceSchema,
          status: Type.Enum(TRANCHE_STATES),
          outstanding: Type.String(),
          paidOn: NullableString(),
        },
        closed,
      ),
    ),
    payroll: Nullable(
      Type.Object(
        {
          headcount: Type.Integer(),
          monthlyPayroll: Type.String(),
          personnelReceived: Type.String(),
          monthsCovered: Type.Number(),
          monthsUnfunded: Type.Integer({
            description: 'Months elapsed of which no day is paid for; monthsCovered + monthsUnfunded ≤ termMonths',
          }),
          termMonths: Type.Integer({
            description: 'Whole months of the term (at least 1); monthsCovered never exceeds it',
          }),
          runOutDate: Type.String(),
        },
        closed,
      ),
    ),
    ledger: Type.Array(LedgerEntryView),
    paymentClock: PaymentClockSchema,
    scheduleVersion: Type.Integer(),
    amendments: Type.Array(
      Type.Object(
        { version: Type.Integer(), reason: Type.String(), amendedBy: Type.String(), amendedAt: Type.String() },
        closed,
      ),
    ),
    termination: Nullable(
      Type.Object({ reason: Type.String(), terminatedBy: Type.String(), terminatedAt: Type.String() }, closed),
    ),
    createdBy: Type.String(),
    createdAt: Type.String(),
    endedAt: NullableString(),
  },
  closed,
);

export const PaymentInput = Type.Object(
  {
    reference: Type.String({
      minLength: 1,
      maxLength: MAX_REFERENCE_LENGTH,
      description: "The payer's business reference (e.g. the voucher number)",
    }),
    amount: Money,
    receivedOn: Type.String({
      description: 'Day the money arrived (YYYY-MM-DD, Asia/Shanghai)',
      maxLength: MAX_DATE_TEXT_LENGTH,
    }),
    fundingSource: FundingSourceSchema,
    budgetLine: Type.Optional(IdSchema),
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
  },
  closed,
);

export const ReasonInput = Type.Object({ reason: Type.String({ minLength: 1, maxLength: MAX_NOTE_LENGTH }) }, closed);

export const AmendmentInput = Type.Object(
  {
    tranches: Type.Array(TrancheInput, { minItems: 1, maxItems: MAX_TRANCHES }),
    checkpoints: Type.Array(CheckpointInput, { maxItems: MAX_CHECKPOINTS }),
    paymentTerms: Type.Optional(PaymentTermsSchema),
    reason: Type.String({ minLength: 1, maxLength: MAX_NOTE_LENGTH }),
  },
  closed,
);
