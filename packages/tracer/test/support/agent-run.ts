import assert from 'node:assert/strict';
import type { PrefactorHttpClient } from '@agentspan/client';
import type { Tracer } from '@agentspan/tracer';
import { storedInstance, storedSpans } from './backend.js';

/**
 * A small agent run: root spans, each with two children, one of them with a child of its own;
 * `runs` of them, or as many as it takes until `until()` says so. Answers the number of spans.
 */
export async function agentRun(tracer: Tracer, runs: number, until?: () => boolean): Promise<number> {
  let i = 0;
  for (; until ? !until() : i < runs; i++) {
    await tracer.withSpan('agent:run', { i }, async () => {
      await tracer.withSpan('agent:llm', { i }, async () => {
        await tracer.withSpan('agent:tool', { i }, async () => new Promise((resolve) => setTimeout(resolve, 1)));
      });
      await tracer.withSpan('agent:llm', { i, second: true }, async () => {});
    });
  }
  return i * 4;
}

/** Every span stored exactly once, each child under a stored parent, all finished `complete`. */
export async function assertStoredOnce(reader: PrefactorHttpClient, tracer: Tracer, expected: number) {
  const spans = await storedSpans(reader, tracer.instanceId);
  const ids = new Set(spans.map((s) => s.id));
  assert.equal(ids.size, spans.length, 'no span stored twice');
  assert.equal(spans.length, expected);
  for (const span of spans) {
    assert.equal(span.status, 'complete');
    if (span.schema_name === 'agent:run') assert.equal(span.parent_span_id, null);
    else assert.ok(ids.has(span.parent_span_id!), `the parent of ${span.id} is stored`);
  }
  const instance = await storedInstance(reader, tracer.instanceId);
  assert.equal(instance.status, 'complete');
  assert.equal(instance.span_counts.total, expected);
}
