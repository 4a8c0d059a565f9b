// Shapes of the API's answers. The contract resource's come from its TypeBox schemas (type-only
// imports: nothing of the server reaches the bundle, and a change of shape fails the web typecheck);
// the others mirror api/routes/*.ts.
import type { Static } from 'typebox';
import type { ContractDetailView, ContractSummaryView, LedgerEntryView, PaymentInput } from '../../api/routes/contracts.schemas';
import type { DelaysView } from '../../api/routes/escalations';
import type { MaterialRequestView } from '../../api/routes/material-requests.schemas';
import type { QuotaStandingView } from '../../api/routes/quotas';
import type { OverduePaymentsView, PaymentApplicationView } from '../../api/routes/payment-applications';
import type { EscalationParty, StepKind } from '../../domain/escalation';
import type { ReturnReason } from '../../domain/materials';
import type { Role } from '../../domain/organizations';
import type { Text } from '../../domain/languages';

export type ContractSummary = Static<typeof ContractSummaryView>;
export type ContractDetail = Static<typeof ContractDetailView>;
export type LedgerEntry = Static<typeof LedgerEntryView>;
export type PaymentRequest = Static<typeof PaymentInput>;
export type ContractStatus = ContractSummary['status'];
export type PaymentApplication = Static<typeof PaymentApplicationView>;
export type OverduePayments = Static<typeof OverduePaymentsView>;

export interface Me {
  id: string;
  name: string;
  roles: Role[];
  organization: { id: string; name: string; kind: string } | null;
}

export interface Organization {
  id: string;
  name: string;
  kind: string;
}

export interface TimelineEvent {
  id: number;
  kind: string;
  actorId: string | null;
  /** The acting user's name; null for the engine's own events. */
  actorName: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export type EscalationState = 'open' | 'acknowledged' | 'resolved' | 'superseded';
export type { Severity } from '../../domain/severity';
import type { Severity } from '../../domain/severity';

export interface Escalation {
  id: string;
  contractId: string;
  step: { id: string; kind: StepKind; reference: string };
  level: number;
  severity: Severity;
  state: EscalationState;
  notifiedParties: EscalationParty[];
  notifiedOrganizationIds: string[];
  summary: Text;
  dueAt: string;
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgementNote: string | null;
  closedAt: string | null;
  /** A money step's figures now (decimal CNY strings), beside the text written when it opened; null for other steps. */
  current: { asOf: string; status: string; required: string; received: string; outstanding: string; summary: Text } | null;
}

/** Per step, and per party both summed over steps (`workingDays`) and once per day (`workingDaysHoldingAnyStep`). */
export type Delays = Static<typeof DelaysView>;

export interface Notification {
  id: number;
  kind: string;
  severity: Severity;
  contractId: string | null;
  escalationId: string | null;
  subject: Text;
  body: Text;
  createdAt: string;
  readAt: string | null;
}

export interface ReasonGiven {
  code: ReturnReason;
  templateId: string;
  sectionId: string;
  text?: string;
}

export type SubmissionStatus = 'prechecking' | 'returned' | 'in_review' | 'approved';

export interface Submission {
  id: string;
  contractId: string;
  milestoneId: string;
  station: string | null;
  round: number;
  status: SubmissionStatus;
  materials: Array<{
    templateId: string;
    sections: Record<string, string>;
    attachments: Array<{ name: string; kind: string; contentType: string; size: number; sha256: string }>;
  }>;
  precheck: Array<{ templateId: string; sectionId: string; reason: Text }>;
  decision: { outcome: 'approve' | 'return'; reasons: ReasonGiven[]; decidedBy: string; decidedAt: string } | null;
  /** Sections changed; attachments (with `attachment`, their name; before/after their sha256) added, removed or replaced. */
  diff: Array<{
    templateId: string;
    sectionId: string;
    change: 'added' | 'removed' | 'changed' | 'replaced';
    before: string | null;
    after: string | null;
    attachment?: string;
  }>;
  reviewDueAt: string | null;
  submittedBy: string;
  submittedAt: string;
}

export interface Template {
  id: string;
  version: number;
  title: Text;
  sections: Array<{ id: string; title: Text; minLength: number; placeholder?: string }>;
  evidence: Array<{ kind: string; min: number; label: Text }>;
}

/** GET /v1/contracts/:id/material-requests and /quotas, typed from the API's schemas. */
export type MaterialRequest = Static<typeof MaterialRequestView>;
export type QuotaStanding = Static<typeof QuotaStandingView>;

export interface Page<T> {
  items: T[];
  /** The next page's cursor (keyset lists: contracts, escalations, organizations, users), or null at the end. */
  nextCursor?: string | null;
}
