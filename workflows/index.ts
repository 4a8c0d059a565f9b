// The worker bundles this file: every workflow type grantflow runs is exported here.
export { probeWorkflow } from './probe';
export { contractWorkflow } from './contract';
export { escalationWorkflow } from './escalation';
export { reviewWorkflow } from './review';
export { materialRequestWorkflow } from './material-request';
export { quotaWorkflow } from './quotas';
export { calendarPublicationWorkflow } from './calendar-updates';
