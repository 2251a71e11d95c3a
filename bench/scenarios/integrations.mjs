// The Vercel AI SDK middleware in an agent process: its CPU per generateText call on a mock
// model, against the same call inside the same spans made by hand (the bare call plus the
// tracer's own cost for those spans).
import { fileURLToPath } from 'node:url';
import { comparePairs } from '../lib/rounds.mjs';
import { startAgentspanServer } from './agentspan-server.mjs';

const INTEGRATION_LOAD = fileURLToPath(new URL('../lib/integration-load.mjs', import.meta.url));

export default {
  name: 'integrations',
  title: 'integrations: CPU per AI SDK generateText call, traced by the middleware vs the same spans made by hand',
  needs: ['server', 'tracer', 'integrations'],
  figures: ['integration_overhead_ai_sdk'],
  async run(ctx) {
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const { url, token } = server.info;
    const agent = await ctx.startScoped(INTEGRATION_LOAD, { args: [JSON.stringify({ url, token })], label: 'agent process' });
    const calls = ctx.options.quick ? 500 : 2000;
    const party = (name, driver) => ({ name, run: () => agent.call('overhead', { driver, calls }) });
    const bare = party('generateText bare', 'bare');
    const spans = party('generateText in hand-made spans', 'handTraced');
    const wrapped = party('generateText with agentspanMiddleware', 'wrapped');
    const result = await comparePairs([{ subject: spans, baseline: wrapped }, { subject: bare, baseline: wrapped }], ctx.settings);
    ctx.measurements(result.runs);
    const note = `${ctx.pairing.replace(/, each of two back-to-back [^;]+/, '')}; ${calls} single-step generateText calls per run, CPU (user+system) of the agent process, each traced run from the tracer's creation to its shutdown with every span delivered`;
    // Calls per CPU-second, baseline ÷ wrapped: the wrapped call's CPU ÷ the baseline's.
    const vsBare = result.ratio('generateText bare', 'generateText with agentspanMiddleware');
    ctx.figure('integration_overhead_ai_sdk', result.ratio('generateText in hand-made spans', 'generateText with agentspanMiddleware'),
      `${note}; the baseline makes the middleware's two spans (ai:call, ai:llm, the same fields) by hand around each bare call with the tracer's startSpan and end; wrapped ÷ bare alone: ${vsBare.value.toFixed(3)} (rounds ${vsBare.rounds.join(', ')})`);
  },
};
