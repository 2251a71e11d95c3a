// POST /api/v1/bulk with 100 span creates per request, in spans/s, against raw
// better-sqlite3 inserts of the same row at 100 rows per transaction.
import { sqliteInsertParties } from '../baselines/sqlite-party.mjs';
import { interleave } from '../lib/rounds.mjs';
import { spanParams } from '../lib/span-body.mjs';
import { pairedRatio } from '../lib/stats.mjs';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';

export const BULK_ITEMS = 100;
const BULK_CONNECTIONS = 8;

export function bulkCreateBody(instanceId, items = BULK_ITEMS) {
  const item = { _type: 'agent_spans/create', ...spanParams(instanceId), idempotency_key: 'bench-[<id>]' };
  return JSON.stringify({ items: Array.from({ length: items }, () => item) });
}

export default {
  name: 'bulk',
  title: `bulk span creates (${BULK_ITEMS} per request, ${BULK_CONNECTIONS} connections) vs raw SQLite inserts`,
  needs: ['server'],
  figures: ['bulk_spans_vs_sqlite_batched', 'sqlite_single_vs_batched'],
  async run(ctx) {
    const parties = await sqliteInsertParties(ctx, [1, BULK_ITEMS]);
    const batched = `raw sqlite ${BULK_ITEMS}/tx`;
    if (ctx.has('server')) {
      const server = await startAgentspanServer(ctx, { store: 'sqlite' });
      const instanceId = await startedInstance(server.info);
      parties.push(
        await ctx.loadParty(`server bulk ${BULK_ITEMS} c${BULK_CONNECTIONS} (spans)`, server.info.url, {
          connections: BULK_CONNECTIONS,
          headers: { authorization: `Bearer ${server.info.token}` },
          plan: { kind: 'fixed', path: '/api/v1/bulk', body: bulkCreateBody(instanceId) },
          unitsPerRequest: BULK_ITEMS,
        }),
      );
    }
    const runs = await interleave(parties, ctx.settings);
    for (const [name, partyRuns] of runs) ctx.measurement(name, partyRuns);
    const note = `median of ${ctx.settings.rounds} paired rounds of ${ctx.settings.durationMs / 1000} s; WAL, synchronous=FULL`;
    ctx.figure('sqlite_single_vs_batched', pairedRatio(runs.get('raw sqlite 1/tx'), runs.get(batched)), note);
    if (!ctx.has('server')) return;
    const bulk = [...runs.keys()].find((name) => name.startsWith('server bulk'));
    ctx.figure('bulk_spans_vs_sqlite_batched', pairedRatio(runs.get(bulk), runs.get(batched)), note);
  },
};
