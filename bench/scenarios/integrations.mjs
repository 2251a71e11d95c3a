// The Vercel AI SDK middleware in an agent process: its CPU per generateText call on a mock
// model, against the same call inside the same spans made by hand (the bare call plus the
// tracer's own cost for those spans).
import { fileURLToPath } from 'node:url';
import { median, round } from '../lib/stats.mjs';
import { startAgentspanServer } from './agentspan-server.mjs';

const INTEGRATION_LOAD = fileURLToPath(new URL('../lib/integration-load.mjs', import.meta.url));

const NAMES = {
  bare: 'generateText bare',
  handTraced: 'generateText in hand-made spans',
  wrapped: 'generateText with agentspanMiddleware',
};

export default {
  name: 'integrations',
  title: 'integrations: CPU per AI SDK generateText call, traced by the middleware vs the same spans made by hand',
  needs: ['server', 'tracer', 'integrations'],
  figures: ['integration_overhead_ai_sdk'],
  async run(ctx) {
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const { url, token } = server.info;
    const agent = await ctx.startScoped(INTEGRATION_LOAD, { args: [JSON.stringify({ url, token })], label: 'agent process' });
    const chunk = 200;
    const chunks = ctx.options.quick ? 20 : 60;
    const warmup = 5;
    const rounds = await agent.call('interleaved', { chunks, chunk, warmup });
    ctx.measurements(
      new Map(Object.entries(rounds).map(([way, micros]) => [NAMES[way], micros.map((m) => ({ perSecond: 1e6 / m, cpuMicrosPerCall: m }))])),
    );
    // Per round, the wrapped calls' CPU ÷ the baseline's (as calls per CPU-second, baseline ÷ wrapped).
    const ratio = (baseline) => {
      const perRound = rounds.wrapped.map((micros, i) => micros / rounds[baseline][i]);
      return { value: median(perRound), rounds: perRound.map((r) => round(r, 3)) };
    };
    const vsBare = ratio('bare');
    const micros = (way) => median(rounds[way]).toFixed(0);
    ctx.figure(
      'integration_overhead_ai_sdk',
      ratio('handTraced'),
      `median of ${chunks} per-round ratios (after ${warmup} warm-up rounds); each round runs ${chunk} single-step generateText calls of each way back to back in one agent process, the order turned round every other round, and measures the process's CPU (user+system) per call, a traced way's chunk ending with a flush so that it holds the delivery of its own spans; the baseline makes the middleware's two spans (ai:call, ai:llm, the same fields) by hand around each bare call with the tracer's startSpan and end, on a tracer declaring the same span types; median CPU per call: bare ${micros('bare')} µs, hand-made spans ${micros('handTraced')} µs, middleware ${micros('wrapped')} µs; wrapped ÷ bare: ${vsBare.value.toFixed(3)}`,
    );
  },
};
