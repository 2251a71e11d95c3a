// This build against a checkout of the build before it, on SQLite: two server processes, each from
// its own packages and on its own store, their loads measured in alternating rounds. The checkout
// (AGENTSPAN_BENCH_BEFORE, e.g. a `git worktree` of the commit before, with its dependencies
// installed and `npm run build` run) is the baseline, so a change to the write path is measured
// against exactly what it changed.
import { join } from 'node:path';
import process from 'node:process';
import { startAgentspanServer } from '../scenarios/agentspan-server.mjs';
import { comparePairs } from './rounds.mjs';
import { percentile } from './stats.mjs';

/**
 * Rounds of an A/B against the build before, as a multiple of the profile's: the two builds differ
 * by a few percent, and on a shared 2-core machine one round's ratio alone has been seen anywhere
 * from 0.76 to 1.44 for the same pair of builds. The median of three times as many rounds moves
 * about 1/√3 as much from run to run, enough to tell a 5 % target apart.
 */
const ROUNDS_FACTOR = 3;

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
  const settings = { ...ctx.settings, rounds: ctx.settings.rounds * ROUNDS_FACTOR };
  const { runs, ratio } = await comparePairs(
    figures.map((_, i) => ({ subject: subjects[i], baseline: baselines[i] })),
    settings,
  );
  ctx.measurements(runs);
  figures.forEach((name, i) => {
    const measured = ratio(subjects[i].name, baselines[i].name);
    const sorted = [...measured.rounds].sort((a, b) => a - b);
    const spread = `middle half of the rounds ${percentile(sorted, 25)}–${percentile(sorted, 75)}`;
    ctx.figure(name, measured, `${ctx.pairingOf(settings)} (${spread}); two server processes, each on its own SQLite store`);
  });
}
