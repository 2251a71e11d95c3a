import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentspanCallbackHandler, agentspanMiddleware, IntegrationConfigError } from '@agentspan/integrations/langchain';
import { AgentTerminatedError } from '@agentspan/tracer';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda } from '@langchain/core/runnables';
import { fakeModel } from '@langchain/core/testing';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { AIMessage, createAgent, FakeToolCallingModel, tool } from 'langchain';
import { z } from 'zod';
import { startBackend, storedTree, tracerOn, type Backend } from './support/traced.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

const search = tool(
  async ({ query }) => {
    if (query === 'boom') throw new Error('search backend is down');
    return `3 results for ${query}`;
  },
  { name: 'search', description: 'Search the web', schema: z.object({ query: z.string() }) },
);

describe('LangChain createAgent middleware', () => {
  it('nests every model and tool call of one invoke under one langchain:agent span', async () => {
    const tracer = tracerOn(backend);
    const model = new FakeToolCallingModel({ toolCalls: [[{ name: 'search', args: { query: 'cats' }, id: 'call-1' }], []] });
    const agent = createAgent({ model, tools: [search], middleware: [agentspanMiddleware(tracer, { agentName: 'researcher' })] });
    const out = await tracer.withSpan('agent:run', {}, () => agent.invoke({ messages: [{ role: 'user', content: 'Find facts about cats' }] }));
    assert.equal(out.messages.length, 4);

    const tree = await storedTree(backend, tracer);
    const run = tree.one('langchain:agent');
    assert.equal(run.parent_span_id, tree.one('agent:run').id);
    assert.deepEqual(
      tree.childrenOf(run).map((s) => s.schema_name),
      ['langchain:llm', 'langchain:tool', 'langchain:llm'],
    );
    assert.ok(tree.spans.every((s) => s.status === 'complete'));
    assert.equal(run.payload.agent, 'researcher');
    assert.equal(run.result_payload?.model_calls, 2);
    assert.equal(run.result_payload?.tool_calls, 1);

    const [first, second] = tree.named('langchain:llm');
    assert.equal(first!.payload.model, 'fake-tool-calling');
    assert.deepEqual(first!.payload.messages, [{ role: 'user', content: 'Find facts about cats' }]);
    assert.deepEqual(first!.result_payload?.tool_calls, [{ id: 'call-1', tool: 'search', input: { query: 'cats' } }]);
    assert.deepEqual(
      (second!.payload.messages as { role: string }[]).map((m) => m.role),
      ['user', 'assistant', 'tool'],
    );

    const call = tree.one('langchain:tool');
    assert.deepEqual(call.payload.input, { query: 'cats' });
    assert.equal(call.payload.tool_call_id, 'call-1');
    assert.equal(call.result_payload?.output, '3 results for cats');
    assert.equal(call.summary, 'search({"query":"cats"}) → 3 results for cats');
  });

  it('records token usage per model call and summed on the agent span, with the summary line', async () => {
    const tracer = tracerOn(backend);
    const model = fakeModel()
      .respond(
        new AIMessage({
          content: '',
          tool_calls: [{ name: 'search', args: { query: 'otters' }, id: 't1' }],
          usage_metadata: { input_tokens: 30, output_tokens: 8, total_tokens: 38 },
        }),
      )
      .respond(
        new AIMessage({ content: 'Otters hold hands while sleeping.', usage_metadata: { input_tokens: 50, output_tokens: 9, total_tokens: 59 } }),
      );
    const agent = createAgent({ model, tools: [search], middleware: [agentspanMiddleware(tracer)] });
    let chunks = 0;
    for await (const _chunk of await agent.stream({ messages: [{ role: 'user', content: 'Tell me about otters' }] })) chunks++;
    assert.ok(chunks > 0);

    const tree = await storedTree(backend, tracer);
    const run = tree.one('langchain:agent');
    assert.deepEqual(run.result_payload?.usage, { input_tokens: 80, output_tokens: 17, total_tokens: 97 });
    assert.equal(run.summary, 'agent: Tell me about otters → Otters hold hands while sleeping. (97 tokens)');
    const last = tree.named('langchain:llm')[1]!;
    assert.equal(last.summary, `${String(last.payload.model)}: Tell me about otters → Otters hold hands while sleeping. (59 tokens)`);
  });

  it('gives concurrent invokes of one agent a span each, with their own model calls beneath', async () => {
    const tracer = tracerOn(backend);
    const model = fakeModel().respond(new AIMessage('first answer')).respond(new AIMessage('second answer'));
    const agent = createAgent({ model, tools: [], middleware: [agentspanMiddleware(tracer)] });
    await Promise.all(['Question one', 'Question two'].map((content) => agent.invoke({ messages: [{ role: 'user', content }] })));
    const tree = await storedTree(backend, tracer);
    const runs = tree.named('langchain:agent');
    assert.equal(runs.length, 2);
    for (const run of runs) {
      const [llm, ...others] = tree.childrenOf(run);
      assert.equal(others.length, 0);
      assert.equal(llm!.payload.prompt_preview, run.payload.prompt_preview);
    }
  });

  it('marks the tool span failed when a tool throws, and the agent goes on as it would untraced: the model sees the error', async () => {
    const tracer = tracerOn(backend);
    const run = (middleware: ReturnType<typeof agentspanMiddleware>[]) => {
      const model = new FakeToolCallingModel({ toolCalls: [[{ name: 'search', args: { query: 'boom' }, id: 'call-9' }], []] });
      return createAgent({ model, tools: [search], middleware }).invoke({ messages: [{ role: 'user', content: 'Search boom' }] });
    };
    const untraced = await run([]);
    const traced = await run([agentspanMiddleware(tracer)]);
    const contents = (out: typeof traced) => out.messages.map((m) => [m.getType(), m.content, (m as { status?: string }).status]);
    assert.deepEqual(contents(traced), contents(untraced));
    assert.match(String(traced.messages[2]!.content), /search backend is down/);

    const tree = await storedTree(backend, tracer);
    const call = tree.one('langchain:tool');
    assert.equal(call.status, 'failed');
    assert.match((call.result_payload?.error as { message: string }).message, /search backend is down/);
    assert.equal(tree.one('langchain:agent').status, 'complete');
  });

  it('marks the model span failed when the model throws', async () => {
    const tracer = tracerOn(backend);
    const agent = createAgent({ model: fakeModel().respond(new Error('rate limited')), tools: [], middleware: [agentspanMiddleware(tracer)] });
    await assert.rejects(agent.invoke({ messages: [{ role: 'user', content: 'Hi' }] }), /rate limited/);
    const tree = await storedTree(backend, tracer);
    assert.equal(tree.one('langchain:llm').status, 'failed');
    assert.equal(tree.one('langchain:agent').status, 'failed');
  });

  it('stops the agent at the call in flight when the instance is terminated', async () => {
    const tracer = tracerOn(backend, { pollInterval: 10 });
    let release = () => {};
    const slow = tool(() => new Promise<string>((resolve) => (release = () => resolve('late'))), {
      name: 'slow',
      description: 'Takes its time',
      schema: z.object({}),
    });
    const model = new FakeToolCallingModel({ toolCalls: [[{ name: 'slow', args: {}, id: 's1' }], []] });
    const agent = createAgent({ model, tools: [slow], middleware: [agentspanMiddleware(tracer)] });
    await tracer.withSpan('agent:run', {}, async () => {
      const run = agent.invoke({ messages: [{ role: 'user', content: 'Work slowly' }] });
      await tracer.flush();
      await backend.reader.agentInstances.terminate(tracer.instanceId, { reason: 'operator stop' });
      // createAgent wraps what a middleware throws in its MiddlewareError, the tracer's error as its cause.
      await assert.rejects(run, (error: Error) => error.cause instanceof AgentTerminatedError && error.cause.reason === 'operator stop');
    });
    release();
    const tree = await storedTree(backend, tracer);
    assert.equal(tree.one('langchain:tool').status, 'cancelled');
    assert.equal(tree.one('langchain:agent').status, 'cancelled');
  });

  it('explains wrong arguments', () => {
    assert.throws(
      () => agentspanMiddleware(undefined as never),
      (error: Error) => error instanceof IntegrationConfigError && /pass the tracer made by createTracer/.test(error.message),
    );
    assert.throws(() => agentspanMiddleware(tracerOn(backend), { agentName: '' }), /agentName must be a non-empty string/);
    assert.throws(
      () => new AgentspanCallbackHandler(tracerOn(backend), { capture: { outputs: 'no' as never } }),
      /capture\.outputs must be true or false/,
    );
  });
});

