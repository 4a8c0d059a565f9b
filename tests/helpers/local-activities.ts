// Local activities in a workflow's history: each resolution is a marker (`core_local_activity`)
// whose data names the activity and the attempt it reached, with the failure when it failed.
// Projections run this way (workflows/projection-mode.ts).
import type { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';

export interface LocalActivityMarker {
  eventId: number;
  activityType: string;
  attempt: number;
  /** The failure's message, when this resolution failed (for good, or before a retry that waits on a timer). */
  failure?: string;
}

export function localActivityMarkers(events: temporal.api.history.v1.IHistoryEvent[]): LocalActivityMarker[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const payload = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0] : undefined;
    if (!payload) return [];
    const data = defaultPayloadConverter.fromPayload(payload) as { activity_type: string; attempt: number };
    return [
      {
        eventId: Number(e.eventId),
        activityType: data.activity_type,
        attempt: data.attempt,
        ...(marker!.failure ? { failure: marker!.failure.message ?? '' } : {}),
      },
    ];
  });
}
