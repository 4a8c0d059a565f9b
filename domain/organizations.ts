// Parties and the roles their people hold. Shared by api/ (authorization) and workflows/ (who to notify).
import { text, type Text } from './languages';

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

/** Each role by its name in every language, as a label (the page's; the API's refusals in Chinese). */
export const ROLE_NAMES: Readonly<Record<Role, Text>> = {
  agency_officer: text('Agency officer', '业务主管'),
  finance_officer: text('Finance officer', '财务人员'),
  evaluator: text('Evaluator', '评估人员'),
  contractor_staff: text('Contractor staff', '机构工作人员'),
  station_staff: text('Station staff', '站点社工'),
  village_liaison: text('Village liaison', '村联络员'),
  township_officer: text('Township officer', '乡镇干部'),
  auditor: text('Auditor', '审计人员'),
  admin: text('Administrator', '管理员'),
};

/** The contractor's own staff, project leads and station workers: they act for the stations. */
export const CONTRACTOR_STAFF_ROLES = ['contractor_staff', 'station_staff'] as const satisfies readonly Role[];

/** The parts organizations play in a contract (domain/contract.ts ContractParties). */
export const PARTY_ROLES = ['purchaser', 'payer', 'contractor', 'evaluator', 'oversight'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];
/** The party roles a contract may leave empty; it names an organization for every other one. */
export const OPTIONAL_PARTY_ROLES = ['oversight'] as const satisfies readonly PartyRole[];
export type OptionalPartyRole = (typeof OPTIONAL_PARTY_ROLES)[number];
export const isOptionalPartyRole = (role: PartyRole): role is OptionalPartyRole =>
  (OPTIONAL_PARTY_ROLES as readonly PartyRole[]).includes(role);

/**
 * Whom the texts name: a kind of organization or a part it plays in a contract (every
 * domain/escalation EscalationParty is one of these).
 */
export type Party = OrganizationKind | PartyRole;

/**
 * Each party by its one name in every language (README glossary: purchaser 采购方, payer 付款方,
 * contractor 承接机构, evaluator 评估方), as a noun inside a sentence: the API's refusals
 * (domain/messages), the notices (domain/notices) and the page (web/src/i18n, capitalized as a label)
 * all name a party from here.
 */
export const PARTY_NAMES: Readonly<Record<Party, Text>> = {
  purchaser: text('purchaser', '采购方'),
  payer: text('payer', '付款方'),
  contractor: text('contractor', '承接机构'),
  evaluator: text('evaluator', '评估方'),
  township: text('township government', '乡镇政府'),
  village: text('village committee', '村委会'),
  oversight: text('oversight body', '监督方'),
  auditor: text('auditor', '审计机构'),
};

/** Kinds an organization may have to stand in each party role. */
export const PARTY_KINDS: Readonly<Record<PartyRole, readonly OrganizationKind[]>> = {
  purchaser: ['purchaser'],
  // The purchasing bureau sometimes pays from its own budget.
  payer: ['payer', 'purchaser'],
  contractor: ['contractor'],
  evaluator: ['evaluator', 'purchaser'],
  oversight: ['auditor', 'purchaser', 'payer', 'township'],
};

/**
 * Which kinds of organization may hold each role (issue 16 item 9). An administrator may belong to
 * any organization or to none; every other role needs an organization of a listed kind. The roles
 * acting for a party follow who may stand in that party role (PARTY_KINDS): a purchaser may pay
 * from its own budget (finance officers) and review materials itself (evaluators), and oversight
 * may be held by an auditor, a purchaser, a payer or a township.
 */
export const ROLE_ORGANIZATION_KINDS: Readonly<Record<Exclude<Role, 'admin'>, readonly OrganizationKind[]>> = {
  agency_officer: PARTY_KINDS.purchaser,
  finance_officer: PARTY_KINDS.payer,
  evaluator: PARTY_KINDS.evaluator,
  contractor_staff: PARTY_KINDS.contractor,
  station_staff: PARTY_KINDS.contractor,
  village_liaison: ['village'],
  township_officer: ['township'],
  auditor: PARTY_KINDS.oversight,
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
  return actor.organizationId === contractorId && hasRole(actor, ...CONTRACTOR_STAFF_ROLES);
}
