// Every figure the suite reports: what it measures and the target it is checked against.
// Ratios compare a subject with its baseline measured in the same run (higher is better
// unless the target says `<=`).

/** @typedef {{ name: string, unit: 'ratio' | 'MiB' | 'KB', target?: { op: '>=' | '<=', value: number }, measures: string }} Figure */

/** This build ÷ the build before it under the same load: a change may cost at most 5 %. */
const vsBuildBefore = (name, measures) => ({ name, unit: 'ratio', target: { op: '>=', value: 0.95 }, measures });

/** @type {Figure[]} */
export const FIGURES = [
  {
    name: 'server_create_vs_echo_c32',
    unit: 'ratio',
    target: { op: '>=', value: 0.45 },
    measures: 'span creates/s on the server (SQLite) ÷ requests/s on the bare route, 32 connections',
  },
  {
    name: 'server_create_vs_echo_c1',
    unit: 'ratio',
    measures: 'span creates/s on the server (SQLite) ÷ requests/s on the bare route, 1 connection',
  },
  {
    name: 'server_pair_vs_echo_c32',
    unit: 'ratio',
    measures: 'requests/s of create+finish pairs (2 requests each) on the server ÷ bare route, 32 connections',
  },
  {
    name: 'server_mix_vs_echo_c32',
    unit: 'ratio',
    measures: 'requests/s of agent runs (register, start, 20 nested spans, finish) ÷ bare route, 32 connections',
  },
  {
    name: 'pfid_create_vs_before',
    unit: 'ratio',
    target: { op: '>=', value: 0.95 },
    measures: 'span creates/s on a server making PFIDs ÷ on one making the ids of before (SQLite), 32 connections',
  },
  vsBuildBefore(
    'create_vs_before_type_counts',
    'span creates/s on this build (counts by span type kept) ÷ on the build before (SQLite), 32 connections',
  ),
  {
    name: 'create_vs_before_type_counts_c1',
    unit: 'ratio',
    measures: 'the same at 1 connection',
  },
  {
    name: 'bulk_spans_vs_sqlite_batched',
    unit: 'ratio',
    target: { op: '>=', value: 0.5 },
    measures: 'spans/s through POST /bulk with 100 items ÷ raw better-sqlite3 rows/s at 100 rows per transaction',
  },
  {
    name: 'otlp_spans_vs_bulk',
    unit: 'ratio',
    target: { op: '>=', value: 0.8 },
    measures: 'spans/s stored through POST /v1/traces (OTLP protobuf, 512-span exports) ÷ spans/s through POST /bulk with 100 items',
  },
  {
    name: 'pg_create_vs_echo_c32',
    unit: 'ratio',
    target: { op: '>=', value: 0.3 },
    measures: 'span creates/s on the server (PostgreSQL) ÷ requests/s on the bare route, 32 connections',
  },
  {
    name: 'client_vs_official_c32',
    unit: 'ratio',
    target: { op: '>=', value: 3 },
    measures: 'agentSpans.create calls/s of @agentspan/client ÷ @prefactor/core AgentSpanClient, 32 in flight',
  },
  {
    name: 'client_vs_official_c1',
    unit: 'ratio',
    target: { op: '>=', value: 2 },
    measures: 'agentSpans.create calls/s of @agentspan/client ÷ @prefactor/core AgentSpanClient, 1 in flight',
  },
  {
    name: 'client_vs_undici_c32',
    unit: 'ratio',
    target: { op: '>=', value: 0.8 },
    measures: 'agentSpans.create calls/s of @agentspan/client ÷ a raw undici Pool posting the same body, 32 in flight',
  },
  {
    name: 'list_1e5_vs_1e2',
    unit: 'ratio',
    target: { op: '<=', value: 2 },
    measures: 'time to GET the first page of spans of an instance holding 10⁵ spans ÷ one holding 100',
  },
  {
    name: 'instances_list_1e4_vs_1e2',
    unit: 'ratio',
    target: { op: '<=', value: 2 },
    measures: 'time to GET the first page of the instance list of an account of 10⁴ instances ÷ one of 10²',
  },
  {
    name: 'offset_paging_1e5_vs_cursor',
    unit: 'ratio',
    target: { op: '<=', value: 2 },
    measures:
      'time to page through the 10⁵ spans of one agent (10 instances), 100 per page, with GET /agent_spans?agent_id=…&pagination[offset]=N ÷ with cursors, instance after instance (SQLite)',
  },
  {
    name: 'pg_offset_paging_1e5_vs_cursor',
    unit: 'ratio',
    target: { op: '<=', value: 2 },
    measures: 'the same on PostgreSQL',
  },
  {
    name: 'analytics_30d_1e6_vs_1e4',
    unit: 'ratio',
    target: { op: '<=', value: 2 },
    measures:
      'time to load a 30-day dashboard (7 GET /analytics requests) of an account with 10⁶ spans in those days ÷ of one with 10⁴ (the rollups, never the spans; SQLite)',
  },
  vsBuildBefore(
    'create_vs_before_rollups',
    'creates/s of finished spans with usage on this build (analytics rollups kept) ÷ on the build before (SQLite), 32 connections',
  ),
  vsBuildBefore('bulk_vs_before_rollups', 'spans/s through POST /bulk (100 finished spans with usage) on this build ÷ on the build before (SQLite)'),
  vsBuildBefore(
    'otlp_vs_before_rollups',
    'spans/s through POST /v1/traces (512 GenAI spans per export) on this build ÷ on the build before (SQLite)',
  ),
  {
    name: 'activity_1e6_vs_1e4',
    unit: 'ratio',
    target: { op: '<=', value: 2 },
    measures:
      'time to answer GET /activity for the 24 h by hour of an account with 10⁶ spans that day ÷ of one with 10⁴ (the hourly rollup, never the spans; SQLite)',
  },
  {
    name: 'pg_activity_1e6_vs_1e4',
    unit: 'ratio',
    target: { op: '<=', value: 2 },
    measures: 'the same on PostgreSQL',
  },
  {
    name: 'instance_risk_1e5_vs_1e2',
    unit: 'ratio',
    target: { op: '<=', value: 1.5 },
    measures: 'time to GET /agent_instance/{id}/risk of a run of 10⁵ spans ÷ of a run of 10² (SQLite, 1 connection)',
  },
  {
    name: 'span_list_risk_level_vs_plain',
    unit: 'ratio',
    target: { op: '>=', value: 0.9 },
    measures: 'first span pages/s with include_risk_level=true ÷ without (a run of 10⁵ spans, SQLite, 1 connection)',
  },
  {
    name: 'events_fanout',
    unit: 'ratio',
    target: { op: '>=', value: 0.8 },
    measures: 'span creates/s (32 connections) with 100 clients on the events stream ÷ creates/s with none',
  },
  {
    name: 'events_fanout_outlines',
    unit: 'ratio',
    target: { op: '>=', value: 0.8 },
    measures: "the same with the 100 clients on the viewer's stream of span outlines (include_payloads=false)",
  },
  {
    name: 'viewer_first_render_1e4_vs_1e2',
    unit: 'ratio',
    target: { op: '<=', value: 3 },
    measures: 'time from navigation to the first span tree rows visible in headless Chromium, instance of 10⁴ spans ÷ 10² spans',
  },
  {
    name: 'agents_page_first_render_1e3_vs_1e1',
    unit: 'ratio',
    target: { op: '<=', value: 2 },
    measures:
      'time from navigation to the Agents page to its first page of rows complete (runs and failures in 24 h, runs by risk level, last run) in headless Chromium, 1000 agents with 10⁵ runs ÷ 10 agents with 10³',
  },
  {
    name: 'server_rss_mib_1e6',
    unit: 'MiB',
    target: { op: '<=', value: 200 },
    measures: 'resident memory of the server process after 10⁶ spans stored (also reported at 0, 2.5e5, 5e5)',
  },
  {
    name: 'tracer_overhead_vs_official',
    unit: 'ratio',
    target: { op: '<=', value: 0.2 },
    measures:
      'CPU time of the agent process per withSpan around a no-op callback, delivery included: @agentspan/tracer ÷ the @prefactor/core tracer, same server',
  },
  {
    name: 'tracer_spans_vs_bulk',
    unit: 'ratio',
    target: { op: '>=', value: 0.8 },
    measures: 'spans/s stored end to end by one tracer in a tight withSpan loop ÷ spans/s through POST /bulk with 100-item requests, one at a time',
  },
  {
    name: 'tracer_outage_rss_growth_mib',
    unit: 'MiB',
    target: { op: '<=', value: 5 },
    measures:
      'RSS growth of an agent process while the backend is down, from 5·10⁴ to 10⁵ spans with the default queue (10⁴ items, full from the first 10⁴; the whole series is in the notes)',
  },
  {
    name: 'client_browser_bundle_kb',
    unit: 'KB',
    target: { op: '<=', value: 20 },
    measures: '@agentspan/client as a browser bundler resolves it (esbuild --bundle --minify --platform=browser), gzipped, in KB',
  },
  {
    name: 'viewer_bundle_kb',
    unit: 'KB',
    target: { op: '<=', value: 100 },
    measures: "the viewer's JavaScript as npm run build writes it (packages/viewer/dist/assets/*.js, minified, Preact included), gzipped, in KB",
  },
  {
    name: 'create_during_purge',
    unit: 'ratio',
    target: { op: '>=', value: 0.8 },
    measures:
      'span creates/s on SQLite while a retention purge deletes old instances (10⁶ spans; 3·10⁵ with --quick) ÷ span creates/s on the same server with no purge, 32 connections',
  },
  {
    name: 'pg_create_during_purge',
    unit: 'ratio',
    target: { op: '>=', value: 0.8 },
    measures: 'the same on PostgreSQL (3·10⁵ old spans; 10⁵ with --quick)',
  },
  {
    name: 'export_rss_growth_mib',
    unit: 'MiB',
    target: { op: '<=', value: 100 },
    measures: 'peak RSS growth of a process exporting a store of 10⁶ spans (10⁵ with --quick) to an NDJSON file',
  },
  {
    name: 'import_rss_growth_mib',
    unit: 'MiB',
    target: { op: '<=', value: 100 },
    measures: 'peak RSS growth of a process checking and importing that file into a new store',
  },
  {
    name: 'integration_overhead_ai_sdk',
    unit: 'ratio',
    target: { op: '<=', value: 1.1 },
    measures:
      'CPU time of the agent process per AI SDK generateText call on a mock model wrapped in agentspanMiddleware ÷ the same call inside the two spans the middleware makes, written by hand with the tracer; delivery included',
  },
  {
    name: 'fetch_vs_undici_c32',
    unit: 'ratio',
    measures: 'baseline: calls/s of global fetch ÷ undici Pool, 32 in flight',
  },
  {
    name: 'sqlite_single_vs_batched',
    unit: 'ratio',
    measures: 'baseline: raw rows/s at one row per transaction ÷ 100 rows per transaction',
  },
  {
    name: 'grouped_insert_vs_echo_c32',
    unit: 'ratio',
    measures:
      'baseline: requests/s of the bare route plus a durable span-row insert, the rows of one event-loop turn in one commit (no ledger, validation or authentication) ÷ bare route, 32 connections',
  },
];

export const FIGURES_BY_NAME = new Map(FIGURES.map((f) => [f.name, f]));

/** 'pass' | 'fail' | 'info' (no target). */
export function judge(name, value) {
  const figure = FIGURES_BY_NAME.get(name);
  if (!figure?.target) return 'info';
  const { op, value: bound } = figure.target;
  return (op === '>=' ? value >= bound : value <= bound) ? 'pass' : 'fail';
}

export function describeTarget(name) {
  const target = FIGURES_BY_NAME.get(name)?.target;
  return target ? `${target.op === '>=' ? '≥' : '≤'} ${target.value}` : '—';
}
