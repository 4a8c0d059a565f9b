// Where a milestone stands (web/src/milestones.ts), without a browser: per station, the latest round.
import { describe, expect, it } from 'vitest';
import { milestoneStates } from '../../web/src/milestones';
import type { ContractDetail, Submission } from '../../web/src/types';

type Milestone = ContractDetail['milestones'][number];
const milestone = (stations: string[]): Milestone => ({
  id: 'midterm',
  title: 'Mid-term evaluation',
  due: '2023-03-31',
  stations,
  materials: ['midterm_report'],
  reviewer: 'evaluator',
  reviewWorkingDays: 5,
  maxRounds: 3,
});
const round = (station: string | null, n: number, status: Submission['status'], milestoneId = 'midterm') =>
  ({ id: `sub-${station}-${n}`, milestoneId, station, round: n, status }) as Submission;

describe('milestone states', () => {
  it('says not submitted, in review, returned in round n and approved, per station', () => {
    const items = [
      round('G', 1, 'returned'),
      round('G', 2, 'in_review'),
      round('B', 1, 'returned'),
      round('K', 1, 'returned'),
      round('K', 2, 'approved'),
    ];
    expect(milestoneStates(milestone(['G', 'B', 'K', 'L']), items)).toEqual([
      { station: 'G', state: 'in_review', round: 2 },
      { station: 'B', state: 'returned', round: 1 },
      { station: 'K', state: 'approved', round: 2 },
      { station: 'L', state: 'not_submitted', round: null },
    ]);
  });

  it('takes the latest round whatever the order, counts pre-checking as in review, ignores other milestones', () => {
    const items = [round('G', 2, 'prechecking'), round('G', 1, 'returned'), round('G', 5, 'approved', 'final')];
    expect(milestoneStates(milestone(['G']), items)).toEqual([{ station: 'G', state: 'in_review', round: 2 }]);
  });

  it('has one entry for a milestone of the whole contract', () => {
    expect(milestoneStates(milestone([]), [])).toEqual([{ station: null, state: 'not_submitted', round: null }]);
    expect(milestoneStates(milestone([]), [round(null, 1, 'returned')])).toEqual([
      { station: null, state: 'returned', round: 1 },
    ]);
  });
});
