// The purchaser's changes to a running contract: amending its schedule (tranches, checkpoints and
// payment terms) and terminating it. Each Update has one check, run by its validator and again by
// its handler.
import { setHandler } from '@temporalio/workflow';
import { canonicalJson } from '../../domain/canonical-json';
import { isRepeatedTermination, validateSchedule } from '../../domain/contract';
import { shanghaiDate } from '../../domain/dates';
import { shortDigest } from '../../domain/digest';
import { freeTextDigest } from '../../domain/free-text';
import { say } from '../../domain/messages';
import type { Problem } from '../../domain/problems';
import {
  amendScheduleUpdate,
  RECENT_AMENDMENT_IDS,
  terminateUpdate,
  type AmendScheduleInput,
  type TerminateInput,
} from '../contract-messages';
import type { Amendment } from '../../domain/contract-state';
import { amendedPaymentTerms, breachedTrancheProblems, milestoneIdsOf, trancheRemovalProblems } from '../payment-clock';
import { reject, REJECTION } from '../rejection';
import type { ContractRun } from './run';

export function installAmendments(run: ContractRun): void {
  installScheduleAmendment(run);
  installTermination(run);
}

function installScheduleAmendment(run: ContractRun): void {
  const { state } = run;

  const scheduleProblems = (request: { tranches: unknown; checkpoints: unknown; paymentTerms?: unknown }) => {
    const problems: Problem[] = [];
    const schedule = validateSchedule(
      request as Parameters<typeof validateSchedule>[0],
      state.contract.valueFen,
      state.contract.term,
      problems,
      milestoneIdsOf(state.contract),
    );
    // The terms in force from tomorrow: clocks already started keep theirs (domain/payment-terms).
    return {
      schedule,
      problems,
      terms: amendedPaymentTerms(state.contract, request, shanghaiDate(Date.now()), problems),
    };
  };

  /** A retry of a recent amendment (same Idempotency-Key): answered with the schedule in force, nothing added. */
  const amendmentKey = (request: AmendScheduleInput) =>
    `${request.amendmentId} ${shortDigest(canonicalJson([request.tranches, request.checkpoints, freeTextDigest(request.reason), ...(request.paymentTerms !== undefined ? [request.paymentTerms] : [])]))}`;
  const repeatedAmendment = (request: AmendScheduleInput): Amendment | undefined => {
    if (request.amendmentId === undefined) return undefined;
    const recorded = state.recentAmendmentIds?.find((k) => k.startsWith(`${request.amendmentId} `));
    if (recorded === undefined) return undefined;
    if (recorded !== amendmentKey(request)) reject(REJECTION.conflict, say('idempotency_key_other_amendment'));
    return {
      id: request.amendmentId,
      version: state.scheduleVersion,
      reason: request.reason,
      amendedBy: request.amendedBy,
      amendedAt: new Date().toISOString(),
      tranches: state.contract.tranches,
      checkpoints: state.contract.checkpoints,
    };
  };

  /**
   * The repeated amendment it answers, or the schedule and terms it sets; refused when the contract
   * has ended, the schedule breaks a rule, it would amend away a tranche an application stands
   * for, or it would change what a tranche in breach of the statute owes (breachedTrancheProblems).
   */
  const amendmentCheck = (request: AmendScheduleInput) => {
    const repeated = repeatedAmendment(request);
    if (repeated) return { repeated };
    run.requireActive();
    const { schedule, problems, terms } = scheduleProblems(request);
    // A tranche with an application standing is not amended away, nor one in breach changed.
    problems.push(...trancheRemovalProblems(state, Array.isArray(request.tranches) ? request.tranches : []));
    if (problems.length === 0) problems.push(...breachedTrancheProblems(state, schedule.tranches));
    if (problems.length > 0) reject(REJECTION.invalid, say('schedule_invalid'), problems);
    return { schedule, terms };
  };

  setHandler(
    amendScheduleUpdate,
    async (request) => {
      const checked = amendmentCheck(request);
      if (checked.repeated) return checked.repeated;
      const { schedule, terms } = checked;
      const amendment: Amendment = {
        ...(request.amendmentId !== undefined ? { id: request.amendmentId } : {}),
        version: state.scheduleVersion + 1,
        reason: request.reason,
        amendedBy: request.amendedBy,
        amendedAt: new Date().toISOString(),
        tranches: schedule.tranches,
        checkpoints: schedule.checkpoints,
        ...(terms ? { paymentTerms: terms.paymentTerms } : {}),
      };
      run.amendDefinition({
        ...state.contract,
        tranches: schedule.tranches,
        checkpoints: schedule.checkpoints,
        ...(terms ?? {}),
      });
      state.scheduleVersion = amendment.version;
      if (request.amendmentId !== undefined)
        state.recentAmendmentIds = [...(state.recentAmendmentIds ?? []), amendmentKey(request)].slice(
          -RECENT_AMENDMENT_IDS,
        );
      await run.projectChange(
        [],
        run.event('contract.schedule_amended', request.amendedBy, { ...amendment }),
        amendment,
      );
      return amendment;
    },
    {
      validator: (request) => {
        run.handover.refuseWhileHandingOver();
        amendmentCheck(request);
      },
    },
  );
}

function installTermination(run: ContractRun): void {
  const { state } = run;

  /** 'duplicate' for a repeat of the termination in force; refused when the contract has ended otherwise. */
  const terminationCheck = (request: TerminateInput): 'duplicate' | 'new' => {
    if (isRepeatedTermination(state.terminated, request)) return 'duplicate';
    run.requireActive();
    return 'new';
  };

  setHandler(
    terminateUpdate,
    async (request) => {
      if (terminationCheck(request) === 'duplicate') return state.terminated!;
      const termination = {
        reason: request.reason,
        terminatedBy: request.terminatedBy,
        terminatedAt: new Date().toISOString(),
      };
      state.status = 'terminated';
      state.terminated = termination;
      state.endedAt = termination.terminatedAt;
      run.changed = true;
      await run.project([], [run.event('contract.terminated', request.terminatedBy, { reason: request.reason })]);
      return termination;
    },
    {
      validator: (request) => {
        run.handover.refuseWhileHandingOver();
        terminationCheck(request);
      },
    },
  );
}
