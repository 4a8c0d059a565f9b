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

/**
 * Which kinds of organization may hold each role (issue 16 item 9). An administrator may belong to
 * any organization or to none; every other role needs an organization of a listed kind. The lists
 * follow who may stand in each party role (domain/contract.ts PARTY_KINDS): a purchaser may pay
 * from its own budget (finance officers) and review materials itself (evaluators), and oversight
 * may be held by an auditor, a purchaser, a payer or a township.
 */
export const ROLE_ORGANIZATION_KINDS: Readonly<Record<Exclude<Role, 'admin'>, readonly OrganizationKind[]>> = {
  agency_officer: ['purchaser'],
  finance_officer: ['payer', 'purchaser'],
  evaluator: ['evaluator', 'purchaser'],
  contractor_staff: ['contractor'],
  station_staff: ['contractor'],
  village_liaison: ['village'],
  township_officer: ['township'],
  auditor: ['auditor', 'purchaser', 'payer', 'township'],
};

/** The kinds of organization that may hold `role`; undefined for admin (any organization, or none). */
export function organizationKindsFor(role: Role): readonly OrganizationKind[] | undefined {
  return role === 'admin' ? undefined : ROLE_ORGANIZATION_KINDS[role];
}

/**
 * The roles of `roles` an organization of `kind` may not hold (empty when all fit). `kind` null:
 * no organization, which only admin may have.
 */
export function rolesNotFitting(kind: OrganizationKind | null, roles: readonly Role[]): Role[] {
  return roles.filter((role) => {
    const kinds = organizationKindsFor(role);
    return kinds !== undefined && (kind === null || !kinds.includes(kind));
  });
}

/** The rule for `role` in words, for error messages: "held only in organizations of kind evaluator or purchaser". */
export function roleRuleText(role: Role): string {
  const kinds = organizationKindsFor(role);
  if (!kinds) return 'may belong to any organization or to none';
  const list = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
  return `held only in organizations of kind ${list}`;
}

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
