import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { createTracer } from '@agentspan/tracer';
import { assertStoredOnce, agentRun } from './support/agent-run.js';
import { recordingLogger, startBackend, storedInstance, storedSpans, TEST_OPTIONS, type Backend } from './support/backend.js';
import { startProxy, type ProxyMode } from './support/proxy.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

describe('delivery', () => {
  it("drops an item the server refuses, logs it once with the server's message, and delivers the items after it", async () => {
    const { warnings, logger } = recordingLogger();
    const tracer = createTracer({
      ...TEST_OPTIONS,
      apiUrl: backend.url,
      apiToken: backend.token,
      logger,
      flushInterval: 60_000,
      spanTypes: [{ name: 'agent:llm', params_schema: { type: 'object', required: ['model'] } }],
    });
    const good = tracer.startSpan('agent:llm', { model: 'a' });
    const bad = tracer.startSpan('agent:llm', { prompt: 'no model' });
    const later = tracer.startSpan('agent:llm', { model: 'c' });
    const child = tracer.startSpan('agent:llm', { model: 'd' }, { parent: later });
    for (const span of [good, bad, later, child]) span.end();
    tracer.startSpan('agent:llm', { also: 'no model' }).end();
    await tracer.flush();
    // The three items after the refused one went again in the next request.
    assert.deepEqual(tracer.stats(), { queued: 0, sent: 5, retried: 3, dropped: 0, rejected: 2 });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /refused agent_spans\/create \(validation_error\): .*model/);
    const stored = new Set((await storedSpans(backend.reader, tracer.instanceId)).map((s) => s.id));
    assert.deepEqual(stored, new Set([good.id, later.id, child.id]));
    await tracer.shutdown();
  });

  const flaky: Array<[string, (n: number) => ProxyMode, ProxyMode]> = [
    ['drops every other answer after the server stored the request', (n) => (n % 2 === 0 ? 'lose-answer' : 'forward'), 'lose-answer'],
    ['answers 503 to its first requests', (n) => (n < 6 ? '503' : 'forward'), '503'],
  ];
  for (const [what, modeFor, fault] of flaky) {
    it(`stores every span exactly once through a proxy that ${what}`, async () => {
      const proxy = await startProxy(backend.url, modeFor);
      const tracer = createTracer({ ...TEST_OPTIONS, apiUrl: proxy.url, apiToken: backend.token, batchSize: 10 });
      try {
        const spans = await agentRun(tracer, 15);
        const report = await tracer.shutdown();
        assert.deepEqual(report, { delivered: true, unsent: 0 });
        assert.ok(proxy.counts[fault] > 0);
        const stats = tracer.stats();
        assert.ok(stats.retried > 0, 'items were sent again');
        assert.equal(stats.rejected + stats.dropped, 0);
        await assertStoredOnce(backend.reader, tracer, spans);
      } finally {
        await proxy.close();
      }
    });
  }

  it('holds at most maxQueueSize items while the backend is down, counts exactly the overflow, then delivers them', async () => {
    let down = true;
    const proxy = await startProxy(backend.url, () => (down ? 'down' : 'forward'));
    const { warnings, logger } = recordingLogger();
    const maxQueueSize = 100;
    const tracer = createTracer({ ...TEST_OPTIONS, apiUrl: proxy.url, apiToken: backend.token, batchSize: 10, maxQueueSize, logger });
    try {
      // Register and start take two places; each span is one create carrying its finish.
      for (let i = 0; i < 1000; i++) tracer.startSpan('agent:step', { i }).end();
      assert.deepEqual(tracer.stats(), { queued: maxQueueSize, sent: 0, retried: 0, dropped: 1000 - (maxQueueSize - 2), rejected: 0 });

      // The agent's own code runs on while nothing is answered: withSpan never waits for the backend.
      assert.equal(await tracer.withSpan('agent:step', {}, async () => 'not held up'), 'not held up');
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const more = 100_000;
      for (let i = 0; i < more; i++) {
        const span = tracer.startSpan('agent:step', { i, text: 'x'.repeat(200) });
        span.setResult({ i });
        span.end();
        if (i % 10_000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      gc();
      const growth = process.memoryUsage().heapUsed - heapBefore;
      // Kept, 10^5 such spans would take well over 50 MB; dropped, they take nothing.
      assert.ok(growth < 8 * 2 ** 20, `heap grew by ${(growth / 2 ** 20).toFixed(1)} MiB`);
      const stats = tracer.stats();
      assert.equal(stats.queued, maxQueueSize);
      assert.equal(stats.dropped, 1000 - (maxQueueSize - 2) + 1 + more);
      assert.equal(warnings.filter((w) => w.includes('queue is full')).length, 1);
      assert.ok(proxy.counts.down > 0);

      down = false;
      await tracer.flush();
      assert.equal(tracer.stats().sent, maxQueueSize);
      const stored = await storedSpans(backend.reader, tracer.instanceId);
      assert.equal(stored.length, maxQueueSize - 2);
      assert.deepEqual(
        stored.map((s) => s.payload.i as number).sort((a, b) => a - b),
        Array.from({ length: maxQueueSize - 2 }, (_, i) => i),
      );
      await tracer.shutdown();
      assert.equal((await storedInstance(backend.reader, tracer.instanceId)).status, 'complete');
    } finally {
      await proxy.close();
    }
  });

  it('bounds shutdown by its timeout on a dead backend, says what it could not send, and answers the same report again', async () => {
    const proxy = await startProxy(backend.url, () => 'down');
    const { warnings, logger } = recordingLogger();
    const tracer = createTracer({ ...TEST_OPTIONS, apiUrl: proxy.url, apiToken: backend.token, logger });
    try {
      tracer.startSpan('agent:step', {}).end();
      const first = tracer.shutdown({ timeoutMs: 100 });
      assert.equal(tracer.shutdown(), first);
      assert.deepEqual(await first, { delivered: false, unsent: 4 });
      assert.match(warnings.at(-1)!, /could not deliver 4 item\(s\) within 100 ms/);
      // After shutdown, spans are no-ops that still run the callback.
      assert.equal(await tracer.withSpan('agent:late', {}, async (span) => span.id), '');
    } finally {
      await proxy.close();
    }
  });
});
