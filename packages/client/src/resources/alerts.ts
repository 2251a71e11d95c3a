import { AlertCountResponse, AlertListResponse, AlertResponse, type Alert, type AlertSortField, type AlertStatus } from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

/** Which alerts a count covers: all of the account's, or those of one agent or environment. */
export interface AlertFilterParams {
  agent_id?: string;
  /** Run alerts of runs in this environment (exceedances belong to none). */
  environment_id?: string;
}

export interface ListAlertsParams extends AlertFilterParams, ListPageParams<AlertSortField> {
  status?: AlertStatus;
}

export interface AcknowledgeAlertParams {
  note?: string | null;
  idempotency_key?: string | null;
}

const LIST = operation('alerts.list', 'GET', AlertListResponse, (b) => b.summaries);
const GET = operation('alerts.get', 'GET', AlertResponse, (b) => b.details);
const COUNT = operation('alerts.count', 'GET', AlertCountResponse, (b) => b.count);
const ACKNOWLEDGE = operation('alerts.acknowledge', 'POST', AlertResponse, (b) => b.details);

function filterQuery(params: AlertFilterParams & { status?: AlertStatus }): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of ['status', 'agent_id', 'environment_id'] as const) if (params[name] !== undefined) query.set(name, params[name]);
  return query;
}

/** `/api/v1/alerts`: runs that reached high or critical risk, declarations beyond the agreed risk (account-scoped tokens). */
export class Alerts {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** One page of GET /api/v1/alerts (`status`, `agent_id`, `environment_id`, `pagination[…]`, `sorting[…]`); newest first by default. */
  list(params: ListAlertsParams = {}, options?: CallOptions): Promise<Alert[]> {
    const query = filterQuery(params);
    setListParams(query, params);
    return this.#core.call(LIST, `/api/v1/alerts${queryString(query)}`, undefined, options);
  }

  /** GET /api/v1/alerts/{alert_id}. */
  get(alertId: string, options?: CallOptions): Promise<Alert> {
    return this.#core.call(GET, `/api/v1/alerts/${pathSegment(GET.name, 'alert_id', alertId)}`, undefined, options);
  }

  /** GET /api/v1/alerts/count: how many are open. */
  count(params: AlertFilterParams = {}, options?: CallOptions): Promise<number> {
    return this.#core.call(COUNT, `/api/v1/alerts/count${queryString(filterQuery(params))}`, undefined, options);
  }

  /** POST /api/v1/alerts/{alert_id}/acknowledge with `{"note": …, "idempotency_key": …}`; one already acknowledged is 409. */
  acknowledge(alertId: string, params: AcknowledgeAlertParams = {}, options?: CallOptions): Promise<Alert> {
    const path = `/api/v1/alerts/${pathSegment(ACKNOWLEDGE.name, 'alert_id', alertId)}/acknowledge`;
    const idempotency_key = idempotencyKeyFor(ACKNOWLEDGE.name, params.idempotency_key);
    return this.#core.call(ACKNOWLEDGE, path, { ...(params.note != null ? { note: params.note } : {}), idempotency_key }, options);
  }
}
