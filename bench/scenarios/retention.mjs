// Span creates while a retention purge deletes a large set of old instances, against the same
// server with no purge: the purge works in small steps and rests between them, so writes should
// keep their pace. On SQLite, and on PostgreSQL (a database of its own, dropped afterwards) when
// one is available.
import { withBenchDatabase } from '../lib/bench-database.mjs';
import { comparePairs } from '../lib/rounds.mjs';
import { createSpanRequestBody } from '../lib/span-body.mjs';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';

async function measure(ctx, { store, url, figure, instances }) {
  const spansPerInstance = 100;
  const server = await startAgentspanServer(ctx, { store, databaseUrl: url, role: 'purge' });
  const seeded = await server.call('seedOldRuns', { instances, spansPerInstance });
  const instanceId = await startedInstance(server.info);
  const headers = { authorization: `Bearer ${server.info.token}` };
  const plan = { kind: 'fixed', path: '/api/v1/agent_spans', body: createSpanRequestBody(instanceId) };
  const label = store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const load = await ctx.loadParty(`create c32 (${label})`, server.info.url, { connections: 32, headers, plan });
  const purges = [];
  const duringPurge = {
    name: `create c32 during purge (${label})`,
    run: async (durationMs) => {
      await server.call('startPurge');
      const result = await load.run(durationMs);
      purges.push(await server.call('stopPurge'));
      return result;
    },
  };
  const { runs, ratio } = await comparePairs([{ subject: duringPurge, baseline: load }], ctx.settings);
  ctx.measurements(runs);
  const deleted = purges.reduce((n, p) => n + p.spans, 0);
  const seconds = purges.reduce((n, p) => n + p.ms, 0) / 1000;
  const ranOut = purges.filter((p) => p.left === 0).length;
  ctx.measurement(
    `purge during creates (${label})`,
    purges.map((p) => ({ perSecond: p.spans / (p.ms / 1000) })),
  );
  ctx.figure(
    figure,
    ratio(duringPurge.name, load.name),
    `${ctx.pairing}; ${seeded.spans} old spans in ${instances} finished instances seeded; the purge deleted ${deleted} spans at ${Math.round(deleted / seconds)} spans/s while the creates ran` +
      (ranOut ? `; it ran out of old spans in ${ranOut} of ${purges.length} runs` : '; it never ran out of old spans'),
  );
}

export default {
  name: 'retention',
  title: 'span creates during a retention purge vs with none, 32 connections, SQLite and PostgreSQL',
  needs: ['server'],
  figures: ['create_during_purge', 'pg_create_during_purge'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    const quick = ctx.options.quick;
    try {
      await measure(ctx, { store: 'sqlite', figure: 'create_during_purge', instances: quick ? 3_000 : 10_000 });
    } finally {
      await ctx.endScenario();
    }
    if (!ctx.has('postgres')) {
      ctx.unavailable('pg_create_during_purge', ctx.whyNot('postgres'));
      return;
    }
    await withBenchDatabase(
      'purge',
      (url) => measure(ctx, { store: 'postgres', url: url.toString(), figure: 'pg_create_during_purge', instances: quick ? 1_000 : 3_000 }),
      () => ctx.endScenario(),
    );
  },
};
