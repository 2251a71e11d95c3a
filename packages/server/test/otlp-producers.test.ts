import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { otlpExporter, recordGenAiRun, tracerProvider } from './otlp-producers.js';

// What NodeTracerProvider.register() sets up: spans started inside another's callback are its children.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

async function storedSpans(server: Server, token: string, traceId: string) {
  const reply = await call(server, token, 'GET', `/api/v1/agent_spans?agent_instance_id=${traceId}`);
  assert.equal(reply.status, 200, reply.text);
  return reply.body.details as Array<Record<string, unknown>>;
}

/** Every span the SDK ended is stored under `<trace id>-<span id>`, under its parent, with the SDK's times. */
function assertStoredAsEnded(stored: Array<Record<string, unknown>>, ended: ReadableSpan[]) {
  assert.equal(stored.length, ended.length);
  const byId = new Map(stored.map((span) => [span.id, span]));
  for (const span of ended) {
    const { traceId, spanId } = span.spanContext();
    const row = byId.get(`${traceId}-${spanId}`);
    assert.ok(row, `span ${span.name} is stored`);
    const parent = span.parentSpanContext?.spanId;
    assert.equal(row.parent_span_id, parent ? `${traceId}-${parent}` : null);
    assert.equal(row.agent_instance_id, traceId);
    assert.equal((row.payload as { name: string }).name, span.name);
    const startMs = span.startTime[0] * 1000 + Math.floor(span.startTime[1] / 1e6);
    assert.equal(Date.parse(row.started_at as string), startMs);
    assert.equal(row.status, span.status.code === SpanStatusCode.ERROR ? 'failed' : 'complete');
  }
}

const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 4, text: 4, reasoning: undefined },
};

