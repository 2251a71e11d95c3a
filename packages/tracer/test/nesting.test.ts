import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTracer } from '@agentspan/tracer';
import { createTracer as createPortableTracer } from '../src/index.js';
import { startBackend, storedInstance, storedSpans, TEST_OPTIONS, type Backend } from './support/backend.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

const tracerOn = (extra = {}) => createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token, ...extra });

describe('nesting through AsyncLocalStorage', () => {
  it("gives spans started inside a callback that callback's span as parent, across await, timers and Promise.all", async () => {
    const tracer = tracerOn();
    const ids: Record<string, string> = {};
    const answer = await tracer.withSpan('agent:run', { task: 'plan' }, async (run) => {
      ids.run = run.id;
      await sleep(1);
      const [a, b] = await Promise.all([
        tracer.withSpan('agent:llm', { n: 1 }, async (llm) => {
          ids.llm1 = llm.id;
          await new Promise((resolve) => setTimeout(resolve, 2));
          return tracer.withSpan('agent:tool', { in: 'llm1' }, async (tool) => {
            ids.tool = tool.id;
            return 'a';
          });
        }),
        tracer.withSpan('agent:llm', { n: 2 }, async (llm) => {
          ids.llm2 = llm.id;
          await new Promise<void>((resolve) => setImmediate(resolve));
          const manual = tracer.startSpan('agent:step', { in: 'llm2' });
          ids.manual = manual.id;
          manual.end({ result: { ok: true } });
          return 'b';
        }),
      ]);
      run.setResult({ answer: a + b });
      return a + b;
    });
    assert.equal(answer, 'ab');
    const outside = tracer.startSpan('agent:after', {});
    outside.end();
    await tracer.shutdown();

    const spans = new Map((await storedSpans(backend.reader, tracer.instanceId)).map((s) => [s.id, s]));
    assert.equal(spans.size, 6);
    const parentOf = (id: string | undefined) => spans.get(id!)!.parent_span_id;
    assert.equal(parentOf(ids.run), null);
    assert.equal(parentOf(ids.llm1), ids.run);
    assert.equal(parentOf(ids.llm2), ids.run);
    assert.equal(parentOf(ids.tool), ids.llm1);
    assert.equal(parentOf(ids.manual), ids.llm2);
    assert.equal(parentOf(outside.id), null);
    assert.deepEqual(spans.get(ids.run!)!.result_payload, { answer: 'ab' });
    assert.deepEqual(spans.get(ids.manual!)!.result_payload, { ok: true });
    assert.ok([...spans.values()].every((s) => s.status === 'complete'));
    const instance = await storedInstance(backend.reader, tracer.instanceId);
    assert.equal(instance.status, 'complete');
    assert.equal(instance.span_counts.total, 6);
  });

  it('rejects exactly as the callback did, with the span stored failed and the error in its result', async () => {
    const tracer = tracerOn();
    const thrown = new RangeError('model refused');
    let spanId = '';
    await assert.rejects(
      tracer.withSpan('agent:llm', { prompt: 'x' }, async (span) => {
        spanId = span.id;
        span.setResult({ partial: 'half' });
        await sleep(1);
        throw thrown;
      }),
      (error) => error === thrown,
    );
    let syncId = '';
    await assert.rejects(
      tracer.withSpan('agent:tool', {}, (span) => {
        syncId = span.id;
        throw new TypeError('bad tool input');
      }),
      TypeError,
    );
    assert.equal(await tracer.withSpan('agent:sync', {}, () => 42), 42);
    await tracer.shutdown();
    const spans = new Map((await storedSpans(backend.reader, tracer.instanceId)).map((s) => [s.id, s]));
    const failed = spans.get(spanId)!;
    assert.equal(failed.status, 'failed');
    const result = failed.result_payload as { partial: string; error: { name: string; message: string; stack: string } };
    assert.equal(result.partial, 'half');
    assert.equal(result.error.name, 'RangeError');
    assert.equal(result.error.message, 'model refused');
    assert.match(result.error.stack, /RangeError: model refused\n\s+at /);
    assert.equal(spans.get(syncId)!.status, 'failed');
    assert.equal((spans.get(syncId)!.result_payload as { error: { name: string } }).error.name, 'TypeError');
  });

  it('leaves the stack out with captureStacks: false', async () => {
    const tracer = tracerOn({ captureStacks: false });
    let id = '';
    await assert.rejects(
      tracer.withSpan('agent:llm', {}, async (span) => {
        id = span.id;
        throw new Error('no stack please');
      }),
    );
    await tracer.shutdown();
    const [span] = await storedSpans(backend.reader, tracer.instanceId);
    assert.equal(span!.id, id);
    assert.deepEqual(span!.result_payload, { error: { name: 'Error', message: 'no stack please' } });
  });

  it('sends a span whose create and finish wait together as one create carrying the finish', async () => {
    const tracer = tracerOn({ flushInterval: 60_000 });
    for (let i = 0; i < 5; i++) await tracer.withSpan('agent:step', { i }, async () => i);
    assert.equal(tracer.stats().queued, 2 + 5);
    await tracer.flush();
    assert.deepEqual(tracer.stats(), { queued: 0, sent: 7, retried: 0, dropped: 0, rejected: 0 });
    const spans = await storedSpans(backend.reader, tracer.instanceId);
    assert.equal(spans.length, 5);
    assert.ok(spans.every((s) => s.status === 'complete' && s.finished_at !== null));
    await tracer.shutdown();
  });

  it('registers the span types, so the server renders titles and summaries', async () => {
    const tracer = tracerOn({
      spanTypes: [
        {
          name: 'agent:llm',
          title: 'LLM call',
          template: '{{model}} said {{response}}',
          params_schema: { type: 'object', properties: { model: { type: 'string' } }, required: ['model'] },
        },
      ],
    });
    await tracer.withSpan('agent:llm', { model: 'gpt-test' }, async (span) => span.setResult({ response: 'hi' }));
    await tracer.shutdown();
    const [span] = await storedSpans(backend.reader, tracer.instanceId);
    assert.equal(span!.schema_title, 'LLM call');
    assert.equal(span!.summary, 'gpt-test said hi');
  });
});

describe('explicit parents where there is no AsyncLocalStorage', () => {
  it('nests by { parent } in the portable build, and never guesses a parent', async () => {
    const tracer = createPortableTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token });
    const ids: Record<string, string> = {};
    await tracer.withSpan('agent:run', {}, async (run) => {
      ids.run = run.id;
      await sleep(1);
      await tracer.withSpan(
        'agent:llm',
        {},
        async (llm) => {
          ids.llm = llm.id;
          const tool = tracer.startSpan('agent:tool', {}, { parent: llm });
          ids.tool = tool.id;
          tool.end();
          const byId = tracer.startSpan('agent:tool', {}, { parent: run.id });
          ids.byId = byId.id;
          byId.end();
        },
        { parent: run },
      );
      await tracer.withSpan('agent:orphan', {}, async (orphan) => void (ids.orphan = orphan.id));
    });
    await tracer.shutdown();
    const spans = new Map((await storedSpans(backend.reader, tracer.instanceId)).map((s) => [s.id, s]));
    assert.equal(spans.size, 5);
    assert.equal(spans.get(ids.run!)!.parent_span_id, null);
    assert.equal(spans.get(ids.llm!)!.parent_span_id, ids.run);
    assert.equal(spans.get(ids.tool!)!.parent_span_id, ids.llm);
    assert.equal(spans.get(ids.byId!)!.parent_span_id, ids.run);
    assert.equal(spans.get(ids.orphan!)!.parent_span_id, null);
  });
});
