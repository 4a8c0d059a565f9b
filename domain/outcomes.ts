// What an idempotent Update did with a request: recorded it now ('created'), or found the same
// request recorded already ('duplicate': a retry, answered as the first time was). The API answers
// 201 for the first and 200 for the second.
export type RecordOutcome = 'created' | 'duplicate';
