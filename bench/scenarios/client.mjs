// The client's span create against the baselines, all posting the same span to the bare
// route from their own process: @agentspan/client, raw undici Pool, global fetch, and the
// official @prefactor/core AgentSpanClient, at 32 and 1 calls in flight.
import { fileURLToPath } from 'node:url';
import { profiling } from '../lib/cpu-profile.mjs';
import { comparePairs } from '../lib/rounds.mjs';

const CLIENT_LOAD = fileURLToPath(new URL('../lib/client-load.mjs', import.meta.url));

async function driverParty(ctx, driver, url, concurrency) {
  const options = { url, token: 'bench-token', agentInstanceId: 'inst_bench', concurrency };
  const { execArgv, afterStop } = driver === 'agentspan' ? profiling(ctx, `client-c${concurrency}`) : profiling({ options: {} });
  const label = `${driver} client`;
  const worker = await ctx.startScoped(CLIENT_LOAD, { args: [driver, JSON.stringify(options)], execArgv, label }, afterStop);
  return { name: `${driver} c${concurrency}`, run: (durationMs) => worker.call('run', { durationMs }) };
}

export default {
  name: 'client',
  title: 'span create calls/s: @agentspan/client vs undici Pool, fetch and @prefactor/core',
  needs: ['client'],
  figures: ['client_vs_official_c32', 'client_vs_official_c1', 'client_vs_undici_c32', 'fetch_vs_undici_c32'],
  async run(ctx) {
    const { url } = (await ctx.echoServer()).info;
    const party = (driver, concurrency) => driverParty(ctx, driver, url, concurrency);
    const ours = ctx.has('client');
    const wide = {
      undici: await party('undici', 32),
      fetch: await party('fetch', 32),
      official: await party('official', 32),
      agentspan: ours ? await party('agentspan', 32) : null,
    };
    const c32 = await comparePairs(
      [
        { subject: wide.agentspan, baseline: wide.official },
        { subject: wide.agentspan, baseline: wide.undici },
        { subject: wide.fetch, baseline: wide.undici },
      ].filter((p) => p.subject),
      ctx.settings,
    );
    await ctx.endScenario();
    const c1 = await comparePairs([{ subject: ours ? await party('agentspan', 1) : null, baseline: await party('official', 1) }], ctx.settings);
    ctx.measurements(c32.runs);
    ctx.measurements(c1.runs);
    const note = `${ctx.pairing}; each client in its own process`;
    ctx.figure('fetch_vs_undici_c32', c32.ratio('fetch c32', 'undici c32'), note);
    if (!ours) return;
    ctx.figure('client_vs_official_c32', c32.ratio('agentspan c32', 'official c32'), note);
    ctx.figure('client_vs_undici_c32', c32.ratio('agentspan c32', 'undici c32'), note);
    ctx.figure('client_vs_official_c1', c1.ratio('agentspan c1', 'official c1'), note);
  },
};
