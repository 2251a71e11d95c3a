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
    doGenerate: async () => ({
      content: [{ type: 'text', text: ANSWER }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: USAGE,
      warnings: [],
    }),
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
  model: model.modelId,
  provider: model.provider,
  operation: 'text',
  streamed: false,
  prompt_preview: `${PROMPT.slice(0, 54)}…`,
  settings: {},
});
const stepPayload = (model) => ({ ...callPayload(model), messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }] });
function stepResult(result) {
  const { inputTokens, outputTokens, totalTokens } = result.usage;
  return {
    answer_preview: result.text.slice(0, 60),
    text: result.text,
    finish_reason: result.finishReason,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: totalTokens },
  };
}

/**
 * The three ways of calling, each with its own model and tracer made once: `chunk` calls of one
 * way, then (for the traced ways) a flush, so that the chunk's CPU holds the delivery of its own
 * spans and nothing of another's.
 */
async function parties(chunk) {
  const { generateText, wrapLanguageModel } = await import('ai');
  const { agentspanMiddleware, AI_SDK_SPAN_TYPES } = await import('@agentspan/integrations/ai');
  const bareModel = await mockModel();
  const handTracer = await tracer();
  // The same tracer setup on both sides: the hand-made spans are declared as the middleware declares them.
  handTracer.declareSpanTypes(AI_SDK_SPAN_TYPES);
  const wrappedTracer = await tracer();
  const wrappedModel = wrapLanguageModel({ model: await mockModel(), middleware: agentspanMiddleware(wrappedTracer) });
  return {
    tracers: [handTracer, wrappedTracer],
    /** generateText on the bare mock model. */
    async bare() {
      for (let i = 0; i < chunk; i += 1) await generateText({ model: bareModel, prompt: PROMPT });
    },
    /** The bare calls, each inside the two spans the middleware makes, written by hand around it with the tracer's startSpan and end. */
    async handTraced() {
      for (let i = 0; i < chunk; i += 1) {
        const call = handTracer.startSpan('ai:call', callPayload(bareModel));
        const step = handTracer.startSpan('ai:llm', stepPayload(bareModel), { parent: call });
        const result = await generateText({ model: bareModel, prompt: PROMPT, abortSignal: handTracer.signal });
        step.end({ result: stepResult(result) });
        call.end({ result: { ...stepResult(result), steps: 1 } });
      }
      await handTracer.flush({ timeoutMs: 60_000 });
    },
    /** The same calls, the model wrapped in agentspanMiddleware. */
    async wrapped() {
      for (let i = 0; i < chunk; i += 1) await generateText({ model: wrappedModel, prompt: PROMPT });
      await wrappedTracer.flush({ timeoutMs: 60_000 });
    },
  };
}

const cpuPerCall = async (run, chunk) => {
  const start = process.cpuUsage();
  await run();
  return cpuMicros(start) / chunk;
};

/**
 * `warmup` and then `chunks` rounds of `chunk` calls of each way, interleaved (the order turned
 * round every other round), so that a drift of the machine's speed falls on all of them alike.
 * Answers each way's CPU per call in every round; every traced span is checked as delivered.
 */
async function interleaved({ chunks, chunk, warmup }) {
  const ways = await parties(chunk);
  const names = ['bare', 'handTraced', 'wrapped'];
  const rounds = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -warmup; round < chunks; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const micros = await cpuPerCall(ways[name], chunk);
      if (round >= 0) rounds[name].push(micros);
    }
  }
  const spans = (warmup + chunks) * chunk * 2;
  for (const t of ways.tracers) checkDelivered(t, (await t.shutdown({ timeoutMs: 60_000 })).delivered, spans);
  return rounds;
}

await serveParent({
  setup: async () => ({ pid: process.pid }),
  handlers: { interleaved },
});
