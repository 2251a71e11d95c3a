import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient, type Analytics } from '@agentspan/client';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

const SCHEMA = {
  external_identifier: 'stats-schema',
  span_type_schemas: [
    { name: 'agent:llm', title: 'Model call', params_schema: { type: 'object' } },
    { name: 'agent:tool', title: 'Tool call', params_schema: { type: 'object' } },
  ],
};
// OpenAI chat usage: 200 plain input, 1000 cached, 180 output, 320 reasoning tokens.
const OPENAI = {
  prompt_tokens: 1200,
  completion_tokens: 500,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 320 },
};
/** gpt-4o-mini's shipped prices (USD per million): 0.15 in, 0.6 out and reasoning, 0.075 cache read. */
const MINI_COST = (200 * 0.15 + 180 * 0.6 + 1000 * 0.075 + 320 * 0.6) / 1e6;

describe('agentspan stats against agentspan serve', () => {
  let dir: string;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;
  let client: PrefactorHttpClient;
  let agentId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-stats-'));
    serve = await startServe(['--data-dir', dir]);
    env = { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: serve.firstToken! };
    client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: serve.firstToken! });
    const instance = await client.agentInstances.register({ agent_version: { name: 'stats-agent' }, agent_schema_version: SCHEMA });
    agentId = instance.agent_id;
    await client.agentInstances.start(instance.id);
    const call = (model: string, usage: object, status: 'complete' | 'failed') =>
      client.agentSpans.create({
        agent_instance_id: instance.id,
        schema_name: 'agent:llm',
        status,
        payload: { prompt: 'q' },
        result_payload: { model, usage },
      });
    await call('gpt-4o-mini', OPENAI, 'complete');
    await call('gpt-4o-mini', OPENAI, 'failed');
    await call('my-local-model', { input_tokens: 50, output_tokens: 70 }, 'complete');
    await client.agentSpans.create({ agent_instance_id: instance.id, schema_name: 'agent:tool', status: 'complete', payload: {} });
    await client.agentInstances.finish(instance.id, { status: 'complete' });
  });

  after(async () => {
    await client?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  /** The answer without the parts that depend on the moment it was asked. */
  const stable = ({ rows, totals, unpriced_models, view, by, measures }: Analytics) => ({ rows, totals, unpriced_models, view, by, measures });

  it('prints by model the API answer as JSON, unpriced models named and never costed', async () => {
    const run = await runAgentspan(['stats', '--by', 'model', '--since', '1h', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as Analytics;
    const direct = await client.analytics.query({
      view: 'spans',
      measures: ['spans', 'errors', 'error_rate', 'duration_p50', 'duration_p95', 'total_tokens', 'cost_usd'],
      by: ['model'],
      from: printed.from,
    });
    assert.deepEqual(stable(printed), stable(direct));
    const byModel = new Map(printed.rows.map((row) => [row.model, row]));
    const mini = byModel.get('gpt-4o-mini')!;
    assert.equal(mini.spans, 2);
    assert.equal(mini.errors, 1);
    assert.equal(mini.error_rate, 0.5);
    assert.equal(mini.total_tokens, 3400);
    assert.ok(Math.abs((mini.cost_usd as number) - 2 * MINI_COST) < 1e-12, JSON.stringify(mini));
    assert.equal(byModel.get('my-local-model')!.cost_usd, null);
    assert.deepEqual(printed.unpriced_models, ['my-local-model']);
  });

  it('prints a table by model with the totals, and says which models the cost leaves out', async () => {
    const run = await runAgentspan(['stats', '--by', 'model'], env);
    assert.equal(run.code, 0, run.stderr);
    const [header, ...lines] = run.stdout.trimEnd().split('\n');
    assert.match(header!, /^MODEL\s+SPANS\s+ERRORS\s+ERROR RATE\s+P50\s+P95\s+TOKENS\s+COST$/);
    assert.ok(
      lines.some((line) => /^gpt-4o-mini\s+2\s+1\s+50\.0%\s+\S+\s+\S+\s+3400\s+\$0\.000810$/.test(line)),
      run.stdout,
    );
    assert.ok(
      lines.some((line) => /^my-local-model\s+1\s+0\s+0\.0%\s+\S+\s+\S+\s+120\s+unpriced$/.test(line)),
      run.stdout,
    );
    assert.ok(
      lines.some((line) => /^TOTAL\s+4\s+1\s+25\.0%\s+\S+\s+\S+\s+3520\s+\$0\.000810\*$/.test(line)),
      run.stdout,
    );
    assert.match(run.stdout, /\* leaves out the tokens of unpriced models: my-local-model/);
  });

  it('prints runs by agent, and only the agent asked for', async () => {
    const run = await runAgentspan(['stats'], env);
    assert.equal(run.code, 0, run.stderr);
    const [header, first] = run.stdout.split('\n');
    assert.match(header!, /^AGENT\s+RUNS\s+ERRORS/);
    assert.match(first!, new RegExp(`^${agentId}\\s+1\\s+0\\s+0\\.0%`));
    const other = await runAgentspan(['stats', '--agent', 'no-such-agent', '--json'], env);
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual((JSON.parse(other.stdout) as Analytics).rows, []);
  });

  it('refuses a wrong --since or --by, naming the option and what it takes', async () => {
    const since = await runAgentspan(['stats', '--since', '3 days'], env);
    assert.equal(since.code, 1);
    assert.match(since.stderr, /--since/);
    assert.match(since.stderr, /30m, 24h, 7d or 2w/);
    const by = await runAgentspan(['stats', '--by', 'user'], env);
    assert.equal(by.code, 1);
    assert.match(by.stderr, /--by/);
    assert.match(by.stderr, /agent, environment, model, span-type/);
  });
});
