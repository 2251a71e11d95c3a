// The tracer in an agent process: its CPU per withSpan against the official @prefactor/core
// tracer, its end-to-end spans/s against the bulk endpoint it sends through, and its memory
// while the backend is down. Every party runs in one agent process against one server.
import { fileURLToPath } from 'node:url';
import { comparePairs } from '../lib/rounds.mjs';
import { startAgentspanServer } from './agentspan-server.mjs';

const TRACER_LOAD = fileURLToPath(new URL('../lib/tracer-load.mjs', import.meta.url));

export default {
  name: 'tracer',
  title: 'tracer: CPU per withSpan vs @prefactor/core, spans/s vs the bulk endpoint, RSS with the backend down',
  needs: ['server', 'tracer'],
  figures: ['tracer_overhead_vs_official', 'tracer_spans_vs_bulk', 'tracer_outage_rss_growth_mib'],
  async run(ctx) {
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const { url, token } = server.info;
    const agentProcess = () =>
      ctx.startScoped(TRACER_LOAD, { args: [JSON.stringify({ url, token })], execArgv: ['--expose-gc'], label: 'agent process' });
    const agent = await agentProcess();
    const quick = ctx.options.quick;
    const party = (name, handler, args) => ({ name, run: () => agent.call(handler, args) });

    const spans = quick ? 500 : 2000;
    const overhead = await comparePairs(
      [
        {
          subject: party('official tracer', 'overhead', { driver: 'official', spans }),
          baseline: party('agentspan tracer', 'overhead', { driver: 'agentspan', spans }),
        },
      ],
      ctx.settings,
    );
    ctx.measurements(overhead.runs);
    const stored = quick ? 5_000 : 20_000;
    const throughput = await comparePairs(
      [
        {
          subject: party('tracer end to end', 'tracerThroughput', { spans: stored }),
          baseline: party('bulk 100 c1', 'bulkThroughput', { spans: stored }),
        },
      ],
      ctx.settings,
    );
    ctx.measurements(throughput.runs);
    // For scale: the endpoint with 8 requests in flight, which one tracer (one request at a time, to keep order) does not use.
    ctx.measurement('bulk 100 c8', [await agent.call('bulkThroughput', { spans: stored * 2, inFlight: 8 })]);

    const checkpoints = [0, 10_000, 20_000, 50_000, 75_000];
    // A fresh process, so that the series starts from an agent that has not traced yet.
    const down = await (await agentProcess()).call('outage', { spans: 100_000, checkpoints });
    ctx.results.memory.tracer_rss_mib_by_spans_while_backend_down = down.rssMiB;
    console.log(
      `  backend down: RSS MiB ${JSON.stringify(down.rssMiB)}, heap MiB ${JSON.stringify(down.heapMiB)}, stats ${JSON.stringify(down.stats)}`,
    );

    const note = `${ctx.pairing.replace(/, each of two back-to-back [^;]+/, '')}; each run a fresh tracer and instance`;
    // Spans per CPU-second, official ÷ ours: our CPU per span ÷ theirs.
    ctx.figure(
      'tracer_overhead_vs_official',
      overhead.ratio('official tracer', 'agentspan tracer'),
      `${note}; ${spans} withSpan calls around a no-op per run, CPU (user+system) of the agent process from the tracer's creation to its shutdown, delivery included`,
    );
    ctx.figure(
      'tracer_spans_vs_bulk',
      throughput.ratio('tracer end to end', 'bulk 100 c1'),
      `${note}; ${stored} spans per run, from the first withSpan until flush() resolved; the bulk baseline sends finished span creates, 100 per request, one request at a time`,
    );
    const series = (mib) =>
      Object.entries(mib)
        .map(([n, v]) => `${n}: ${v}`)
        .join(', ');
    ctx.figure(
      'tracer_outage_rss_growth_mib',
      Math.round((down.rssMiB[100_000] - down.rssMiB[50_000]) * 10) / 10,
      `RSS after 10⁵ spans minus after 5·10⁴ (the 10⁴-item queue is full from the first 10⁴); RSS MiB by spans made: ${series(down.rssMiB)}; heap used MiB after gc: ${series(down.heapMiB)}; stats ${JSON.stringify(down.stats)}`,
    );
  },
};
