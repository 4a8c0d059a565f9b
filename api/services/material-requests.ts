// Material requests: made by the contractor's station staff through the contract's workflow,
// delivered by the villages asked (each only for itself), accepted or sent back by station staff.
// Reads come from the read model; a village's users see only requests addressed to their village.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { materialRequests, organizations, villageContacts } from '../../db/schema';
import type { Contract } from '../../domain/contract';
import { parseInstant } from '../../domain/dates';
import {
  isRepeatedDecision,
  materialRequestProblems,
  villageHolds,
  type LineDecision,
  type MaterialRequest,
  type MaterialRequestInput,
  type RequestStatus,
} from '../../domain/material-requests';
import { hasRole, isContractorStaff, type Actor } from '../../domain/organizations';
import type { Problem } from '../../domain/problems';
import { contractWorkflowId } from '../../workflows/contract-messages';
import {
  cancelRequestUpdate,
  deliverUpdate,
  materialRequestWorkflowId,
  requestMaterialsUpdate,
  requestRegisteredUpdate,
  reviewDeliveryUpdate,
  type MaterialRequestState,
} from '../../workflows/material-request-messages';
import { forbidden, notFound, unprocessable } from '../errors';
import { storeAttachments, type UploadedAttachment } from './attachments';
import type { EscalationService } from './escalations';
import type { FileStorage } from './file-storage';
import { apiErrorFromChild, apiErrorFromTemporal } from './temporal-errors';
import { idForKey } from './tokens';
import { loadVisibleContract, villageScope, type ContractRow } from './visibility';

type RequestRow = typeof materialRequests.$inferSelect;

/** The request as a village's user sees it: its own village's part only; everyone else sees all. */
export function materialRequestView(state: MaterialRequestState, onlyVillage?: string) {
  const { request } = state;
  const mine = <T extends { village: string }>(list: T[]) => (onlyVillage ? list.filter((x) => x.village === onlyVillage) : list);
  return {
    id: request.id,
    contractId: request.contractId,
    station: request.station,
    villages: request.villages,
    title: request.title,
    note: request.note ?? null,
    items: request.items.map((i) => ({ id: i.id, kind: i.kind, quantity: i.quantity, description: i.description ?? null })),
    due: request.due,
    dueAt: new Date(request.dueAt).toISOString(),
    contacts: mine(request.contacts),
    status: state.status,
    overdue: state.overdue,
    villageStatus: mine(state.villages),
    deliveries: mine(state.deliveries).map((d) => ({
      id: d.id,
      village: d.village,
      items: d.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity, status: l.status, reason: l.reason ?? null })),
      attachments: d.attachments,
      note: d.note ?? null,
      deliveredBy: d.deliveredBy,
      deliveredAt: d.deliveredAt,
      reviewedBy: d.reviewedBy ?? null,
      reviewedAt: d.reviewedAt ?? null,
    })),
    remindedAt: state.remindedAt,
    cancelled: state.cancelled,
    closedAt: state.closedAt,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt,
  };
}

export interface DeliveryBody {
  village?: string;
  items: Array<{ itemId: string; quantity: number }>;
  attachments?: UploadedAttachment[];
  note?: string;
}

