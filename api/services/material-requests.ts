// Material requests: made by the contractor's station staff through the contract's workflow,
// delivered by the villages asked (each only for itself), accepted or sent back by station staff.
// Reads come from the read model; a village's users see only requests addressed to their village.
import type { Client } from '@temporalio/client';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { resolveTexts } from '../../db/free-texts';
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
import { contactForReader } from '../../domain/contacts';
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
} from '../../workflows/material-request-messages';
import type { MaterialRequestState, StoredMaterialRequestState } from '../../domain/material-requests';
import { ApiError, forbidden, notFound, unprocessable } from '../errors';
import { withAttachments, type UploadedAttachment } from './attachments';
import { withTexts } from './free-texts';
import type { EscalationService } from './escalations';
import type { FileStorage } from './file-storage';
import { sendToWorkflow } from './temporal-errors';
import { idForKey } from './tokens';
import { loadVisibleContract, villageScope, type ContractRow } from './visibility';
import { say } from '../../domain/messages';
import { problem } from '../../domain/problems';

type RequestRow = typeof materialRequests.$inferSelect;

/**
 * The request as `actor` sees it: a village's user its own village's part only, everyone else all
 * of it; volunteers' phones only to those who may read the village's contact details.
 */
export function materialRequestView(
  state: StoredMaterialRequestState,
  actor: Actor,
  contract: Pick<Contract, 'parties' | 'stations'>,
) {
  const { request } = state;
  const onlyVillage = villageScope(actor, contract);
  const mine = <T extends { village: string }>(list: T[]) =>
    onlyVillage ? list.filter((x) => x.village === onlyVillage) : list;
  return {
    id: request.id,
    contractId: request.contractId,
    station: request.station,
    villages: request.villages,
    title: request.title,
    note: request.note ?? null,
    items: request.items.map((i) => ({
      id: i.id,
      kind: i.kind,
      quantity: i.quantity,
      description: i.description ?? null,
    })),
    due: request.due,
    dueAt: new Date(request.dueAt).toISOString(),
    contacts: mine(request.contacts).map((c) => contactForReader(actor, contract, c)),
    status: state.status,
    overdue: state.overdue,
    villageStatus: mine(state.villages),
    deliveries: mine(state.deliveries).map((d) => ({
      id: d.id,
      village: d.village,
      items: d.lines.map((l) => ({
        itemId: l.itemId,
        quantity: l.quantity,
        status: l.status,
        reason: l.reason ?? null,
      })),
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
      throw forbidden(say('only_contractor_staff', { action }));
    }
  }

  /** A request and its contract, or 404 for anyone who may not see it (another village's users included). */
  private async load(
    actor: Actor,
    requestId: string,
  ): Promise<{ row: RequestRow; contractRow: ContractRow; contract: Contract; village?: string }> {
    const [row] = await this.db.select().from(materialRequests).where(eq(materialRequests.id, requestId));
    const missing = notFound(say('not_found_or_not_shared', { what: 'material_request', id: requestId }));
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
      if (!contact) problems.push(problem(`contacts.${i}`, 'unknown_contact', { id }));
      else if (!body.villages.includes(contact.villageId))
        problems.push(problem(`contacts.${i}`, 'contact_of_other_village', { village: contact.villageId }));
    });
    if (problems.length > 0) throw unprocessable(say('material_request_invalid'), problems);
    const villageNames = await this.db
      .select({ id: organizations.id, name: organizations.name })
      .from(organizations)
      .where(inArray(organizations.id, body.villages));

    const id = idForKey('mr', [actor.userId, contractId], idempotencyKey);
    // The note is stored first (claim check); a request the contract refuses leaves none of it.
    const { created } = await withTexts(this.db, id, [body.note], async ([note]) => {
      const request: MaterialRequest = {
        id,
        contractId,
        station: body.station,
        villages: body.villages,
        title: body.title.trim(),
        ...(note ? { note } : {}),
        items: body.items.map((i) => ({
          id: i.id,
          kind: i.kind,
          quantity: i.quantity,
          ...(i.description ? { description: i.description } : {}),
        })),
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
      return sendToWorkflow(
        contractWorkflowId(contractId),
        () =>
          this.temporal.workflow
            .getHandle(contractWorkflowId(contractId))
            .executeUpdate(requestMaterialsUpdate, { args: [request] }),
        {
          // Made before the contract ended (a retry under the same key has the same id): it stands.
          recorded: async () =>
            (await this.recordedState(request.id)) ? { requestId: request.id, created: false } : undefined,
          closed: () => new ApiError(409, 'contract_not_active', say('contract_ended_no_requests', { id: contractId })),
        },
      );
    });
    const state = await this.current(contractId, id);
    return { created, request: materialRequestView(state, actor, contract) };
  }

  /** The request as the read model has it (all there is once its workflow has closed). */
  private async recordedState(requestId: string): Promise<StoredMaterialRequestState | undefined> {
    const [row] = await this.db.select().from(materialRequests).where(eq(materialRequests.id, requestId));
    return row?.state as StoredMaterialRequestState | undefined;
  }

  /** Sends an Update to a request's workflow; once it has closed, a repeat is answered from the read model. */
  private sendToRequest(
    contractId: string,
    requestId: string,
    send: () => Promise<MaterialRequestState>,
    repeat: (recorded: StoredMaterialRequestState) => boolean,
    reader: { actor: Actor; contract: Contract },
  ) {
    const closedMessage = say('material_request_closed', { id: requestId });
    const view = (state: StoredMaterialRequestState) => materialRequestView(state, reader.actor, reader.contract);
    return sendToWorkflow(
      materialRequestWorkflowId(contractId, requestId),
      async () => view(await resolveTexts(this.db, await send())),
      {
        recorded: async () => {
          const state = await this.recordedState(requestId);
          return state && repeat(state) ? view(state) : undefined;
        },
        closed: async () => {
          const state = await this.recordedState(requestId);
          return new ApiError(
            409,
            'closed',
            state ? say('material_request_closed', { id: requestId, status: state.status }) : closedMessage,
          );
        },
      },
    );
  }

  /** The request's state once it is in the read model (from the workflow; from the read model once it has finished). */
  private current(contractId: string, requestId: string): Promise<StoredMaterialRequestState> {
    return sendToWorkflow(
      materialRequestWorkflowId(contractId, requestId),
      async () =>
        resolveTexts(
          this.db,
          await this.temporal.workflow
            .getHandle(materialRequestWorkflowId(contractId, requestId))
            .executeUpdate(requestRegisteredUpdate),
        ),
      {
        recorded: () => this.recordedState(requestId),
        closed: () => new ApiError(409, 'closed', say('material_request_closed', { id: requestId })),
      },
    );
  }

  async get(actor: Actor, requestId: string) {
    const { row, contract } = await this.load(actor, requestId);
    return materialRequestView(row.state as StoredMaterialRequestState, actor, contract);
  }

  async list(
    actor: Actor,
    contractId: string,
    filter: { station?: string; village?: string; status?: RequestStatus; overdue?: boolean },
  ) {
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
    return { items: rows.map((r) => materialRequestView(r.state as StoredMaterialRequestState, actor, contract)) };
  }

  async deliver(actor: Actor, requestId: string, body: DeliveryBody, idempotencyKey?: string) {
    const { row, contract, village: ownVillage } = await this.load(actor, requestId);
    const village = body.village ?? ownVillage;
    if (!ownVillage || !hasRole(actor, 'village_liaison')) {
      throw forbidden(say('only_village_liaison_delivers'));
    }
    if (village !== ownVillage)
      throw forbidden(say('deliver_own_village', { own: ownVillage, village: village ?? '' }));
    const deliveryId = idForKey('dl', [actor.userId, requestId], idempotencyKey);
    // A delivery the workflow refuses (more than is owed) leaves none of its files stored.
    return withTexts(this.db, requestId, [body.note], ([note]) =>
      withAttachments(this.storage, [{ field: 'attachments', attachments: body.attachments ?? [] }], ([attachments]) =>
        this.sendToRequest(
          row.contractId,
          requestId,
          () =>
            this.temporal.workflow
              .getHandle(materialRequestWorkflowId(row.contractId, requestId))
              .executeUpdate(deliverUpdate, {
                args: [
                  {
                    deliveryId,
                    village,
                    items: body.items,
                    attachments: attachments!,
                    ...(note ? { note } : {}),
                    deliveredBy: actor.userId,
                  },
                ],
              }),
          // A retry under the same key is the same delivery.
          (recorded) => recorded.deliveries.some((d) => d.id === deliveryId),
          { actor, contract },
        ),
      ),
    );
  }

  async review(actor: Actor, requestId: string, deliveryId: string, items: LineDecision[]) {
    const { row, contract } = await this.load(actor, requestId);
    this.requireStationStaff(actor, contract, 'accept or send back delivered materials');
    // Reasons are stored trimmed (claim check); blank ones stay for the workflow to refuse.
    const reasons = items.map((d) => (typeof d.reason === 'string' ? d.reason.trim() : undefined));
    return withTexts(this.db, requestId, reasons, (references) =>
      this.sendToRequest(
        row.contractId,
        requestId,
        () =>
          this.temporal.workflow
            .getHandle(materialRequestWorkflowId(row.contractId, requestId))
            .executeUpdate(reviewDeliveryUpdate, {
              args: [
                {
                  deliveryId,
                  items: items.map(({ reason: _r, ...d }, i) => ({
                    ...d,
                    ...(references[i] ? { reason: references[i] } : {}),
                  })),
                  reviewedBy: actor.userId,
                },
              ],
            }),
        // The last acceptance ends the request's workflow: a retry of it is the decision recorded.
        (recorded) => {
          const delivery = recorded.deliveries.find((d) => d.id === deliveryId);
          if (!delivery) throw notFound(say('no_delivery', { request: requestId, delivery: deliveryId }));
          return isRepeatedDecision(delivery, items);
        },
        { actor, contract },
      ),
    );
  }

  async cancel(actor: Actor, requestId: string, reason: string) {
    const { row, contract } = await this.load(actor, requestId);
    this.requireStationStaff(actor, contract, 'cancel material requests');
    return withTexts(this.db, requestId, [reason], ([stored]) =>
      this.sendToRequest(
        row.contractId,
        requestId,
        () =>
          this.temporal.workflow
            .getHandle(materialRequestWorkflowId(row.contractId, requestId))
            .executeUpdate(cancelRequestUpdate, { args: [{ reason: stored!, cancelledBy: actor.userId }] }),
        // Cancelling ends the workflow: a retry is answered with the cancelled request, as the workflow does.
        (recorded) => recorded.cancelled !== null,
        { actor, contract },
      ),
    );
  }

  /**
   * Each village of the contract: its requests, those overdue now, and the working days it held
   * requests past due (from the escalation engine's step delays; open ones count up to today),
   * summed over requests (`workingDaysHeld`) and once per day it held any (`workingDaysHoldingAnyRequest`).
   */
  async villages(actor: Actor, contractId: string) {
    const contract = (await loadVisibleContract(this.db, actor, contractId)).definition as Contract;
    const rows = await this.db.select().from(materialRequests).where(eq(materialRequests.contractId, contractId));
    const { steps, workingDaysHoldingAny } = await this.escalations.heldSteps(actor, contractId);
    // A village's users see their own village's row only.
    const own = villageScope(actor, contract);
    const villageIds = contract.stations.flatMap((s) => s.villages).filter((v) => !own || v === own);
    const names = villageIds.length
      ? await this.db
          .select({ id: organizations.id, name: organizations.name })
          .from(organizations)
          .where(inArray(organizations.id, villageIds))
      : [];
    const items = contract.stations.flatMap((station) =>
      station.villages
        .filter((village) => !own || village === own)
        .map((village) => {
          const mine = rows.filter((r) => r.villages.includes(village));
          const held = steps.filter((s) => s.kind === 'materialRequestOverdue' && s.organizationId === village);
          const owing = (r: RequestRow) =>
            (r.state as StoredMaterialRequestState).villages.some((v) => v.village === village && villageHolds(v));
          return {
            village,
            name: names.find((n) => n.id === village)?.name ?? village,
            station: station.id,
            requests: mine.length,
            open: mine.filter((r) => r.status !== 'accepted' && r.status !== 'cancelled').length,
            overdue: mine.filter((r) => r.overdue && owing(r)).length,
            workingDaysHeld: held.reduce((sum, s) => sum + s.workingDays, 0),
            // Requests overdue at once count each day once: the delay attributed to the village.
            workingDaysHoldingAnyRequest: workingDaysHoldingAny(held),
            overdueSteps: held.map((s) => ({
              stepId: s.stepId,
              reference: s.reference,
              since: s.since,
              resolvedAt: s.resolvedAt,
              workingDays: s.workingDays,
            })),
          };
        }),
    );
    return {
      items: items.sort(
        (a, b) => b.workingDaysHoldingAnyRequest - a.workingDaysHoldingAnyRequest || b.overdue - a.overdue,
      ),
    };
  }
}
