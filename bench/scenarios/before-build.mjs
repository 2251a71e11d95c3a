// Span creates on this build against a checkout of the build before it, on SQLite: two server
// processes, each from its own packages and on its own store, measured in alternating rounds. The
// checkout (AGENTSPAN_BENCH_BEFORE, e.g. a `git worktree` of the commit before, with its
// dependencies installed and `npm run build` run) is the baseline, so a change to the write path is
// measured against exactly what it changed.
import { join } from 'node:path';
import process from 'node:process';
import { comparePairs } from '../lib/rounds.mjs';
import { createSpanRequestBody } from '../lib/span-body.mjs';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';

const SPANS = '/api/v1/agent_spans';
const FIGURES = ['create_vs_before_type_counts', 'create_vs_before_type_counts_c1'];

async function createParty(ctx, name, server, connections) {
  const { url, token } = server.info;
  const plan = { kind: 'fixed', path: SPANS, body: createSpanRequestBody(await startedInstance(server.info)) };
  return ctx.loadParty(name, url, { connections, headers: { authorization: `Bearer ${token}` }, plan });
}

export default {
  name: 'before-build',
  title: 'span creates on SQLite vs a checkout of the build before (AGENTSPAN_BENCH_BEFORE)',
  needs: ['server'],
  figures: FIGURES,
  async run(ctx) {
    const checkout = process.env.AGENTSPAN_BENCH_BEFORE;
    if (!checkout) {
      for (const name of FIGURES) ctx.unavailable(name, 'set AGENTSPAN_BENCH_BEFORE to a built checkout of the build before');
      return;
    }
    const now = await startAgentspanServer(ctx, { role: 'this build' });
    const before = await ctx.startScoped(join(checkout, 'bench/scenarios/agentspan-server-process.mjs'), {
      args: [JSON.stringify({ store: 'sqlite' })],
      label: 'server (sqlite, build before)',
    });
    const subject = await createParty(ctx, 'server create c32', now, 32);
    const baseline = await createParty(ctx, 'server create, build before c32', before, 32);
    const subject1 = await createParty(ctx, 'server create c1', now, 1);
    const baseline1 = await createParty(ctx, 'server create, build before c1', before, 1);
    const { runs, ratio } = await comparePairs(
      [
        { subject, baseline },
        { subject: subject1, baseline: baseline1 },
      ],
      ctx.settings,
    );
    ctx.measurements(runs);
    const notes = `${ctx.pairing}; two server processes, each on its own SQLite store`;
    ctx.figure('create_vs_before_type_counts', ratio(subject.name, baseline.name), notes);
    ctx.figure('create_vs_before_type_counts_c1', ratio(subject1.name, baseline1.name), notes);
  },
};
