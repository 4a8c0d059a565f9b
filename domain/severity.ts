// How urgent a notice or an escalation level is: one list for the domain, the API's schemas and
// the page's labels (web/src/i18n.ts SEVERITY is typed by it).
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Most urgent first: the order of escalation lists (issue 19 pages them severity by severity). */
export const SEVERITIES_MOST_URGENT_FIRST: readonly Severity[] = [...SEVERITIES].reverse();
