// Side-effect free: imported by the worker, the API and the workflows themselves.
export const DEFAULT_TASK_QUEUE = 'grantflow';
