import type { AgentSpan } from '@agentspan/protocol';
import { STATUS_ICON, spanDuration, timeText } from './format.js';
import { JsonView } from './json-view.js';

/** Everything about one span: ids, status, times, summary, and its payloads as JSON. */
export function SpanDetail({ span, now }: { span: AgentSpan; now: number }) {
  const rows: Array<[string, string]> = [
    ['Span id', span.id],
    ['Parent', span.parent_span_id ?? '(root)'],
    ['Type', span.schema_name],
    ['Status', `${STATUS_ICON[span.status] ?? ''} ${span.status}`],
    ['Started', timeText(span.started_at)],
    ['Finished', timeText(span.finished_at)],
    ['Duration', spanDuration(span.started_at, span.finished_at, now)],
  ];
  return (
    <aside class="span-detail" aria-label="Span detail">
      <h2>{span.schema_title ?? span.schema_name}</h2>
      {span.summary ? <p class="detail-summary">{span.summary}</p> : null}
      <dl>
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <JsonView title="payload" value={span.payload} />
      <JsonView title="result_payload" value={span.result_payload} />
    </aside>
  );
}
