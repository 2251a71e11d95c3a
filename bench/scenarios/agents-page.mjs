// The Agents page at scale, in Chromium: from navigation to its first page of rows complete (runs
// and failures in 24 h, runs by risk level, last run) for an account of 1000 agents with 10⁵ runs
// against one of 10 agents with 10³. Both have 100 runs an agent, so what grows is the account:
// the page must not read it all. SQLite, agents and runs seeded through the store.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { median, round } from '../lib/stats.mjs';
import { post, startAgentspanServer } from './agentspan-server.mjs';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const SIZES = [
  { agents: 10, runs: 1_000 },
  { agents: 1_000, runs: 100_000 },
];

/** An account of `agents` agents under one risk profile and `runs` runs in the last day; answers its account token. */
async function seededAccount(server, { agents, runs }) {
  const account = await server.call('newAdminAccount', {});
  const profile = await post(server.info.url, account.accountToken, '/api/v1/risk_profile', {
    details: {
      name: 'bench',
      categories: { personal_identifiers: { weight: 8, included: true } },
      actions: { read_data: { multiplier: 1, included: true } },
      thresholds: { medium: 20, high: 60, critical: 100 },
    },
  });
  await server.call('seedAgents', { account, agents, runs, riskProfileId: profile.details.id });
  return account.accountToken;
}

/** True once the agents table shows rows and none of them still waits for a figure ('…'); runs in the page. */
function rowsComplete() {
  const rows = [...globalThis.document.querySelectorAll('table.agents tbody tr')];
  return rows.length > 0 && rows.every((row) => !row.textContent.includes('…') && row.querySelector('[data-testid="risk-distribution"]'));
}

export default {
  name: 'agents-page',
  title: 'the Agents page in Chromium: first rows complete for 1000 agents with 10⁵ runs vs 10 agents with 10³ (SQLite)',
  needs: ['server'],
  figures: ['agents_page_first_render_1e3_vs_1e1'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    if (!CHROMIUM) {
      ctx.unavailable('agents_page_first_render_1e3_vs_1e1', 'Chromium is not installed (apt-get install -y chromium)');
      return;
    }
    const { chromium } = await import('playwright-core');
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const { url } = server.info;
    const seedStarted = performance.now();
    const tokens = [];
    for (const size of SIZES) tokens.push(await seededAccount(server, size));
    const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    try {
      // A context per account: each signs in with its own token.
      const pages = [];
      for (const token of tokens) {
        const context = await browser.newContext({ viewport: { width: 1360, height: 820 } });
        await context.addCookies([{ name: 'agentspan_session', value: token, url }]);
        pages.push(await context.newPage());
      }
      const firstRows = async (which) => {
        const t0 = performance.now();
        await pages[which].goto(`${url}/agents`);
        await pages[which].waitForFunction(rowsComplete, undefined, { polling: 'raf', timeout: 60_000 });
        return performance.now() - t0;
      };
      await firstRows(0);
      await firstRows(1);
      const ratios = [];
      const times = [[], []];
      for (let r = 0; r < Math.max(5, ctx.settings.rounds * 2); r += 1) {
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        const pair = [];
        for (const which of order) times[which].push((pair[which] = await firstRows(which)));
        ratios.push(pair[1] / pair[0]);
      }
      const ms = times.map((t) => round(median(t), 1));
      console.log(`  first rows complete: ${ms[0]} ms (10 agents, 10³ runs), ${ms[1]} ms (1000 agents, 10⁵ runs), medians`);
      ctx.figure(
        'agents_page_first_render_1e3_vs_1e1',
        { value: median(ratios), rounds: ratios.map((x) => round(x, 3)) },
        `time from navigation to /agents to its first page of rows complete, 1000 agents with 10⁵ runs in the last day ÷ 10 agents with 10³, in headless Chromium (medians ${ms[1]} and ${ms[0]} ms); alternating pairs; seeded through the store in ${seedSeconds} s`,
      );
    } finally {
      await browser.close();
      await ctx.endScenario();
    }
  },
};
