// Which kinds of organization may hold which role (domain/organizations.ts, issue 16 item 9).
import { describe, expect, it } from 'vitest';
import {
  ORGANIZATION_KINDS,
  organizationKindsFor,
  ROLE_ORGANIZATION_KINDS,
  roleRuleText,
  ROLES,
  rolesNotFitting,
} from '../../domain/organizations';

describe('roles fit organizations', () => {
  it('names a rule for every role but admin, with known kinds only', () => {
    expect(Object.keys(ROLE_ORGANIZATION_KINDS).sort()).toEqual(ROLES.filter((r) => r !== 'admin').sort());
    for (const kinds of Object.values(ROLE_ORGANIZATION_KINDS)) {
      expect(kinds.length).toBeGreaterThan(0);
      expect(kinds.every((k) => (ORGANIZATION_KINDS as readonly string[]).includes(k))).toBe(true);
    }
    expect(organizationKindsFor('admin')).toBeUndefined();
  });

  it('refuses an evaluator in a contractor, and similar mismatches', () => {
    expect(rolesNotFitting('contractor', ['station_staff', 'evaluator'])).toEqual(['evaluator']);
    expect(rolesNotFitting('village', ['finance_officer', 'village_liaison'])).toEqual(['finance_officer']);
    expect(rolesNotFitting('payer', ['agency_officer'])).toEqual(['agency_officer']);
    expect(rolesNotFitting('evaluator', ['contractor_staff'])).toEqual(['contractor_staff']);
  });

  it('lets a purchaser pay and review itself, as a contract may name it payer or reviewer, and admin anywhere or nowhere', () => {
    expect(rolesNotFitting('purchaser', ['agency_officer', 'finance_officer', 'evaluator', 'admin'])).toEqual([]);
    expect(rolesNotFitting(null, ['admin'])).toEqual([]);
    expect(rolesNotFitting(null, ['auditor'])).toEqual(['auditor']);
    for (const kind of ORGANIZATION_KINDS) expect(rolesNotFitting(kind, ['admin'])).toEqual([]);
  });

  it('words the rule', () => {
    expect(roleRuleText('evaluator')).toBe('held only in organizations of kind evaluator or purchaser');
    expect(roleRuleText('auditor')).toBe('held only in organizations of kind auditor, purchaser, payer or township');
    expect(roleRuleText('village_liaison')).toBe('held only in organizations of kind village');
  });
});
