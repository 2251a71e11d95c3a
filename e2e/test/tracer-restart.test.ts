import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import { createTracer, type Tracer } from '@agentspan/tracer';
import { startServe } from '../../packages/cli/test/agentspan-process.js';
import { agentRun, assertStoredOnce } from '../../packages/tracer/test/support/agent-run.js';
import { TEST_OPTIONS } from '../../packages/tracer/test/support/backend.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-tracer-restart-'));
after(() => rm(scratch, { recursive: true, force: true }));

const until = async (what: string, done: () => boolean) => {
  for (let i = 0; !done(); i++) {
    if (i > 6000) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

test('the server killed mid-run and restarted on the same data dir: every span stored exactly once, the tree intact', async (t) => {
  const dataDir = join(scratch, 'spans');
  const first = await startServe(['--data-dir', dataDir]);
  t.after(() => first.child.kill('SIGKILL'));
  const token = first.firstToken!;
  const { port } = new URL(first.url);
  const tracer: Tracer = createTracer({
    ...TEST_OPTIONS,
    apiUrl: first.url,
    apiToken: token,
    batchSize: 8,
    flushInterval: 5,
    requestTimeout: 2_000,
    // Room for all the agent makes however long the restart takes: this test is about exactly once, not the bound.
    maxQueueSize: 1_000_000,
  });
  // The agent works until the restarted server has stored more of its spans.
  let stopAt = Infinity;
  const run = agentRun(tracer, 0, () => tracer.stats().sent >= stopAt);

  await until('some spans are stored', () => tracer.stats().sent > 20);
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');
  await until('the tracer has failed to send while the server was down', () => tracer.stats().retried > 0);
  const storedBeforeRestart = tracer.stats().sent;
  assert.ok(tracer.stats().queued > 0);

  const second = await startServe(['--data-dir', dataDir, '--port', port]);
  try {
    assert.equal(second.url, first.url);
    stopAt = storedBeforeRestart + 20;
    const spans = await run;
    assert.deepEqual(await tracer.shutdown({ timeoutMs: 120_000 }), { delivered: true, unsent: 0 });
    const stats = tracer.stats();
    assert.ok(stats.sent > storedBeforeRestart);
    assert.equal(stats.rejected + stats.dropped, 0, JSON.stringify(stats));
    const reader = new PrefactorHttpClient({ apiUrl: second.url, apiToken: token, maxRetries: 0 });
    await assertStoredOnce(reader, tracer, spans);
    await reader.close();
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});
