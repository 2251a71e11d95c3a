import type { ListSpansQuery } from '@agentspan/protocol';
import { DEFAULT_LIST_LIMIT } from '@agentspan/protocol';
import type { SpanCursor } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { successJson } from '../views/envelope.js';
import { spanJson } from '../views/span-view.js';

/** GET /agent_spans/{id} */
export async function getSpan(tx: ReadTx, principal: Principal, id: string): Promise<string> {
  const span = await tx.getSpan(principal.accountId, id);
  if (!span) throw notFound('agent span', id);
  return successJson(spanJson(span));
}

// A cursor is the (started_at, id) of the last span of the previous page, opaque to callers.
const encodeCursor = (at: SpanCursor) => Buffer.from(JSON.stringify([at.started_at, at.id])).toString('base64url');

// Issued cursors hold stored text, which never contains NUL.
const isCursorPart = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000');

function decodeCursor(cursor: string): SpanCursor {
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (isCursorPart(startedAt) && isCursorPart(id)) return { started_at: startedAt, id };
  } catch {
    // falls through to the 422 below
  }
  throw fieldError('cursor', 'is not a cursor this server issued; pass pagination.next_cursor from the previous page');
}

/** GET /agent_spans: one page of an instance's spans in (started_at, id) order, and the cursor to the next. */
export async function listSpans(tx: ReadTx, principal: Principal, query: ListSpansQuery): Promise<string> {
  const startTime = parseOptionalTimestamp(query.start_time, 'start_time');
  const endTime = parseOptionalTimestamp(query.end_time, 'end_time');
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const limit = query.limit ?? DEFAULT_LIST_LIMIT;
  if (!(await tx.getInstance(principal.accountId, query.agent_instance_id))) {
    throw notFound('agent instance', query.agent_instance_id);
  }
  const rows = await tx.listSpans({
    account_id: principal.accountId,
    agent_instance_id: query.agent_instance_id,
    start_time: startTime,
    end_time: endTime,
    after,
    limit: limit + 1,
  });
  const page = rows.length > limit ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(last) : null;
  const includeSummaries = query.include_summaries !== false;
  const details = `[${page.map((span) => spanJson(span, includeSummaries)).join(',')}]`;
  return `${successJson(details).slice(0, -1)},"pagination":{"next_cursor":${JSON.stringify(nextCursor)}}}`;
}
