import type { FinishStatus, InstanceStatus } from '@agentspan/protocol';
import { OPEN_STATUSES } from '../store/records.js';
import { invalidAction } from './errors.js';

/** Open statuses may still finish; every other status is final. */
export const isOpen = (status: InstanceStatus) => (OPEN_STATUSES as readonly InstanceStatus[]).includes(status);

export const isFinishStatus = (status: InstanceStatus): status is FinishStatus =>
  status === 'complete' || status === 'failed' || status === 'cancelled';

export const DEFAULT_FINISH_STATUS: FinishStatus = 'complete';

/** 409 `invalid_action` unless `status` is open; the official TS SDK reads that code as "already done". */
export function assertOpen(status: InstanceStatus, what: string, action: string): void {
  if (!isOpen(status)) throw invalidAction(`${what} is already ${status}; only a pending or active one can ${action}`);
}
