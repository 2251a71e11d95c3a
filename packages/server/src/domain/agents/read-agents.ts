import type { AgentListResponse, AgentResponse, ListAgentsQuery, OffsetPagination } from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { agentView } from '../views/agent-view.js';

export const DEFAULT_AGENT_PAGE_SIZE = 25;
const SORTABLE = 'inserted_at';

/** GET /agent/{id} */
export async function getAgent(tx: ReadTx, principal: Principal, id: string): Promise<AgentResponse> {
  const agent = await tx.getAgent(principal.accountId, id);
  if (!agent) throw notFound('agent', id);
  return { status: 'success', details: agentView(agent) };
}

function pagination(total: number, offset: number, size: number, shown: number): OffsetPagination {
  return {
    item_count: total,
    item_start: shown > 0 ? offset + 1 : 0,
    item_end: offset + shown,
    page_count: Math.ceil(total / size),
    page_index: Math.floor(offset / size) + 1,
    page_offset: offset,
    page_size: size,
    next_page_offset: offset + size < total ? offset + size : null,
    previous_page_offset: offset > 0 ? Math.max(0, offset - size) : null,
  };
}

/** GET /agent: the account's agents, oldest first, in the Python client's list shape. */
export async function listAgents(tx: ReadTx, principal: Principal, query: ListAgentsQuery): Promise<AgentListResponse> {
  if (query.sorting !== undefined && query.sorting !== SORTABLE) {
    throw fieldError('sorting', `must be ${SORTABLE} (agents are listed oldest first)`);
  }
  const offset = query['pagination[offset]'] ?? 0;
  const size = query['pagination[page_size]'] ?? DEFAULT_AGENT_PAGE_SIZE;
  const { rows, total } = await tx.listAgents({ account_id: principal.accountId, offset, limit: size });
  return {
    status: 'success',
    summaries: rows.map(agentView),
    pagination: pagination(total, offset, size, rows.length),
    sorting: { field: SORTABLE, direction: 'asc' },
  };
}
