// Child process: an agent process calling the Vercel AI SDK's generateText on a mock model,
// bare, wrapped in @agentspan/integrations' middleware, or inside the spans the middleware makes
// written by hand. Answers the agent process's CPU time per call, delivery included.
import process from 'node:process';
import { serveParent } from './child-process.mjs';

const { url, token } = JSON.parse(process.argv[2] ?? '{}');
const AGENT = { name: 'bench agent', version: 'bench-integration-v1' };
const PROMPT = 'Summarise the support ticket below in one sentence and suggest the next step for the agent.';
const ANSWER = 'The customer cannot log in after the password reset; send a new reset link and check the account lock.';
const USAGE = {
  inputTokens: { total: 42, noCache: 42, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 23, text: 23, reasoning: undefined },
};

const cpuMicros = (since) => {
  const { user, system } = process.cpuUsage(since);
  return user + system;
};

async function mockModel() {
  const { MockLanguageModelV3 } = await import('ai/test');
  return new MockLanguageModelV3({
    modelId: 'mock-mini',
    doGenerate: async () => ({ content: [{ type: 'text', text: ANSWER }], finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, warnings: [] }),
  });
}

async function tracer() {
  const { createTracer } = await import('@agentspan/tracer');
  return createTracer({ apiUrl: url, apiToken: token, agent: AGENT, exitHooks: false, maxQueueSize: 100_000 });
}

function checkDelivered(tracer, delivered, spans) {
  const { sent, rejected, dropped } = tracer.stats();
  if (!delivered || rejected + dropped > 0 || sent < spans + 3) {
    throw new Error(`tracer did not deliver every span: ${JSON.stringify(tracer.stats())}`);
  }
}

// The two spans one single-step call makes, ai:call and ai:llm beneath it, with the fields the
// middleware records, built for each call as code tracing by hand builds them.
const callPayload = (model) => ({
  model: model.modelId, provider: model.provider, operation: 'text', streamed: false, prompt_preview: `${PROMPT.slice(0, 54)}…`, settings: {},
});
const stepPayload = (model) => ({ ...callPayload(model), messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }] });
function stepResult(result) {
  const { inputTokens, outputTokens, totalTokens } = result.usage;
  return {
    answer_preview: result.text.slice(0, 60), text: result.text, finish_reason: result.finishReason,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: totalTokens },
  };
}

const RUNS = {
  /** generateText on the bare mock model. */
  async bare(calls) {
    const { generateText } = await import('ai');
    const model = await mockModel();
    for (let i = 0; i < calls; i += 1) await generateText({ model, prompt: PROMPT });
  },
  /** The same calls, the model wrapped in agentspanMiddleware; the tracer's creation to its shutdown. */
  async wrapped(calls) {
    const { generateText, wrapLanguageModel } = await import('ai');
    const { agentspanMiddleware } = await import('@agentspan/integrations/ai');
    const t = await tracer();
    const model = wrapLanguageModel({ model: await mockModel(), middleware: agentspanMiddleware(t) });
    for (let i = 0; i < calls; i += 1) await generateText({ model, prompt: PROMPT });
    checkDelivered(t, (await t.shutdown({ timeoutMs: 60_000 })).delivered, calls * 2);
  },
  /** The bare calls, each inside the two spans the middleware makes, written by hand around it with the tracer's startSpan and end. */
  async handTraced(calls) {
    const { generateText } = await import('ai');
    const model = await mockModel();
    const t = await tracer();
    for (let i = 0; i < calls; i += 1) {
      const call = t.startSpan('ai:call', callPayload(model));
      const step = t.startSpan('ai:llm', stepPayload(model), { parent: call });
      const result = await generateText({ model, prompt: PROMPT, abortSignal: t.signal });
      step.end({ result: stepResult(result) });
      call.end({ result: { ...stepResult(result), steps: 1 } });
    }
    checkDelivered(t, (await t.shutdown({ timeoutMs: 60_000 })).delivered, calls * 2);
  },
};

async function overhead({ driver, calls }) {
  const cpuStart = process.cpuUsage();
  await RUNS[driver](calls);
  const micros = cpuMicros(cpuStart);
  return { perSecond: calls / (micros / 1e6), cpuMicrosPerCall: micros / calls, calls };
}

await serveParent({
  setup: async () => ({ pid: process.pid }),
  handlers: { overhead },
});