describe('LangChain callback handler', () => {
  it("traces a chain as one langchain:chain span with its model call beneath it; the chain's steps add none", async () => {
    const tracer = tracerOn(backend);
    const chain = ChatPromptTemplate.fromMessages([
      ['system', 'You are terse.'],
      ['human', '{question}'],
    ])
      .pipe(new FakeListChatModel({ responses: ['Blue, because of Rayleigh scattering.'] }))
      .pipe(new StringOutputParser());
    const answer = await tracer.withSpan('agent:run', {}, () =>
      chain.invoke({ question: 'Why is the sky blue?' }, { callbacks: [new AgentspanCallbackHandler(tracer)] }),
    );
    assert.equal(answer, 'Blue, because of Rayleigh scattering.');

    const tree = await storedTree(backend, tracer);
    const run = tree.one('langchain:chain');
    assert.equal(run.parent_span_id, tree.one('agent:run').id);
    assert.equal(run.payload.input_preview, 'Why is the sky blue?');
    assert.equal(run.result_payload?.output_preview, 'Blue, because of Rayleigh scattering.');
    const llm = tree.one('langchain:llm');
    assert.equal(llm.parent_span_id, run.id);
    assert.equal(llm.payload.model, 'FakeListChatModel');
    assert.deepEqual(llm.payload.messages, [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Why is the sky blue?' },
    ]);
    assert.equal(llm.result_payload?.text, 'Blue, because of Rayleigh scattering.');
    assert.equal(tree.spans.length, 3);
  });

  it('marks a failing chain failed, and traces a tool invoked on its own', async () => {
    const tracer = tracerOn(backend);
    const handler = new AgentspanCallbackHandler(tracer);
    const failing = RunnableLambda.from(async (_input: { n: number }) => {
      throw new Error('step 2 failed');
    });
    await assert.rejects(failing.invoke({ n: 1 }, { callbacks: [handler] }), /step 2 failed/);
    assert.equal(await search.invoke({ query: 'dogs' }, { callbacks: [handler] }), '3 results for dogs');
    const tree = await storedTree(backend, tracer);
    const chain = tree.one('langchain:chain');
    assert.equal(chain.status, 'failed');
    assert.equal((chain.result_payload?.error as { message: string }).message, 'step 2 failed');
    const call = tree.one('langchain:tool');
    assert.equal(call.parent_span_id, null);
    assert.equal(call.payload.tool, 'search');
    assert.deepEqual(call.payload.input, { query: 'dogs' });
    assert.equal(call.result_payload?.output, '3 results for dogs');
  });
});
