// Hamlet volunteers' contact details are personal data. One field-level rule says who may read
// them, wherever a contact appears (the contacts route, material requests, the timeline, messages):
// administrators, the village's own users, and the station or contractor staff of a contractor
// whose stations work with the village. Everyone else sees a volunteer's name and hamlet only.
import type { Contract } from './contract';
import { CONTRACTOR_STAFF_ROLES, hasRole, isAdmin, type Actor } from './organizations';

/** A hamlet volunteer: no account of their own, reached through their village. */
export interface HamletContact {
  id: string;
  village: string;
  name: string;
  phone: string;
  hamlet: string;
}

/** A contact as a reader sees it: `phone` is null for a reader who may not read the village's contact details. */
export type ContactView = Omit<HamletContact, 'phone'> & { phone: string | null };

/**
 * Whether `actor` may read the contact details of `village`'s volunteers.
 * `contractorsWorkingWithVillage`: the contractor organizations of the contracts whose stations
 * work with the village (all of them for the contacts route; one contract's for its own views).
 */
export function mayReadVillageContacts(
  actor: Actor,
  village: string,
  contractorsWorkingWithVillage: readonly string[],
): boolean {
  if (isAdmin(actor)) return true;
  if (!actor.organizationId) return false;
  if (actor.organizationId === village) return true;
  return hasRole(actor, ...CONTRACTOR_STAFF_ROLES) && contractorsWorkingWithVillage.includes(actor.organizationId);
}

/** The contractor of `contract`, if one of its stations works with `village`; else none. */
export function contractorsWorkingWith(contract: Pick<Contract, 'parties' | 'stations'>, village: string): string[] {
  return contract.stations.some((s) => s.villages.includes(village)) ? [contract.parties.contractor] : [];
}

/** A contact without its contact details: name and hamlet stay, the phone does not. */
export function redactContact(contact: HamletContact): ContactView {
  // Fields copied one by one, so a field added to contacts later is not passed on unseen.
  return { id: contact.id, village: contact.village, name: contact.name, phone: null, hamlet: contact.hamlet };
}

/** `contact` as `actor` may see it within `contract`. */
export function contactForReader(
  actor: Actor,
  contract: Pick<Contract, 'parties' | 'stations'>,
  contact: HamletContact,
): ContactView {
  return mayReadVillageContacts(actor, contact.village, contractorsWorkingWith(contract, contact.village))
    ? { id: contact.id, village: contact.village, name: contact.name, phone: contact.phone, hamlet: contact.hamlet }
    : redactContact(contact);
}

/**
 * Whether a notice to `organizationId` (its inbox, webhooks and users' e-mails) may carry the
 * contact details of `village`'s volunteers. A notice reaches every user of the organization, so
 * only an organization all of whose users may read them qualifies: the village itself (the
 * contractor's users need a staff role, so a notice to the contractor is written without them).
 * `organizationId` null: a text shared by every party (an escalation's summary).
 */
export function noticeMayCarryContacts(organizationId: string | null, village: string): boolean {
  return organizationId === village;
}
