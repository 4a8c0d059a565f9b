// The signal a contract sends its long-lived children (reviews, material requests, quotas) when it
// ends: they close what is open and stop. Side-effect free, shared by every workflow that needs it.
import { defineSignal } from '@temporalio/workflow';

export const contractEndedSignal = defineSignal<[{ status: string }]>('contractEnded');
