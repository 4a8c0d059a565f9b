// Shapes of the API's answers. Those of the resources come from their TypeBox schemas (type-only
// imports: nothing of the server reaches the bundle, and a change of shape fails the web typecheck);
// the others mirror api/routes/*.ts.
import type { Static } from 'typebox';
import type {
  ContractDetailView,
  ContractSummaryView,
  LedgerEntryView,
  PaymentInput,
} from '../../api/routes/contracts.schemas';
import type { TimelineEventView } from '../../api/routes/contracts';
import type { DelaysView, EscalationView } from '../../api/routes/escalations';
import type { NotificationView } from '../../api/routes/inbox';
import type { MaterialRequestView } from '../../api/routes/material-requests.schemas';
import type { QuotaStandingView } from '../../api/routes/quotas';
import type { OverduePaymentsView, PaymentApplicationView } from '../../api/routes/payment-applications';
import type { SubmissionView } from '../../api/routes/submissions';
import type { TemplateView } from '../../api/routes/templates';
import type { OrganizationView } from '../../api/routes/organizations';
import type { MeView } from '../../api/routes/users';

export type ContractSummary = Static<typeof ContractSummaryView>;
export type ContractDetail = Static<typeof ContractDetailView>;
export type LedgerEntry = Static<typeof LedgerEntryView>;
export type PaymentRequest = Static<typeof PaymentInput>;
export type ContractStatus = ContractSummary['status'];
export type PaymentApplication = Static<typeof PaymentApplicationView>;
export type OverduePayments = Static<typeof OverduePaymentsView>;

export type Me = Static<typeof MeView>;
export type Organization = Static<typeof OrganizationView>;

/** A timeline event; its payload read field by field (web/src/timeline-details.ts). */
export type TimelineEvent = Omit<Static<typeof TimelineEventView>, 'payload'> & { payload: Record<string, unknown> };

export type { EscalationState } from '../../domain/escalation';
export type { Severity } from '../../domain/severity';

/** An escalation level; `current`: a money step's figures now (decimal CNY strings), beside the text written when it opened; null for other steps. */
export type Escalation = Static<typeof EscalationView>;

/** Per step, and per party both summed over steps (`workingDays`) and once per day (`workingDaysHoldingAnyStep`). */
export type Delays = Static<typeof DelaysView>;

export type Notification = Static<typeof NotificationView>;

export type { SubmissionStatus } from '../../domain/materials';
/** A round of submitted materials; `diff`: sections changed, attachments (with `attachment`, their name; before/after their sha256) added, removed or replaced. */
export type Submission = Static<typeof SubmissionView>;
/** A reason a reviewer gives for returning a round. */
export type ReasonGiven = NonNullable<Submission['decision']>['reasons'][number];

export type Template = Static<typeof TemplateView>;

/** GET /v1/contracts/:id/material-requests and /quotas, typed from the API's schemas. */
export type MaterialRequest = Static<typeof MaterialRequestView>;
export type QuotaStanding = Static<typeof QuotaStandingView>;

export interface Page<T> {
  items: T[];
  /** The next page's cursor (keyset lists: contracts, escalations, organizations, users), or null at the end. */
  nextCursor?: string | null;
}
