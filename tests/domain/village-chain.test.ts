// Pure rules of the village chain: quota periods and standings, material request progress and
// validation, and the contract's new fields.
import { describe, expect, it } from 'vitest';
import { validateContractDefinition } from '../../domain/contract';
import { parseInstant } from '../../domain/dates';
import {
  deliveryProblems,
  materialRequestProblems,
  requestStatus,
  reviewProblems,
  villageStanding,
  type Delivery,
  type MaterialRequest,
} from '../../domain/material-requests';
import { periodKey, progressProblems, quotaPeriods, quotaStandings, type Quota } from '../../domain/quotas';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

const kinds: Record<string, string> = { ...sCountyKinds, org_township_g: 'township' };
const lookup = (id: string) => kinds[id] as never;

describe('quota periods', () => {
  it('names months and quarters by their Shanghai day', () => {
    expect(periodKey('2023-05-31', 'month')).toBe('2023-05');
    expect(periodKey('2023-05-31', 'quarter')).toBe('2023-Q2');
    expect(periodKey('2022-12-01', 'quarter')).toBe('2022-Q4');
  });

  it('prorates the periods the term covers only in part, rounding up', () => {
    const windows = quotaPeriods({ period: 'month', target: 8 }, '2022-09-16', '2023-08-31');
    expect(windows).toHaveLength(12);
    // 15 of September's 30 days: half of 8.
    expect(windows[0]).toMatchObject({ key: '2022-09', from: '2022-09-16', to: '2022-09-30', target: 4 });
    expect(windows[1]).toMatchObject({ key: '2022-10', from: '2022-10-01', to: '2022-10-31', target: 8 });
    // A period ends at the first moment of the next Shanghai day.
    expect(windows[1]!.endsAt).toBe(parseInstant('2022-10-31')! + 1);
    const quarters = quotaPeriods({ period: 'quarter', target: 30 }, '2022-09-01', '2023-08-31');
    expect(quarters.map((q) => [q.key, q.target])).toEqual([
      ['2022-Q3', 10],
      ['2022-Q4', 30],
      ['2023-Q1', 30],
      ['2023-Q2', 30],
      ['2023-Q3', 21],
    ]);
  });

  it('judges each station per period: met, short once ended, in progress, upcoming', () => {
    const quota: Quota = { id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 8 };
    const progress = [
      { station: 'G', metric: 'village_visits' as const, count: 5, date: '2023-01-10' },
      { station: 'G', metric: 'village_visits' as const, count: 3, date: '2023-01-31' },
      { station: 'Y', metric: 'village_visits' as const, count: 6, date: '2023-01-20' },
      { station: 'Y', metric: 'casework' as const, count: 9, date: '2023-01-20' },
      { station: 'Y', metric: 'village_visits' as const, count: 2, date: '2023-02-01' },
    ];
    const now = parseInstant('2023-02-10')!;
    const standings = quotaStandings([quota], ['G', 'Y'], { start: '2023-01-01', end: '2023-03-31' }, progress, now);
    const view = standings.map((s) => [s.station, s.periodKey, s.achieved, s.status]);
    expect(view).toEqual([
      ['G', '2023-01', 8, 'met'],
      ['G', '2023-02', 0, 'in_progress'],
      ['G', '2023-03', 0, 'upcoming'],
      ['Y', '2023-01', 6, 'short'],
      ['Y', '2023-02', 2, 'in_progress'],
      ['Y', '2023-03', 0, 'upcoming'],
    ]);
    expect(standings[3]!.shortfall).toBe(2);
    const together = quotaStandings(
      [{ ...quota, perStation: false, target: 14 }],
      ['G', 'Y'],
      { start: '2023-01-01', end: '2023-01-31' },
      progress,
      now,
    );
    expect(together).toEqual([expect.objectContaining({ station: null, achieved: 14, status: 'met' })]);
  });

  it('refuses progress for unknown stations, metrics without quotas, and days outside the term or in the future', () => {
    const contract = {
      quotas: [{ id: 'v', metric: 'village_visits', perStation: true, period: 'month', target: 8 }] as Quota[],
      stations: [{ id: 'G' }],
      term: { startAt: parseInstant('2023-01-01T00:00')!, endAt: parseInstant('2023-12-31')! },
    };
    const now = parseInstant('2023-06-15T12:00')!;
    expect(
      progressProblems({ station: 'G', metric: 'village_visits', count: 2, date: '2023-06-15' }, contract, now),
    ).toEqual([]);
    expect(
      progressProblems({ station: 'X', metric: 'casework', count: 0, date: '2023-06-16' }, contract, now).map(
        (p) => p.field,
      ),
    ).toEqual(['station', 'metric', 'count', 'date']);
    expect(
      progressProblems({ station: 'G', metric: 'village_visits', count: 1, date: '2022-12-31' }, contract, now)[0]!
        .reason,
    ).toContain('within the contract term');
  });
});

