// Span create on the PostgreSQL store against the bare route, 32 connections, on a database
// of its own that is dropped afterwards.
import { withBenchDatabase } from '../lib/bench-database.mjs';
import { comparePairs } from '../lib/rounds.mjs';
import { createSpanRequestBody } from '../lib/span-body.mjs';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';

export default {
  name: 'postgres-spans',
  title: 'span create on PostgreSQL vs the bare route, 32 connections',
  needs: ['server', 'postgres'],
  figures: ['pg_create_vs_echo_c32'],
  async run(ctx) {
    if (!ctx.has('server') || !ctx.has('postgres')) return;
    await withBenchDatabase(
      'spans',
      async (url) => {
        const echo = await ctx.echoServer();
        const server = await startAgentspanServer(ctx, { store: 'postgres', databaseUrl: url.toString() });
        const instanceId = await startedInstance(server.info);
        const headers = { authorization: `Bearer ${server.info.token}` };
        const create = (id) => ({ kind: 'fixed', path: '/api/v1/agent_spans', body: createSpanRequestBody(id) });
        const baseline = await ctx.loadParty('bare route c32 (pg run)', echo.info.url, { connections: 32, plan: create('inst_bench') });
        const subject = await ctx.loadParty('server create c32 (PostgreSQL)', server.info.url, {
          connections: 32,
          headers,
          plan: create(instanceId),
        });
        const { runs, ratio } = await comparePairs([{ subject, baseline }], ctx.settings);
        ctx.measurements(runs);
        ctx.figure('pg_create_vs_echo_c32', ratio(subject.name, baseline.name), `${ctx.pairing}; PostgreSQL at ${url.host}, default pool`);
      },
      () => ctx.endScenario(),
    );
  },
};
