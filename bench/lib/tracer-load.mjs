// Child process: an agent process tracing with @agentspan/tracer (from packages/tracer/dist) or
// the official @prefactor/core tracer, against the server under test. Answers the agent
// process's own CPU time per withSpan, end-to-end spans/s, and its memory while the backend is down.
import process from 'node:process';
import { serveParent } from './child-process.mjs';
import { spanParams } from './span-body.mjs';

const { url, token } = JSON.parse(process.argv[2] ?? '{}');
const AGENT = { name: 'bench agent', version: 'bench-agent-v1' };
const PAYLOAD = spanParams('unused').payload;
const noop = async () => {};

const cpuMicros = (since) => {
  const { user, system } = process.cpuUsage(since);
  return user + system;
};

/** Register, start, finish and a create per span at least (a finish travels in its create when they wait together). */
function checkDelivered(tracer, delivered, spans) {
  const { sent, rejected, dropped } = tracer.stats();
  if (!delivered || rejected + dropped > 0 || sent < spans + 3) {
    throw new Error(`tracer did not deliver every span: ${JSON.stringify(tracer.stats())}`);
  }
}

/** Everything the process spends on `spans` withSpan calls around a no-op, delivery included. */
const TRACE_RUNS = {
  async agentspan(spans) {
    const { createTracer } = await import('@agentspan/tracer');
    const tracer = createTracer({ apiUrl: url, apiToken: token, agent: AGENT, exitHooks: false });
    for (let i = 0; i < spans; i += 1) await tracer.withSpan('llm', PAYLOAD, noop);
    const report = await tracer.shutdown({ timeoutMs: 60_000 });
    checkDelivered(tracer, report.delivered, spans);
  },
  async official(spans) {
    const { createConfig, createCore, SpanType, withSpan } = await import('@prefactor/core');
    const core = createCore(
      createConfig({
        transportType: 'http',
        httpConfig: { apiUrl: url, apiToken: token, agentIdentifier: AGENT.version, agentName: AGENT.name },
      }),
    );
    core.agentManager.registerSchema({ external_identifier: 'bench-official-schema' });
    core.agentManager.startInstance();
    const options = { name: 'llm', spanType: SpanType.LLM, inputs: PAYLOAD };
    for (let i = 0; i < spans; i += 1) await withSpan(core.tracer, options, noop);
    core.agentManager.finishInstance();
    await core.shutdown();
  },
};

async function overhead({ driver, spans }) {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await TRACE_RUNS[driver](spans);
  const micros = cpuMicros(cpuStart);
  return { perSecond: spans / (micros / 1e6), cpuMicrosPerSpan: micros / spans, wallMs: performance.now() - wallStart, spans };
}

/** Spans stored per second by one tracer whose agent does nothing but make spans. */
async function tracerThroughput({ spans }) {
  const { createTracer } = await import('@agentspan/tracer');
  const tracer = createTracer({ apiUrl: url, apiToken: token, agent: AGENT, exitHooks: false, maxQueueSize: spans + 10 });
  const started = performance.now();
  for (let i = 0; i < spans; i += 1) await tracer.withSpan('llm', PAYLOAD, noop);
  await tracer.flush();
  const elapsed = performance.now() - started;
  checkDelivered(tracer, (await tracer.shutdown()).delivered, spans);
  return { perSecond: spans / (elapsed / 1000), spans, wallMs: elapsed };
}

/** The same spans through the bulk endpoint directly: 100 finished span creates per request, `inFlight` requests at a time. */
async function bulkThroughput({ spans, inFlight = 1 }) {
  const { PrefactorHttpClient } = await import('@agentspan/client');
  const client = new PrefactorHttpClient({ apiUrl: url, apiToken: token, maxRetries: 0 });
  const instance = await client.agentInstances.register({
    agent_version: { name: AGENT.name, external_identifier: AGENT.version },
    agent_schema_version: { external_identifier: 'bench-bulk' },
  });
  await client.agentInstances.start(instance.id);
  const run = `${process.pid}-${Date.now().toString(36)}`;
  let next = 0;
  const loop = async () => {
    for (let done = next; done < spans; done = next) {
      next += 100;
      await client.bulk.execute({ items: finishedCreates(instance.id, `${run}-${done}`) });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  const elapsed = performance.now() - started;
  await client.close();
  return { perSecond: spans / (elapsed / 1000), spans, wallMs: elapsed };
}

function finishedCreates(instanceId, prefix) {
  const at = new Date().toISOString();
  return Array.from({ length: 100 }, (_, i) => ({
    _type: 'agent_spans/create',
    idempotency_key: `bulk-${prefix}-${i}`,
    id: `bulk-${prefix}-${i}`,
    agent_instance_id: instanceId,
    schema_name: 'llm',
    status: 'complete',
    payload: PAYLOAD,
    started_at: at,
    finished_at: at,
  }));
}

/** RSS while the backend is unreachable, at each checkpoint of spans made (default queue). */
async function outage({ spans, checkpoints }) {
  const { createTracer } = await import('@agentspan/tracer');
  const tracer = createTracer({ apiUrl: 'http://127.0.0.1:9', apiToken: token, agent: AGENT, exitHooks: false, logger: { warn() {} } });
  const rssMiB = {};
  const heapMiB = {};
  const sample = (at) => {
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    rssMiB[at] = Math.round((rss / 2 ** 20) * 10) / 10;
    heapMiB[at] = Math.round((heapUsed / 2 ** 20) * 10) / 10;
  };
  for (let i = 0; i < spans; i += 1) {
    if (checkpoints.includes(i)) sample(i);
    // An agent does I/O between spans: give the sender's failing requests and retries their turns.
    if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    await tracer.withSpan('llm', PAYLOAD, noop);
  }
  sample(spans);
  const stats = tracer.stats();
  await tracer.shutdown({ timeoutMs: 1 });
  return { rssMiB, heapMiB, stats };
}

await serveParent({
  setup: async () => ({ pid: process.pid }),
  handlers: { overhead, tracerThroughput, bulkThroughput, outage },
});
