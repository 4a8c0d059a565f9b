// The field-level rule for hamlet volunteers' contact details: who may read a village's phones,
// and that every view and text built for anyone else leaves them out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contactForReader,
  contractorsWorkingWith,
  mayReadVillageContacts,
  noticeMayCarryContacts,
  redactContact,
  type HamletContact,
} from '../../domain/contacts';
import { contactsText, villageOwes, villageStanding, type MaterialRequest } from '../../domain/material-requests';
import { ROLES, type Actor, type Role } from '../../domain/organizations';

const VILLAGE = 'org_village_a';
const OTHER_VILLAGE = 'org_village_b';
const CONTRACTOR = 'org_contractor';
const contract = {
  parties: { purchaser: 'org_bureau', payer: 'org_finance', contractor: CONTRACTOR, evaluator: 'org_eval' },
  stations: [
    { id: 'G', name: 'Station G', township: 'G Town', villages: [VILLAGE], townshipOrganization: 'org_township' },
  ],
};
const actor = (organizationId: string | null, ...roles: Role[]): Actor => ({ userId: 'usr_x', organizationId, roles });

// Mainland mobile numbers as the contacts route accepts them (11 digits, so no date or figure of
// the texts can hold one by chance), with or without +86 and spaces.
const phone = fc.stringMatching(/^(\+86 )?1[3-9][0-9]( ?[0-9]{4}){2}$/);
const contact = fc.record({
  id: fc.stringMatching(/^ct_[a-z0-9]{1,8}$/),
  village: fc.constantFrom(VILLAGE, OTHER_VILLAGE),
  name: fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,15}$/),
  phone,
  hamlet: fc.stringMatching(/^[A-Za-z][A-Za-z]{0,11}$/),
});
const organization = fc.constantFrom(
  VILLAGE,
  OTHER_VILLAGE,
  CONTRACTOR,
  'org_bureau',
  'org_finance',
  'org_eval',
  'org_township',
  'org_auditor',
  null,
);
const anyActor = fc.record({
  userId: fc.constant('usr_x'),
  organizationId: organization,
  roles: fc.subarray([...ROLES]),
});

describe('who may read a village’s contact details', () => {
  it('admits the village’s users, administrators and the contractor’s staff working with it, and nobody else', () => {
    const working = contractorsWorkingWith(contract, VILLAGE);
    expect(working).toEqual([CONTRACTOR]);
    expect(mayReadVillageContacts(actor(VILLAGE, 'village_liaison'), VILLAGE, working)).toBe(true);
    expect(mayReadVillageContacts(actor(null, 'admin'), VILLAGE, working)).toBe(true);
    expect(mayReadVillageContacts(actor(CONTRACTOR, 'station_staff'), VILLAGE, working)).toBe(true);
    expect(mayReadVillageContacts(actor(CONTRACTOR, 'contractor_staff'), VILLAGE, working)).toBe(true);
    // The contractor's other people, and a contractor not working with the village.
    expect(mayReadVillageContacts(actor(CONTRACTOR, 'auditor'), VILLAGE, working)).toBe(false);
    expect(
      mayReadVillageContacts(
        actor(CONTRACTOR, 'station_staff'),
        OTHER_VILLAGE,
        contractorsWorkingWith(contract, OTHER_VILLAGE),
      ),
    ).toBe(false);
    for (const [org, role] of [
      ['org_finance', 'finance_officer'],
      ['org_bureau', 'agency_officer'],
      ['org_eval', 'evaluator'],
      ['org_township', 'township_officer'],
      ['org_auditor', 'auditor'],
      [OTHER_VILLAGE, 'village_liaison'],
    ] as const) {
      expect(mayReadVillageContacts(actor(org, role), VILLAGE, working)).toBe(false);
    }
  });

  it('shows a contact with its phone to exactly those the rule admits, and name and hamlet to everyone', () => {
    fc.assert(
      fc.property(anyActor, contact, (reader, c: HamletContact) => {
        const seen = contactForReader(reader, contract, c);
        const admitted = mayReadVillageContacts(reader, c.village, contractorsWorkingWith(contract, c.village));
        expect(seen).toEqual(admitted ? c : { ...c, phone: null });
        if (!admitted) expect(JSON.stringify(seen)).not.toContain(c.phone);
      }),
    );
    const c = { id: 'ct_1', village: VILLAGE, name: 'Wang Li', phone: '138 0000 0001', hamlet: 'Banli' };
    expect(redactContact(c)).toEqual({ id: 'ct_1', village: VILLAGE, name: 'Wang Li', phone: null, hamlet: 'Banli' });
  });
});

describe('texts per audience', () => {
  const request = (contacts: HamletContact[]): MaterialRequest => ({
    id: 'mr_1',
    contractId: 'c1',
    station: 'G',
    villages: [VILLAGE, OTHER_VILLAGE],
    title: 'Household roster',
    items: [{ id: 'roster', kind: 'household_roster', quantity: 1 }],
    due: '2026-03-02',
    dueAt: Date.UTC(2026, 2, 2, 16),
    contacts,
    requestedBy: 'usr_station',
    requestedAt: '2026-02-01T00:00:00.000Z',
  });

  it('gives a village’s phones only to a notice for that village; every other reader, or all parties, get names and hamlets', () => {
    fc.assert(
      fc.property(
        fc.array(contact, { minLength: 1, maxLength: 4 }),
        organization,
        fc.constantFrom(VILLAGE, OTHER_VILLAGE),
        (contacts, reader, village) => {
          const r = request(contacts);
          const text = JSON.stringify(villageOwes(r, villageStanding(r, [], village), 'Station G', reader));
          const mine = contacts.filter((c) => c.village === village);
          for (const c of mine) {
            expect(text).toContain(c.name);
            expect(text).toContain(c.hamlet);
          }
          if (noticeMayCarryContacts(reader, village)) {
            expect(reader).toBe(village);
            for (const c of mine) expect(text).toContain(c.phone);
          } else {
            // Neither this village's phones nor another village's ever appear.
            for (const c of contacts) expect(text).not.toContain(c.phone);
          }
        },
      ),
    );
  });

  it('writes the volunteers in both languages', () => {
    const c = [{ id: 'ct_1', village: VILLAGE, name: 'Wang Li', phone: '138 0000 0001', hamlet: 'Banli' }];
    expect(contactsText(c, VILLAGE, 'en', VILLAGE)).toBe(
      ' Hamlet volunteers holding them: Wang Li (Banli, 138 0000 0001).',
    );
    expect(contactsText(c, VILLAGE, 'en', 'org_township')).toBe(' Hamlet volunteers holding them: Wang Li (Banli).');
    expect(contactsText(c, VILLAGE, 'zh-CN', null)).toBe('屯志愿者：Wang Li（Banli）。');
    expect(contactsText(c, VILLAGE, 'zh-CN', VILLAGE)).toBe('屯志愿者：Wang Li（Banli，138 0000 0001）。');
  });
});
