// The first page of an instance's spans (GET /api/v1/agent_spans, default page size) when
// the instance holds 10⁵ spans, against one holding 100: listing must not scan the instance.
import { interleave } from '../lib/rounds.mjs';
import { pairedRatio } from '../lib/stats.mjs';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';
import { seedSpans } from './seed-spans.mjs';

const SMALL = 100;

export default {
  name: 'listing',
  title: 'first page of spans: an instance with 10⁵ spans vs one with 100 (SQLite, 1 connection)',
  needs: ['server'],
  figures: ['list_1e5_vs_1e2'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    const large = ctx.settings.listSpans;
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const small = await startedInstance(server.info);
    const big = await startedInstance(server.info);
    const t0 = Date.now();
    await seedSpans(server.info, small, SMALL);
    await seedSpans(server.info, big, large);
    console.log(`  seeded ${large + SMALL} spans in ${Math.round((Date.now() - t0) / 1000)} s`);
    const headers = { authorization: `Bearer ${server.info.token}` };
    const list = (id) => ({ kind: 'fixed', method: 'GET', path: `/api/v1/agent_spans?agent_instance_id=${encodeURIComponent(id)}` });
    const parties = [
      await ctx.loadParty(`list first page of ${SMALL} c1`, server.info.url, { connections: 1, headers, plan: list(small) }),
      await ctx.loadParty(`list first page of ${large} c1`, server.info.url, { connections: 1, headers, plan: list(big) }),
    ];
    const runs = await interleave(parties, ctx.settings);
    for (const [name, partyRuns] of runs) ctx.measurement(name, partyRuns);
    // At one connection, requests/s is the inverse of the time per page.
    const timeRatio = pairedRatio(runs.get(parties[0].name), runs.get(parties[1].name));
    ctx.figure('list_1e5_vs_1e2', timeRatio, `time per first page, ${large} spans vs ${SMALL}; median of ${ctx.settings.rounds} paired rounds`);
  },
};
