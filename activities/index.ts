// Activities reach the database through this factory: the worker passes the real one, tests too
// (PGlite in memory or a fresh PostgreSQL database).
import type { Database } from '../db/client';
import type { OutboundPolicy } from '../domain/outbound';
import { createCalendarActivities } from './calendar';
import { createContractActivities } from './contracts';
import { createDeliveryActivities } from './delivery';
import { createEscalationActivities } from './escalations';
import { createEventActivities } from './events';
import { createMaterialRequestActivities } from './material-requests';
import { createQuotaActivities } from './quotas';
import { withPermanentFailures } from './permanent-failures';
import { createReviewActivities } from './reviews';

export interface ActivityDeps {
  db: Database;
  /** SMTP server for e-mail notifications (smtp://…); unset → none are sent. */
  smtpUrl?: string;
  mailFrom?: string;
  /** Private or loopback webhook targets the operator allows (GRANTFLOW_WEBHOOK_ALLOW); default none. */
  outbound?: OutboundPolicy;
}

export function createActivities(deps: ActivityDeps) {
  return withPermanentFailures({
    ...createEventActivities(deps),
    ...createContractActivities(deps),
    ...createCalendarActivities(deps),
    ...createEscalationActivities(deps),
    ...createDeliveryActivities(deps),
    ...createReviewActivities(deps),
    ...createMaterialRequestActivities(deps),
    ...createQuotaActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
