// Real examples of every request body, for the OpenAPI document (`/docs` shows them instead of
// "string"): the source case of S County (docs/DOMAIN), the README's walkthrough in JSON. Each is
// valid against its route's schema (tests/api/openapi.test.ts); ids of
// organizations, users and requests are what the API hands out (org_…, ct_…), written out.
import type { RouteOptions } from 'fastify';

const ORG = {
  purchaser: 'org_01j9bureau',
  payer: 'org_01j9finance',
  contractor: 'org_01j9socialworkd',
  evaluator: 'org_01j9evaluator',
  villageA: 'org_01j9villagea',
  villageB: 'org_01j9villageb',
  township: 'org_01j9gtown',
};

const tranches = [
  { id: 't1', label: 'Advance', due: '2022-10-31', percent: 40, fundingSource: 'fiscal' },
  { id: 't2', label: 'Mid-term', due: '2023-06-30', percent: 40, fundingSource: 'fiscal' },
  { id: 't3', label: 'Final', due: '2023-08-31', percent: 20, fundingSource: 'welfare_lottery_fund' },
];
const checkpoints = [{ id: 'june-80', by: '2023-06-30', minPercent: 80 }];

/** The example body of each route that takes one, by "METHOD /url" as the route declares it. */
export const REQUEST_EXAMPLES: Readonly<Record<string, unknown>> = {
  'POST /v1/organizations': { name: 'S County Civil Affairs Bureau', kind: 'purchaser' },
  'POST /v1/users': {
    name: 'Officer Wei',
    organizationId: ORG.purchaser,
    roles: ['agency_officer'],
    email: 'wei@example.gov.cn',
  },
  'POST /v1/contracts': {
    id: 'S-2023-lot3',
    title: 'Township social work stations, lot 3',
    term: { start: '2022-09-01', end: '2023-08-31' },
    value: '1154000.00',
    parties: { purchaser: ORG.purchaser, payer: ORG.payer, contractor: ORG.contractor, evaluator: ORG.evaluator },
    stations: [
      {
        id: 'G',
        name: 'Station G',
        township: 'G Town',
        villages: [ORG.villageA, ORG.villageB],
        townshipOrganization: ORG.township,
      },
      { id: 'Y', name: 'Station Y', township: 'Y Town', villages: [] },
    ],
    budgetLines: [
      { id: 'personnel', kind: 'personnel', amount: '900000.00' },
      { id: 'activities', kind: 'activities', amount: '254000.00' },
    ],
    staffing: { headcount: 23, monthlyPayroll: '75000.00' },
    tranches,
    checkpoints,
    milestones: [
      {
        id: 'midterm',
        title: 'Mid-term evaluation',
        due: '2023-03-31',
        stations: ['G', 'Y'],
        materials: ['midterm_report'],
        reviewWorkingDays: 10,
        maxRounds: 3,
      },
    ],
    quotas: [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 8 }],
    closeGraceDays: 90,
  },
  'POST /v1/contracts/:id/payments': {
    reference: 'CZ-2022-118',
    amount: '300000.00',
    receivedOn: '2022-11-20',
    fundingSource: 'fiscal',
  },
  'POST /v1/contracts/:id/payments/:reference/reversal': { reason: 'Entered against the wrong contract' },
  'POST /v1/contracts/:id/schedule': {
    tranches: [tranches[0], { ...tranches[1], due: '2023-07-31' }, tranches[2]],
    checkpoints: [{ id: 'july-80', by: '2023-07-31', minPercent: 80 }],
    reason: 'The finance bureau moved the mid-term tranche to July',
  },
  'POST /v1/contracts/:id/termination': { reason: 'The contractor was dissolved' },
  'POST /v1/contracts/:id/calendar': {
    holidays: ['2023-04-04'],
    workdays: [],
    reason: 'Sanyuesan, a county holiday this year',
  },
  'POST /v1/contracts/:id/payment-applications': {
    tranche: 't2',
    amount: '393200.00',
    invoice: { number: 'FP-2023-0601', date: '2023-06-01' },
    note: 'Mid-term report delivered on 28 May',
  },
  'POST /v1/payment-applications/:aid/decision': { outcome: 'return', reasons: ['The invoice names another contract'] },
  'POST /v1/contracts/:id/material-requests': {
    station: 'G',
    villages: [ORG.villageA],
    title: 'May visit records',
    items: [
      { id: 'visits', kind: 'visit_records', quantity: 12, description: 'signed sheets' },
      { id: 'roster', kind: 'household_roster', quantity: 1 },
    ],
    due: '2023-05-12',
    contacts: ['ct_01j9volunteerlan'],
  },
  'POST /v1/material-requests/:rid/deliveries': {
    items: [{ itemId: 'visits', quantity: 12 }],
    attachments: [],
    note: 'Sheets left at the station',
  },
  'POST /v1/material-requests/:rid/deliveries/:did/decision': {
    items: [
      { itemId: 'visits', outcome: 'accept' },
      { itemId: 'roster', outcome: 'return', reason: 'Two households have no signature' },
    ],
  },
  'POST /v1/material-requests/:rid/cancellation': { reason: 'Asked the wrong village' },
  'POST /v1/organizations/:id/contacts': { name: 'Volunteer Lan', phone: '+86 138 0000 0000', hamlet: 'Upper Hamlet' },
  'POST /v1/organizations/:id/webhooks': { url: 'https://ops.example.gov.cn/hooks/grantflow' },
  'POST /v1/contracts/:id/progress': {
    station: 'G',
    metric: 'village_visits',
    count: 3,
    date: '2023-05-10',
    evidence: { note: 'Visited Upper and Lower Hamlet', attachments: [] },
  },
  'POST /v1/contracts/:id/milestones/:mid/submissions': {
    station: 'G',
    materials: [
      {
        templateId: 'midterm_report',
        sections: {
          overview: 'Station G serves 12 villages of G Town with three social workers…',
          goals: 'Visit every left-behind elderly person monthly…',
          progress: '96 home visits, 14 casework files, 6 group sessions…',
          theory: 'Ecological systems theory guided the visits…',
          problems: 'Two villages are over an hour away…',
        },
        attachments: [],
      },
    ],
  },
  'POST /v1/submissions/:sid/decision': {
    outcome: 'return',
    reasons: [
      {
        code: 'goals_vague',
        templateId: 'midterm_report',
        sectionId: 'goals',
        text: 'Say how many visits, to whom, by when',
      },
    ],
  },
  'POST /v1/escalations/:id/acknowledge': { note: 'The second tranche is in the bureau’s approval queue' },
  'PUT /v1/calendar/years/:year': {
    holidays: ['2027-01-01', '2027-02-06', '2027-02-07', '2027-02-08'],
    workdays: ['2027-01-31'],
    source: { title: '国务院办公厅关于2027年部分节假日安排的通知', date: '2026-11-12' },
  },
};

/** onRoute hook: puts the route's example on its body schema (the OpenAPI document shows it; validation ignores it). */
export function documentExamples(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const example = methods.map((m) => REQUEST_EXAMPLES[`${m} ${route.url}`]).find((e) => e !== undefined);
  const schema = route.schema as { body?: object } | undefined;
  if (example === undefined || !schema?.body) return;
  schema.body = { ...schema.body, examples: [example] };
}