describe('material requests', () => {
  const request: MaterialRequest = {
    id: 'mr_1',
    contractId: 'c',
    station: 'G',
    villages: ['v1', 'v2'],
    title: 'Records',
    items: [
      { id: 'visits', kind: 'visit_records', quantity: 10 },
      { id: 'photos', kind: 'activity_photos', quantity: 2 },
    ],
    due: '2023-05-12',
    dueAt: parseInstant('2023-05-12')!,
    contacts: [],
    requestedBy: 'u',
    requestedAt: '2023-05-01T00:00:00Z',
  };
  const delivery = (id: string, village: string, lines: Delivery['lines']): Delivery => ({
    id,
    village,
    lines,
    attachments: [],
    deliveredBy: 'u',
    deliveredAt: '2023-05-02T00:00:00Z',
  });

  it('adds partial deliveries up per village; a request is as far along as its least advanced village', () => {
    const deliveries = [
      delivery('d1', 'v1', [{ itemId: 'visits', quantity: 10, status: 'accepted' }]),
      delivery('d2', 'v1', [{ itemId: 'photos', quantity: 2, status: 'pending' }]),
      delivery('d3', 'v2', [{ itemId: 'visits', quantity: 4, status: 'returned', reason: 'unsigned' }]),
      delivery('d4', 'v2', [{ itemId: 'visits', quantity: 3, status: 'pending' }]),
    ];
    const v1 = villageStanding(request, deliveries, 'v1');
    const v2 = villageStanding(request, deliveries, 'v2');
    expect(v1.status).toBe('delivered');
    expect(v2.status).toBe('partially_delivered');
    expect(v2.items[0]).toEqual({
      itemId: 'visits',
      requested: 10,
      delivered: 3,
      accepted: 0,
      pending: 3,
      returned: 4,
      outstanding: 7,
    });
    expect(requestStatus([v1, v2], false)).toBe('partially_delivered');
    expect(requestStatus([v1, v1], false)).toBe('delivered');
    expect(requestStatus([v1, v2], true)).toBe('cancelled');
    expect(requestStatus([villageStanding(request, [], 'v1')], false)).toBe('open');
  });

  it('refuses deliveries from villages not asked and beyond what is still owed', () => {
    const deliveries = [delivery('d1', 'v1', [{ itemId: 'visits', quantity: 8, status: 'pending' }])];
    expect(
      deliveryProblems(request, deliveries, { village: 'v3', lines: [{ itemId: 'visits', quantity: 1 }] })[0]!.field,
    ).toBe('village');
    const problems = deliveryProblems(request, deliveries, {
      village: 'v1',
      lines: [
        { itemId: 'visits', quantity: 3 },
        { itemId: 'nope', quantity: 1 },
      ],
    });
    expect(problems).toMatchObject([
      { field: 'items.0.quantity', reason: 'is more than the 2 still owed' },
      { field: 'items.1.itemId', reason: 'is not an item of this request (visits, photos)' },
    ]);
    expect(
      deliveryProblems(request, deliveries, { village: 'v1', lines: [{ itemId: 'visits', quantity: 2 }] }),
    ).toEqual([]);
  });

  it('needs a reason to send an item back, and decides each pending item once', () => {
    const d = delivery('d1', 'v1', [
      { itemId: 'visits', quantity: 8, status: 'pending' },
      { itemId: 'photos', quantity: 2, status: 'accepted' },
    ]);
    expect(reviewProblems(d, [{ itemId: 'visits', outcome: 'return' }])).toMatchObject([
      { field: 'items.0.reason', reason: 'must say why the item is sent back' },
    ]);
    expect(reviewProblems(d, [{ itemId: 'photos', outcome: 'accept' }])[0]!.reason).toBe('was accepted already');
    expect(reviewProblems(d, [{ itemId: 'visits', outcome: 'return', reason: 'not signed' }])).toEqual([]);
  });

  it('asks only villages of the station, within the term', () => {
    const result = validateContractDefinition(sCountyContract(sCountyOrgIds), lookup);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const problems = materialRequestProblems(
      {
        station: 'G',
        villages: ['org_village_2', 'org_village_2'],
        title: ' ',
        items: [{ id: 'a', kind: 'visit_records', quantity: 0 }],
        due: '2024-01-01',
      },
      result.value,
    );
    expect(problems.map((p) => p.field)).toEqual([
      'villages.0',
      'villages.1',
      'villages.1',
      'title',
      'items.0.quantity',
      'due',
    ]);
  });
});

describe('contract definition: township organizations and quotas', () => {
  it('checks the township organization is of kind township and validates quotas', () => {
    const definition = sCountyContract(sCountyOrgIds, {
      stations: [
        {
          id: 'G',
          name: 'Station G',
          township: 'G Town',
          villages: ['org_village_1'],
          townshipOrganization: 'org_township_g',
        },
        {
          id: 'Y',
          name: 'Station Y',
          township: 'Y Town',
          villages: ['org_village_2'],
          townshipOrganization: 'org_village_1',
        },
      ],
      quotas: [
        { id: 'v', metric: 'village_visits', perStation: true, period: 'month', target: 8 },
        { id: 'v', metric: 'casework', perStation: false, period: 'quarter', target: 0 },
      ],
    });
    const result = validateContractDefinition(definition, lookup);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toMatchObject([
      { field: 'stations.1.townshipOrganization', reason: 'is of kind village, not township' },
      { field: 'quotas.1.id', reason: 'repeats the id "v"' },
      { field: 'quotas.1.target', reason: 'must be a whole number between 1 and 100000' },
    ]);
  });
});
