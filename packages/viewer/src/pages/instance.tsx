import type { AgentInstance, AgentSpanOutline } from '@agentspan/protocol';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiFailure, api, live, type FollowedEvent } from '../api.js';
import { isOpen } from '../format.js';
import { DetailsTab } from '../instance/details-tab.js';
import { useInstanceContext } from '../instance/instance-context.js';
import { InstanceStrip } from '../instance/instance-strip.js';
import { RiskTab } from '../instance/risk-tab.js';
import { Link, navigate } from '../router.js';
import { SpanDetail } from '../span-detail.js';
import { SpanTree } from '../span-tree/span-tree.js';
import { UrlTabs } from '../url-tabs.js';
import { ancestorsOf, childrenOf, timeAxis, visibleRows } from '../span-tree/tree-model.js';

/** Later of two versions of a span (an event may overtake a page being loaded). */
const newer = (a: AgentSpanOutline | undefined, b: AgentSpanOutline) => (a && a.updated_at > b.updated_at ? a : b);

export type InstanceTab = 'activity' | 'risk' | 'details';

/**
 * One instance: its strip (with Terminate), then its tabs, each a URL of its own: Activity (the
 * span tree with its waterfall and the selected span's detail, all live), Risk, Details.
 */
export function InstancePage({ id, tab, selected }: { id: string; tab: InstanceTab; selected: string | null }) {
  const [instance, setInstance] = useState<AgentInstance | null>(null);
  const [spans, setSpans] = useState<Map<string, AgentSpanOutline>>(new Map());
  const [loading, setLoading] = useState(true);
  const [missing, setMissing] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [now, setNow] = useState(Date.now());
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
  const context = useInstanceContext(instance);

  if (missing) {
    return (
      <main>
        <p class="error" role="alert">
          {missing}
        </p>
        <Link href="/instances">All instances</Link>
      </main>
    );
  }
  if (!instance)
    return (
      <main>
        <p class="muted">Loading…</p>
      </main>
    );

  const base = `/instances/${encodeURIComponent(id)}`;
  const activity = (
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
            onSelect={(spanId) => navigate(`${base}?span=${encodeURIComponent(spanId)}`, true)}
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
  );

  return (
    <main class="instance-page">
      <nav class="crumbs">
        <Link href="/instances">All instances</Link>
      </nav>
      <InstanceStrip
        instance={instance}
        context={context}
        spanTotal={Math.max(instance.span_counts.total, spans.size)}
        failed={[...spans.values()].filter((s) => s.status === 'failed').length}
        now={now}
        onChange={setInstance}
      />
      <UrlTabs
        label="Instance views"
        current={tab}
        tabs={[
          { id: 'activity', label: 'Activity', href: base },
          { id: 'risk', label: 'Risk', href: `${base}/risk` },
          { id: 'details', label: 'Details', href: `${base}/details` },
        ]}
      >
        {tab === 'risk' ? (
          <RiskTab instanceId={instance.id} agentId={instance.agent_id} />
        ) : tab === 'details' ? (
          <DetailsTab instance={instance} context={context} />
        ) : (
          activity
        )}
      </UrlTabs>
    </main>
  );
}
