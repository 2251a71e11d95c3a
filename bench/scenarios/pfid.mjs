// Span creates on a server that makes PFIDs against one that makes the ids of before, on SQLite:
// two server processes built from the same packages, one started with the benchmark's switch to
// the old id maker, measured in alternating rounds at 32 connections.
import { comparePairs } from '../lib/rounds.mjs';
import { createSpanRequestBody } from '../lib/span-body.mjs';
import { startAgentspanServer, startedInstance } from './agentspan-server.mjs';

const SPANS = '/api/v1/agent_spans';

async function createParty(ctx, name, server) {
  const { url, token } = server.info;
  const plan = { kind: 'fixed', path: SPANS, body: createSpanRequestBody(await startedInstance(server.info)) };
  return ctx.loadParty(name, url, { connections: 32, headers: { authorization: `Bearer ${token}` }, plan });
}

export default {
  name: 'pfid',
  title: 'span creates on SQLite with PFIDs vs with the ids of before',
  needs: ['server'],
  figures: ['pfid_create_vs_before'],
  async run(ctx) {
    const pfids = await startAgentspanServer(ctx, { role: 'pfid' });
    const before = await startAgentspanServer(ctx, { role: 'before', env: { AGENTSPAN_BENCH_LEGACY_IDS: '1' } });
    const subject = await createParty(ctx, 'server create with PFIDs c32', pfids);
    const baseline = await createParty(ctx, 'server create with the ids of before c32', before);
    const { runs, ratio } = await comparePairs([{ subject, baseline }], ctx.settings);
    ctx.measurements(runs);
    ctx.figure('pfid_create_vs_before', ratio(subject.name, baseline.name), `${ctx.pairing}; two server processes, each on its own SQLite store`);
  },
};
