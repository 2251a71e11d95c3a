import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startBackend, storedInstance, storedSpans, type Backend } from './support/backend.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

/** Runs one of the agent scripts in a process of its own, pointed at the backend by the environment. */
async function runAgent(script: string) {
  const path = fileURLToPath(new URL(`./support/agents/${script}`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path], {
    env: { ...process.env, PREFACTOR_API_URL: backend.url, PREFACTOR_API_TOKEN: backend.token },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr, instanceId: stdout.trim().split('\n')[0]! };
}

describe('the process ends', () => {
  it('stores every span of a script that simply ends without calling shutdown(), and finishes its instance', async () => {
    const { code, stderr, instanceId } = await runAgent('ends-without-shutdown.ts');
    assert.equal(code, 0, stderr);
    const spans = await storedSpans(backend.reader, instanceId);
    assert.equal(spans.length, 61);
    assert.ok(spans.every((s) => s.status === 'complete'));
    const runs = new Set(spans.filter((s) => s.schema_name === 'agent:run').map((s) => s.id));
    assert.equal(runs.size, 30);
    assert.ok(spans.filter((s) => s.schema_name === 'agent:llm').every((s) => runs.has(s.parent_span_id!)));
    assert.equal((await storedInstance(backend.reader, instanceId)).status, 'complete');
  });

  it('stores the open spans and the instance failed when the process dies of an uncaught exception', async () => {
    const { code, stderr, instanceId } = await runAgent('crashes.ts');
    assert.equal(code, 1);
    assert.match(stderr, /the tool crashed the process/);
    const spans = new Map((await storedSpans(backend.reader, instanceId)).map((s) => [s.schema_name, s]));
    assert.equal(spans.size, 3);
    assert.equal(spans.get('agent:run')!.status, 'failed');
    assert.equal(spans.get('agent:llm')!.status, 'failed');
    assert.equal(spans.get('agent:llm')!.parent_span_id, spans.get('agent:run')!.id);
    assert.equal(spans.get('agent:tool')!.status, 'complete');
    const instance = await storedInstance(backend.reader, instanceId);
    assert.equal(instance.status, 'failed');
    assert.equal(instance.span_counts.failed, 2);
  });
});
