// The server's span writes on SQLite, against the bare route with the same body: single
// creates at 32 and 1 connections, create+finish pairs, and whole agent runs.
import { fileURLToPath } from 'node:url';
import { comparePairs } from '../lib/rounds.mjs';
import { createSpanRequestBody, spanParams } from '../lib/span-body.mjs';
import { REGISTER_BODY, startAgentspanServer, startedInstance } from './agentspan-server.mjs';

const SPANS = '/api/v1/agent_spans';
const GROUPED_INSERT_SERVER = fileURLToPath(new URL('../baselines/grouped-insert-server.mjs', import.meta.url));
const CHILD_SPANS = 19;

function agentRunPlan() {
  const key = { idempotency_key: 'bench-[<id>]' };
  const root = spanParams('[<instance>]', { schema_name: 'agent', ...key });
  const child = spanParams('[<instance>]', {
    parent_span_id: '[<root>]',
    status: 'complete',
    result_payload: { text: 'The three tools agree: the order shipped on Monday.' },
    finished_at: '2026-01-01T00:00:01.000Z',
    ...key,
  });
  return {
    kind: 'agentRun',
    registerBody: JSON.stringify({ ...REGISTER_BODY, ...key }),
    startBody: JSON.stringify(key),
    rootBody: JSON.stringify({ details: root }),
    childBody: JSON.stringify({ details: child }),
    childSpans: CHILD_SPANS,
    rootFinishBody: JSON.stringify({ status: 'complete', result_payload: { answer: 'shipped' }, ...key }),
    instanceFinishBody: JSON.stringify({ status: 'complete', ...key }),
  };
}

async function serverParties(ctx) {
  const server = await startAgentspanServer(ctx, { store: 'sqlite' });
  const { url, token } = server.info;
  const instanceId = await startedInstance(server.info);
  const headers = { authorization: `Bearer ${token}` };
  const create = { kind: 'fixed', path: SPANS, body: createSpanRequestBody(instanceId) };
  const pair = {
    kind: 'pair',
    createBody: createSpanRequestBody(instanceId),
    finishBody: JSON.stringify({ status: 'complete', result_payload: { ok: true }, idempotency_key: 'bench-[<id>]' }),
  };
  return {
    create32: await ctx.loadParty('server create c32', url, { connections: 32, headers, plan: create }),
    pair32: await ctx.loadParty('server create+finish c32', url, { connections: 32, headers, plan: pair }),
    mix32: await ctx.loadParty('server agent runs c32', url, { connections: 32, headers, plan: agentRunPlan() }),
    create1: await ctx.loadParty('server create c1', url, { connections: 1, headers, plan: create }),
  };
}

export default {
  name: 'server-spans',
  title: 'span create, create+finish pairs and agent runs on SQLite vs the bare route',
  needs: ['server'],
  figures: [
    'server_create_vs_echo_c32',
    'server_create_vs_echo_c1',
    'server_pair_vs_echo_c32',
    'server_mix_vs_echo_c32',
    'grouped_insert_vs_echo_c32',
  ],
  async run(ctx) {
    const echo = await ctx.echoServer();
    const create = { kind: 'fixed', path: SPANS, body: createSpanRequestBody('inst_bench') };
    const echo32 = await ctx.loadParty('bare route c32', echo.info.url, { connections: 32, plan: create });
    const echo1 = await ctx.loadParty('bare route c1', echo.info.url, { connections: 1, plan: create });
    const grouped = await ctx.startScoped(GROUPED_INSERT_SERVER, { label: 'grouped insert' });
    const grouped32 = await ctx.loadParty('grouped insert c32', grouped.info.url, { connections: 32, plan: create });
    const server = ctx.has('server') ? await serverParties(ctx) : null;
    const pairs = server
      ? [
          { subject: server.create32, baseline: echo32 },
          { subject: server.pair32, baseline: echo32 },
          { subject: server.mix32, baseline: echo32 },
          { subject: server.create1, baseline: echo1 },
          { subject: grouped32, baseline: echo32 },
        ]
      : [
          { subject: grouped32, baseline: echo32 },
          { subject: null, baseline: echo1 },
        ];
    const { runs, ratio } = await comparePairs(pairs, ctx.settings);
    ctx.measurements(runs);
    ctx.figure(
      'grouped_insert_vs_echo_c32',
      ratio('grouped insert c32', 'bare route c32'),
      `${ctx.pairing}; the design the SQLite create target was set against, not the server`,
    );
    if (!ctx.has('server')) return;
    ctx.figure('server_create_vs_echo_c32', ratio('server create c32', 'bare route c32'), ctx.pairing);
    ctx.figure('server_create_vs_echo_c1', ratio('server create c1', 'bare route c1'), ctx.pairing);
    ctx.figure('server_pair_vs_echo_c32', ratio('server create+finish c32', 'bare route c32'), ctx.pairing);
    ctx.figure('server_mix_vs_echo_c32', ratio('server agent runs c32', 'bare route c32'), `${ctx.pairing}; ${CHILD_SPANS + 4} requests per run`);
  },
};
