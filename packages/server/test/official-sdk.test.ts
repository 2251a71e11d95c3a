import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createConfig, createCore, SpanContext, SpanType, withSpan, type CoreRuntime, type Span } from '@prefactor/core';
import { PrefactorHttpClient, type AgentSpan } from '@agentspan/client';
import { bootstrapAccount, type BootstrapResult } from '../src/index.js';
import { ENGINES } from './engines.js';
import { startServer, type Server } from './harness.js';
import { captureSdkLog, ExchangeLog } from './sdk-exchange-log.js';

// The official TypeScript SDK (@prefactor/core 0.2.9), unchanged, as its README and types show a
// user driving it, against a listening server; what it stored is read back through our client.

/** The server's canonical time (UTC, microseconds) of an SDK time in epoch milliseconds. */
const serverTime = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(/Z$/, '000Z'));

const apiStatus = (span: Span) => ({ running: 'active', success: 'complete', error: 'failed' })[span.status];

/** The span payload @prefactor/core builds from its own span (HttpTransport.transformSpanToApiFormat). */
function sdkPayload(span: Span, status = apiStatus(span)) {
  const error = span.error && { error_type: span.error.errorType, message: span.error.message, stacktrace: span.error.stacktrace };
  const usage = span.tokenUsage;
  return {
    span_id: span.spanId,
    trace_id: span.traceId,
    name: span.name,
    status,
    inputs: span.inputs,
    outputs: span.outputs,
    metadata: span.metadata,
    token_usage: usage && { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens },
    error,
  };
}

async function readBack(server: Server, token: string, instanceId: string) {
  const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: token, maxRetries: 0 });
  try {
    const spans: AgentSpan[] = [];
    for await (const span of client.agentSpans.list({ agent_instance_id: instanceId })) spans.push(span);
    return { instance: await client.agentInstances.get(instanceId), spans };
  } finally {
    await client.close();
  }
}

/** The SDK's envelope around every span payload, with the inputs schema of one span type. */
const sdkEnvelope = (inputs: object) => ({
  type: 'object',
  required: ['span_id', 'trace_id', 'name', 'status', 'inputs'],
  properties: { span_id: { type: 'string' }, trace_id: { type: 'string' }, name: { type: 'string' }, inputs },
});

/** A support agent's span types as a user of @prefactor/core would register them. */
const SUPPORT_SCHEMA = {
  external_identifier: 'support-agent-schema-1',
  span_type_schemas: [
    {
      name: SpanType.AGENT,
      title: 'Support agent',
      template: 'ticket {{inputs.ticket}}',
      params_schema: sdkEnvelope({ type: 'object', required: ['ticket'] }),
      result_schema: { type: 'object', required: ['reply'], properties: { reply: { type: 'string' } } },
    },
    { name: SpanType.CHAIN, title: 'Retrieval', params_schema: sdkEnvelope({ type: 'object' }), result_schema: { type: 'object' } },
    {
      name: SpanType.TOOL,
      title: 'Tool call',
      template: '{{name}}',
      params_schema: sdkEnvelope({ type: 'object' }),
      result_schema: { type: 'object' },
    },
    {
      name: SpanType.LLM,
      title: 'LLM call',
      template: '{{metadata.model}}: {{outputs.reply}}',
      params_schema: sdkEnvelope({ type: 'object', required: ['prompt'] }),
      result_schema: { type: 'object', required: ['reply'] },
    },
  ],
};

class OrderLookupError extends Error {}

/** One support ticket: the agent span around retrieval (a chain with a nested tool), a failing tool and an LLM call. */
async function answerTicket(core: CoreRuntime, ticket: string, work: () => Promise<void> = async () => {}) {
  const spans: Record<string, Span> = {};
  const current = (name: string) => (spans[name] = SpanContext.getCurrent()!);
  const result = await withSpan(core.tracer, { name: 'support-agent', spanType: SpanType.AGENT, inputs: { ticket } }, async () => {
    current('agent');
    await work();
    const context = await withSpan(core.tracer, { name: 'gather-context', spanType: SpanType.CHAIN, inputs: { ticket } }, async () => {
      current('chain');
      return withSpan(core.tracer, { name: 'search-docs', spanType: SpanType.TOOL, inputs: { query: 'refund policy' } }, async () => {
        current('search');
        return { documents: ['refunds.md', 'shipping.md'] };
      });
    });
    const order = await withSpan(core.tracer, { name: 'lookup-order', spanType: SpanType.TOOL, inputs: { order_id: 'A-17' } }, async () => {
      current('lookup');
      throw new OrderLookupError('order service timed out');
    }).catch(() => null);
    const llm = (spans.llm = core.tracer.startSpan({
      name: 'draft-reply',
      spanType: SpanType.LLM,
      inputs: { prompt: `Answer ${ticket}`, context, order },
      metadata: { model: 'gpt-test' },
    }));
    const reply = `Refunds take 5 days (${ticket})`;
    core.tracer.endSpan(llm, { outputs: { reply }, tokenUsage: { promptTokens: 12, completionTokens: 30, totalTokens: 42 } });
    return { reply };
  });
  return { result, spans };
}

