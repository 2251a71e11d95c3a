import type { AgentSpan } from '@agentspan/protocol';

const STATUS_MARK: Record<string, string> = {
  complete: '✓',
  failed: '✗',
  cancelled: '⊘',
  active: '…',
  pending: '·',
  terminated: '■',
};

const durationOf = (span: AgentSpan) => (span.finished_at ? `${Date.parse(span.finished_at) - Date.parse(span.started_at)} ms` : 'open');

/** A span on one line: status mark, title, status and duration, summary. */
export function spanLabel(span: AgentSpan) {
  const mark = STATUS_MARK[span.status] ?? '?';
  const title = span.schema_title ?? span.schema_name;
  const summary = span.summary ? ` — ${span.summary}` : '';
  return `${mark} ${title} [${span.status}, ${durationOf(span)}]${summary}`;
}

/**
 * Renders spans (in started_at order) as an indented tree. A span whose parent is not among them is
 * shown as a root, so a partial page still renders.
 */
export function renderSpanTree(spans: readonly AgentSpan[]): string {
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string | null, AgentSpan[]>();
  for (const span of spans) {
    const parent = span.parent_span_id && ids.has(span.parent_span_id) ? span.parent_span_id : null;
    const siblings = children.get(parent) ?? [];
    siblings.push(span);
    children.set(parent, siblings);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, prefix: string) => {
    const siblings = children.get(parent) ?? [];
    siblings.forEach((span, index) => {
      const last = index === siblings.length - 1;
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${spanLabel(span)}`);
      walk(span.id, prefix + (last ? '   ' : '│  '));
    });
  };
  walk(null, '');
  return lines.join('\n');
}
