import type { FinishStatus } from '@agentspan/protocol';
import type { InstanceRecord } from '../../store/records.js';

/** How an instance finishes, and when. */
export interface InstanceFinish {
  status: FinishStatus;
  finishedAt: string;
  /** When its run began, as the finisher saw it: moves `started_at` back to it (or sets it) when earlier. */
  startedAt?: string;
  /** The clock reading the change is stored at. */
  at: string;
}

/**
 * The instance as a finish leaves it; the finisher has checked it is open. Every finish (the API's,
 * a bulk item's, an OTLP trace's root span) is made here.
 */
export const finishedInstance = (instance: InstanceRecord, finish: InstanceFinish): InstanceRecord => ({
  ...instance,
  status: finish.status,
  started_at:
    finish.startedAt !== undefined && (instance.started_at === null || finish.startedAt < instance.started_at)
      ? finish.startedAt
      : instance.started_at,
  finished_at: finish.finishedAt,
  updated_at: finish.at,
});
