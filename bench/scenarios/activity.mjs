// The control room's charts read GET /activity, which answers from the hourly rollup the span
// writes keep, never from the spans: the last day's aggregate of an account with 10⁶ spans in that
// day should cost what one with 10⁴ does. SQLite, and PostgreSQL when the bench has one; spans
// seeded through the store.
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';
import { withBenchDatabase } from '../lib/bench-database.mjs';
import { getParty } from '../lib/get-party.mjs';
import { comparePairs } from '../lib/rounds.mjs';
import { startAgentspanServer } from './agentspan-server.mjs';

const SMALL = 10_000;
const BIG = 1_000_000;
const INSTANCES = 20;

/** A party that GETs the day's aggregate by hour over and over, checking it counts every span; its rate is answers/s. */
function aggregateParty(name, url, { token, from, to }, spans) {
  const path = `/api/v1/activity?${new URLSearchParams({ from, to, bucket: 'hour', subject: 'spans' })}`;
  return getParty(name, url, token, path, (text) => {
    const { totals, buckets } = JSON.parse(text).details;
    const counted = Object.values(totals).reduce((a, b) => a + b, 0);
    if (counted !== spans || buckets.length !== 24)
      throw new Error(`${name}: counted ${counted} spans in ${buckets.length} buckets, not ${spans} in 24`);
  });
}

/** Seeds both accounts on `server` and answers the ratio of their aggregate times, with how it was measured. */
async function activityRatio(ctx, server, engine) {
  const seedStarted = performance.now();
  const small = await server.call('seedActivity', { count: SMALL, instances: INSTANCES });
  const big = await server.call('seedActivity', { count: BIG, instances: INSTANCES });
  const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);
  const { url } = server.info;
  const smallParty = aggregateParty(`GET /activity, 24 h of ${SMALL} spans (${engine})`, url, small, SMALL);
  const bigParty = aggregateParty(`GET /activity, 24 h of ${BIG} spans (${engine})`, url, big, BIG);
  // rate(small) ÷ rate(big) is the time for 10⁶ ÷ the time for 10⁴.
  const { runs, ratio } = await comparePairs([{ subject: smallParty, baseline: bigParty }], ctx.settings);
  ctx.measurements(runs);
  const how = `${ctx.pairing}, 1 connection, ${engine}; ${BIG} and ${SMALL} spans spread over one day in ${INSTANCES} runs of one agent, each account's own, seeded through the store in ${seedSeconds} s`;
  return { value: ratio(smallParty.name, bigParty.name), how };
}

export default {
  name: 'activity',
  title: 'GET /activity: the 24 h aggregate by hour of an account with 10⁶ spans that day vs 10⁴ (SQLite, PostgreSQL)',
  needs: ['server'],
  figures: ['activity_1e6_vs_1e4', 'pg_activity_1e6_vs_1e4'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    try {
      const server = await startAgentspanServer(ctx, { store: 'sqlite' });
      const { value, how } = await activityRatio(ctx, server, 'SQLite');
      ctx.figure('activity_1e6_vs_1e4', value, how);
    } finally {
      await ctx.endScenario();
    }
    if (!ctx.has('postgres')) return;
    await withBenchDatabase(
      'activity',
      async (url) => {
        const server = await startAgentspanServer(ctx, { store: 'postgres', databaseUrl: url.toString() });
        const { value, how } = await activityRatio(ctx, server, 'PostgreSQL');
        ctx.figure('pg_activity_1e6_vs_1e4', value, how);
      },
      () => ctx.endScenario(),
    );
  },
};
