// The workflows a contract starts and outlives none of: each milestone's review and the indicator
// quotas (started before the contract is registered) and each material request (started by an
// Update). They outlive a continue-as-new of the contract (ParentClosePolicy.ABANDON); the contract
// tells them when it ends and passes calendar changes on to them.
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
} from '@temporalio/workflow';
import { materialRequestLimitProblem } from '../../domain/limits';
import { materialRequestProblems, type MaterialRequest } from '../../domain/material-requests';
import { say } from '../../domain/messages';
import type { ContractState } from '../../domain/contract-state';
import { contractEndedSignal } from '../contract-ended';
import { isWorkflowIdTaken, startOwnChild } from '../children';
import { materialRequestWorkflow } from '../material-request';
import { materialRequestWorkflowId, requestMaterialsUpdate } from '../material-request-messages';
import { quotaWorkflow } from '../quotas';
import { quotaWorkflowId } from '../quota-messages';
import { reject, REJECTION } from '../rejection';
import { reviewWorkflow } from '../review';
import { reviewWorkflowId } from '../review-messages';
import type { ContractRun } from './run';

/** The workflow ids of the children a contract has started. */
export function childWorkflowIds(state: ContractState): string[] {
  const contractId = state.contract.id;
  return [
    ...(state.reviewsStarted ? (state.contract.milestones ?? []).map((m) => reviewWorkflowId(contractId, m.id)) : []),
    ...(state.quotasStarted ? [quotaWorkflowId(contractId)] : []),
    ...(state.materialRequests ?? []).map((requestId) => materialRequestWorkflowId(contractId, requestId)),
  ];
}

/**
 * Starts each milestone's review and the quotas, once. They start before the contract is
 * registered: a child whose workflow id is taken refuses the contract's creation (409 with the id,
 * through run.startRefusal) instead of failing it after a 201; the children already started end
 * with the contract that never began, and the workflow fails with the reason.
 */
export async function startChildren(run: ContractRun): Promise<void> {
  const { state, contractId } = run;
  const started: string[] = [];
  try {
    if (!state.reviewsStarted) {
      for (const milestone of state.contract.milestones ?? []) {
        const workflowId = reviewWorkflowId(contractId, milestone.id);
        await startOwnChild(
          reviewWorkflow,
          {
            workflowId,
            parentClosePolicy: ParentClosePolicy.ABANDON,
            staticSummary: `Review of milestone ${milestone.id} · ${state.contract.title}`,
            args: [{ contract: state.contract, milestone, calendar: state.calendar! }],
          },
          `The review of milestone ${milestone.id} of contract ${contractId}`,
        );
        started.push(workflowId);
      }
      state.reviewsStarted = true;
    }
    if (!state.quotasStarted && (state.contract.quotas?.length ?? 0) > 0) {
      await startOwnChild(
        quotaWorkflow,
        {
          workflowId: quotaWorkflowId(contractId),
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `Indicator quotas · ${state.contract.title}`,
          args: [{ contract: state.contract, calendar: state.calendar! }],
        },
        `The indicator quotas of contract ${contractId}`,
      );
      state.quotasStarted = true;
    }
  } catch (error) {
    if (run.registered || !isWorkflowIdTaken(error)) throw error;
    run.startRefusal = error.message;
    // A child already gone has nothing left to end; the refusal must not be masked.
    await tellEnded(started, 'terminated');
    // The registered Update answers the refusal before the workflow fails (visible in the Web UI).
    await condition(allHandlersFinished);
    throw error;
  }
}

/** Tells every child the contract ended with its status. */
export async function endChildren(run: ContractRun): Promise<void> {
  await tellEnded(childWorkflowIds(run.state), run.state.status);
}

async function tellEnded(workflowIds: string[], status: ContractState['status']): Promise<void> {
  for (const workflowId of workflowIds) {
    // A child that finished already (a review approved, a request accepted) has nothing to hear.
    await getExternalWorkflowHandle(workflowId)
      .signal(contractEndedSignal, { status })
      .catch(() => undefined);
  }
}

/** The requestMaterials Update: validates the request and starts its workflow. */
export function installMaterialRequests(run: ContractRun): void {
  const { state, contractId } = run;

  /** 'duplicate' for a request started already; refused when the contract has ended or the request breaks a rule. */
  const materialRequestCheck = (request: MaterialRequest): 'duplicate' | 'new' => {
    if (state.materialRequests?.includes(request.id)) return 'duplicate';
    run.requireActive();
    const problems = materialRequestProblems(request, state.contract);
    const overLimit = materialRequestLimitProblem(state.materialRequests?.length ?? 0);
    if (overLimit) problems.push(overLimit);
    if (problems.length > 0) reject(REJECTION.invalid, say('material_request_invalid'), problems);
    return 'new';
  };

  setHandler(
    requestMaterialsUpdate,
    async (request) => {
      // The request's workflow starts with the contract's calendar, read before it is registered.
      await run.untilRegistered();
      if (materialRequestCheck(request) === 'duplicate') return { requestId: request.id, created: false };
      // Recorded before the start, so a retry arriving meanwhile is recognised as one.
      const requests = (state.materialRequests ??= []);
      requests.push(request.id);
      const workflowId = materialRequestWorkflowId(contractId, request.id);
      const startedWith = state.calendar!;
      try {
        await startOwnChild(
          materialRequestWorkflow,
          {
            workflowId,
            parentClosePolicy: ParentClosePolicy.ABANDON,
            staticSummary: `Material request ${request.id} · ${state.contract.title}`,
            args: [{ contract: state.contract, calendar: startedWith, request }],
          },
          `Material request ${request.id}`,
        );
      } catch (error) {
        // Refused (its id taken: 409): not the contract's request.
        requests.splice(requests.indexOf(request.id), 1);
        throw error;
      }
      await run.tellChangedWhileStarting([workflowId], startedWith, 'request');
      return { requestId: request.id, created: true };
    },
    {
      validator: (request) => {
        run.handover.refuseWhileHandingOver();
        materialRequestCheck(request);
      },
    },
  );
}
