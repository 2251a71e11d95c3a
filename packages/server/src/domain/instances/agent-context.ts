import type { AgentContext, AgentContextResponse, AgentContextSpan } from '@agentspan/protocol';
import type { SpanCursor, SpanRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { notFound } from '../errors.js';

const PAGE = 1000;
/** Bounds one answer's size; a longer run is cut, marked `truncated`. */
export const MAX_CONTEXT_SPANS = 10_000;

/** GET /agent_instance/{id}/agent_context: the run for a reviewer, its spans in tree order. */
export async function agentContext(tx: ReadTx, principal: Principal, id: string): Promise<string> {
  const instance = await tx.getInstance(principal.accountId, id);
  if (!instance) throw notFound('agent instance', id);
  const spans: SpanRecord[] = [];
  let after: SpanCursor | undefined;
  let truncated = false;
  for (;;) {
    const page = await tx.listSpans({ account_id: principal.accountId, agent_instance_id: id, ...(after ? { after } : {}), limit: PAGE });
    spans.push(...page);
    if (spans.length > MAX_CONTEXT_SPANS) {
      spans.length = MAX_CONTEXT_SPANS;
      truncated = true;
      break;
    }
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = { started_at: last.started_at, id: last.id };
  }
  const context: AgentContext = { body: { format: 'agent_context_v1', agent_instance_id: id, spans: inTreeOrder(spans), truncated } };
  const answer: AgentContextResponse = { status: 'success', details: { agent_context: context }, agent_context: context };
  return JSON.stringify(answer);
}

/** Depth first from each root; `spans` come in (started_at, id) order, which siblings keep. */
function inTreeOrder(spans: SpanRecord[]): AgentContextSpan[] {
  const ids = new Set(spans.map((span) => span.id));
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const span of spans) {
    const parent = span.parent_span_id;
    if (parent === null || parent === span.id || !ids.has(parent)) roots.push(span);
    else {
      const siblings = children.get(parent);
      if (siblings) siblings.push(span);
      else children.set(parent, [span]);
    }
  }
  const out: AgentContextSpan[] = [];
  // An explicit stack: a deep tree must not exhaust the call stack.
  const stack: [SpanRecord, number][] = roots.reverse().map((span) => [span, 0]);
  const seen = new Set<string>();
  const walk = () => {
    while (stack.length > 0) {
      const [span, depth] = stack.pop()!;
      if (seen.has(span.id)) continue;
      seen.add(span.id);
      out.push(contextSpan(span, depth));
      for (const child of [...(children.get(span.id) ?? [])].reverse()) stack.push([child, depth + 1]);
    }
  };
  walk();
  // Spans only reachable through a parent cycle are given too, each as a root.
  for (const span of spans) {
    if (!seen.has(span.id)) {
      stack.push([span, 0]);
      walk();
    }
  }
  return out;
}

const contextSpan = (span: SpanRecord, depth: number): AgentContextSpan => ({
  id: span.id,
  parent_span_id: span.parent_span_id,
  depth,
  schema_name: span.schema_name,
  title: span.schema_title ?? span.schema_name,
  status: span.status,
  started_at: span.started_at,
  finished_at: span.finished_at,
  summary: span.summary,
  payload: JSON.parse(span.payload_json) as Record<string, unknown>,
  result_payload: span.result_payload_json === null ? null : (JSON.parse(span.result_payload_json) as Record<string, unknown>),
});
