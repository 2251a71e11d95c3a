import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IntegrationConfigError, wrapOpenAI } from '@agentspan/integrations/openai';
import OpenAI from 'openai';
import { startOpenAIStub, type OpenAIStub } from './support/openai-stub.js';
import { startBackend, storedTree, tracerOn, type Backend } from './support/traced.js';

let backend: Backend;
let stub: OpenAIStub;
before(async () => {
  backend = await startBackend();
  stub = await startOpenAIStub();
});
after(async () => {
  await stub.close();
  await backend.close();
});

const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: stub.baseURL, maxRetries: 0 });

const completion = (content: string | null, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content, refusal: null, ...extra },
      finish_reason: extra.tool_calls ? 'tool_calls' : 'stop',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 14, completion_tokens: 7, total_tokens: 21 },
});

const chunk = (delta: Record<string, unknown>, finish: string | null = null, usage: unknown = undefined) => ({
  id: 'chatcmpl-2',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: usage ? [] : [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  ...(usage ? { usage } : {}),
});

const response = (output: unknown[], usage = { input_tokens: 30, output_tokens: 12, total_tokens: 42 }) => ({
  id: 'resp_1',
  object: 'response',
  created_at: 1,
  model: 'gpt-4o-mini',
  status: 'completed',
  output,
  usage: { ...usage, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 4 } },
});
const message = (text: string) => ({
  type: 'message',
  id: 'msg_1',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text, annotations: [] }],
});

