// POST /v1/traces with 512-span OTLP protobuf exports (what the OTel BatchSpanProcessor sends),
// in spans/s, against POST /api/v1/bulk with 100 span creates per request, in the same run.
import { comparePairs } from '../lib/rounds.mjs';
import { OTLP_SPANS_PER_EXPORT, otlpExportTemplate, TEMPLATE_TRACE_ID } from '../lib/otlp-export-body.mjs';
import { startAgentspanServer } from './agentspan-server.mjs';
import { BULK_CONNECTIONS, BULK_ITEMS, bulkParty } from './bulk.mjs';

async function otlpParty(ctx) {
  const server = await startAgentspanServer(ctx, { store: 'sqlite', role: 'otlp' });
  return ctx.loadParty(`server otlp ${OTLP_SPANS_PER_EXPORT} c${BULK_CONNECTIONS} (spans)`, server.info.url, {
    connections: BULK_CONNECTIONS,
    headers: { authorization: `Bearer ${server.info.token}`, 'content-type': 'application/x-protobuf' },
    plan: { kind: 'otlpExport', path: '/v1/traces', bodyBase64: otlpExportTemplate(), traceIdHex: TEMPLATE_TRACE_ID.toString('hex') },
    unitsPerRequest: OTLP_SPANS_PER_EXPORT,
  });
}

export default {
  name: 'otlp',
  title: `OTLP trace exports (${OTLP_SPANS_PER_EXPORT} spans per protobuf request) vs bulk span creates (${BULK_ITEMS} per request), ${BULK_CONNECTIONS} connections each`,
  needs: ['server'],
  figures: ['otlp_spans_vs_bulk'],
  async run(ctx) {
    const bulk = await bulkParty(ctx);
    const otlp = await otlpParty(ctx);
    const { runs, ratio } = await comparePairs([{ subject: otlp, baseline: bulk }], ctx.settings);
    ctx.measurements(runs);
    ctx.figure('otlp_spans_vs_bulk', ratio(otlp.name, bulk.name), `${ctx.pairing}; both on SQLite, each its own server process`);
  },
};
