// This build against a checkout of the build before it, on SQLite: two server processes, each from
// its own packages and on its own store, their loads measured in alternating rounds. The checkout
// (AGENTSPAN_BENCH_BEFORE, e.g. a `git worktree` of the commit before, with its dependencies
// installed and `npm run build` run) is the baseline, so a change to the write path is measured
// against exactly what it changed.
import { join } from 'node:path';
import process from 'node:process';
import { startAgentspanServer } from '../scenarios/agentspan-server.mjs';
import { comparePairs } from './rounds.mjs';

/**
 * Reports each of `figures` as the ratio of this build's party to the build before's.
 * `partiesOf(server, before)` makes one server's parties, one a figure in the same order; `before`
 * is true for the checkout's server, whose parties need names of their own. Without a checkout the
 * figures are reported unavailable.
 */
export async function compareWithBuildBefore(ctx, figures, partiesOf) {
  const checkout = process.env.AGENTSPAN_BENCH_BEFORE;
  if (!checkout) {
    for (const name of figures) ctx.unavailable(name, 'set AGENTSPAN_BENCH_BEFORE to a built checkout of the build before');
    return;
  }
  const now = await startAgentspanServer(ctx, { role: 'this build' });
  const before = await ctx.startScoped(join(checkout, 'bench/scenarios/agentspan-server-process.mjs'), {
    args: [JSON.stringify({ store: 'sqlite' })],
    label: 'server (sqlite, build before)',
  });
  const subjects = await partiesOf(now, false);
  const baselines = await partiesOf(before, true);
  const { runs, ratio } = await comparePairs(
    figures.map((_, i) => ({ subject: subjects[i], baseline: baselines[i] })),
    ctx.settings,
  );
  ctx.measurements(runs);
  const notes = `${ctx.pairing}; two server processes, each on its own SQLite store`;
  figures.forEach((name, i) => ctx.figure(name, ratio(subjects[i].name, baselines[i].name), notes));
}