/** The stored spans of one `answerTicket` run by the SDK's span name, as the SDK sent them. */
function expectedSpans(spans: Record<string, Span>, ids: Record<string, string>) {
  const { agent, chain, search, lookup, llm } = spans as Record<'agent' | 'chain' | 'search' | 'lookup' | 'llm', Span>;
  const finished = (span: Span, parent: string, title: string, summary: string | null) => ({
    parent_span_id: parent,
    schema_name: span.spanType,
    schema_title: title,
    status: apiStatus(span),
    summary,
    payload: sdkPayload(span),
    result_payload: span.error ? { error_type: span.error.errorType, message: span.error.message, stacktrace: span.error.stacktrace } : span.outputs,
    started_at: serverTime(span.startTime),
    finished_at: serverTime(span.endTime),
  });
  return {
    'support-agent': {
      // Created active when it starts (payload as it was then), finished through /finish.
      parent_span_id: null,
      schema_name: 'agent',
      schema_title: 'Support agent',
      status: 'complete',
      summary: 'ticket T-1042',
      payload: { ...sdkPayload(agent, 'active'), outputs: null },
      result_payload: agent.outputs,
      started_at: serverTime(agent.startTime),
      finished_at: serverTime(agent.endTime),
    },
    'gather-context': finished(chain, ids.agent!, 'Retrieval', null),
    'search-docs': finished(search, ids.chain!, 'Tool call', 'search-docs'),
    'lookup-order': finished(lookup, ids.agent!, 'Tool call', 'lookup-order'),
    'draft-reply': finished(llm, ids.agent!, 'LLM call', 'gpt-test: Refunds take 5 days (T-1042)'),
  };
}

const pick = (span: AgentSpan) => ({
  parent_span_id: span.parent_span_id,
  schema_name: span.schema_name,
  schema_title: span.schema_title,
  status: span.status,
  summary: span.summary,
  payload: span.payload,
  result_payload: span.result_payload,
  started_at: span.started_at,
  finished_at: span.finished_at,
});

/**
 * Stored spans by the SDK's span name. Spans that started in the same millisecond list in no fixed
 * order, so the listing order itself is checked only as started_at order.
 */
function byName(stored: AgentSpan[]) {
  const starts = stored.map((s) => s.started_at);
  assert.deepEqual(starts, [...starts].sort(), 'listed in started_at order');
  const named = Object.fromEntries(stored.map((s) => [s.payload.name as string, s]));
  assert.equal(Object.keys(named).length, stored.length, 'one stored span per SDK span');
  return named;
}

/** Backend span ids by the test's names for the SDK's spans (matched on the SDK span id kept in each payload). */
const backendIds = (stored: AgentSpan[], spans: Record<string, Span>) =>
  Object.fromEntries(Object.entries(spans).map(([name, span]) => [name, stored.find((s) => s.payload.span_id === span.spanId)?.id ?? '']));

