// The answers a party gives to what is handed to it, one list each for the workflows, the API's
// schemas and the page. Imports nothing: every layer may use it.

/** A reviewer's decision on a round of submitted evaluation materials (workflows/review.ts). */
export const REVIEW_DECISIONS = ['approve', 'return'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/**
 * The acceptance (验收) of something delivered: a station's of a village's materials, item by item
 * (domain/material-requests.ts), and the purchaser's of a contractor's payment application
 * (workflows/payment-clock.ts). Returned things come back with reasons.
 */
export const ACCEPTANCE_DECISIONS = ['accept', 'return'] as const;
export type AcceptanceDecision = (typeof ACCEPTANCE_DECISIONS)[number];
