import { AGENT_LABELS, type AgentListResponse, type AgentResponse, type ListAgentsQuery, type ShowAgentQuery } from '@agentspan/protocol';
import type { AgentPageQuery, AgentSortField } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import type { Caller, Principal } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { asksForListPage, offsetPagination } from '../listing/list-page.js';
import { agentRiskAnswer } from '../risk/agent-rollup.js';
import { agentView } from '../views/agent-view.js';
import { agentSummaries } from './agent-summaries.js';

export const DEFAULT_AGENT_PAGE_SIZE = 25;

/** GET /agent/{id} */
export async function getAgent(tx: ReadTx, principal: Principal, id: string): Promise<AgentResponse> {
  const agent = await tx.getAgent(principal.accountId, id);
  if (!agent) throw notFound('agent', id);
  return { status: 'success', details: agentView(agent) };
}

/** GET /agent/show: by id or external_identifier (exactly one), with instance counts and the risk rollup when asked. */
export async function showAgent(tx: ReadTx, principal: Principal, query: ShowAgentQuery): Promise<AgentResponse> {
  const { agent_id: id, external_identifier: external } = query;
  if (id === undefined && external === undefined) {
    throw fieldError('agent_id', 'or external_identifier is required: send exactly one of the two');
  }
  if (id !== undefined && external !== undefined) {
    throw fieldError('external_identifier', 'must not be sent with agent_id: send exactly one of the two');
  }
  if (query.environment_id !== undefined && !(await tx.getEnvironment(principal.accountId, query.environment_id))) {
    throw fieldError('environment_id', `names no environment of this account (${query.environment_id})`);
  }
  const agent =
    id !== undefined ? await tx.getAgent(principal.accountId, id) : await tx.findAgentByExternalIdentifier(principal.accountId, external!);
  if (!agent) throw notFound('agent', id ?? `with external_identifier ${external}`);
  const counts = query.include_counts ? await tx.instanceCounts(principal.accountId, agent.id, query.environment_id) : undefined;
  const risk = query.include_risk_rollup ? await agentRiskAnswer(tx, agent, query.environment_id) : undefined;
  return { status: 'success', details: { ...agentView(agent, counts), ...risk } };
}

/** `sorting[field]` and `sorting[direction]`, or `name` → ascending by name, `-name` → descending; oldest first when absent. */
function sortOf(query: ListAgentsQuery): NonNullable<AgentPageQuery['sort']> {
  const field = query['sorting[field]'];
  const direction = query['sorting[direction]'];
  if (field !== undefined || direction !== undefined) return { field: field ?? 'inserted_at', direction: direction ?? 'asc' };
  const sorting = query.sorting;
  if (sorting === undefined) return { field: 'inserted_at', direction: 'asc' };
  return sorting.startsWith('-')
    ? { field: sorting.slice(1) as AgentSortField, direction: 'desc' }
    : { field: sorting as AgentSortField, direction: 'asc' };
}

/**
 * GET /agent: the account's agents in the Python client's list shape, filtered by label and
 * sorted; with each one's summary (over one environment's runs when named) when asked.
 */
export async function listAgents(tx: ReadTx, caller: Caller, query: ListAgentsQuery): Promise<AgentListResponse> {
  // Answered as a list page either way; the call only refuses `sorting` beside `sorting[…]`.
  asksForListPage(query, { paging: [], sorting: ['sorting'] });
  if (query.environment_id !== undefined && !(await tx.getEnvironment(caller.accountId, query.environment_id))) {
    throw fieldError('environment_id', `names no environment of this account (${query.environment_id}); list them with GET /api/v1/environment`);
  }
  const offset = query['pagination[offset]'] ?? 0;
  const size = query['pagination[page_size]'] ?? DEFAULT_AGENT_PAGE_SIZE;
  const sort = sortOf(query);
  const labels: AgentPageQuery['labels'] = {};
  for (const label of AGENT_LABELS) if (query[label] !== undefined) labels[label] = query[label];
  const { rows, total } = await tx.listAgents({ account_id: caller.accountId, labels, sort, offset, limit: size });
  const summaries = query.include_summary ? await agentSummaries(tx, rows, query.environment_id, caller.now) : undefined;
  return {
    status: 'success',
    summaries: rows.map((agent) => {
      const view = agentView(agent);
      const summary = summaries?.get(agent.id);
      return summary ? { ...view, summary } : view;
    }),
    pagination: offsetPagination(total, { offset, size }, rows.length),
    sorting: sort,
  };
}
