// Paging through every span of one agent by offset, as Prefactor's open dashboard pages a list
// (`pagination[offset]`, `pagination[page_size]=100`), against paging through the same spans with
// cursors, 100 at a time, instance after instance: on SQLite and on PostgreSQL, with 10⁵ spans in
// ten instances of the agent, seeded through the store.
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';
import { Pool } from 'undici';
import { withBenchDatabase } from '../lib/bench-database.mjs';
import { comparePairs } from '../lib/rounds.mjs';
import { summarise } from '../lib/stats.mjs';
import { startAgentspanServer, startedInstanceRecord } from './agentspan-server.mjs';

const INSTANCES = 10;
const PER_INSTANCE = 10_000;
const TOTAL = INSTANCES * PER_INSTANCE;
const PAGE = 100;

/** Seeds the agent; answers its id and its instances' ids. */
async function seedAgent(server) {
  const instances = [];
  for (let i = 0; i < INSTANCES; i += 1) instances.push(await startedInstanceRecord(server.info));
  const { account_id: accountId, agent_id: agentId } = instances[0];
  if (instances.some((instance) => instance.agent_id !== agentId)) throw new Error('the seeded instances belong to more than one agent');
  const instanceIds = instances.map((instance) => instance.id);
  await server.call('seedAgentSpans', { accountId, agentId, instanceIds, perInstance: PER_INSTANCE });
  return { agentId, instanceIds };
}

/**
 * A party that pages through all 10⁵ spans on one connection, whole traversals until `durationMs`
 * has passed (at least one, so deep pages weigh as much as shallow ones); its rate is pages/s.
 * `traverse(get)` walks once and answers how many spans it saw.
 */
function pagingParty(name, { url, token }, traverse) {
  return {
    name,
    async run(durationMs) {
      const pool = new Pool(url, { connections: 1 });
      const headers = { authorization: `Bearer ${token}` };
      const latencies = [];
      const get = async (path) => {
        const started = performance.now();
        const { statusCode, body } = await pool.request({ path, method: 'GET', headers });
        const text = await body.text();
        if (statusCode !== 200) throw new Error(`${name}: GET ${path} answered ${statusCode}: ${text.slice(0, 300)}`);
        const page = JSON.parse(text);
        latencies.push(performance.now() - started);
        return page;
      };
      const started = performance.now();
      try {
        do {
          const seen = await traverse(get);
          if (seen !== TOTAL) throw new Error(`${name}: one traversal saw ${seen} spans, not ${TOTAL}`);
        } while (performance.now() - started < durationMs);
      } finally {
        await pool.close();
      }
      return summarise(latencies, performance.now() - started);
    },
  };
}

const byOffset = (agentId) => async (get) => {
  let seen = 0;
  for (let offset = 0; offset !== null;) {
    const query = new URLSearchParams({ agent_id: agentId, 'pagination[offset]': String(offset), 'pagination[page_size]': String(PAGE) });
    const page = await get(`/api/v1/agent_spans?${query}`);
    seen += page.summaries.length;
    offset = page.pagination.next_page_offset;
  }
  return seen;
};

const byCursor = (instanceIds) => async (get) => {
  let seen = 0;
  for (const instanceId of instanceIds) {
    for (let cursor = undefined; cursor !== null;) {
      const query = new URLSearchParams({ agent_instance_id: instanceId, limit: String(PAGE), ...(cursor ? { cursor } : {}) });
      const page = await get(`/api/v1/agent_spans?${query}`);
      seen += page.details.length;
      cursor = page.pagination.next_cursor;
    }
  }
  return seen;
};

async function measure(ctx, { store, url, figure }) {
  const server = await startAgentspanServer(ctx, { store, databaseUrl: url });
  const seedStarted = performance.now();
  const { agentId, instanceIds } = await seedAgent(server);
  const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
  const engine = store === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const subject = pagingParty(`page ${TOTAL} spans of an agent by offset, 100 per page (${engine})`, server.info, byOffset(agentId));
  const baseline = pagingParty(`page the same spans by cursor, 100 per page (${engine})`, server.info, byCursor(instanceIds));
  // Paired cursor first: both walk the same 10⁵ spans in 10³ pages, so pages/s by cursor ÷ pages/s
  // by offset is the time by offset ÷ the time by cursor.
  const { runs, ratio } = await comparePairs([{ subject: baseline, baseline: subject }], ctx.settings);
  ctx.measurements(runs);
  const measured = ratio(baseline.name, subject.name);
  ctx.figure(
    figure,
    measured,
    `${ctx.pairing}, each at least one whole traversal of ${TOTAL / PAGE} pages; ${TOTAL} spans of one agent in ${INSTANCES} instances, seeded through the store in ${seedSeconds} s`,
  );
}

export default {
  name: 'offset-paging',
  title: 'paging through 10⁵ spans of one agent by offset vs by cursor, SQLite and PostgreSQL',
  needs: ['server'],
  figures: ['offset_paging_1e5_vs_cursor', 'pg_offset_paging_1e5_vs_cursor'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    try {
      await measure(ctx, { store: 'sqlite', figure: 'offset_paging_1e5_vs_cursor' });
    } finally {
      await ctx.endScenario();
    }
    if (!ctx.has('postgres')) {
      ctx.unavailable('pg_offset_paging_1e5_vs_cursor', ctx.whyNot('postgres'));
      return;
    }
    await withBenchDatabase(
      'paging',
      (url) => measure(ctx, { store: 'postgres', url: url.toString(), figure: 'pg_offset_paging_1e5_vs_cursor' }),
      () => ctx.endScenario(),
    );
  },
};
