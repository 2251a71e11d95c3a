import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { otlpExporter, recordGenAiRun, tracerProvider } from '../../server/test/otlp-producers.js';
import { runAgentspan, startServe } from './agentspan-process.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-otlp-'));
after(() => rm(scratch, { recursive: true, force: true }));

describe('agentspan serve takes OTLP traces', () => {
  test('an OTel exporter configured only by OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS lands its trace; --otlp-body-limit is its limit', async () => {
    const dir = join(scratch, 'store');
    const serve = await startServe(['--data-dir', dir, '--otlp-body-limit', '65536']);
    try {
      const issued = await runAgentspan(['tokens', 'create', '--data-dir', dir, '--scope', 'account']);
      assert.equal(issued.code, 0, issued.stderr);
      const token = issued.stdout.trim();
      // What the README tells an OpenTelemetry user to set; the exporter reads them when it is made.
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = serve.url;
      process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer ${token}`;
      const exporter = otlpExporter('protobuf');
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      const { provider, tracer } = tracerProvider(exporter, { name: 'travel-planner' });
      const traceId = recordGenAiRun(tracer);
      await provider.forceFlush();
      await provider.shutdown();

      const headers = { authorization: `Bearer ${token}` };
      const instance = await fetch(`${serve.url}/api/v1/agent_instance/${traceId}`, { headers });
      assert.equal(instance.status, 200);
      const details = ((await instance.json()) as { details: { status: string; span_counts: { total: number } } }).details;
      assert.equal(details.status, 'complete');
      assert.equal(details.span_counts.total, 3);

      const tooLarge = await fetch(`${serve.url}/v1/traces`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [], padding: 'z'.repeat(70_000) }),
      });
      assert.equal(tooLarge.status, 413);
      assert.match(((await tooLarge.json()) as { message: string }).message, /limit of 65536 bytes/);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});
