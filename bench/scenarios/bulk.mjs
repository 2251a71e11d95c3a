// POST /api/v1/bulk with 100 span creates per request, in spans/s, against raw
// better-sqlite3 inserts of the same row at 100 rows per transaction.
import { sqliteInsertParties } from '../baselines/sqlite-party.mjs';
import { comparePairs } from '../lib/rounds.mjs';
import { spanParams } from '../lib/span-body.mjs';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';

export const BULK_ITEMS = 100;
export const BULK_CONNECTIONS = 8;

export function bulkCreateBody(instanceId, items = BULK_ITEMS) {
  const item = { _type: 'agent_spans/create', ...spanParams(instanceId), idempotency_key: 'bench-[<id>]' };
  return JSON.stringify({ items: Array.from({ length: items }, () => item) });
}

/** The server on SQLite taking bulk requests of 100 span creates, measured in spans/s. */
export async function bulkParty(ctx) {
  const server = await startAgentspanServer(ctx, { store: 'sqlite' });
  const instanceId = await startedInstance(server.info);
  return ctx.loadParty(`server bulk ${BULK_ITEMS} c${BULK_CONNECTIONS} (spans)`, server.info.url, {
    connections: BULK_CONNECTIONS,
    headers: { authorization: `Bearer ${server.info.token}` },
    plan: { kind: 'fixed', path: '/api/v1/bulk', body: bulkCreateBody(instanceId) },
    unitsPerRequest: BULK_ITEMS,
  });
}

export default {
  name: 'bulk',
  title: `bulk span creates (${BULK_ITEMS} per request, ${BULK_CONNECTIONS} connections) vs raw SQLite inserts`,
  needs: ['server'],
  figures: ['bulk_spans_vs_sqlite_batched', 'sqlite_single_vs_batched'],
  async run(ctx) {
    const [single, batched] = await sqliteInsertParties(ctx, [1, BULK_ITEMS]);
    const bulk = ctx.has('server') ? await bulkParty(ctx) : null;
    const { runs, ratio } = await comparePairs(
      [
        { subject: single, baseline: batched },
        { subject: bulk, baseline: batched },
      ],
      ctx.settings,
    );
    ctx.measurements(runs);
    const note = `${ctx.pairing}; WAL, synchronous=FULL`;
    ctx.figure('sqlite_single_vs_batched', ratio(single.name, batched.name), note);
    if (bulk) ctx.figure('bulk_spans_vs_sqlite_batched', ratio(bulk.name, batched.name), note);
  },
};
