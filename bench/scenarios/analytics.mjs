// The dashboard's charts read GET /analytics, which answers from the rollups the span and run
// writes keep (rows per hour and per day), never from the spans: a 30-day dashboard of an account
// with 10⁶ spans in those days should cost what one with 10⁴ does. SQLite, spans seeded through
// the store's writes (usage in their results, four models, three span types, failures).
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';
import { getParty } from '../lib/get-party.mjs';
import { comparePairs } from '../lib/rounds.mjs';
import { startAgentspanServer } from './agentspan-server.mjs';

const SMALL = 10_000;
const BIG = 1_000_000;
const INSTANCES = 20;

/** The requests one load of a 30-day dashboard makes: one per chart. */
const DASHBOARD = [
  { view: 'runs', measures: 'runs,errors', by: 'status', granularity: 'day' },
  { view: 'runs', measures: 'error_rate,duration_p50,duration_p95,duration_p99', granularity: 'day' },
  { measures: 'spans,errors,duration_p50,duration_p95', by: 'span_type' },
  { measures: 'input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,reasoning_tokens,cost_usd', granularity: 'day' },
  { measures: 'cost_usd,total_tokens', by: 'model', granularity: 'day' },
  { measures: 'cost_usd,spans', by: 'model', order_by: '-cost_usd', limit: '10' },
  { measures: 'spans,errors,error_rate,duration_p95', span_type: 'tool', granularity: 'day' },
];

/** A party that loads the whole dashboard over and over on one connection, checking it counts every span; its rate is dashboards/s. */
function dashboardParty(name, url, { token, from, to }, spans) {
  const paths = DASHBOARD.map((query) => `/api/v1/analytics?${new URLSearchParams({ ...query, from, to })}`);
  return getParty(name, url, token, paths, (text, path) => {
    if (path !== paths[2]) return;
    const { totals } = JSON.parse(text).details;
    if (totals.spans !== spans) throw new Error(`${name}: counted ${totals.spans} spans, not ${spans}`);
  });
}

export default {
  name: 'analytics',
  title: 'GET /analytics: a 30-day dashboard (7 charts) of an account with 10⁶ spans in those days vs 10⁴',
  needs: ['server'],
  figures: ['analytics_30d_1e6_vs_1e4'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    try {
      const server = await startAgentspanServer(ctx, { store: 'sqlite' });
      const seedStarted = performance.now();
      const small = await server.call('seedAnalytics', { count: SMALL, instances: INSTANCES });
      const big = await server.call('seedAnalytics', { count: BIG, instances: INSTANCES });
      const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);
      const { url } = server.info;
      const smallParty = dashboardParty(`30-day dashboard of ${SMALL} spans`, url, small, SMALL);
      const bigParty = dashboardParty(`30-day dashboard of ${BIG} spans`, url, big, BIG);
      // rate(small) ÷ rate(big) is the time for 10⁶ ÷ the time for 10⁴.
      const { runs, ratio } = await comparePairs([{ subject: smallParty, baseline: bigParty }], ctx.settings);
      ctx.measurements(runs);
      ctx.figure(
        'analytics_30d_1e6_vs_1e4',
        ratio(smallParty.name, bigParty.name),
        `${ctx.pairing}, 1 connection, SQLite; ${DASHBOARD.length} requests per dashboard; ${BIG} and ${SMALL} spans over 30 days in ${INSTANCES} runs, each account's own, seeded through the store in ${seedSeconds} s`,
      );
    } finally {
      await ctx.endScenario();
    }
  },
};
