// Who may see a contract: administrators, and users of an organization the contract names.
// Everyone else is told it does not exist (404), so its existence is not leaked.
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { contracts } from '../../db/schema';
import { contactForReader, type HamletContact } from '../../domain/contacts';
import type { Contract } from '../../domain/contract';
import { parseVillageStepReference } from '../../domain/ids';
import { isAdmin, type Actor } from '../../domain/organizations';
import { notFound } from '../errors';
import { say } from '../../domain/messages';

export type ContractRow = typeof contracts.$inferSelect;

export function maySee(actor: Actor, row: Pick<ContractRow, 'partyOrganizationIds'>): boolean {
  return isAdmin(actor) || (actor.organizationId !== null && row.partyOrganizationIds.includes(actor.organizationId));
}

export function requireVisible(actor: Actor, id: string, row: ContractRow | undefined): ContractRow {
  if (!row || !maySee(actor, row)) throw notFound(say('not_found_or_not_shared', { what: 'contract', id }));
  return row;
}

export async function loadVisibleContract(db: Database, actor: Actor, id: string): Promise<ContractRow> {
  const [row] = await db.select().from(contracts).where(eq(contracts.id, id));
  return requireVisible(actor, id, row);
}

/**
 * The village a user speaks for in this contract (their organization is one of its stations'
 * villages), or undefined. A village's users see the contract, but of the village chain only what
 * concerns their own village.
 */
export function villageScope(actor: Actor, contract: Pick<Contract, 'stations'>): string | undefined {
  if (isAdmin(actor) || !actor.organizationId) return undefined;
  return contract.stations.some((s) => s.villages.includes(actor.organizationId!)) ? actor.organizationId : undefined;
}

/** Whether a material-request step (its reference: the request, then the village) is the village's own. */
export function isVillagesOwnStep(village: string, step: { kind: string; reference: string }): boolean {
  if (step.kind !== 'materialRequestOverdue') return true;
  // Parsed, not matched by suffix: a village whose id ends another's must not see its steps.
  return parseVillageStepReference(step.reference)?.village === village;
}

/**
 * An audit event as a village's users may see it: village-chain events of requests addressed to
 * their village only, and within those, only their own village's deliveries and volunteers.
 * `ownRequests` are the ids of the requests that ask the village. Other events pass unchanged.
 */
export function villageEventView<E extends { kind: string; payload: Record<string, unknown> }>(
  event: E,
  village: string,
  ownRequests: ReadonlySet<string>,
): E | undefined {
  const p = event.payload;
  if (event.kind.startsWith('escalation.')) {
    return isVillagesOwnStep(village, { kind: String(p.stepKind), reference: String(p.stepReference) })
      ? event
      : undefined;
  }
  if (!event.kind.startsWith('material_request.')) return event;
  if (!ownRequests.has(String(p.requestId))) return undefined;
  const delivery = p.delivery as { village?: string } | undefined;
  if ((delivery?.village ?? p.village ?? village) !== village) return undefined;
  const request = p.request as { contacts?: Array<{ village: string }> } | undefined;
  if (!request?.contacts) return event;
  return {
    ...event,
    payload: { ...p, request: { ...request, contacts: request.contacts.filter((c) => c.village === village) } },
  };
}

/**
 * An audit event with the volunteers it names (a request's contacts) as `actor` may see them:
 * phones only for those who may read the village's contact details. Other events pass unchanged.
 */
export function contactsEventView<E extends { kind: string; payload: Record<string, unknown> }>(
  event: E,
  actor: Actor,
  contract: Pick<Contract, 'parties' | 'stations'>,
): E {
  const request = event.payload.request as { contacts?: HamletContact[] } | undefined;
  if (!event.kind.startsWith('material_request.') || !Array.isArray(request?.contacts)) return event;
  return {
    ...event,
    payload: {
      ...event.payload,
      request: { ...request, contacts: request.contacts.map((c) => contactForReader(actor, contract, c)) },
    },
  };
}