export class MaterialRequestService {
  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly storage: FileStorage,
    private readonly escalations: EscalationService,
  ) {}

  /** Station staff: contractor_staff or station_staff of the contract's contractor. */
  private requireStationStaff(actor: Actor, contract: Contract, action: string): void {
    if (!isContractorStaff(actor, contract.parties.contractor)) {
      throw forbidden(`Only station_staff or contractor_staff of the contractor may ${action}`);
    }
  }

  /** A request and its contract, or 404 for anyone who may not see it (another village's users included). */
  private async load(actor: Actor, requestId: string): Promise<{ row: RequestRow; contractRow: ContractRow; contract: Contract; village?: string }> {
    const [row] = await this.db.select().from(materialRequests).where(eq(materialRequests.id, requestId));
    const missing = notFound(`Material request ${requestId} does not exist or is not shared with your organization`);
    if (!row) throw missing;
    let contractRow: ContractRow;
    try {
      contractRow = await loadVisibleContract(this.db, actor, row.contractId);
    } catch {
      throw missing;
    }
    const contract = contractRow.definition as Contract;
    const village = villageScope(actor, contract);
    if (village && !row.villages.includes(village)) throw missing;
    return { row, contractRow, contract, village };
  }

  async create(actor: Actor, contractId: string, body: MaterialRequestInput, idempotencyKey?: string) {
    const contract = (await loadVisibleContract(this.db, actor, contractId)).definition as Contract;
    this.requireStationStaff(actor, contract, 'request materials');
    const problems: Problem[] = materialRequestProblems(body, contract);
    const contactIds = body.contacts ?? [];
    const contacts = contactIds.length
      ? await this.db.select().from(villageContacts).where(inArray(villageContacts.id, contactIds))
      : [];
    contactIds.forEach((id, i) => {
      const contact = contacts.find((c) => c.id === id);
      if (!contact) problems.push({ field: `contacts.${i}`, reason: `is not a known contact ("${id}")` });
      else if (!body.villages.includes(contact.villageId)) problems.push({ field: `contacts.${i}`, reason: `is a contact of ${contact.villageId}, which this request does not ask` });
    });
    if (problems.length > 0) throw unprocessable('The material request cannot be made', problems);
    const villageNames = await this.db
      .select({ id: organizations.id, name: organizations.name })
      .from(organizations)
      .where(inArray(organizations.id, body.villages));

    const request: MaterialRequest = {
      id: idForKey('mr', [actor.userId, contractId], idempotencyKey),
      contractId,
      station: body.station,
      villages: body.villages,
      title: body.title.trim(),
      ...(body.note ? { note: body.note } : {}),
      items: body.items.map((i) => ({ id: i.id, kind: i.kind, quantity: i.quantity, ...(i.description ? { description: i.description } : {}) })),
      due: body.due,
      dueAt: parseInstant(body.due)!,
      contacts: contactIds.map((id) => {
        const c = contacts.find((x) => x.id === id)!;
        return { id: c.id, village: c.villageId, name: c.name, phone: c.phone, hamlet: c.hamlet };
      }),
      villageNames: Object.fromEntries(villageNames.map((v) => [v.id, v.name])),
      requestedBy: actor.userId,
      requestedAt: new Date().toISOString(),
    };
    let created: boolean;
    try {
      ({ created } = await this.temporal.workflow
        .getHandle(contractWorkflowId(contractId))
        .executeUpdate(requestMaterialsUpdate, { args: [request] }));
    } catch (error) {
      throw apiErrorFromTemporal(error, 'The material request cannot be made');
    }
    const state = await this.current(contractId, request.id);
    return { created, request: materialRequestView(state) };
  }

  /** The request's state once it is in the read model (from the workflow; from the read model once it has finished). */
  private async current(contractId: string, requestId: string): Promise<MaterialRequestState> {
    try {
      return await this.temporal.workflow.getHandle(materialRequestWorkflowId(contractId, requestId)).executeUpdate(requestRegisteredUpdate);
    } catch (error) {
      const [row] = await this.db.select().from(materialRequests).where(eq(materialRequests.id, requestId));
      if (row) return row.state as MaterialRequestState;
      throw error;
    }
  }

  async get(actor: Actor, requestId: string) {
    const { row, village } = await this.load(actor, requestId);
    return materialRequestView(row.state as MaterialRequestState, village);
  }

  async list(actor: Actor, contractId: string, filter: { station?: string; village?: string; status?: RequestStatus; overdue?: boolean }) {
    const contract = (await loadVisibleContract(this.db, actor, contractId)).definition as Contract;
    const ownVillage = villageScope(actor, contract);
    if (ownVillage && filter.village && filter.village !== ownVillage) return { items: [] };
    const village = ownVillage ?? filter.village;
    const rows = await this.db
      .select()
      .from(materialRequests)
      .where(
        and(
          eq(materialRequests.contractId, contractId),
          filter.station ? eq(materialRequests.station, filter.station) : undefined,
          village ? sql`${village} = any(${materialRequests.villages})` : undefined,
          filter.status ? eq(materialRequests.status, filter.status) : undefined,
          filter.overdue !== undefined ? eq(materialRequests.overdue, filter.overdue) : undefined,
        ),
      )
      .orderBy(asc(materialRequests.dueAt), asc(materialRequests.id));
    return { items: rows.map((r) => materialRequestView(r.state as MaterialRequestState, ownVillage)) };
  }

  async deliver(actor: Actor, requestId: string, body: DeliveryBody, idempotencyKey?: string) {
    const { row, village: ownVillage } = await this.load(actor, requestId);
    const village = body.village ?? ownVillage;
    if (!ownVillage || !hasRole(actor, 'village_liaison')) {
      throw forbidden('Only a village_liaison of a village this request asks may deliver');
    }
    if (village !== ownVillage) throw forbidden(`A user of ${ownVillage} may deliver only for ${ownVillage}, not for ${village}`);
    const [attachments] = await storeAttachments(this.storage, [{ field: 'attachments', attachments: body.attachments ?? [] }]);
    try {
      const state = await this.temporal.workflow.getHandle(materialRequestWorkflowId(row.contractId, requestId)).executeUpdate(deliverUpdate, {
        args: [
          {
            deliveryId: idForKey('dl', [actor.userId, requestId], idempotencyKey),
            village,
            items: body.items,
            attachments: attachments!,
            ...(body.note ? { note: body.note } : {}),
            deliveredBy: actor.userId,
          },
        ],
      });
      return materialRequestView(state, ownVillage);
    } catch (error) {
      throw apiErrorFromChild(error, `Material request ${requestId} is closed`);
    }
  }

  async review(actor: Actor, requestId: string, deliveryId: string, items: LineDecision[]) {
    const { row, contract } = await this.load(actor, requestId);
    this.requireStationStaff(actor, contract, 'accept or send back delivered materials');
    try {
      const state = await this.temporal.workflow
        .getHandle(materialRequestWorkflowId(row.contractId, requestId))
        .executeUpdate(reviewDeliveryUpdate, { args: [{ deliveryId, items, reviewedBy: actor.userId }] });
      return materialRequestView(state);
    } catch (error) {
      // The last acceptance ends the request's workflow: a retry of it is answered from the read model.
      const state = await this.finishedState(requestId, error);
      const delivery = state.deliveries.find((d) => d.id === deliveryId);
      if (delivery && isRepeatedDecision(delivery, items)) return materialRequestView(state);
      throw apiErrorFromChild(error, `Material request ${requestId} is closed`);
    }
  }

  async cancel(actor: Actor, requestId: string, reason: string) {
    const { row, contract } = await this.load(actor, requestId);
    this.requireStationStaff(actor, contract, 'cancel material requests');
    try {
      const state = await this.temporal.workflow
        .getHandle(materialRequestWorkflowId(row.contractId, requestId))
        .executeUpdate(cancelRequestUpdate, { args: [{ reason, cancelledBy: actor.userId }] });
      return materialRequestView(state);
    } catch (error) {
      // Cancelling ends the workflow: a retry is answered from the read model.
      const state = await this.finishedState(requestId, error);
      if (state.cancelled) return materialRequestView(state);
      throw apiErrorFromChild(error, `Material request ${requestId} is closed`);
    }
  }

  /** The read model's state of a request whose workflow has finished; rethrows any other failure. */
  private async finishedState(requestId: string, error: unknown): Promise<MaterialRequestState> {
    if (!(error instanceof WorkflowNotFoundError)) throw apiErrorFromChild(error, `Material request ${requestId} is closed`);
    const [row] = await this.db.select().from(materialRequests).where(eq(materialRequests.id, requestId));
    return row!.state as MaterialRequestState;
  }

  /**
   * Each village of the contract: its requests, those overdue now, and the working days it held
   * requests past due (from the escalation engine's step delays; open ones count up to today).
   */
  async villages(actor: Actor, contractId: string) {
    const contract = (await loadVisibleContract(this.db, actor, contractId)).definition as Contract;
    const rows = await this.db.select().from(materialRequests).where(eq(materialRequests.contractId, contractId));
    const { steps } = await this.escalations.delays(actor, contractId);
    // A village's users see their own village's row only.
    const own = villageScope(actor, contract);
    const villageIds = contract.stations.flatMap((s) => s.villages).filter((v) => !own || v === own);
    const names = villageIds.length
      ? await this.db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(inArray(organizations.id, villageIds))
      : [];
    const items = contract.stations.flatMap((station) =>
      station.villages.filter((village) => !own || village === own).map((village) => {
        const mine = rows.filter((r) => r.villages.includes(village));
        const held = steps.filter((s) => s.kind === 'materialRequestOverdue' && s.organizationId === village);
        const owing = (r: RequestRow) => (r.state as MaterialRequestState).villages.some((v) => v.village === village && villageHolds(v));
        return {
          village,
          name: names.find((n) => n.id === village)?.name ?? village,
          station: station.id,
          requests: mine.length,
          open: mine.filter((r) => r.status !== 'accepted' && r.status !== 'cancelled').length,
          overdue: mine.filter((r) => r.overdue && owing(r)).length,
          workingDaysHeld: held.reduce((sum, s) => sum + s.workingDays, 0),
          overdueSteps: held.map((s) => ({ stepId: s.stepId, reference: s.reference, since: s.since, resolvedAt: s.resolvedAt, workingDays: s.workingDays })),
        };
      }),
    );
    return { items: items.sort((a, b) => b.workingDaysHeld - a.workingDaysHeld || b.overdue - a.overdue) };
  }
}
