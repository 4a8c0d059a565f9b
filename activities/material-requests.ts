// Read model of material requests: the request's state (newest version only), its audit events
// and its reminders, in one transaction per change; every write is keyed so retries change nothing.
import type { Database } from '../db/client';
import { appendEvent } from '../db/events';
import { resolveAndAcceptTexts } from '../db/free-texts';
import { writeNotifications } from '../db/notifications';
import { materialRequests } from '../db/schema';
import { upsertNewerVersion } from '../db/versioned-rows';
import type { MaterialRequestState } from '../domain/material-requests';
import type { AuditEvent } from '../domain/events';
import type { MaterialRequestNotice } from '../domain/notices';

export interface MaterialRequestProjection {
  version: number;
  state: MaterialRequestState;
  events: AuditEvent[];
  notices: MaterialRequestNotice[];
}

/** Returns the ids of the projection's notifications (new or already recorded), for delivery. */
export async function projectMaterialRequest(db: Database, input: MaterialRequestProjection): Promise<number[]> {
  return db.transaction(async (tx) => {
    // The read model holds the texts the workflow carries by reference.
    const projection = await resolveAndAcceptTexts(tx, input);
    const { state, version } = projection;
    const { request } = state;
    const row = {
      id: request.id,
      contractId: request.contractId,
      station: request.station,
      villages: request.villages,
      status: state.status,
      overdue: state.overdue,
      dueAt: new Date(request.dueAt),
      requestedAt: new Date(request.requestedAt),
      state,
      version,
    };
    await upsertNewerVersion(tx, materialRequests, 'id', row);
    for (const e of projection.events)
      await appendEvent(tx, { ...e, contractId: request.contractId, organizationId: null });
    return writeNotifications(
      tx,
      request.contractId,
      projection.notices.map((n) => ({ ...n, kind: 'material_request.reminder', severity: 'info' })),
    );
  });
}

export function createMaterialRequestActivities(deps: { db: Database }) {
  return {
    async projectMaterialRequest(projection: MaterialRequestProjection): Promise<number[]> {
      return projectMaterialRequest(deps.db, projection);
    },
  };
}
