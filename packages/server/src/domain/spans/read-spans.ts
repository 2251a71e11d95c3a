import type { ListSpansQuery } from '@agentspan/protocol';
import { DEFAULT_LIST_LIMIT } from '@agentspan/protocol';
import type { SpanCursor, SpanOutlineRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { cursorPage, decodeCursor } from '../cursors.js';
import { fieldError, notFound } from '../errors.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { successJson } from '../views/envelope.js';
import { spanJson, spanOutlineJson } from '../views/span-view.js';

/** GET /agent_spans/{id} */
export async function getSpan(tx: ReadTx, principal: Principal, id: string): Promise<string> {
  const span = await tx.getSpan(principal.accountId, id);
  if (!span) throw notFound('agent span', id);
  return successJson(spanJson(span));
}

/** GET /agent_spans: one page of an instance's spans in (started_at, id) order, and the cursor to the next. */
export async function listSpans(tx: ReadTx, principal: Principal, query: ListSpansQuery): Promise<string> {
  const startTime = parseOptionalTimestamp(query.start_time, 'start_time');
  const endTime = parseOptionalTimestamp(query.end_time, 'end_time');
  const after = query.cursor === undefined ? undefined : spanCursor(decodeCursor(query.cursor, 2));
  const limit = query.limit ?? DEFAULT_LIST_LIMIT;
  if (!(await tx.getInstance(principal.accountId, query.agent_instance_id))) {
    throw notFound('agent instance', query.agent_instance_id);
  }
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
  const cursorOf = (span: SpanOutlineRecord) => [span.started_at, span.id];
  if (query.include_payloads === false) {
    return cursorPage(await tx.listSpanOutlines(page), limit, (span) => spanOutlineJson(span, summary), cursorOf);
  }
  return cursorPage(await tx.listSpans(page), limit, (span) => spanJson(span, summary), cursorOf);
}

const spanCursor = ([startedAt, id]: string[]): SpanCursor => ({ started_at: startedAt!, id: id! });
