import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agentspanMiddleware as aiMiddleware, AGENT_RUN_DATA_RISK, AI_SDK_SPAN_TYPES, MODEL_CALL_DATA_RISK } from '@agentspan/integrations/ai';
import { AgentspanCallbackHandler, agentspanMiddleware as langchainMiddleware, LANGCHAIN_SPAN_TYPES } from '@agentspan/integrations/langchain';
import { IntegrationConfigError, OPENAI_SPAN_TYPES, wrapOpenAI } from '@agentspan/integrations/openai';
import type { Tracer } from '@agentspan/tracer';
import OpenAI from 'openai';
import { registeredSpanTypes } from '../../tracer/test/support/backend.js';
import { startBackend, tracerOn, type Backend } from './support/traced.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

const openai = () => new OpenAI({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });

/** The span types' declarations as the server stored them, once a span made the tracer register. */
async function declared(tracer: Tracer, spanName: string): Promise<Record<string, unknown>> {
  await tracer.withSpan(spanName, {}, () => {});
  await tracer.shutdown();
  assert.equal(tracer.stats().rejected, 0);
  const types = await registeredSpanTypes(backend, tracer.instanceId);
  // `*` is the tracer's own catch-all type, declared when it was given none.
  return Object.fromEntries(types.filter((type) => type.name !== '*').map((type) => [type.name, type.data_risk]));
}

const PAYMENTS_TOOL = {
  action_profile: { financial_transactions: 'allowed', external_communication: 'allowed' },
  params_data_categories: { classification: 'restricted', financial_information: 'included' },
} as const;

describe('default data risk declarations', () => {
  it('the AI SDK middleware declares model calls and the call run, and leaves tool calls undeclared', async () => {
    const tracer = tracerOn(backend);
    aiMiddleware(tracer);
    assert.deepEqual(await declared(tracer, 'ai:llm'), { 'ai:call': AGENT_RUN_DATA_RISK, 'ai:llm': MODEL_CALL_DATA_RISK, 'ai:tool': undefined });
  });

  it('the OpenAI wrapper declares both endpoints as model calls', async () => {
    const tracer = tracerOn(backend);
    wrapOpenAI(openai(), tracer);
    assert.deepEqual(await declared(tracer, 'openai:chat'), { 'openai:chat': MODEL_CALL_DATA_RISK, 'openai:response': MODEL_CALL_DATA_RISK });
  });

  it('the LangChain middleware declares the agent run and model calls; chains and tools stay undeclared', async () => {
    const tracer = tracerOn(backend);
    langchainMiddleware(tracer);
    assert.deepEqual(await declared(tracer, 'langchain:agent'), {
      'langchain:agent': AGENT_RUN_DATA_RISK,
      'langchain:chain': undefined,
      'langchain:llm': MODEL_CALL_DATA_RISK,
      'langchain:tool': undefined,
    });
  });

  it('the exported span types carry the same defaults', () => {
    assert.deepEqual(AI_SDK_SPAN_TYPES.find((type) => type.name === 'ai:llm')?.dataRisk, MODEL_CALL_DATA_RISK);
    assert.ok(OPENAI_SPAN_TYPES.every((type) => type.dataRisk === MODEL_CALL_DATA_RISK));
    assert.equal(LANGCHAIN_SPAN_TYPES.find((type) => type.name === 'langchain:tool')?.dataRisk, undefined);
  });
});

describe('overriding a default declaration per span type', () => {
  it('sends the declaration given for a type in place of its default, and none for a type given null', async () => {
    const tracer = tracerOn(backend);
    aiMiddleware(tracer, { dataRisk: { 'ai:tool': PAYMENTS_TOOL, 'ai:call': null } });
    assert.deepEqual(await declared(tracer, 'ai:tool'), { 'ai:call': undefined, 'ai:llm': MODEL_CALL_DATA_RISK, 'ai:tool': PAYMENTS_TOOL });
  });

  it('works the same on the OpenAI wrapper and the LangChain callback handler', async () => {
    const local = { action_profile: { external_communication: 'disallowed', read_data: 'allowed' } } as const;
    const wrapped = tracerOn(backend);
    wrapOpenAI(openai(), wrapped, { dataRisk: { 'openai:chat': local } });
    assert.deepEqual(await declared(wrapped, 'openai:chat'), { 'openai:chat': local, 'openai:response': MODEL_CALL_DATA_RISK });

    const handled = tracerOn(backend);
    new AgentspanCallbackHandler(handled, { dataRisk: { 'langchain:tool': PAYMENTS_TOOL } });
    assert.deepEqual((await declared(handled, 'langchain:tool'))['langchain:tool'], PAYMENTS_TOOL);
  });

  const wrong: Array<[unknown, RegExp]> = [
    [[], /^wrapOpenAI: dataRisk must be an object of declarations by span type name/],
    [
      { 'openai:embedding': {} },
      /^wrapOpenAI: dataRisk names "openai:embedding", which is not a span type of this integration; its span types: openai:chat, openai:response$/,
    ],
    [
      { 'openai:chat': { action_profile: { wire_money: 'allowed' } } },
      /^wrapOpenAI: dataRisk\["openai:chat"\]\.action_profile\.wire_money is not a known field; the fields here are: create_data/,
    ],
    [
      { 'openai:chat': { params_data_categories: { classification: 'top' } } },
      /^wrapOpenAI: dataRisk\["openai:chat"\]\.params_data_categories\.classification must be one of: unknown, public/,
    ],
    [{ 'openai:chat': 'high' }, /^wrapOpenAI: dataRisk\["openai:chat"\] must be an object/],
  ];
  for (const [dataRisk, message] of wrong) {
    it(`refuses ${JSON.stringify(dataRisk)} when the integration is made`, () => {
      assert.throws(
        () => wrapOpenAI(openai(), tracerOn(backend), { dataRisk: dataRisk as never }),
        (error: Error) => error instanceof IntegrationConfigError && message.test(error.message),
      );
    });
  }
});
