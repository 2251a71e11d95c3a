import type { AlertRecord } from '../../store/records.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { invalidAction, notFound } from '../errors.js';
import { defineOperation } from '../operation.js';
import { alertView } from '../views/alert-view.js';

export interface AcknowledgeAlertParams {
  alert_id: string;
  note?: string | null | undefined;
}

/**
 * POST /alerts/{id}/acknowledge: someone has looked at it. Who (the token) and when are kept
 * with it, and the note when given. Acknowledging it again is 409: the first acknowledgement stands.
 */
export const acknowledgeAlert = defineOperation<AcknowledgeAlertParams>('alerts/acknowledge', (params, { caller }) => {
  assertAccountScope(caller, 'acknowledging an alert');
  return async (tx) => {
    const alert = await tx.lockAlert(caller.accountId, params.alert_id);
    if (!alert) throw notFound('alert', params.alert_id);
    if (alert.status === 'acknowledged') {
      throw invalidAction(
        `alert ${alert.id} is already acknowledged (at ${alert.acknowledged_at}, by token ${alert.acknowledged_by}); it opens again only if its run's risk level climbs`,
      );
    }
    const acknowledged: AlertRecord = {
      ...alert,
      status: 'acknowledged',
      updated_at: caller.now,
      acknowledged_at: caller.now,
      acknowledged_note: params.note ?? null,
      acknowledged_by: caller.tokenId,
    };
    await tx.updateAlert(acknowledged);
    return {
      status: 200,
      json: JSON.stringify({ status: 'success', details: alertView(acknowledged) }),
      alerts: [{ kind: 'alert.acknowledged', alert: acknowledged }],
    };
  };
});
