import type { AgentInstance, AgentSpanOutline } from '@agentspan/protocol';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiFailure, api, live, type FollowedEvent } from '../api.js';
import { STATUS_ICON, isOpen, spanDuration, timeText } from '../format.js';
import { Link, navigate } from '../router.js';
import { SpanDetail } from '../span-detail.js';
import { SpanTree } from '../span-tree/span-tree.js';
import { ancestorsOf, childrenOf, timeAxis, visibleRows } from '../span-tree/tree-model.js';

/** Later of two versions of a span (an event may overtake a page being loaded). */
const newer = (a: AgentSpanOutline | undefined, b: AgentSpanOutline) => (a && a.updated_at > b.updated_at ? a : b);

/** One instance: its header, Terminate, the span tree with its waterfall, and the selected span's detail, all live. */
export function InstancePage({ id, selected }: { id: string; selected: string | null }) {
  const [instance, setInstance] = useState<AgentInstance | null>(null);
  const [spans, setSpans] = useState<Map<string, AgentSpanOutline>>(new Map());
  const [loading, setLoading] = useState(true);
  const [missing, setMissing] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [now, setNow] = useState(Date.now());
  const [terminating, setTerminating] = useState(false);
  const [reason, setReason] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let stale = false;
    const pending: FollowedEvent[] = [];
    let loaded = false;
    const applyEvent = (event: FollowedEvent) => {
      if (event.type === 'resync') {
        setGeneration((g) => g + 1);
        return;
      }
      if (event.type === 'instance.updated') setInstance(event.data);
      else setSpans((current) => new Map(current).set(event.data.id, newer(current.get(event.data.id), event.data)));
    };
    // Listen first, so nothing written while the page loads is missed.
    const stop = live(id, (event) => (loaded ? applyEvent(event) : pending.push(event)));
    // Loads in the background; its own catch reports a failure on the page.
    void (async () => {
      try {
        const loadedInstance = await api.instance(id);
        if (stale) return;
        setInstance(loadedInstance);
        let cursor: string | undefined;
        let first = true;
        const all = new Map<string, AgentSpanOutline>();
        do {
          const page = await api.spans(id, cursor, first ? 200 : 1000);
          if (stale) return;
          for (const span of page.items) all.set(span.id, span);
          setSpans(new Map(all));
          if (first) setLoading(false);
          first = false;
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        loaded = true;
        pending.splice(0).forEach(applyEvent);
      } catch (failure) {
        if (!stale) setMissing(failure instanceof ApiFailure ? failure.message : String(failure));
      }
    })();
    return () => {
      stale = true;
      stop();
    };
  }, [id, generation]);

  const anyOpen = (instance && isOpen(instance.status)) || [...spans.values()].some((s) => isOpen(s.status));
  useEffect(() => {
    if (!anyOpen) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [anyOpen]);

  // A deep-linked span opens with its ancestors expanded.
  useEffect(() => {
    if (!selected || !spans.has(selected)) return;
    const ancestors = ancestorsOf(spans, selected);
    if (ancestors.some((a) => collapsed.has(a))) setCollapsed((c) => new Set([...c].filter((x) => !ancestors.includes(x))));
  }, [selected, spans.has(selected ?? '')]);

  const children = useMemo(() => childrenOf(spans), [spans]);
  const rows = useMemo(() => visibleRows(children, collapsed), [children, collapsed]);
  const axis = timeAxis(spans.values(), now);
  const selectedSpan = selected ? spans.get(selected) : undefined;

  if (missing) {
    return (
      <main>
        <p class="error" role="alert">
          {missing}
        </p>
        <Link href="/">All instances</Link>
      </main>
    );
  }
  if (!instance)
    return (
      <main>
        <p class="muted">Loading…</p>
      </main>
    );

  const counts = instance.span_counts;
  const terminate = async (event: Event) => {
    event.preventDefault();
    setActionError(null);
    try {
      setInstance(await api.terminate(instance.id, reason.trim()));
      setTerminating(false);
    } catch (failure) {
      setActionError(failure instanceof ApiFailure ? failure.message : String(failure));
    }
  };

  return (
    <main class="instance-page">
      <nav class="crumbs">
        <Link href="/">All instances</Link>
      </nav>
      <header class="instance-header">
        <h1>
          Agent instance <code>{instance.id}</code>
        </h1>
        <p class={`instance-status status-${instance.status}`} data-testid="instance-status">
          <span aria-hidden="true">{STATUS_ICON[instance.status]} </span>
          {instance.status}
          {instance.termination_reason ? `: ${instance.termination_reason}` : ''}
        </p>
        <dl class="instance-facts">
          <div>
            <dt>Started</dt>
            <dd>{timeText(instance.started_at)}</dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>{timeText(instance.finished_at)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{spanDuration(instance.started_at, instance.finished_at, now)}</dd>
          </div>
          <div>
            <dt>Spans</dt>
            <dd>{Math.max(counts.total, spans.size)}</dd>
          </div>
          <div>
            <dt>Failed</dt>
            <dd>{[...spans.values()].filter((s) => s.status === 'failed').length}</dd>
          </div>
        </dl>
        {isOpen(instance.status) ? (
          terminating ? (
            <form class="terminate" onSubmit={(e) => void terminate(e)}>
              <label for="reason">Reason</label>
              <input id="reason" value={reason} required onInput={(e) => setReason(e.currentTarget.value)} />
              <button type="submit" class="danger">
                Terminate now
              </button>
              <button type="button" onClick={() => setTerminating(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <button type="button" class="danger" onClick={() => setTerminating(true)}>
              Terminate
            </button>
          )
        ) : null}
        {actionError ? (
          <p class="error" role="alert">
            {actionError}
          </p>
        ) : null}
      </header>
      <div class="instance-body">
        <section class="spans" aria-label="Span tree and waterfall">
          {loading ? (
            <p class="muted">Loading spans…</p>
          ) : rows.length === 0 ? (
            <p class="muted">No spans yet.</p>
          ) : (
            <SpanTree
              rows={rows}
              selectedId={selected}
              axis={axis}
              now={now}
              onSelect={(spanId) => navigate(`/instances/${encodeURIComponent(id)}?span=${encodeURIComponent(spanId)}`, true)}
              onToggle={(spanId, expanded) =>
                setCollapsed((c) => {
                  const next = new Set(c);
                  if (expanded) next.delete(spanId);
                  else next.add(spanId);
                  return next;
                })
              }
            />
          )}
        </section>
        {selectedSpan ? <SpanDetail span={selectedSpan} now={now} /> : <aside class="span-detail muted">Select a span to see its payloads.</aside>}
      </div>
    </main>
  );
}
