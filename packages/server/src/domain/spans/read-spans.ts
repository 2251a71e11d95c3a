import type { ListSpansQuery } from '@agentspan/protocol';
import { DEFAULT_LIST_LIMIT } from '@agentspan/protocol';
import type { InstanceRecord, SpanCursor, SpanOutlineRecord, SpanRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { cursorPage, decodeCursor } from '../cursors.js';
import { fieldError, notFound } from '../errors.js';
import { asksForListPage, listPageJson, pageRequest } from '../listing/list-page.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { successJson } from '../views/envelope.js';
import { spanJson, spanOutlineJson } from '../views/span-view.js';
import { spansJson, type SpanExtras } from './span-extras.js';

/** GET /agent_spans/{id}; `include_risk_level=true` adds its type's score and band, `include_usage=true` its priced usage. */
export async function getSpan(tx: ReadTx, principal: Principal, id: string, extras: SpanExtras = {}): Promise<string> {
  const span = await tx.getSpan(principal.accountId, id);
  if (!span) throw notFound('agent span', id);
  const [json] = await spansJson(tx, principal.accountId, [span], (one, extra) => spanJson(one, true, extra), extras);
  return successJson(json!);
}

/** `cursorPage` over rows whose JSON is read asynchronously (with their risk and usage, when asked). */
async function scoredCursorPage<S extends SpanOutlineRecord>(
  tx: ReadTx,
  principal: Principal,
  rows: readonly S[],
  limit: number,
  json: (span: S, extra?: string) => string,
  extras: SpanExtras,
  instance: InstanceRecord,
): Promise<string> {
  const shown = rows.slice(0, limit);
  const texts = await spansJson(tx, principal.accountId, shown, json, extras, instance);
  const byRow = new Map<S, string>(shown.map((row, index) => [row, texts[index]!]));
  return cursorPage(
    rows,
    limit,
    (row) => byRow.get(row)!,
    (span) => [span.started_at, span.id],
  );
}

/**
 * GET /agent_spans: with `pagination[…]` or `sorting[…]`, Prefactor's list page of an instance's
 * or an agent's spans; otherwise one cursor page of an instance's spans in (started_at, id) order.
 */
export async function listSpans(tx: ReadTx, principal: Principal, query: ListSpansQuery): Promise<string> {
  const startTime = parseOptionalTimestamp(query.start_time, 'start_time');
  const endTime = parseOptionalTimestamp(query.end_time, 'end_time');
  if (asksForListPage(query, { paging: ['cursor', 'limit'], sorting: [] })) return listSpanPage(tx, principal, query, startTime, endTime);
  if (query.agent_instance_id === undefined) {
    // Without agent_id, the schema's own message of the days agent_instance_id was required.
    const hint = query.agent_id === undefined ? '' : ': agent_id lists with pagination[offset] and pagination[page_size]';
    throw fieldError('agent_instance_id', `is required${hint}`);
  }
  const after = query.cursor === undefined ? undefined : spanCursor(decodeCursor(query.cursor, 2));
  const limit = query.limit ?? DEFAULT_LIST_LIMIT;
  const instance = await tx.getInstance(principal.accountId, query.agent_instance_id);
  if (!instance) throw notFound('agent instance', query.agent_instance_id);
  if (query.parent_span_id !== undefined) {
    const parent = await tx.getSpan(principal.accountId, query.parent_span_id);
    if (parent?.agent_instance_id !== query.agent_instance_id) {
      throw fieldError('parent_span_id', `names no span of agent instance ${query.agent_instance_id} (${query.parent_span_id})`);
    }
  }
  const page = {
    account_id: principal.accountId,
    agent_instance_id: query.agent_instance_id,
    ...(query.parent_span_id === undefined ? {} : { parent_span_id: query.parent_span_id }),
    start_time: startTime,
    end_time: endTime,
    after,
    limit: limit + 1,
  };
  const summary = query.include_summaries !== false;
  const extras = { risk: query.include_risk_level, usage: query.include_usage };
  if (query.include_payloads === false) {
    return scoredCursorPage(
      tx,
      principal,
      await tx.listSpanOutlines(page),
      limit,
      (span, extra) => spanOutlineJson(span, summary, extra),
      extras,
      instance,
    );
  }
  return scoredCursorPage(tx, principal, await tx.listSpans(page), limit, (span, extra) => spanJson(span, summary, extra), extras, instance);
}

/** An offset page of one instance's spans (`agent_instance_id`) or of every instance's of one agent (`agent_id`). */
async function listSpanPage(tx: ReadTx, principal: Principal, query: ListSpansQuery, startTime?: string, endTime?: string): Promise<string> {
  const { agent_instance_id: instanceId, agent_id: agentId } = query;
  if ((instanceId === undefined) === (agentId === undefined)) {
    throw fieldError('agent_instance_id', 'or agent_id is required: send exactly one of the two');
  }
  if (query.parent_span_id !== undefined) {
    throw fieldError('parent_span_id', 'pages with cursor and limit: send it without pagination[…] and sorting[…]');
  }
  if (instanceId !== undefined && !(await tx.getInstance(principal.accountId, instanceId))) throw notFound('agent instance', instanceId);
  if (agentId !== undefined && !(await tx.getAgent(principal.accountId, agentId))) throw notFound('agent', agentId);
  const page = pageRequest(query, { field: 'started_at', direction: 'asc' });
  const { rows, total } = await tx.pageSpans({
    account_id: principal.accountId,
    ...(instanceId === undefined ? {} : { agent_instance_id: instanceId }),
    ...(agentId === undefined ? {} : { agent_id: agentId }),
    ...(startTime === undefined ? {} : { start_time: startTime }),
    ...(endTime === undefined ? {} : { end_time: endTime }),
    sort: page.sort,
    offset: page.offset,
    limit: page.size,
  });
  const summary = query.include_summaries !== false;
  const json =
    query.include_payloads === false
      ? (span: SpanRecord, extra?: string) => spanOutlineJson(span, summary, extra)
      : (span: SpanRecord, extra?: string) => spanJson(span, summary, extra);
  return listPageJson(
    await spansJson(tx, principal.accountId, rows, json, { risk: query.include_risk_level, usage: query.include_usage }),
    total,
    page,
  );
}

const spanCursor = ([startedAt, id]: string[]): SpanCursor => ({ started_at: startedAt!, id: id! });
