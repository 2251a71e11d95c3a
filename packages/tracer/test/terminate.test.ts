import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentTerminatedError, createTracer } from '@agentspan/tracer';
import { startBackend, storedInstance, storedSpans, TEST_OPTIONS, type Backend } from './support/backend.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

describe('terminate from the server', () => {
  it('aborts the signal while a withSpan runs when a poll finds the instance terminated, and calls onTerminate once', async () => {
    const tracer = createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token, pollInterval: 10 });
    const reasons: Array<string | null> = [];
    tracer.onTerminate((reason) => reasons.push(reason));
    const reason = await tracer.withSpan('agent:run', {}, async () => {
      await tracer.flush();
      await backend.reader.agentInstances.terminate(tracer.instanceId, { reason: 'operator stopped it' });
      // Only the tracer can end this wait: the callback waits for its signal as model calls would.
      return aborted(tracer.signal);
    });
    assert.ok(reason instanceof AgentTerminatedError);
    assert.equal(reason.reason, 'operator stopped it');
    // Later answers carry the control block too; the callbacks still ran once.
    await tracer.withSpan('agent:late', {}, async () => {});
    await tracer.flush();
    assert.deepEqual(reasons, ['operator stopped it']);
    const late = await new Promise((resolve) => tracer.onTerminate(resolve));
    assert.equal(late, 'operator stopped it');

    assert.deepEqual(await tracer.shutdown(), { delivered: true, unsent: 0 });
    assert.equal(tracer.stats().rejected, 0);
    assert.equal((await storedInstance(backend.reader, tracer.instanceId)).status, 'terminated');
    assert.equal((await storedSpans(backend.reader, tracer.instanceId)).length, 2);
  });

  it('aborts the signal from the control block of a bulk answer, without polling', async () => {
    const tracer = createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token, pollInterval: 0 });
    let calls = 0;
    tracer.onTerminate(() => calls++);
    await tracer.withSpan('agent:run', {}, async () => {
      await tracer.flush();
      await backend.reader.agentInstances.terminate(tracer.instanceId, { reason: 'budget spent' });
      assert.equal(tracer.signal.aborted, false);
      await tracer.withSpan('agent:llm', {}, async () => {});
      await tracer.flush();
      assert.equal(tracer.signal.aborted, true);
      assert.equal((tracer.signal.reason as AgentTerminatedError).reason, 'budget spent');
    });
    await tracer.shutdown();
    assert.equal(calls, 1);
  });
});
