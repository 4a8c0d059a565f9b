// Parties and the roles their people hold. Shared by api/ (authorization) and workflows/ (who to notify).

export const ORGANIZATION_KINDS = [
  'purchaser',
  'payer',
  'contractor',
  'evaluator',
  'township',
  'village',
  'auditor',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const ROLES = [
  'agency_officer',
  'finance_officer',
  'evaluator',
  'contractor_staff',
  'station_staff',
  'village_liaison',
  'township_officer',
  'auditor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  userId: string;
  organizationId: string | null;
  roles: readonly Role[];
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((role) => roles.includes(role));
}

export function isAdmin(actor: Actor): boolean {
  return actor.roles.includes('admin');
}

/** The contractor's own staff (project leads and station workers) act for the stations. */
export function isContractorStaff(actor: Actor, contractorId: string): boolean {
  return actor.organizationId === contractorId && hasRole(actor, 'contractor_staff', 'station_staff');
}
