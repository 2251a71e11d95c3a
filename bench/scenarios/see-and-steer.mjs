// Seeing and steering at scale, on SQLite: the first page of the instance list of an account of
// 10⁴ instances against one of 10² (listing must not scan the account), span creates with 100
// clients on the events stream against creates nobody watches, and the viewer's first rows of
// an instance of 10⁴ spans against one of 10², in Chromium.
import { existsSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { comparePairs } from '../lib/rounds.mjs';
import { createSpanRequestBody } from '../lib/span-body.mjs';
import { median, round } from '../lib/stats.mjs';
import { startAgentspanServer, startedInstance, startedInstanceRecord } from './agentspan-server.mjs';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const SSE_CLIENTS = 100;

async function listingRatio(ctx, server) {
  const small = await server.call('seedInstances', { count: 100 });
  const large = await server.call('seedInstances', { count: 10_000 });
  const plan = { kind: 'fixed', method: 'GET', path: '/api/v1/agent_instance' };
  const party = (name, token) => ctx.loadParty(name, server.info.url, { connections: 1, headers: { authorization: `Bearer ${token}` }, plan });
  const subject = await party('instance list first page, 10² instances c1', small.token);
  const baseline = await party('instance list first page, 10⁴ instances c1', large.token);
  const { runs, ratio } = await comparePairs([{ subject, baseline }], ctx.settings);
  ctx.measurements(runs);
  // Pages/s of the small account ÷ pages/s of the large one = time per large page ÷ time per small page.
  return ratio(subject.name, baseline.name);
}

/**
 * `count` clients on the account's events stream, reading and discarding, until closed. They ask
 * for the encodings a browser's EventSource asks for (so the server deflates the stream, as it
 * does for the viewer and for fetch), and read its bytes without inflating or parsing them: plain
 * node:http sockets, because the readers share the machine with the server, so they cost as
 * little as a reader can.
 */
async function eventClients(url, token, count, query = '') {
  const requests = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const request = http.get(
            `${url}/api/v1/events${query}`,
            { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip, deflate, br, zstd' }, agent: false },
            (response) => {
              response.on('data', () => {});
              response.on('error', () => {});
              resolve(request);
            },
          );
          request.on('error', reject);
        }),
    ),
  );
  return async () => {
    for (const request of requests) request.destroy();
  };
}

async function fanoutRatio(ctx, server, { query = '', label = '' } = {}) {
  const { url } = server.info;
  // Two accounts, so the baseline's creates are never ones the stream (or its resume window) logs.
  const watched = await server.call('newAccount', {});
  const quiet = await server.call('newAccount', {});
  const creates = async (name, token) => {
    const instanceId = await startedInstance({ url, token });
    const plan = { kind: 'fixed', path: '/api/v1/agent_spans', body: createSpanRequestBody(instanceId) };
    return ctx.loadParty(name, url, { connections: 32, headers: { authorization: `Bearer ${token}` }, plan });
  };
  const watchedLoad = await creates(`span creates c32, ${SSE_CLIENTS} events clients${label}`, watched.token);
  const subject = {
    name: watchedLoad.name,
    async run(durationMs) {
      const close = await eventClients(url, watched.token, SSE_CLIENTS, query);
      try {
        return await watchedLoad.run(durationMs);
      } finally {
        await close();
      }
    },
  };
  const baseline = await creates(`span creates c32, no events clients${label}`, quiet.token);
  const { runs, ratio } = await comparePairs([{ subject, baseline }], ctx.settings);
  ctx.measurements(runs);
  return ratio(subject.name, baseline.name);
}

async function firstRenderRatio(ctx, server) {
  const { chromium } = await import('playwright-core');
  const { url, token } = server.info;
  const instances = {};
  for (const count of [100, 10_000]) {
    const instance = await startedInstanceRecord(server.info);
    await server.call('seedThroughStore', { accountId: instance.account_id, agentId: instance.agent_id, instanceId: instance.id, count });
    instances[count] = instance.id;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1360, height: 820 } });
    await context.addCookies([{ name: 'agentspan_session', value: token, url }]);
    const page = await context.newPage();
    const firstRows = async (count) => {
      const t0 = performance.now();
      await page.goto(`${url}/instances/${instances[count]}`);
      await page.locator('[role="treeitem"]').first().waitFor();
      return performance.now() - t0;
    };
    await firstRows(100);
    await firstRows(10_000);
    const ratios = [];
    const times = { 100: [], 10000: [] };
    for (let r = 0; r < Math.max(5, ctx.settings.rounds * 2); r += 1) {
      const order = r % 2 === 0 ? [100, 10_000] : [10_000, 100];
      const pair = {};
      for (const count of order) times[count].push((pair[count] = await firstRows(count)));
      ratios.push(pair[10_000] / pair[100]);
    }
    ctx.results.measurements['viewer first rows, ms'] = { '10²': round(median(times[100]), 1), '10⁴': round(median(times[10000]), 1) };
    return { value: median(ratios), rounds: ratios.map((x) => round(x, 3)) };
  } finally {
    await browser.close();
  }
}

export default {
  name: 'see-and-steer',
  title: 'instance list at 10⁴ vs 10² instances, span creates with 100 events clients vs none, viewer first rows at 10⁴ vs 10² spans (SQLite)',
  needs: ['server'],
  figures: ['instances_list_1e4_vs_1e2', 'events_fanout', 'events_fanout_outlines', 'viewer_first_render_1e4_vs_1e2'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const listing = await listingRatio(ctx, server);
    ctx.figure(
      'instances_list_1e4_vs_1e2',
      listing,
      `time per first page of GET /api/v1/agent_instance, 10⁴ vs 10² instances in the account; ${ctx.pairing}`,
    );
    const fanout = await fanoutRatio(ctx, server);
    ctx.figure(
      'events_fanout',
      fanout,
      `span creates/s (c32) while ${SSE_CLIENTS} clients follow the account's events ÷ creates/s nobody follows; ${ctx.pairing}`,
    );
    const outlines = await fanoutRatio(ctx, server, { query: '?include_payloads=false', label: ' (outlines)' });
    ctx.figure(
      'events_fanout_outlines',
      outlines,
      `the same, the ${SSE_CLIENTS} clients following with include_payloads=false as the viewer does; ${ctx.pairing}`,
    );
    if (!CHROMIUM) {
      ctx.unavailable('viewer_first_render_1e4_vs_1e2', 'Chromium is not installed (apt-get install -y chromium)');
      return;
    }
    const render = await firstRenderRatio(ctx, server);
    ctx.figure(
      'viewer_first_render_1e4_vs_1e2',
      render,
      'time from navigation to the first tree rows visible, instance of 10⁴ spans ÷ 10² spans, in headless Chromium; alternating pairs',
    );
  },
};