describe('OpenAI client wrapper', () => {
  it("traces chat.completions.create under the current span, keeping the client's promise (withResponse)", async () => {
    const tracer = tracerOn(backend);
    const openai = wrapOpenAI(client(), tracer);
    stub.answer({ json: completion('Hi! How can I help you today?') });
    const { data, response: raw } = await tracer.withSpan('agent:run', {}, () =>
      openai.chat.completions
        .create({
          model: 'gpt-4o-mini',
          temperature: 0.2,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hello there, who are you?' },
          ],
        })
        .withResponse(),
    );
    assert.equal(data.choices[0]!.message.content, 'Hi! How can I help you today?');
    assert.equal(raw.headers.get('x-request-id'), 'req-stub');

    const tree = await storedTree(backend, tracer);
    const chat = tree.one('openai:chat');
    assert.equal(chat.parent_span_id, tree.one('agent:run').id);
    assert.equal(chat.status, 'complete');
    assert.equal(chat.payload.model, 'gpt-4o-mini');
    assert.deepEqual(chat.payload.settings, { temperature: 0.2 });
    assert.equal((chat.payload.messages as unknown[]).length, 2);
    assert.deepEqual(chat.result_payload?.usage, { input_tokens: 14, output_tokens: 7, total_tokens: 21 });
    assert.equal(chat.result_payload?.response_id, 'chatcmpl-1');
    assert.equal(chat.summary, 'gpt-4o-mini: Hello there, who are you? → Hi! How can I help you today? (21 tokens)');
  });

  it('traces a streamed chat completion: text and tool call arguments joined from the chunks, usage from the last one', async () => {
    const tracer = tracerOn(backend);
    const openai = wrapOpenAI(client(), tracer);
    stub.answer({
      sse: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Let me ' }),
        chunk({ content: 'check.' }),
        chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"q":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"weather"}' } }] }),
        chunk({}, 'tool_calls'),
        chunk({}, null, { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 }),
      ],
    });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [{ type: 'function', function: { name: 'search', parameters: { type: 'object' } } }],
    });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    assert.equal(text, 'Let me check.');

    const tree = await storedTree(backend, tracer);
    const chat = tree.one('openai:chat');
    assert.equal(chat.status, 'complete');
    assert.equal(chat.payload.streamed, true);
    assert.deepEqual(chat.payload.tools, ['search']);
    assert.equal(chat.result_payload?.text, 'Let me check.');
    assert.deepEqual(chat.result_payload?.tool_calls, [{ id: 'call_1', tool: 'search', input: { q: 'weather' } }]);
    assert.equal(chat.result_payload?.finish_reason, 'tool_calls');
    assert.deepEqual(chat.result_payload?.usage, { input_tokens: 20, output_tokens: 9, total_tokens: 29 });
  });

  it('traces responses.create, streamed and not: output text, function calls, usage', async () => {
    const tracer = tracerOn(backend);
    const openai = wrapOpenAI(client(), tracer);
    stub.answer({ json: response([message('Paris is the capital of France.')]) });
    const plain = await openai.responses.create({
      model: 'gpt-4o-mini',
      instructions: 'Answer in one line.',
      input: 'What is the capital of France?',
    });
    assert.equal(plain.output_text, 'Paris is the capital of France.');

    const done = response(
      [{ type: 'function_call', id: 'fc_1', call_id: 'call_9', name: 'lookup', arguments: '{"city":"Paris"}', status: 'completed' }],
      { input_tokens: 8, output_tokens: 3, total_tokens: 11 },
    );
    stub.answer({
      sse: [
        { type: 'response.created', sequence_number: 0, response: { ...done, status: 'in_progress', output: [] } },
        {
          type: 'response.output_text.delta',
          sequence_number: 1,
          item_id: 'x',
          output_index: 0,
          content_index: 0,
          delta: 'Looking up',
          logprobs: [],
        },
        { type: 'response.completed', sequence_number: 2, response: done },
      ],
    });
    const events = await openai.responses.create({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'Population of Paris?' }], stream: true });
    const types: string[] = [];
    for await (const event of events) types.push(event.type);
    assert.deepEqual(types, ['response.created', 'response.output_text.delta', 'response.completed']);

    const tree = await storedTree(backend, tracer);
    const [first, second] = tree.named('openai:response');
    assert.equal(first!.payload.instructions, 'Answer in one line.');
    assert.equal(first!.summary, 'gpt-4o-mini: What is the capital of France? → Paris is the capital of France. (42 tokens)');
    assert.deepEqual(first!.result_payload?.usage, {
      input_tokens: 30,
      output_tokens: 12,
      total_tokens: 42,
      reasoning_tokens: 4,
      cached_input_tokens: 0,
    });
    assert.equal(second!.payload.streamed, true);
    assert.equal(second!.payload.prompt_preview, 'Population of Paris?');
    assert.deepEqual(second!.result_payload?.tool_calls, [{ id: 'call_9', tool: 'lookup', input: { city: 'Paris' } }]);
    assert.equal(second!.result_payload?.finish_reason, 'completed');
    assert.equal(second!.summary, 'gpt-4o-mini: Population of Paris? → lookup({"city":"Paris"}) (11 tokens)');
  });

  it("marks the span failed when the API answers an error, and rethrows the client's own error", async () => {
    const tracer = tracerOn(backend);
    const openai = wrapOpenAI(client(), tracer);
    stub.answer({
      status: 400,
      json: { error: { message: 'model_not_found: no such model', type: 'invalid_request_error', code: 'model_not_found' } },
    });
    await assert.rejects(
      openai.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'Hi' }] }),
      (error: unknown) => error instanceof OpenAI.BadRequestError,
    );
    const tree = await storedTree(backend, tracer);
    const chat = tree.one('openai:chat');
    assert.equal(chat.status, 'failed');
    assert.equal((chat.result_payload?.error as { name: string }).name, 'BadRequestError');
    assert.match((chat.result_payload?.error as { message: string }).message, /model_not_found: no such model/);
  });

  it('ends an aborted stream cancelled, with the text that had arrived', async () => {
    const tracer = tracerOn(backend);
    const openai = wrapOpenAI(client(), tracer);
    stub.answer({ sseThenHold: [chunk({ role: 'assistant', content: 'Once upon a time' })] });
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'A long story' }] },
      { signal: controller.signal },
    );
    let text = '';
    // The client ends an aborted stream without an error.
    for await (const part of stream) {
      text += part.choices[0]?.delta.content ?? '';
      controller.abort();
    }
    assert.equal(text, 'Once upon a time');
    const tree = await storedTree(backend, tracer);
    const chat = tree.one('openai:chat');
    assert.equal(chat.status, 'cancelled');
    assert.equal(chat.result_payload?.text, 'Once upon a time');
  });

  it("passes the tracer's signal as the request's signal, so that a terminate aborts a call in flight", async () => {
    const tracer = tracerOn(backend, { pollInterval: 10 });
    const openai = wrapOpenAI(client(), tracer);
    stub.answer({ hold: true });
    await tracer.withSpan('agent:run', {}, async () => {
      await tracer.flush();
      const call = openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Think forever' }] });
      await backend.reader.agentInstances.terminate(tracer.instanceId, { reason: 'operator stop' });
      await assert.rejects(call, (error: Error) => error instanceof OpenAI.APIUserAbortError);
    });
    const tree = await storedTree(backend, tracer);
    assert.equal(tree.one('openai:chat').status, 'cancelled');
  });

  it('keeps everything else of the client, and explains wrong arguments', async () => {
    const tracer = tracerOn(backend);
    const raw = client();
    const openai = wrapOpenAI(raw, tracer, { capture: { outputs: false } });
    assert.equal(openai.baseURL, raw.baseURL);
    assert.equal(openai.models, raw.models);
    assert.notEqual(raw.chat.completions.create, openai.chat.completions.create, 'the client passed in is not changed');
    stub.answer({ json: completion('secret answer') });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    const tree = await storedTree(backend, tracer);
    assert.equal(tree.one('openai:chat').result_payload?.text, undefined);
    assert.equal(tree.one('openai:chat').result_payload?.usage !== undefined, true);

    assert.throws(
      () => wrapOpenAI({} as never, tracer),
      (error: Error) => error instanceof IntegrationConfigError && /wrapOpenAI: pass an OpenAI client/.test(error.message),
    );
    assert.throws(() => wrapOpenAI(raw, undefined as never), /wrapOpenAI: pass the tracer made by createTracer/);
  });
});
