// Span creates on this build against a checkout of the build before it (AGENTSPAN_BENCH_BEFORE),
// on SQLite, at 32 connections and at 1: see ../lib/build-before.mjs for how the two are paired.
import { compareWithBuildBefore } from '../lib/build-before.mjs';
import { createSpanRequestBody } from '../lib/span-body.mjs';
import { startedInstance } from './agentspan-server.mjs';

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
    await compareWithBuildBefore(ctx, FIGURES, async (server, before) => {
      const build = before ? ', build before' : '';
      return [await createParty(ctx, `server create${build} c32`, server, 32), await createParty(ctx, `server create${build} c1`, server, 1)];
    });
  },
};
