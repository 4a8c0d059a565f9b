// What an operator sees of a workflow in Temporal's own CLI and Web UI (issue 19): its search
// attributes, kept current and upserted only when a value changed (each upsert is a history event),
// its static summary (set when it starts) and its current details (who holds which step).
// Workflow code: deterministic, no I/O.
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Contract } from '../domain/contract';
import { shanghaiDateTime } from '../domain/dates';
import { STEP_HOLDER, type EscalationParty, type StepKind } from '../domain/escalation';
import { parseStepKey, referenceParts } from '../domain/ids';
import { formatMoney } from '../domain/money';
import { arrears, nextDeadline } from '../domain/status';
import type { ContractState } from '../domain/contract-state';
import type { EscalationStep } from './escalation-messages';
import {
  ARREARS_FEN,
  CONTRACTOR,
  CONTRACT_ID,
  HOLDER,
  LEVEL,
  NEXT_DEADLINE,
  OVERDUE,
  PAYER,
  PURCHASER,
  STATUS,
  STEP_KIND,
} from './search-attributes';

type Pair = SearchAttributeUpdatePair;

/** The same value as the workflow holds now (dates by instant; null and absent alike). */
function sameValue(current: unknown, next: unknown): boolean {
  if (current === undefined || current === null) return next === null || next === undefined;
  if (next === null || next === undefined) return false;
  if (current instanceof Date || next instanceof Date)
    return new Date(current as Date).getTime() === new Date(next as Date).getTime();
  return current === next;
}

/**
 * Upserts those of `pairs` whose value differs from the workflow's current search attributes (a
 * null value removes one; each upsert is a history event); nothing when none differs. Returns how
 * many were upserted.
 */
export function keepSearchAttributes(pairs: Pair[]): number {
  const current = workflowInfo().typedSearchAttributes;
  const changed = pairs.filter(({ key, value }) => !sameValue(current.get(key), value));
  if (changed.length > 0) upsertSearchAttributes(changed);
  return changed.length;
}

/** The contract's search attributes at `now` (arrears as the API's summary computes them). */
export function contractSearchAttributes(
  state: Pick<ContractState, 'contract' | 'status'> & { ledger: { receivedFen: number } },
  now: number,
): Pair[] {
  const { contract } = state;
  const owed = arrears(contract, state.ledger.receivedFen, now);
  const next = state.status === 'active' ? nextDeadline(contract, now) : undefined;
  return [
    { key: CONTRACT_ID, value: contract.id },
    { key: STATUS, value: state.status },
    { key: PURCHASER, value: contract.parties.purchaser },
    { key: PAYER, value: contract.parties.payer },
    { key: CONTRACTOR, value: contract.parties.contractor },
    { key: OVERDUE, value: owed > 0 },
    { key: ARREARS_FEN, value: owed },
    { key: NEXT_DEADLINE, value: next === undefined ? null : new Date(next) },
  ];
}

/** An escalation's search attributes: its contract, step kind, holder organization and level reached. */
export function escalationSearchAttributes(
  step: EscalationStep,
  holderOrganizationId: string | null,
  level: number,
): Pair[] {
  return [
    { key: CONTRACT_ID, value: step.contractId },
    { key: STEP_KIND, value: step.kind },
    { key: HOLDER, value: holderOrganizationId },
    { key: LEVEL, value: level },
  ];
}

/** A contract's static summary in the Web UI (one line): its title and value. */
export function contractStaticSummary(contract: Pick<Contract, 'id' | 'title' | 'valueFen'>): string {
  return `${contract.title} · ${formatMoney(contract.valueFen)} CNY`;
}

/** A contract's static details in the Web UI: id, term and parties. */
export function contractStaticDetails(contract: Pick<Contract, 'id' | 'term' | 'parties'>): string {
  const { parties } = contract;
  return [
    `Contract **${contract.id}**, ${contract.term.start} to ${contract.term.end}`,
    `purchaser ${parties.purchaser} · payer ${parties.payer} · contractor ${parties.contractor} · evaluator ${parties.evaluator}` +
      (parties.oversight ? ` · oversight ${parties.oversight}` : ''),
  ].join('\n\n');
}

/** An escalation workflow's static summary: what stalled, in which contract. */
export function escalationStaticSummary(step: Pick<EscalationStep, 'kind' | 'reference' | 'contractTitle'>): string {
  return `Escalation: ${step.kind} ${(referenceParts(step.reference) ?? [step.reference]).join(' / ')} · ${step.contractTitle}`;
}

/**
 * The contract's current details (Markdown, shown in the Web UI and by `temporal workflow
 * describe`): title and value, status, arrears and next deadline, and each open step with the party and
 * organization holding it. Not a command: setting it costs no history.
 */
export function showContractDetails(
  state: Pick<ContractState, 'contract' | 'status' | 'ledger' | 'steps'>,
  now: number,
): void {
  const { contract } = state;
  const owed = arrears(contract, state.ledger.receivedFen, now);
  const next = state.status === 'active' ? nextDeadline(contract, now) : undefined;
  const lines = [
    // The static summary says the same, but a run continued as new has none (this SDK cannot set it on continue-as-new).
    `${contract.title} (${contract.id}) · ${formatMoney(contract.valueFen)} CNY`,
    `**${state.status}** · received ${formatMoney(state.ledger.receivedFen)} of ${formatMoney(contract.valueFen)} CNY · arrears ${formatMoney(owed)}` +
      (next !== undefined ? ` · next deadline ${shanghaiDateTime(next)}` : ''),
  ];
  const open = Object.entries(state.steps ?? {}).filter(([, step]) => step.open);
  if (open.length === 0) lines.push('No stalled step.');
  for (const [key, step] of open) {
    const { kind, reference } = parseStepKey(key) ?? { kind: key, reference: '' };
    const holder: EscalationParty | undefined = STEP_HOLDER[kind as StepKind];
    const organization = holder ? (contract.parties as Partial<Record<EscalationParty, string>>)[holder] : undefined;
    lines.push(
      `- ${kind} ${(referenceParts(reference) ?? []).join(' / ')}: held by ${holder ?? 'unknown'}${organization ? ` (${organization})` : ''} · escalation ${step.stepId}`,
    );
  }
  setCurrentDetails(lines.join('\n'));
}
