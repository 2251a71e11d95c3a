import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTracer, REDACTION_FAILED, TracerConfigError } from '@agentspan/tracer';
import { recordingLogger, startBackend, storedSpans, TEST_OPTIONS, type Backend } from './support/backend.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

const agent = { name: 'a', version: '1' };
const base = { agent, apiUrl: 'http://127.0.0.1:1', apiToken: 't', exitHooks: false };

describe('options', () => {
  const mistakes: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an apiUrl that is not a URL', { apiUrl: 'not a url' }, /^createTracer: apiUrl must be an absolute http\(s\) URL/],
    ['an apiUrl without its scheme', { apiUrl: 'localhost:7070' }, /apiUrl must use http or https/],
    ['an apiUrl that is not http(s)', { apiUrl: 'ftp://example.com' }, /apiUrl must use http or https/],
    ['an empty apiToken', { apiToken: '' }, /apiToken must be a non-empty string/],
    ['a misspelt option', { flushIntervalMs: 10 }, /unknown option "flushIntervalMs"; known options: .*flushInterval/],
    ['no agent', { agent: undefined }, /agent is required: pass agent: \{ name/],
    ['an agent without a version', { agent: { name: 'a' } }, /agent\.version must be a non-empty string/],
    ['batchSize 0', { batchSize: 0 }, /batchSize must be an integer from 1 to 1000; got 0/],
    ['a fractional batchSize', { batchSize: 2.5 }, /batchSize must be an integer/],
    ['batchSize over the bulk limit', { batchSize: 5000 }, /batchSize must be an integer from 1 to 1000/],
    ['a negative maxQueueSize', { maxQueueSize: -1 }, /maxQueueSize must be an integer/],
    ['a queue smaller than a batch', { maxQueueSize: 10 }, /maxQueueSize \(10\) must be at least batchSize \(100\)/],
    ['flushInterval 0', { flushInterval: 0 }, /flushInterval must be a positive number of milliseconds/],
    ['a negative pollInterval', { pollInterval: -5 }, /pollInterval must be a non-negative number/],
    ['a shutdownTimeout of Infinity', { shutdownTimeout: Infinity }, /shutdownTimeout must be a positive number/],
    [
      'initialRetryDelay above maxRetryDelay',
      { initialRetryDelay: 10, maxRetryDelay: 5 },
      /initialRetryDelay \(10\) must not exceed maxRetryDelay \(5\); raise maxRetryDelay or lower initialRetryDelay/,
    ],
    ['a sampleRate above 1', { sampleRate: 1.5 }, /sampleRate must be a number from 0/],
    ['a redact that is not a function', { redact: { secret: true } }, /redact must be a function/],
    ['a string for enabled', { enabled: 'no' }, /enabled must be true or false/],
    ['a span type without params_schema', { spanTypes: [{ name: 'agent:llm' }] }, /spanTypes\[0\] \("agent:llm"\) needs params_schema/],
    [
      'a repeated span type',
      {
        spanTypes: [
          { name: 'x', params_schema: {} },
          { name: 'x', params_schema: {} },
        ],
      },
      /spanTypes\[1\] repeats the name "x"/,
    ],
    ['a logger without warn', { logger: {} }, /logger must be an object with a warn\(message\) method/],
  ];
  for (const [what, change, message] of mistakes) {
    it(`refuses ${what} at createTracer, naming the option`, () => {
      assert.throws(
        () => createTracer({ ...base, ...change }),
        (error: unknown) => error instanceof TracerConfigError && message.test(error.message) && error.message.startsWith('createTracer: '),
      );
    });
  }

  it('refuses a finish status the API does not have, at the call', async () => {
    const tracer = createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token });
    const span = tracer.startSpan('agent:step', {});
    assert.throws(() => span.end({ status: 'done' as never }), /span\.end: status must be one of complete, failed, cancelled; got done/);
    await assert.rejects(tracer.shutdown({ status: 'ok' as never }), /shutdown: status must be one of/);
    span.end();
    await tracer.shutdown();
    assert.equal((await storedSpans(backend.reader, tracer.instanceId))[0]!.status, 'complete');
  });

  for (const off of [{ enabled: false }, { sampleRate: 0 }]) {
    it(`makes every call a no-op that still runs the callback with ${JSON.stringify(off)}`, async () => {
      // No URL or token needed: nothing is ever sent.
      const tracer = createTracer({ agent, exitHooks: false, apiUrl: undefined, ...off });
      assert.equal(tracer.recording, false);
      assert.equal(
        await tracer.withSpan('agent:run', {}, async (span) => {
          span.setResult({ ignored: true });
          return tracer.withSpan('agent:llm', {}, () => 'ran');
        }),
        'ran',
      );
      await assert.rejects(
        tracer.withSpan('agent:run', {}, () => Promise.reject(new Error('still rejects'))),
        /still rejects/,
      );
      tracer.startSpan('agent:tool').end();
      assert.match(tracer.instanceId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(await tracer.flush(), { delivered: true, unsent: 0 });
      assert.deepEqual(await tracer.shutdown(), { delivered: true, unsent: 0 });
      assert.deepEqual(tracer.stats(), { queued: 0, sent: 0, retried: 0, dropped: 0, rejected: 0 });
    });
  }

  it('redacts payloads and results before they are queued, and withholds a value whose redactor throws', async () => {
    const { warnings, logger } = recordingLogger();
    const tracer = createTracer({
      ...TEST_OPTIONS,
      apiUrl: backend.url,
      apiToken: backend.token,
      logger,
      redact: ({ apiKey: _secret, ...rest }) => {
        if ('explode' in rest) throw new Error('cannot redact this');
        return rest;
      },
    });
    const payload = { prompt: 'hi', apiKey: 'sk-live-123' };
    const kept = await tracer.withSpan('agent:llm', payload, async (span) => {
      span.setResult({ text: 'ok', apiKey: 'sk-live-456' });
      return span.id;
    });
    const withheld = tracer.startSpan('agent:llm', { explode: true, apiKey: 'sk-live-789' });
    withheld.end({ result: { explode: true } });
    await tracer.shutdown();
    const spans = new Map((await storedSpans(backend.reader, tracer.instanceId)).map((s) => [s.id, s]));
    assert.deepEqual(spans.get(kept)!.payload, { prompt: 'hi' });
    assert.deepEqual(spans.get(kept)!.result_payload, { text: 'ok' });
    assert.deepEqual(spans.get(withheld.id)!.payload, REDACTION_FAILED);
    assert.deepEqual(spans.get(withheld.id)!.result_payload, REDACTION_FAILED);
    assert.deepEqual(payload, { prompt: 'hi', apiKey: 'sk-live-123' }, "the caller's object is left alone");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /redact threw \(cannot redact this\)/);
  });
});
