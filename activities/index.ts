// Activities reach the database through this factory: the worker passes the real one, tests too
// (PGlite in memory or a fresh PostgreSQL database).
import type { Database } from '../db/client';
import { createCalendarActivities } from './calendar';
import { createContractActivities } from './contracts';
import { createEscalationActivities } from './escalations';
import { createEventActivities } from './events';

export interface ActivityDeps {
  db: Database;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEventActivities(deps),
    ...createContractActivities(deps),
    ...createCalendarActivities(),
    ...createEscalationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
