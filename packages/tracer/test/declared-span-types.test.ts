import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTracer, TracerConfigError, type SpanTypeDefinition } from '@agentspan/tracer';
import { recordingLogger, startBackend, storedSpans, TEST_OPTIONS, type Backend } from './support/backend.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

const tracerOn = (extra = {}) => createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token, ...extra });

const LIBRARY_TYPES: SpanTypeDefinition[] = [
  {
    name: 'lib:llm',
    title: 'Library call',
    template: '{{model}} → {{answer}}',
    params_schema: { type: 'object', properties: { model: { type: 'string' } } },
  },
];

describe('span types declared by a library (declareSpanTypes)', () => {
  it('registers them with the first span, and other span names still go through when the tracer declared none', async () => {
    const tracer = tracerOn();
    assert.equal(tracer.declareSpanTypes(LIBRARY_TYPES), true);
    await tracer.withSpan('agent:run', {}, () => tracer.withSpan('lib:llm', { model: 'm1' }, (span) => span.setResult({ answer: 'ok' })));
    await tracer.shutdown();
    assert.equal(tracer.stats().rejected, 0);
    const spans = await storedSpans(backend.reader, tracer.instanceId);
    const llm = spans.find((s) => s.schema_name === 'lib:llm')!;
    assert.equal(llm.summary, 'm1 → ok');
    assert.equal(llm.schema_title, 'Library call');
    assert.equal(spans.find((s) => s.schema_name === 'agent:run')?.summary, null);
  });

  it('adds them to the types the tracer declared, which still refuse other names; a name declared already keeps its first definition', async () => {
    const { logger, warnings } = recordingLogger();
    const tracer = tracerOn({ logger, spanTypes: [{ name: 'agent:run', params_schema: { type: 'object' }, template: 'run' }] });
    tracer.declareSpanTypes([...LIBRARY_TYPES, { name: 'agent:run', params_schema: { type: 'object' }, template: 'overridden' }]);
    await tracer.withSpan('agent:run', {}, async () => {
      await tracer.withSpan('lib:llm', { model: 'm2' }, () => {});
      await tracer.withSpan('agent:other', {}, () => {});
    });
    await tracer.shutdown();
    assert.equal(tracer.stats().rejected, 1);
    assert.match(warnings.join('\n'), /is not a span type of this instance's schema version; declared: agent:run, lib:llm/);
    const spans = await storedSpans(backend.reader, tracer.instanceId);
    assert.deepEqual(spans.map((s) => s.schema_name).sort(), ['agent:run', 'lib:llm']);
    assert.equal(spans.find((s) => s.schema_name === 'agent:run')?.summary, 'run');
  });

  it('answers false and warns once when the schema version was sent already', async () => {
    const { logger, warnings } = recordingLogger();
    const tracer = tracerOn({ logger });
    tracer.startSpan('agent:run').end();
    assert.equal(tracer.declareSpanTypes(LIBRARY_TYPES), false);
    assert.equal(tracer.declareSpanTypes(LIBRARY_TYPES), false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /span types "lib:llm" were declared after the first span.*pass them in createTracer's spanTypes option/);
    await tracer.shutdown();
  });

  it('names the mistake in a type it is given', () => {
    const tracer = tracerOn();
    assert.throws(
      () => tracer.declareSpanTypes([{ name: 'x' } as never]),
      (error: Error) =>
        error instanceof TracerConfigError &&
        error.message === 'declareSpanTypes: types[0] ("x") needs params_schema, a JSON Schema object such as { type: "object" }',
    );
  });
});
