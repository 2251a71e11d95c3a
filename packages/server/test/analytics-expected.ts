// What GET /analytics must answer, worked out from the stored rows themselves (spans, their usage
// rows, their runs), never from the rollups: the tests' independent computation.
import type { Store } from '../src/index.js';

export interface Priced {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  reasoning: number;
}

export interface Item {
  /** The time it is bucketed by. */
  at: string;
  dims: Record<string, string | null>;
  failed: boolean;
  /** ms, or null without a duration. */
  duration: number | null;
  /** Token counts of usage that does not sum its children, by model. */
  tokens: Array<{ model: string | null; input: number; output: number; cache_read: number; cache_write: number; reasoning: number; total: number }>;
}

const micros = (text: string) =>
  Date.parse(`${text.slice(0, 19)}Z`) * 1000 + Number(`${/^\.(\d+)/.exec(text.slice(19))?.[1] ?? ''}000000`.slice(0, 6));
const durationMs = (from: string, to: string) => Math.max(0, micros(to) - micros(from)) / 1000;
const open = (status: string) => status === 'pending' || status === 'active';

/** Every span (or run) of these instances as an item. */
export async function storedItems(store: Store, accountId: string, instanceIds: readonly string[], view: 'spans' | 'runs'): Promise<Item[]> {
  const items: Item[] = [];
  await store.read(async (tx) => {
    for (const id of new Set(instanceIds)) {
      const run = await tx.getInstance(accountId, id);
      if (!run) continue;
      const spans = await tx.listSpans({ account_id: accountId, agent_instance_id: id, limit: 100_000 });
      const usages = [];
      for (const span of spans) {
        const usage = await tx.spanUsage(accountId, id, span.id);
        usages.push(usage);
        if (view !== 'spans') continue;
        items.push({
          at: span.started_at,
          dims: {
            agent_id: span.agent_id,
            agent_version_id: run.agent_version_id,
            environment_id: run.environment_id,
            model: usage?.model ?? null,
            span_type: span.schema_name,
            status: span.status,
          },
          failed: span.status === 'failed',
          duration: !open(span.status) && span.finished_at ? durationMs(span.started_at, span.finished_at) : null,
          tokens: usage && !usage.sums_children ? [usage] : [],
        });
      }
      if (view === 'runs') {
        items.push({
          at: run.started_at ?? run.inserted_at,
          dims: {
            agent_id: run.agent_id,
            agent_version_id: run.agent_version_id,
            environment_id: run.environment_id,
            status: run.status,
            purpose: run.purpose,
          },
          failed: run.status === 'failed',
          duration: !open(run.status) && run.finished_at && run.started_at ? durationMs(run.started_at, run.finished_at) : null,
          tokens: usages.flatMap((u) => (u && !u.sums_children ? [u] : [])),
        });
      }
    }
  });
  return items;
}

/** The exact q-quantile by nearest rank. */
export function exactQuantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

const DAY = 86_400_000;
function bucketOf(at: string, granularity: string | undefined): string | null {
  if (!granularity) return null;
  const ms = Date.parse(at);
  const step = granularity === 'hour' ? 3_600_000 : DAY;
  let start = Math.floor(ms / step) * step;
  if (granularity === 'week') start -= ((new Date(start).getUTCDay() + 6) % 7) * DAY;
  return new Date(start).toISOString().replace('Z', '000Z');
}

export interface Expected {
  bucket: string | null;
  dims: Record<string, string | null>;
  count: number;
  errors: number;
  durations: number[];
  tokens: Record<'input' | 'output' | 'cache_read' | 'cache_write' | 'reasoning' | 'total', number>;
  /** null when there are tokens and none priced. */
  cost: number | null;
  unpriced: string[];
  priced: boolean;
}

/** Items in [from, to) grouped as the query groups them, priced with `prices` (model → rates per million). */
export function expectedRows(
  items: Item[],
  query: { from: string; to: string; by: string[]; granularity?: string; filters?: Record<string, string[]> },
  prices: Record<string, Priced>,
): { rows: Expected[]; totals: Expected } {
  const groups = new Map<string, Expected>();
  const blank = (bucket: string | null, dims: Record<string, string | null>): Expected => ({
    bucket,
    dims,
    count: 0,
    errors: 0,
    durations: [],
    tokens: { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0, total: 0 },
    cost: 0,
    unpriced: [],
    priced: false,
  });
  const totals = blank(null, {});
  const add = (into: Expected, item: Item) => {
    into.count += 1;
    if (item.failed) into.errors += 1;
    if (item.duration !== null) into.durations.push(item.duration);
    for (const t of item.tokens) {
      for (const key of Object.keys(into.tokens) as Array<keyof Expected['tokens']>) into.tokens[key] += t[key];
      if (t.total === 0) continue;
      const price = t.model === null ? undefined : prices[t.model];
      if (!price) {
        const name = t.model ?? '(no model id)';
        if (!into.unpriced.includes(name)) into.unpriced.push(name);
        continue;
      }
      into.priced = true;
      into.cost! +=
        (t.input * price.input +
          t.output * price.output +
          t.cache_read * price.cache_read +
          t.cache_write * price.cache_write +
          t.reasoning * price.reasoning) /
        1e6;
    }
  };
  for (const item of items) {
    if (item.at < query.from || item.at >= query.to) continue;
    if (Object.entries(query.filters ?? {}).some(([dim, values]) => !values.includes(item.dims[dim] ?? ''))) continue;
    const bucket = bucketOf(item.at, query.granularity);
    const dims = Object.fromEntries(query.by.map((d) => [d, item.dims[d] ?? null]));
    const id = JSON.stringify([bucket, dims]);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = blank(bucket, dims)));
    add(group, item);
    add(totals, item);
  }
  const settle = (e: Expected) => {
    // Tokens and none of them priced: null, never 0.
    if (e.unpriced.length > 0 && !e.priced) e.cost = null;
    e.unpriced.sort();
    return e;
  };
  return { rows: [...groups.values()].map(settle), totals: settle(totals) };
}