for (const engine of ENGINES) {
  describe(`OTLP from real producers (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    for (const encoding of ['protobuf', 'json'] as const) {
      for (const gzip of [false, true]) {
        it(`stores GenAI spans the OpenTelemetry SDK exports over OTLP/HTTP ${encoding}${gzip ? ', gzipped' : ''}`, async () => {
          const account = await newAccount(server);
          const exporter = otlpExporter(encoding, { url: server.url, token: account.accountToken, gzip });
          const { provider, tracer, finished } = tracerProvider(exporter, { name: 'travel-planner', version: '1.2.0' });
          const traceId = recordGenAiRun(tracer);
          await provider.forceFlush();
          const ended = finished(); // shutting down clears the SDK's in-memory exporter
          await provider.shutdown();

          const stored = await storedSpans(server, account.accountToken, traceId);
          assertStoredAsEnded(stored, ended);
          const bySchema = Object.fromEntries(stored.map((span) => [span.schema_name, span]));
          assert.deepEqual(Object.keys(bySchema).sort(), ['gen_ai:chat', 'gen_ai:execute_tool', 'gen_ai:invoke_agent']);
          const chat = bySchema['gen_ai:chat']!;
          assert.equal(chat.schema_title, 'LLM call');
          assert.equal(
            chat.summary,
            'gpt-4o-mini: Plan a weekend in Lisbon for two people… → Day one: Alfama and a tram ride. (42 in, 9 out tokens)',
          );
          const chatPayload = chat.payload as {
            kind: string;
            attributes: Record<string, unknown>;
            resource: { attributes: Record<string, unknown> };
            scope: { name: string };
          };
          assert.equal(chatPayload.kind, 'client');
          assert.equal(chatPayload.attributes['gen_ai.usage.input_tokens'], 42);
          assert.equal(chatPayload.attributes['gen_ai.request.temperature'], 0.2);
          assert.deepEqual(chatPayload.attributes['gen_ai.response.finish_reasons'], ['stop']);
          assert.equal(chatPayload.resource.attributes['service.name'], 'travel-planner');
          assert.equal(chatPayload.resource.attributes['service.version'], '1.2.0');
          assert.equal(chatPayload.scope.name, 'agent-tests');
          const toolSpan = bySchema['gen_ai:execute_tool']!;
          assert.equal(toolSpan.schema_title, 'Tool call');
          assert.equal(toolSpan.summary, 'get_weather({"city":"Lisbon"})');
          assert.equal(toolSpan.status, 'failed');
          const toolResult = toolSpan.result_payload as { status: unknown; events: Array<Record<string, unknown>> };
          assert.deepEqual(toolResult.status, { code: 'error', message: 'weather service timed out' });
          assert.equal(toolResult.events[0]!.type, 'Error');
          assert.equal(toolResult.events[0]!.message, 'weather service timed out');
          assert.match(toolResult.events[0]!.stacktrace as string, /^Error: weather service timed out\n\s+at /);
          assert.equal(bySchema['gen_ai:invoke_agent']!.summary, 'travel-planner: Plan a weekend in Lisbon for two people…');

          const instance = await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${traceId}`);
          assert.equal(instance.body.details.status, 'complete');
          assert.equal(instance.body.details.finished_at, bySchema['gen_ai:invoke_agent']!.finished_at);
          const agent = await call(server, account.accountToken, 'GET', '/api/v1/agent/show?external_identifier=travel-planner');
          assert.equal(agent.body.details.id, instance.body.details.agent_id);
        });
      }
    }

    it('stores a Vercel AI SDK generateText run (mock model, a tool call, experimental_telemetry) under one instance', async () => {
      const account = await newAccount(server);
      const { provider, tracer, finished } = tracerProvider(otlpExporter('protobuf', { url: server.url, token: account.accountToken }), {
        name: 'support-bot',
      });
      let step = 0;
      const model = new MockLanguageModelV3({
        doGenerate: async () =>
          (step++ === 0
            ? {
                content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Lisbon"}' }],
                finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
                usage,
                warnings: [],
              }
            : {
                content: [{ type: 'text', text: 'It is sunny in Lisbon today.' }],
                finishReason: { unified: 'stop', raw: 'stop' },
                usage,
                warnings: [],
              }) as never,
      });
      const result = await generateText({
        model,
        prompt: 'What is the weather in Lisbon right now?',
        tools: {
          weather: tool({
            description: 'Current weather',
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => ({ city, sky: 'sunny' }),
          }),
        },
        stopWhen: stepCountIs(2),
        experimental_telemetry: { isEnabled: true, tracer, functionId: 'answer' },
      });
      assert.equal(result.text, 'It is sunny in Lisbon today.');
      await provider.forceFlush();
      const ended = finished(); // shutting down clears the SDK's in-memory exporter
      await provider.shutdown();

      const traceIds = new Set(ended.map((span) => span.spanContext().traceId));
      assert.equal(traceIds.size, 1);
      const [traceId] = [...traceIds] as [string];
      const stored = await storedSpans(server, account.accountToken, traceId);
      assertStoredAsEnded(stored, ended);
      for (const span of stored) {
        const attributes = (span.payload as { attributes: Record<string, unknown> }).attributes;
        assert.equal(span.schema_name, `ai:${attributes['ai.operationId'] as string}`);
      }
      const byName = Object.fromEntries(stored.map((span) => [span.schema_name, span]));
      assert.equal(byName['ai:ai.generateText']!.parent_span_id, null);
      assert.equal(byName['ai:ai.generateText']!.schema_title, 'LLM call');
      assert.match(
        byName['ai:ai.generateText']!.summary as string,
        /^mock-model-id: What is the weather in Lisbon right now\? → It is sunny in Lisbon today\./,
      );
      assert.equal(byName['ai:ai.toolCall']!.schema_title, 'Tool call');
      assert.equal(byName['ai:ai.toolCall']!.summary, 'weather({"city":"Lisbon"})');
      assert.equal(stored.filter((span) => span.schema_name === 'ai:ai.generateText.doGenerate').length, 2);
      const instance = await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${traceId}`);
      assert.equal(instance.body.details.status, 'complete');
      assert.equal(instance.body.details.span_counts.total, ended.length);
    });
  });
}
