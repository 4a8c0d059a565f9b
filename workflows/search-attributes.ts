// The custom search attributes grantflow's workflows keep current, so that an operator finds a
// contract or an escalation from Temporal's own CLI and Web UI (issue 19), e.g.
//   temporal workflow list --query 'GrantflowPayer = "org_finance" AND GrantflowOverdue = true'
// Defined once: the workflows upsert them (workflows/operator-view.ts), the dev server is started
// with them (server/temporal-server.ts), `npm run temporal:setup` and the test servers register
// them (server/search-attributes.ts). Side-effect free: only definitions.
import { defineSearchAttributeKey, type SearchAttributeType } from '@temporalio/common';

/** The contract's id (as in the API), on the contract workflow and on each escalation of its steps. */
export const CONTRACT_ID = defineSearchAttributeKey('GrantflowContractId', 'KEYWORD');
/** The contract's status: active, completed, closed or terminated (workflows/contract-messages ContractStatus). */
export const STATUS = defineSearchAttributeKey('GrantflowStatus', 'KEYWORD');
/** Organization ids of the contract's parties. */
export const PURCHASER = defineSearchAttributeKey('GrantflowPurchaser', 'KEYWORD');
export const PAYER = defineSearchAttributeKey('GrantflowPayer', 'KEYWORD');
export const CONTRACTOR = defineSearchAttributeKey('GrantflowContractor', 'KEYWORD');
/** True while money due by now is not received (arrears > 0, the API's `overdue`). */
export const OVERDUE = defineSearchAttributeKey('GrantflowOverdue', 'BOOL');
/** Money due by now and not received, in fen (integer; domain/status arrears). */
export const ARREARS_FEN = defineSearchAttributeKey('GrantflowArrearsFen', 'INT');
/** The next checkpoint or tranche instant still ahead; absent when none is. */
export const NEXT_DEADLINE = defineSearchAttributeKey('GrantflowNextDeadline', 'DATETIME');
/** An escalation's step kind (domain/escalation StepKind, e.g. paymentShortfall). */
export const STEP_KIND = defineSearchAttributeKey('GrantflowStepKind', 'KEYWORD');
/** The organization holding an escalation's step (the party that can unblock it). */
export const HOLDER = defineSearchAttributeKey('GrantflowHolder', 'KEYWORD');
/** The escalation level reached: 0 before the first level opens, then 1, 2, … */
export const LEVEL = defineSearchAttributeKey('GrantflowLevel', 'INT');

/** Every custom search attribute with its type, for registration. */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; type: SearchAttributeType }> = [
  CONTRACT_ID,
  STATUS,
  PURCHASER,
  PAYER,
  CONTRACTOR,
  OVERDUE,
  ARREARS_FEN,
  NEXT_DEADLINE,
  STEP_KIND,
  HOLDER,
  LEVEL,
].map(({ name, type }) => ({ name, type }));
