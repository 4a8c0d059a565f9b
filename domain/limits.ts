/**
 * Domain limits: the upper bounds that keep every contract's workflow state, payloads and history
 * bounded by design (Temporal: 2 MB per payload, 50 MB and 51,200 events per run). Each bound is
 * validated at the API (422 naming the field and the limit) and listed in the README.
 */

/** Payments (ledger entries, reversals included) one contract may hold over its whole life. */
export const MAX_PAYMENTS_PER_CONTRACT = 2000;
