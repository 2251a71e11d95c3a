import type { AgentSpan, AgentSpanOutline } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from './api.js';
import { runs } from './api/runs.js';
import { STATUS_ICON, spanDuration, timeText } from './format.js';
import { JsonView } from './json-view.js';
import { LevelBadge, num } from './risk/vocabulary-labels.js';
import { SpanUsageView } from './span-usage.js';

const isWhole = (span: AgentSpanOutline): span is AgentSpan => 'payload' in span;

/**
 * The selected span's payloads: the tree holds outlines, so they are read when a span is
 * selected, and again when it changes (a finish brings its result_payload).
 */
function usePayloads(span: AgentSpanOutline): { whole: AgentSpan | null; failure: string | null } {
  const [read, setRead] = useState<{ key: string; whole: AgentSpan | null; failure: string | null }>({ key: '', whole: null, failure: null });
  const key = `${span.id}@${span.updated_at}`;
  useEffect(() => {
    if (isWhole(span)) return;
    let stale = false;
    // With its risk level (the type's score under the agent's current profile) and its priced usage.
    runs.spanInDetail(span.id).then(
      (whole) => !stale && setRead({ key, whole, failure: null }),
      (failure: unknown) => !stale && setRead({ key, whole: null, failure: failure instanceof ApiFailure ? failure.message : String(failure) }),
    );
    return () => {
      stale = true;
    };
  }, [key]);
  if (isWhole(span)) return { whole: span, failure: null };
  return read.key === key ? read : { whole: null, failure: null };
}

/** Everything about one span: ids, status, times, summary, risk, tokens and cost, and its payloads as JSON. */
export function SpanDetail({ span, now }: { span: AgentSpanOutline; now: number }) {
  const { whole, failure } = usePayloads(span);
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
      {whole && 'risk_level' in whole ? (
        <p class="span-risk">
          Risk: {whole.risk_level ? `${num(whole.risk_score ?? 0)} ` : ''}
          <LevelBadge level={whole.risk_level} />
        </p>
      ) : null}
      {whole ? <SpanUsageView span={whole} /> : null}
      {whole ? (
        <>
          <JsonView title="payload" value={whole.payload} />
          <JsonView title="result_payload" value={whole.result_payload} />
        </>
      ) : failure ? (
        <p class="error" role="alert">
          The payloads could not be read: {failure}
        </p>
      ) : (
        <p class="muted">Loading payloads…</p>
      )}
    </aside>
  );
}
