import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { createSpan, openInstance } from './fixtures.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { ANTHROPIC, ANTHROPIC_TOKENS, modelCall, OPENAI, OPENAI_ON_4O, OPENAI_ON_4O_MINI } from './run-cost-fixtures.js';

/** The value of the series of `name` with these labels in Prometheus text, in whatever order they are written; undefined when absent. */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...match[2]!.matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(labels).length === Object.keys(found).length && Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

const scrape = async (server: Server) => (await call(server, undefined, 'GET', '/metrics')).text;

/** Scrapes until `ready` holds (a scrape counts what was written since the last one, pricing it as it goes). */
async function scrapeUntil(server: Server, ready: (text: string) => boolean): Promise<string> {
  let text = await scrape(server);
  for (let i = 0; i < 100 && !ready(text); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    text = await scrape(server);
  }
  return text;
}

const close = (actual: number | undefined, expected: number) => actual !== undefined && Math.abs(actual - expected) < 1e-12;

async function agentOf(server: Server, account: Account, instanceId: string): Promise<string> {
  return (await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`)).body.details.agent_id as string;
}

for (const engine of ENGINES) {
  describe(`token and cost counters on /metrics (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('counts tokens by agent, model and type, and their cost at the prices when counted', async () => {
      const first = await newAccount(server);
      const run = await openInstance(server, first);
      const agent = await agentOf(server, first, run);
      await modelCall(server, first, run, 'gpt-4o-mini', OPENAI, 'metrics-call');
      // A replay stores nothing, so counts nothing.
      await modelCall(server, first, run, 'gpt-4o-mini', OPENAI, 'metrics-call');
      const bulk = await call(server, first.token, 'POST', '/api/v1/bulk', {
        items: [
          {
            _type: 'agent_spans/create',
            idempotency_key: 'metrics-bulk-usage',
            agent_instance_id: run,
            schema_name: 'agent:llm',
            status: 'complete',
            payload: { prompt: 'q', model: 'claude-3-5-sonnet' },
            result_payload: { response: 'a', usage: ANTHROPIC },
          },
        ],
      });
      assert.equal(bulk.status, 200, bulk.text);

      const second = await newAccount(server);
      const other = await openInstance(server, second);
      const otherAgent = await agentOf(server, second, other);
      await modelCall(server, second, other, 'my-local-model', ANTHROPIC);
      // Usage that arrives with the finish.
      const open = await createSpan(server, second, {
        agent_instance_id: other,
        schema_name: 'agent:llm',
        status: 'active',
        payload: { prompt: 'q' },
      });
      const finish = await call(server, second.token, 'POST', `/api/v1/agent_spans/${open.body.details.id}/finish`, {
        result_payload: { response: 'a', model: 'gpt-4o', usage: OPENAI },
      });
      assert.equal(finish.status, 200, finish.text);

      const tokens = (agent_id: string, model: string, type: string) => value(text, 'agentspan_tokens_total', { agent_id, model, type });
      const cost = (agent_id: string, model: string) => value(text, 'agentspan_cost_usd_total', { agent_id, model });
      let text = await scrapeUntil(server, (t) => value(t, 'agentspan_cost_usd_total', { agent_id: otherAgent, model: 'gpt-4o' }) !== undefined);
      assert.deepEqual(
        ['input', 'output', 'cache_read', 'cache_write', 'reasoning'].map((type) => tokens(agent, 'gpt-4o-mini', type)),
        [200, 180, 1000, undefined, 320],
      );
      assert.deepEqual(
        ['input', 'output', 'cache_read', 'cache_write'].map((type) => tokens(agent, 'claude-3-5-sonnet', type)),
        [50, 700, 8000, 1500],
      );
      assert.equal(tokens(otherAgent, 'gpt-4o', 'input'), 200);
      assert.ok(close(cost(agent, 'gpt-4o-mini'), OPENAI_ON_4O_MINI), text);
      assert.ok(close(cost(otherAgent, 'gpt-4o'), OPENAI_ON_4O), text);
      // An unpriced model: its tokens count, its cost is never $0.
      assert.equal(tokens(otherAgent, 'my-local-model', 'cache_read'), 8000);
      assert.equal(cost(otherAgent, 'my-local-model'), undefined);
      assert.equal(value(text, 'agentspan_unpriced_tokens_total', { agent_id: otherAgent, model: 'my-local-model' }), ANTHROPIC_TOKENS);
      assert.match(text, /# HELP agentspan_cost_usd_total .*prices current when the tokens were counted/);

      // A price set now prices the tokens counted after it; the counter keeps what it counted before.
      const put = await call(server, second.accountToken, 'PUT', '/api/v1/model_prices/my-local-model', { details: { input: 1, output: 2 } });
      assert.equal(put.status, 200, put.text);
      await modelCall(server, second, other, 'my-local-model', ANTHROPIC);
      text = await scrapeUntil(server, (t) => value(t, 'agentspan_cost_usd_total', { agent_id: otherAgent, model: 'my-local-model' }) !== undefined);
      assert.ok(close(cost(otherAgent, 'my-local-model'), (50 + 700 * 2 + 8000 + 1500) / 1e6), text);
      assert.equal(value(text, 'agentspan_unpriced_tokens_total', { agent_id: otherAgent, model: 'my-local-model' }), ANTHROPIC_TOKENS);
      assert.equal(tokens(otherAgent, 'my-local-model', 'cache_read'), 16000);
    });

    it('counts the tokens of spans an OTLP export stores, once, however often it is sent', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const root = newSpanId();
      const request = exportRequest(
        [
          { traceId, spanId: root, name: 'invoke_agent', start: 0, end: 900_000 },
          {
            traceId,
            spanId: newSpanId(),
            parentSpanId: root,
            name: 'chat gpt-4o-mini',
            start: 10,
            end: 400_000,
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'gpt-4o-mini',
              'gen_ai.usage.input_tokens': 1200,
              'gen_ai.usage.output_tokens': 500,
              // OpenTelemetry's GenAI conventions count cache reads inside input_tokens.
              'gen_ai.usage.cache_read.input_tokens': 1000,
            },
          },
        ],
        { 'service.name': 'metrics-exporter' },
      );
      for (let i = 0; i < 2; i++) assert.equal((await postTraces(server, account.accountToken, request)).status, 200);
      const agent = await agentOf(server, account, traceId);
      const text = await scrapeUntil(
        server,
        (t) => value(t, 'agentspan_tokens_total', { agent_id: agent, model: 'gpt-4o-mini', type: 'input' }) !== undefined,
      );
      assert.deepEqual(
        ['input', 'output', 'cache_read'].map((type) => value(text, 'agentspan_tokens_total', { agent_id: agent, model: 'gpt-4o-mini', type })),
        [200, 500, 1000],
      );
    });
  });
}
