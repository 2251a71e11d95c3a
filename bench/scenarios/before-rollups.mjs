// Span writes on this build (usage normalised, analytics rollups kept) against a checkout of the
// build before it (AGENTSPAN_BENCH_BEFORE), on SQLite: creates of finished model calls with usage,
// bulk requests of them, and OTLP exports of GenAI spans, each pair two server processes measured
// in alternating rounds (see ../lib/build-before.mjs).
import { compareWithBuildBefore } from '../lib/build-before.mjs';
import { OTLP_SPANS_PER_EXPORT, otlpExportTemplate, TEMPLATE_TRACE_ID } from '../lib/otlp-export-body.mjs';
import { spanParams } from '../lib/span-body.mjs';
import { startedInstance } from './agentspan-server.mjs';
import { BULK_CONNECTIONS, BULK_ITEMS } from './bulk.mjs';

const FIGURES = ['create_vs_before_rollups', 'bulk_vs_before_rollups', 'otlp_vs_before_rollups'];

/** A finished model call with its usage: what the rollups add most to. */
const usedSpan = (instanceId) =>
  spanParams(instanceId, {
    status: 'complete',
    finished_at: '2026-01-01T00:00:01.250Z',
    result_payload: { response: 'ok', usage: { input_tokens: 1200, output_tokens: 300, input_tokens_details: { cached_tokens: 1000 } } },
    idempotency_key: 'bench-[<id>]',
  });

async function parties(ctx, label, server) {
  const { url, token } = server.info;
  const headers = { authorization: `Bearer ${token}` };
  const instanceId = await startedInstance(server.info);
  const create = await ctx.loadParty(`${label} create c32`, url, {
    connections: 32,
    headers,
    plan: { kind: 'fixed', path: '/api/v1/agent_spans', body: JSON.stringify({ details: usedSpan(instanceId) }) },
  });
  const item = { _type: 'agent_spans/create', ...usedSpan(instanceId) };
  const bulk = await ctx.loadParty(`${label} bulk ${BULK_ITEMS} c${BULK_CONNECTIONS} (spans)`, url, {
    connections: BULK_CONNECTIONS,
    headers,
    plan: { kind: 'fixed', path: '/api/v1/bulk', body: JSON.stringify({ items: Array.from({ length: BULK_ITEMS }, () => item) }) },
    unitsPerRequest: BULK_ITEMS,
  });
  const otlp = await ctx.loadParty(`${label} otlp ${OTLP_SPANS_PER_EXPORT} c${BULK_CONNECTIONS} (spans)`, url, {
    connections: BULK_CONNECTIONS,
    headers: { ...headers, 'content-type': 'application/x-protobuf' },
    plan: { kind: 'otlpExport', path: '/v1/traces', bodyBase64: otlpExportTemplate(), traceIdHex: TEMPLATE_TRACE_ID.toString('hex') },
    unitsPerRequest: OTLP_SPANS_PER_EXPORT,
  });
  return [create, bulk, otlp];
}

export default {
  name: 'before-rollups',
  title: 'span creates, bulk and OTLP on SQLite (usage and rollups kept) vs a checkout of the build before (AGENTSPAN_BENCH_BEFORE)',
  needs: ['server'],
  figures: FIGURES,
  async run(ctx) {
    await compareWithBuildBefore(ctx, FIGURES, (server, before) => parties(ctx, before ? 'server, build before' : 'server', server));
  },
};
