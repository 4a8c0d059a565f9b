// The source case's parties, registered through the API as an administrator would.
import type { SCountyOrgs } from '../fixtures/s-county';
import type { Http } from './stack';

export interface Parties {
  orgs: SCountyOrgs & { outsider: string };
  tokens: {
    agency: string;
    finance: string;
    contractor: string;
    evaluator: string;
    outsider: string;
    /** A finance officer of another payer, party to nothing. */
    otherFinance: string;
  };
}

export async function registerParties(http: Http, adminToken: string): Promise<Parties> {
  const org = async (name: string, kind: string) => {
    const res = await http('POST', '/v1/organizations', { token: adminToken, body: { name, kind } });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.id as string;
  };
  const user = async (name: string, organizationId: string, roles: string[]) => {
    const res = await http('POST', '/v1/users', { token: adminToken, body: { name, organizationId, roles } });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.token as string;
  };
  const purchaser = await org('S County Civil Affairs Bureau', 'purchaser');
  const payer = await org('S County Finance Bureau', 'payer');
  const contractor = await org('Social Work Organization D', 'contractor');
  const evaluator = await org('Third-party Evaluator', 'evaluator');
  const villages = [await org('Village A Committee', 'village'), await org('Village B Committee', 'village')];
  const outsider = await org('Another County Bureau', 'purchaser');
  const otherPayer = await org('Another Finance Bureau', 'payer');
  return {
    orgs: { purchaser, payer, contractor, evaluator, villages, outsider },
    tokens: {
      agency: await user('Officer Wei', purchaser, ['agency_officer']),
      finance: await user('Finance Officer Li', payer, ['finance_officer']),
      contractor: await user('Project Lead Huang', contractor, ['contractor_staff']),
      evaluator: await user('Evaluator Zhou', evaluator, ['evaluator']),
      outsider: await user('Officer Elsewhere', outsider, ['agency_officer']),
      otherFinance: await user('Finance Elsewhere', otherPayer, ['finance_officer']),
    },
  };
}
