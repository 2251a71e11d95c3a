// Span creates while a retention purge deletes a large set of old instances, against the same
// server with no purge, on SQLite: the purge works in small steps, so writes should not stall.
import { comparePairs } from '../lib/rounds.mjs';
import { createSpanRequestBody } from '../lib/span-body.mjs';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';

export default {
  name: 'retention',
  title: 'span creates during a retention purge vs with none, SQLite, 32 connections',
  needs: ['server'],
  figures: ['create_during_purge'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    const quick = ctx.options.quick;
    const instances = quick ? 3_000 : 10_000;
    const spansPerInstance = 100;
    const server = await startAgentspanServer(ctx, { store: 'sqlite' });
    const seeded = await server.call('seedOldRuns', { instances, spansPerInstance });
    const instanceId = await startedInstance(server.info);
    const headers = { authorization: `Bearer ${server.info.token}` };
    const plan = { kind: 'fixed', path: '/api/v1/agent_spans', body: createSpanRequestBody(instanceId) };
    const load = await ctx.loadParty('create c32', server.info.url, { connections: 32, headers, plan });
    const purges = [];
    const duringPurge = {
      name: 'create c32 during purge',
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
    ctx.measurement('purge during creates', purges.map((p) => ({ perSecond: p.spans / (p.ms / 1000), ...p })));
    ctx.figure('create_during_purge', ratio(duringPurge.name, load.name),
      `${ctx.pairing}; ${seeded.spans} old spans in ${instances} finished instances seeded; the purge deleted ${deleted} spans at ${Math.round(deleted / seconds)} spans/s while the creates ran` +
        (ranOut ? `; it ran out of old spans in ${ranOut} of ${purges.length} runs` : ''));
  },
};
