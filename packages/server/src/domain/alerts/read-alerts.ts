import type { AlertCountResponse, AlertResponse, CountAlertsQuery, ListAlertsQuery } from '@agentspan/protocol';
import type { AlertFilter } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import type { Principal } from '../caller.js';
import { notFound } from '../errors.js';
import { listPage, pageRequest } from '../listing/list-page.js';
import { alertView } from '../views/alert-view.js';

/** GET /alerts/{id}. */
export async function getAlert(tx: ReadTx, principal: Principal, id: string): Promise<AlertResponse> {
  assertAccountScope(principal, 'reading alerts');
  const alert = await tx.getAlert(principal.accountId, id);
  if (!alert) throw notFound('alert', id);
  return { status: 'success', details: alertView(alert) };
}

const filterOf = (principal: Principal, query: CountAlertsQuery): AlertFilter => ({
  account_id: principal.accountId,
  ...(query.agent_id === undefined ? {} : { agent_id: query.agent_id }),
  ...(query.environment_id === undefined ? {} : { environment_id: query.environment_id }),
});

/** GET /alerts: newest first unless sorted; of one status, agent or environment when asked (an exceedance belongs to no environment). */
export async function listAlerts(tx: ReadTx, principal: Principal, query: ListAlertsQuery) {
  assertAccountScope(principal, 'reading alerts');
  const page = pageRequest(query, { field: 'opened_at', direction: 'desc' });
  const { rows, total } = await tx.pageAlerts({
    ...filterOf(principal, query),
    ...(query.status === undefined ? {} : { status: query.status }),
    sort: page.sort,
    offset: page.offset,
    limit: page.size,
  });
  return listPage(rows.map(alertView), total, page);
}

/** GET /alerts/count: the open alerts, as Prefactor's open dashboard reads them. */
export async function countAlerts(tx: ReadTx, principal: Principal, query: CountAlertsQuery): Promise<AlertCountResponse> {
  assertAccountScope(principal, 'reading alerts');
  return { status: 'success', count: await tx.countAlerts({ ...filterOf(principal, query), status: 'open' }) };
}
