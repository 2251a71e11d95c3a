import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { agentspanMiddleware, IntegrationConfigError } from '@agentspan/integrations/ai';
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { generateObject, generateText, simulateReadableStream, stepCountIs, streamObject, streamText, tool, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';
import { runAgentspan } from '../../packages/cli/test/agentspan-process.js';
import { startBackend, storedTree, tracerOn, type Backend } from '../../packages/integrations/test/support/traced.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
const stop = { unified: 'stop', raw: 'stop' } as const;

function answer(text: string, input = 10, output = 5): LanguageModelV3GenerateResult {
  return { content: [{ type: 'text', text }], finishReason: stop, usage: usage(input, output), warnings: [] };
}

/** A model answering each call with the next of `answers`, keeping the options each call was given. */
function scripted(answers: LanguageModelV3GenerateResult[]) {
  const seen: LanguageModelV3CallOptions[] = [];
  const model = new MockLanguageModelV3({
    modelId: 'mock-mini',
    doGenerate: async (options) => {
      seen.push(options);
      const next = answers[seen.length - 1];
      if (!next) throw new Error(`no answer scripted for call ${seen.length}`);
      return next;
    },
  });
  return { model, seen };
}

const weatherTool = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, forecast: 'sunny', celsius: 21 }),
});

