import type { AgentSpanOutline } from '@agentspan/protocol';

/** One visible row of the span tree: a span with where it sits. */
export interface TreeRow {
  span: AgentSpanOutline;
  level: number;
  hasChildren: boolean;
  expanded: boolean;
  /** Position among its siblings (1-based) and how many there are, for screen readers. */
  posinset: number;
  setsize: number;
  parentId: string | null;
}

const byStart = (a: AgentSpanOutline, b: AgentSpanOutline) =>
  a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : a.id < b.id ? -1 : 1;

/**
 * The spans as parent → children lists, in start order. A span whose parent is not loaded (yet)
 * is a root until its parent arrives.
 */
export function childrenOf(spans: ReadonlyMap<string, AgentSpanOutline>): Map<string | null, AgentSpanOutline[]> {
  const children = new Map<string | null, AgentSpanOutline[]>();
  for (const span of spans.values()) {
    const parent = span.parent_span_id !== null && spans.has(span.parent_span_id) ? span.parent_span_id : null;
    let siblings = children.get(parent);
    if (!siblings) children.set(parent, (siblings = []));
    siblings.push(span);
  }
  for (const siblings of children.values()) siblings.sort(byStart);
  return children;
}

/** The rows a reader sees: every span whose ancestors are all expanded, depth first. */
export function visibleRows(children: Map<string | null, AgentSpanOutline[]>, collapsed: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (parentId: string | null, level: number) => {
    const siblings = children.get(parentId) ?? [];
    siblings.forEach((span, index) => {
      const hasChildren = (children.get(span.id)?.length ?? 0) > 0;
      const expanded = hasChildren && !collapsed.has(span.id);
      rows.push({ span, level, hasChildren, expanded, posinset: index + 1, setsize: siblings.length, parentId });
      if (expanded) walk(span.id, level + 1);
    });
  };
  walk(null, 1);
  return rows;
}

/** The ids of a span's ancestors, nearest first. */
export function ancestorsOf(spans: ReadonlyMap<string, AgentSpanOutline>, id: string): string[] {
  const found: string[] = [];
  let parent = spans.get(id)?.parent_span_id ?? null;
  while (parent !== null && spans.has(parent) && !found.includes(parent)) {
    found.push(parent);
    parent = spans.get(parent)!.parent_span_id;
  }
  return found;
}

/** The instance's time axis: from its first start to its last end (now for open spans). */
export function timeAxis(spans: Iterable<AgentSpanOutline>, now: number): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const span of spans) {
    const s = Date.parse(span.started_at);
    const e = span.finished_at ? Date.parse(span.finished_at) : now;
    if (s < start) start = s;
    if (e > end) end = e;
  }
  if (!Number.isFinite(start)) return { start: now, end: now + 1 };
  return { start, end: Math.max(end, start + 1) };
}
