import { isOpenStatus as isOpen, OPEN_STATUSES, type FinishStatus, type InstanceStatus } from '@agentspan/protocol';
import { invalidAction } from './errors.js';

// Open statuses may still finish; every other status is final (the rule is the protocol's).
export { isFinishStatus, isOpenStatus as isOpen } from '@agentspan/protocol';

export const DEFAULT_FINISH_STATUS: FinishStatus = 'complete';

/** 409 `invalid_action` unless `status` is open; the official TS SDK reads that code as "already done". */
export function assertOpen(status: InstanceStatus, what: string, action: string): void {
  if (!isOpen(status)) throw invalidAction(`${what} is already ${status}; only a ${OPEN_STATUSES.join(' or ')} one can ${action}`);
}
