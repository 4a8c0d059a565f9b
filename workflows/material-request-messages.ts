// Messages of a material request's workflow (a child of its contract), shared with the contract
// workflow and the API. Side-effect free: only definitions and plain types.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/calendar';
import type { Contract } from '../domain/contract';
import type { LineDecision, MaterialRequest, MaterialRequestState } from '../domain/material-requests';
import type { TextReference } from '../domain/free-text';
import type { AttachmentMeta } from '../domain/materials';

export interface MaterialRequestWorkflowInput {
  contract: Contract;
  calendar: WorkingCalendar;
  request: MaterialRequest;
}

export interface DeliverInput {
  deliveryId: string;
  village: string;
  items: Array<{ itemId: string; quantity: number }>;
  attachments: AttachmentMeta[];
  /** Stored by the API (domain/free-text); village records may name beneficiaries. */
  note?: TextReference;
  deliveredBy: string;
}

export interface ReviewDeliveryInput {
  deliveryId: string;
  items: LineDecision[];
  reviewedBy: string;
}

export interface CancelRequestInput {
  reason: TextReference;
  cancelledBy: string;
}

/** Asks for materials: the contract validates the request and starts its workflow. */
export const requestMaterialsUpdate = defineUpdate<{ requestId: string; created: boolean }, [MaterialRequest]>(
  'requestMaterials',
);
export const deliverUpdate = defineUpdate<MaterialRequestState, [DeliverInput]>('deliver');
export const reviewDeliveryUpdate = defineUpdate<MaterialRequestState, [ReviewDeliveryInput]>('reviewDelivery');
export const cancelRequestUpdate = defineUpdate<MaterialRequestState, [CancelRequestInput]>('cancelRequest');
/** Resolves once the request is in the read model, with its state. */
export const requestRegisteredUpdate = defineUpdate<MaterialRequestState, []>('registered');
export const materialRequestStateQuery = defineQuery<MaterialRequestState>('materialRequestState');

export { materialRequestWorkflowId } from '../domain/ids';
