import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { STATUS_ICON, isOpen, spanDuration } from '../format.js';
import type { TreeRow } from './tree-model.js';

const ROW_HEIGHT = 30;
const OVERSCAN = 12;

export interface SpanTreeProps {
  rows: TreeRow[];
  selectedId: string | null;
  axis: { start: number; end: number };
  now: number;
  onSelect(id: string): void;
  onToggle(id: string, expanded: boolean): void;
}

/**
 * The span tree (a WAI-ARIA tree) with a waterfall bar on each row. Only the rows in view (and a
 * few around them) are in the DOM, so an instance of 10⁴ spans scrolls as smoothly as one of 10.
 */
export function SpanTree({ rows, selectedId, axis, now, onSelect, onToggle }: SpanTreeProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [focusedId, setFocusedId] = useState<string | null>(selectedId);
  const focusAfterRender = useRef(false);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  const focusedIndex = Math.max(
    0,
    rows.findIndex((row) => row.span.id === (focusedId ?? selectedId)),
  );

  // Brings a row chosen by keyboard or deep link into view.
  const reveal = (index: number) => {
    const element = viewport.current;
    if (!element) return;
    const top = index * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  };

  useEffect(() => {
    if (selectedId === null) return;
    const index = rows.findIndex((row) => row.span.id === selectedId);
    if (index >= 0) reveal(index);
    // Only when the selection itself changes, not on every live update.
  }, [selectedId]);

  useEffect(() => {
    if (!focusAfterRender.current) return;
    focusAfterRender.current = false;
    viewport.current?.querySelector<HTMLElement>('[role="treeitem"][tabindex="0"]')?.focus();
  });

  const moveTo = (index: number) => {
    const row = rows[Math.min(rows.length - 1, Math.max(0, index))];
    if (!row) return;
    setFocusedId(row.span.id);
    reveal(rows.indexOf(row));
    focusAfterRender.current = true;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const row = rows[focusedIndex];
    if (!row) return;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(focusedIndex + 1),
      ArrowUp: () => moveTo(focusedIndex - 1),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      ArrowRight: () => (row.hasChildren && !row.expanded ? onToggle(row.span.id, true) : row.expanded ? moveTo(focusedIndex + 1) : undefined),
      ArrowLeft: () =>
        row.expanded ? onToggle(row.span.id, false) : row.parentId ? moveTo(rows.findIndex((r) => r.span.id === row.parentId)) : undefined,
      Enter: () => onSelect(row.span.id),
      ' ': () => onSelect(row.span.id),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
    focusAfterRender.current = true;
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const span = axis.end - axis.start;

  return (
    <div class="tree-viewport" ref={viewport} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div role="tree" aria-label="Spans" class="tree" style={{ height: `${rows.length * ROW_HEIGHT}px` }} onKeyDown={onKeyDown}>
        {rows.slice(first, last).map((row, offset) => {
          const index = first + offset;
          const s = row.span;
          const start = Date.parse(s.started_at);
          const end = s.finished_at ? Date.parse(s.finished_at) : now;
          const left = ((start - axis.start) / span) * 100;
          const width = Math.max(0.3, ((end - start) / span) * 100);
          return (
            <div
              key={s.id}
              id={`span-${s.id}`}
              data-id={s.id}
              role="treeitem"
              aria-level={row.level}
              aria-posinset={row.posinset}
              aria-setsize={row.setsize}
              aria-selected={s.id === selectedId}
              {...(row.hasChildren ? { 'aria-expanded': row.expanded } : {})}
              tabIndex={index === focusedIndex ? 0 : -1}
              class={`tree-row status-${s.status}${s.id === selectedId ? ' selected' : ''}`}
              style={{ top: `${index * ROW_HEIGHT}px` }}
              onClick={() => {
                setFocusedId(s.id);
                onSelect(s.id);
              }}
            >
              <span class="tree-label" style={{ paddingLeft: `${(row.level - 1) * 16 + 4}px` }}>
                {row.hasChildren ? (
                  <button
                    type="button"
                    class="toggle"
                    tabIndex={-1}
                    aria-hidden="true"
                    onClick={(e) => {
                      e.stopPropagation();
                      onToggle(s.id, !row.expanded);
                    }}
                  >
                    {row.expanded ? '▾' : '▸'}
                  </button>
                ) : (
                  <span class="toggle" aria-hidden="true" />
                )}
                <span class="status-icon" aria-hidden="true">
                  {STATUS_ICON[s.status] ?? '?'}
                </span>
                <span class="title">{s.schema_title ?? s.schema_name}</span>
                {s.summary ? <span class="summary"> — {s.summary}</span> : null}
              </span>
              <span class="tree-status">{s.status}</span>
              <span class="tree-duration">{spanDuration(s.started_at, s.finished_at, now)}</span>
              <span class="waterfall" aria-hidden="true">
                <span class={`bar${isOpen(s.status) ? ' open' : ''}`} style={{ left: `${left}%`, width: `${width}%` }} />
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