describe('Vercel AI SDK middleware', () => {
  it('nests a multi-step tool loop under one ai:call span: steps as ai:llm, the tool call as ai:tool with its arguments and result', async () => {
    const tracer = tracerOn(backend);
    const { model: base, seen } = scripted([
      {
        content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Lisbon"}' }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: usage(40, 12),
        warnings: [],
      },
      answer('It is sunny in Lisbon, 21 degrees.', 60, 9),
    ]);
    const model = wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer) });
    const out = await tracer.withSpan('agent:run', { task: 'weather' }, () =>
      generateText({ model, prompt: 'What is the weather in Lisbon today?', tools: { weather: weatherTool }, stopWhen: stepCountIs(3) }),
    );
    assert.equal(out.text, 'It is sunny in Lisbon, 21 degrees.');
    assert.equal(seen.length, 2);
    assert.equal(seen[0]!.abortSignal, tracer.signal, "the tracer's signal is the call's abortSignal when the caller gave none");

    const tree = await storedTree(backend, tracer);
    const run = tree.one('agent:run');
    const call = tree.one('ai:call');
    assert.equal(call.parent_span_id, run.id);
    const steps = tree.named('ai:llm');
    const tools = tree.named('ai:tool');
    assert.equal(steps.length, 2);
    assert.equal(tools.length, 1);
    assert.deepEqual(
      tree
        .childrenOf(call)
        .map((s) => s.schema_name)
        .sort(),
      ['ai:llm', 'ai:llm', 'ai:tool'],
    );
    assert.ok(tree.spans.every((s) => s.status === 'complete'));

    assert.equal(call.payload.model, 'mock-mini');
    assert.equal(call.payload.prompt_preview, 'What is the weather in Lisbon today?');
    assert.deepEqual(call.result_payload?.usage, { input_tokens: 100, output_tokens: 21, total_tokens: 121 });
    assert.equal(call.result_payload?.steps, 2);
    assert.equal(call.result_payload?.text, 'It is sunny in Lisbon, 21 degrees.');
    assert.equal(call.summary, 'mock-mini: What is the weather in Lisbon today? → It is sunny in Lisbon, 21 degrees. (121 tokens, 2 steps)');

    const [first, second] = steps;
    assert.equal(first!.summary, 'mock-mini: What is the weather in Lisbon today? → weather({"city":"Lisbon"}) (52 tokens)');
    assert.deepEqual(first!.result_payload?.tool_calls, [{ id: 'call-1', tool: 'weather', input: { city: 'Lisbon' } }]);
    assert.equal(first!.result_payload?.finish_reason, 'tool-calls');
    assert.equal(second!.summary, 'mock-mini: What is the weather in Lisbon today? → It is sunny in Lisbon, 21 degrees. (69 tokens)');
    // The second step records only the messages the first had not: the answer with the tool call and its result.
    assert.deepEqual(
      (second!.payload.messages as { role: string }[]).map((m) => m.role),
      ['assistant', 'tool'],
    );

    const weather = tools[0]!;
    assert.deepEqual(weather.payload.input, { city: 'Lisbon' });
    assert.equal(weather.payload.tool, 'weather');
    assert.equal(weather.summary, 'weather({"city":"Lisbon"}) → {"city":"Lisbon","forecast":"sunny","celsius":21}');
    assert.deepEqual(weather.result_payload?.output, { city: 'Lisbon', forecast: 'sunny', celsius: 21 });
    assert.ok(weather.started_at >= first!.finished_at! && weather.finished_at! <= second!.started_at);

    // What `agentspan spans tree` shows of it: titles and summary lines, the steps and the tool under the call.
    const cli = await runAgentspan(['spans', 'tree', tracer.instanceId], {
      PREFACTOR_API_URL: backend.url,
      PREFACTOR_API_TOKEN: backend.accountToken,
    });
    assert.equal(cli.code, 0, cli.stderr);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((line) => line.replace(/\[complete, \d+ ms\]/, '[complete]'));
    assert.deepEqual(lines.slice(-4), [
      '   └─ ✓ AI SDK call [complete] — mock-mini: What is the weather in Lisbon today? → It is sunny in Lisbon, 21 degrees. (121 tokens, 2 steps)',
      '      ├─ ✓ AI SDK model call [complete] — mock-mini: What is the weather in Lisbon today? → weather({"city":"Lisbon"}) (52 tokens)',
      '      ├─ ✓ AI SDK tool call [complete] — weather({"city":"Lisbon"}) → {"city":"Lisbon","forecast":"sunny","celsius":21}',
      '      └─ ✓ AI SDK model call [complete] — mock-mini: What is the weather in Lisbon today? → It is sunny in Lisbon, 21 degrees. (69 tokens)',
    ]);
  });

  it('traces streamText: the span ends when the stream ends, with the streamed text and usage', async () => {
    const tracer = tracerOn(backend);
    const chunks: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'resp-7', modelId: 'mock-mini' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Hello' },
      { type: 'text-delta', id: 't', delta: ', world' },
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: stop, usage: usage(7, 3) },
    ];
    const base = new MockLanguageModelV3({ modelId: 'mock-mini', doStream: async () => ({ stream: simulateReadableStream({ chunks }) }) });
    const result = streamText({ model: wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer) }), prompt: 'Say hello' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    assert.equal(text, 'Hello, world');

    const tree = await storedTree(backend, tracer);
    const step = tree.one('ai:llm');
    assert.equal(step.parent_span_id, tree.one('ai:call').id);
    assert.equal(step.status, 'complete');
    assert.equal(step.payload.streamed, true);
    assert.equal(step.result_payload?.text, 'Hello, world');
    assert.equal(step.result_payload?.response_id, 'resp-7');
    assert.deepEqual(step.result_payload?.usage, { input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    assert.equal(tree.one('ai:call').summary, 'mock-mini: Say hello → Hello, world (10 tokens, 1 steps)');
  });

  it('ends an aborted stream cancelled, with the text that had arrived', async () => {
    const tracer = tracerOn(backend);
    const controller = new AbortController();
    const base = new MockLanguageModelV3({
      modelId: 'mock-mini',
      doStream: async ({ abortSignal }) => ({
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(stream) {
            stream.enqueue({ type: 'text-start', id: 't' });
            stream.enqueue({ type: 'text-delta', id: 't', delta: 'Once upon' });
            abortSignal?.addEventListener('abort', () => stream.error(abortSignal.reason));
          },
        }),
      }),
    });
    const result = streamText({
      model: wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer) }),
      prompt: 'Tell a long story',
      abortSignal: controller.signal,
      onError: () => {},
    });
    let text = '';
    for await (const delta of result.textStream) {
      text += delta;
      controller.abort();
    }
    assert.equal(text, 'Once upon');

    const tree = await storedTree(backend, tracer);
    const step = tree.one('ai:llm');
    assert.equal(step.status, 'cancelled');
    assert.equal(step.result_payload?.text, 'Once upon');
    assert.equal((step.result_payload?.error as { name: string }).name, 'AbortError');
    assert.equal(tree.one('ai:call').status, 'cancelled');
  });

  it('traces generateObject: the parsed object is the output', async () => {
    const tracer = tracerOn(backend);
    const { model: base, seen } = scripted([answer('{"name":"Ada","languages":["en","fr"]}', 20, 8)]);
    const { object } = await generateObject({
      model: wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer) }),
      schema: z.object({ name: z.string(), languages: z.array(z.string()) }),
      prompt: 'Describe Ada',
    });
    assert.deepEqual(object, { name: 'Ada', languages: ['en', 'fr'] });
    assert.equal(seen[0]!.responseFormat?.type, 'json');
    const tree = await storedTree(backend, tracer);
    const step = tree.one('ai:llm');
    assert.equal(step.payload.operation, 'object');
    assert.deepEqual(step.result_payload?.output, { name: 'Ada', languages: ['en', 'fr'] });
    assert.deepEqual(tree.one('ai:call').result_payload?.output, { name: 'Ada', languages: ['en', 'fr'] });
  });

  it('traces streamObject: the span ends with the streamed object when the stream ends', async () => {
    const tracer = tracerOn(backend);
    const chunks: LanguageModelV3StreamPart[] = [
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: '{"city":"Po' },
      { type: 'text-delta', id: 't', delta: 'rto","rain":true}' },
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: stop, usage: usage(12, 6) },
    ];
    const base = new MockLanguageModelV3({ modelId: 'mock-mini', doStream: async () => ({ stream: simulateReadableStream({ chunks }) }) });
    const result = streamObject({
      model: wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer) }),
      schema: z.object({ city: z.string(), rain: z.boolean() }),
      prompt: 'Weather in Porto as JSON',
    });
    for await (const _partial of result.partialObjectStream) {
      // consumed to the end
    }
    assert.deepEqual(await result.object, { city: 'Porto', rain: true });
    const tree = await storedTree(backend, tracer);
    const step = tree.one('ai:llm');
    assert.equal(step.payload.operation, 'object');
    assert.equal(step.payload.streamed, true);
    assert.deepEqual(step.result_payload?.output, { city: 'Porto', rain: true });
    assert.deepEqual(tree.one('ai:call').result_payload?.usage, { input_tokens: 12, output_tokens: 6, total_tokens: 18 });
  });

  it('marks the step and the call failed when the model throws, and rethrows the same error', async () => {
    const tracer = tracerOn(backend);
    const base = new MockLanguageModelV3({
      modelId: 'mock-mini',
      doGenerate: async () => {
        throw new Error('model overloaded');
      },
    });
    const model = wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer) });
    await assert.rejects(generateText({ model, prompt: 'Hi', maxRetries: 0 }), /model overloaded/);
    const tree = await storedTree(backend, tracer);
    for (const span of [tree.one('ai:llm'), tree.one('ai:call')]) {
      assert.equal(span.status, 'failed');
      assert.deepEqual(span.result_payload?.error, { name: 'Error', message: 'model overloaded' });
    }
  });

  it('ends a call that stopped after asking for tools once pendingToolTimeout passes, its tool spans without results', async () => {
    const tracer = tracerOn(backend);
    const { model: base } = scripted([
      {
        content: [{ type: 'tool-call', toolCallId: 'c9', toolName: 'weather', input: '{"city":"Oslo"}' }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: usage(5, 5),
        warnings: [],
      },
    ]);
    const model = wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer, { pendingToolTimeout: 30 }) });
    const out = await generateText({ model, prompt: 'Weather in Oslo?', tools: { weather: weatherTool } });
    assert.equal(out.toolResults.length, 1, 'the one step ran the tool');
    await sleep(80);
    const tree = await storedTree(backend, tracer);
    assert.equal(tree.one('ai:call').status, 'complete');
    assert.equal(tree.one('ai:call').result_payload?.tool_results_seen, false);
    assert.equal(tree.one('ai:tool').status, 'complete');
    assert.equal(tree.one('ai:tool').result_payload, null);
  });

  it("captures by the rules: inputs off, long fields cut with a marker, and the tracer's redact applied", async () => {
    const tracer = tracerOn(backend, {
      redact: (payload) => (typeof payload.text === 'string' ? { ...payload, text: payload.text.replaceAll('secret-42', '[redacted]') } : payload),
    });
    const { model: base } = scripted([answer(`the key is secret-42 ${'x'.repeat(100)}`)]);
    const model = wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer, { capture: { inputs: false, maxFieldLength: 40 } }) });
    await generateText({ model, prompt: 'Tell me the key' });
    const tree = await storedTree(backend, tracer);
    const step = tree.one('ai:llm');
    assert.equal(step.payload.messages, undefined);
    assert.equal(step.payload.prompt_preview, undefined);
    assert.equal(step.payload.model, 'mock-mini');
    assert.equal(step.result_payload?.text, `the key is [redacted] ${'x'.repeat(19)}… [truncated 81 chars]`);
  });

  it('passes calls through untouched with a disabled tracer', async () => {
    const tracer = tracerOn(backend, { enabled: false });
    const { model: base } = scripted([answer('plain answer')]);
    const out = await generateText({ model: wrapLanguageModel({ model: base, middleware: agentspanMiddleware(tracer) }), prompt: 'Hi' });
    assert.equal(out.text, 'plain answer');
    assert.deepEqual(tracer.stats(), { queued: 0, sent: 0, retried: 0, dropped: 0, rejected: 0 });
  });

  it('explains a wrong argument when it is made', () => {
    assert.throws(
      () => agentspanMiddleware(undefined as never),
      (error: Error) => error instanceof IntegrationConfigError && /agentspanMiddleware: pass the tracer made by createTracer/.test(error.message),
    );
    const tracer = tracerOn(backend);
    assert.throws(() => agentspanMiddleware(tracer, { capture: { maxFieldLength: 0 } }), /capture\.maxFieldLength must be a positive integer/);
    assert.throws(
      () => agentspanMiddleware(tracer, { capture: { input: true } as never }),
      /unknown capture option "input"; known: inputs, outputs, maxFieldLength/,
    );
    assert.throws(() => agentspanMiddleware(tracer, { pendingToolTimeout: -1 }), /pendingToolTimeout must be a positive number of milliseconds/);
    assert.equal(tracer.stats().sent, 0, 'nothing was sent');
  });
});
