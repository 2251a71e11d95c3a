// The client's span create against the baselines, all posting the same span to the bare
// route from their own process: @agentspan/client, raw undici Pool, global fetch, and the
// official @prefactor/core AgentSpanClient, at 1 and 32 calls in flight.
import { fileURLToPath } from 'node:url';
import { profiling } from '../lib/cpu-profile.mjs';
import { interleave } from '../lib/rounds.mjs';
import { pairedRatio } from '../lib/stats.mjs';

const CLIENT_LOAD = fileURLToPath(new URL('../lib/client-load.mjs', import.meta.url));
// Global fetch only at 32 in flight: no figure compares it at 1.
const BASELINE_DRIVERS = { 32: ['undici', 'fetch', 'official'], 1: ['undici', 'official'] };

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
  figures: ['client_vs_official_c32', 'client_vs_official_c1', 'client_vs_undici_c32', 'fetch_vs_undici_c32', 'official_vs_undici_c32'],
  async run(ctx) {
    const { url } = (await ctx.echoServer()).info;
    const runs = new Map();
    for (const concurrency of [32, 1]) {
      const drivers = [...BASELINE_DRIVERS[concurrency], ...(ctx.has('client') ? ['agentspan'] : [])];
      const parties = [];
      for (const driver of drivers) parties.push(await driverParty(ctx, driver, url, concurrency));
      for (const [name, partyRuns] of await interleave(parties, ctx.settings)) runs.set(name, partyRuns);
      await ctx.endScenario();
    }
    for (const [name, partyRuns] of runs) ctx.measurement(name, partyRuns);
    const note = `median of ${ctx.settings.rounds} paired rounds of ${ctx.settings.durationMs / 1000} s; each client in its own process`;
    const ratio = (a, b) => pairedRatio(runs.get(a), runs.get(b));
    ctx.figure('fetch_vs_undici_c32', ratio('fetch c32', 'undici c32'), note);
    ctx.figure('official_vs_undici_c32', ratio('official c32', 'undici c32'), note);
    if (!ctx.has('client')) return;
    ctx.figure('client_vs_official_c32', ratio('agentspan c32', 'official c32'), note);
    ctx.figure('client_vs_official_c1', ratio('agentspan c1', 'official c1'), note);
    ctx.figure('client_vs_undici_c32', ratio('agentspan c32', 'undici c32'), note);
  },
};
