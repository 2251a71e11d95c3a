// One server filling up: its resident memory as spans arrive through /bulk (it must stay
// flat: nothing about stored spans or past requests belongs in memory), then, with the store
// full, the first page of an instance holding 10⁵ spans against one holding 100 (listing must
// not scan the instance).
import { setTimeout as sleep } from 'node:timers/promises';
import { comparePairs } from '../lib/rounds.mjs';
import { startAgentspanServer, startedInstance, startedInstanceRecord } from './agentspan-server.mjs';
import { seedSpans } from './seed-spans.mjs';

const SMALL = 100;
const LARGE = 100_000;
const SPANS_PER_INSTANCE = 1000;

async function seedListingInstances(server) {
  const seeded = [];
  for (const count of [SMALL, LARGE]) {
    const instance = await startedInstanceRecord(server.info);
    await server.call('seedThroughStore', { accountId: instance.account_id, agentId: instance.agent_id, instanceId: instance.id, count });
    seeded.push(instance.id);
  }
  return seeded;
}

async function listingRatio(ctx, server, [small, large]) {
  const headers = { authorization: `Bearer ${server.info.token}` };
  const list = (id) => ({ kind: 'fixed', method: 'GET', path: `/api/v1/agent_spans?agent_instance_id=${encodeURIComponent(id)}` });
  const baseline = await ctx.loadParty(`list first page, ${LARGE} spans c1`, server.info.url, { connections: 1, headers, plan: list(large) });
  const subject = await ctx.loadParty(`list first page, ${SMALL} spans c1`, server.info.url, { connections: 1, headers, plan: list(small) });
  const { runs, ratio } = await comparePairs([{ subject, baseline }], ctx.settings);
  ctx.measurements(runs);
  // At one connection, requests/s is the inverse of the time per page: pages/s of the small
  // instance ÷ pages/s of the large one is time per large page ÷ time per small page.
  return ratio(subject.name, baseline.name);
}

async function rssSeries(ctx, server) {
  const rss = {};
  const t0 = Date.now();
  let stored = 0;
  for (const target of ctx.settings.rssCheckpoints) {
    while (stored < target) {
      const count = Math.min(SPANS_PER_INSTANCE, target - stored);
      await seedSpans(server.info, await startedInstance(server.info), count);
      stored += count;
    }
    await sleep(1000);
    rss[stored] = Math.round((await server.rssMiB()) * 10) / 10;
    console.log(`  ${stored} spans stored through /bulk: RSS ${rss[stored]} MiB (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  return { rss, stored };
}

export default {
  name: 'stored-spans',
  title: 'server RSS as spans arrive through /bulk, then first-page listing of 10⁵ vs 100 spans (SQLite)',
  needs: ['server'],
  figures: ['server_rss_mib_1e6', 'list_1e5_vs_1e2'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const { rss, stored } = await rssSeries(ctx, server);
    ctx.results.memory.server_rss_mib_by_spans_stored = rss;
    const series = Object.entries(rss)
      .map(([n, mib]) => `${n}: ${mib}`)
      .join(', ');
    const scale = stored >= 1_000_000 ? '' : ` (--quick: after ${stored} spans, not 10⁶)`;
    ctx.figure('server_rss_mib_1e6', rss[stored], `RSS MiB by spans stored through /bulk: ${series}${scale}`);

    const listed = await seedListingInstances(server);
    const ratio = await listingRatio(ctx, server, listed);
    ctx.figure(
      'list_1e5_vs_1e2',
      ratio,
      `time per first page, ${LARGE} vs ${SMALL} spans in the instance (seeded through the store), ${stored + LARGE + SMALL} in the store; ${ctx.pairing}`,
    );
  },
};