for (const engine of ENGINES) {
  describe(`the official TypeScript SDK @prefactor/core against the server (${engine.name})`, () => {
    const serve = async (t: TestContext): Promise<{ server: Server; account: BootstrapResult }> => {
      const server = await startServer(engine);
      t.after(() => server.close());
      const account = await bootstrapAccount(server.store);
      assert.ok(account, 'a fresh store bootstraps its first account');
      return { server, account };
    };

    it('stores an agent run sent through createCore, registerSchema, withSpan and shutdown, with no call rejected', async (t) => {
      const { server, account } = await serve(t);
      const log = new ExchangeLog(server);
      const sdkLog = captureSdkLog(t);

      const core = createCore(
        createConfig({
          transportType: 'http',
          httpConfig: {
            apiUrl: server.url,
            apiToken: account.token,
            agentIdentifier: 'support-agent-1.4.0',
            agentName: 'Support agent',
            agentDescription: 'answers tickets',
          },
        }),
      );
      core.agentManager.registerSchema(SUPPORT_SCHEMA);
      core.agentManager.startInstance();
      // The agent works while its span's create goes out, as one doing real work would.
      const agentSpanSent = () => log.answered('201 POST /api/v1/agent_spans');
      const { result, spans } = await answerTicket(core, 'T-1042', agentSpanSent);
      core.agentManager.finishInstance();
      await core.shutdown();
      assert.deepEqual(result, { reply: 'Refunds take 5 days (T-1042)' });

      const [instanceId] = log.instanceIds();
      assert.ok(instanceId, `the SDK started an instance: ${log.sdkCalls().join(', ')}`);
      const calls = log.sdkCalls();
      const { instance, spans: stored } = await readBack(server, account.token, instanceId);
      const ids = backendIds(stored, spans);
      // Non-agent spans go out when they end; a child waits for its parent's create (search after gather-context).
      assert.deepEqual(calls, [
        '201 POST /api/v1/agent_instance/register',
        `200 POST /api/v1/agent_instance/${instanceId}/start`,
        '201 POST /api/v1/agent_spans', // support-agent, active
        '201 POST /api/v1/agent_spans', // gather-context
        '201 POST /api/v1/agent_spans', // search-docs
        '201 POST /api/v1/agent_spans', // lookup-order, failed
        '201 POST /api/v1/agent_spans', // draft-reply
        `200 POST /api/v1/agent_spans/${ids.agent}/finish`,
        `200 POST /api/v1/agent_instance/${instanceId}/finish`,
      ]);
      assert.deepEqual(sdkLog, []);

      const named = byName(stored);
      assert.deepEqual(Object.fromEntries(Object.entries(named).map(([name, s]) => [name, pick(s)])), expectedSpans(spans, ids));
      assert.ok(stored.every((s) => s.agent_instance_id === instanceId && s.agent_id === account.agentId));
      assert.equal(new Set(stored.map((s) => s.payload.trace_id)).size, 1, 'one trace');
      assert.equal(named['lookup-order']!.result_payload!.error_type, 'OrderLookupError');

      assert.equal(instance.status, 'complete');
      assert.equal(instance.agent_id, account.agentId);
      assert.equal(instance.agent_deployment_id, account.deploymentId);
      assert.equal(instance.environment_id, account.environmentId);
      assert.ok(instance.started_at && instance.finished_at && instance.started_at <= instance.finished_at);
      assert.deepEqual(instance.span_counts, { total: 5, pending: 0, active: 0, complete: 4, failed: 1, cancelled: 0, finished: 5 });
    });

    it('runs two instances from one runtime configured with agentId and agentSchema; an agent span that ended before its create went out is finished once', async (t) => {
      const { server, account } = await serve(t);
      const log = new ExchangeLog(server);
      const sdkLog = captureSdkLog(t);
      const flatSchema = {
        external_identifier: 'support-agent-flat-1',
        span_schemas: Object.fromEntries(Object.values(SpanType).map((type) => [type, sdkEnvelope({ type: 'object' })])),
        span_result_schemas: Object.fromEntries(Object.values(SpanType).map((type) => [type, { type: 'object' }])),
      };
      const core = createCore(
        createConfig({
          httpConfig: { apiUrl: server.url, apiToken: account.token, agentId: account.agentId, agentSchema: flatSchema },
        }),
      );
      // No awaits on I/O inside a run: each agent span ends before the transport's queue reaches its create.
      const runs: Array<Record<string, Span>> = [];
      for (const ticket of ['T-1042', 'T-1043']) {
        core.agentManager.startInstance();
        runs.push((await answerTicket(core, ticket)).spans);
        core.agentManager.finishInstance();
      }
      await core.shutdown();
      // An error body other than invalid_action on those finishes would be logged here.
      assert.deepEqual(sdkLog, []);

      const instanceIds = log.instanceIds();
      assert.equal(new Set(instanceIds).size, 2, 'one instance per run');
      const rejected = log.sdkCalls().filter((call) => !/^20[01] /.test(call));
      const versions = new Set<string>();
      const repeatedFinishes: string[] = [];
      for (const [index, instanceId] of instanceIds.entries()) {
        const spans = runs[index]!;
        const { instance, spans: stored } = await readBack(server, account.token, instanceId);
        const ids = backendIds(stored, spans);
        const named = byName(stored);
        assert.deepEqual(Object.fromEntries(Object.entries(named).map(([name, s]) => [name, [s.schema_name, s.status, s.parent_span_id]])), {
          'support-agent': ['agent', 'complete', null],
          'gather-context': ['chain', 'complete', ids.agent],
          'search-docs': ['tool', 'complete', ids.chain],
          'lookup-order': ['tool', 'failed', ids.agent],
          'draft-reply': ['llm', 'complete', ids.agent],
        });
        // The queued create read the span after it ended, so it arrived complete, carrying the result.
        assert.deepEqual(pick(named['support-agent']!), {
          parent_span_id: null,
          schema_name: 'agent',
          schema_title: null,
          status: 'complete',
          summary: null,
          payload: sdkPayload(spans.agent!),
          result_payload: { reply: `Refunds take 5 days (T-104${2 + index})` },
          started_at: serverTime(spans.agent!.startTime),
          finished_at: serverTime(spans.agent!.endTime),
        });
        assert.equal(instance.status, 'complete');
        assert.equal(instance.span_counts.finished, 5);
        versions.add(instance.agent_version_id);
        repeatedFinishes.push(`409 POST /api/v1/agent_spans/${ids.agent}/finish`);
      }
      // Its finish then met an already complete span: 409 invalid_action, which the SDK reads as done.
      assert.deepEqual(rejected, repeatedFinishes);
      assert.equal(versions.size, 1, 'the second registration reuses the agent version (external_identifier v1.0.0)');
    });
  });
}
