// Resident memory of the server process as its store fills up: it must stay flat, because
// nothing about stored spans belongs in memory.
import { setTimeout as sleep } from 'node:timers/promises';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';
import { seedSpans } from './seed-spans.mjs';

const SPANS_PER_INSTANCE = 1000;

export default {
  name: 'server-memory',
  title: 'server RSS as the stored span count grows (SQLite, seeded through /bulk)',
  needs: ['server'],
  figures: ['server_rss_mib_1e6'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    const checkpoints = ctx.settings.rssCheckpoints;
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const rss = {};
    let stored = 0;
    const t0 = Date.now();
    for (const target of checkpoints) {
      while (stored < target) {
        const count = Math.min(SPANS_PER_INSTANCE, target - stored);
        await seedSpans(server.info, await startedInstance(server.info), count);
        stored += count;
      }
      await sleep(1000);
      rss[target] = Math.round((await server.rssMiB()) * 10) / 10;
      console.log(`  ${target} spans stored: RSS ${rss[target]} MiB (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    const last = checkpoints.at(-1);
    ctx.results.memory.server_rss_mib_by_stored_spans = rss;
    const scale = last === 1_000_000 ? '' : ` (--quick: after ${last} spans, not 10⁶)`;
    ctx.figure('server_rss_mib_1e6', rss[last], `RSS MiB at ${checkpoints.map((c) => `${c}: ${rss[c]}`).join(', ')}${scale}`);
  },
};
