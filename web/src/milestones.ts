// Where each milestone stands, from its submissions: per station it covers (or once for the whole
// contract), the latest round's state. Pure: tested without a browser (tests/browser/milestones.test.ts).
import type { SubmissionStatus } from '../../domain/materials';
import type { ContractDetail, Submission } from './types';

/** Nothing submitted yet, or the latest round's status (domain/materials), pre-checking counted as in review. */
export type MilestoneStateKind = 'not_submitted' | Exclude<SubmissionStatus, 'prechecking'>;

export interface MilestoneStationState {
  /** The station's id, or null for a milestone of the whole contract. */
  station: string | null;
  state: MilestoneStateKind;
  /** The latest round (1, 2, …); null when nothing was submitted. */
  round: number | null;
}

type Milestone = ContractDetail['milestones'][number];

/**
 * One entry per station of the milestone (in the milestone's order), or one for the whole contract
 * when it names no station. Pre-checking counts as in review: the station waits, not the evaluator.
 */
export function milestoneStates(milestone: Milestone, submissions: readonly Submission[]): MilestoneStationState[] {
  const stations: Array<string | null> = milestone.stations.length > 0 ? milestone.stations : [null];
  return stations.map((station) => {
    const rounds = submissions.filter((s) => s.milestoneId === milestone.id && (s.station ?? null) === station);
    const latest = rounds.reduce<Submission | undefined>(
      (last, s) => (!last || s.round > last.round ? s : last),
      undefined,
    );
    if (!latest) return { station, state: 'not_submitted', round: null };
    const state: MilestoneStateKind = latest.status === 'prechecking' ? 'in_review' : latest.status;
    return { station, state, round: latest.round };
  });
}
