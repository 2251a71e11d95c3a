import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import { startServe } from './agentspan-process.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-durability-'));
after(() => rm(scratch, { recursive: true, force: true }));

test('every answered write survives SIGKILL: restart on the same data dir and it is there', async () => {
  const dataDir = join(scratch, 'killed');
  const server = await startServe(['--data-dir', dataDir]);
  assert.ok(server.firstToken);
  const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: server.firstToken, maxRetries: 0 });
  const instance = await client.agentInstances.register({ agent_version: { name: 'v1' }, agent_schema_version: {} });
  await client.agentInstances.start(instance.id);
  const root = await client.agentSpans.create({ agent_instance_id: instance.id, schema_name: 'run', status: 'active' });
  const children = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      client.agentSpans.create({
        agent_instance_id: instance.id,
        schema_name: 'tool',
        status: 'complete',
        parent_span_id: root.id,
        payload: { i },
      }),
    ),
  );
  const finished = await client.agentSpans.finish(root.id, { status: 'failed', result_payload: { why: 'killed' } });
  server.child.kill('SIGKILL');
  const killed = await server.exited;
  assert.equal(killed.signal, 'SIGKILL');
  await client.close();

  const restarted = await startServe(['--data-dir', dataDir]);
  try {
    assert.equal(restarted.firstToken, undefined);
    const reader = new PrefactorHttpClient({ apiUrl: restarted.url, apiToken: server.firstToken, maxRetries: 0 });
    const stored = [];
    for await (const span of reader.agentSpans.list({ agent_instance_id: instance.id })) stored.push(span);
    assert.equal(stored.length, 21);
    assert.deepEqual(new Set(stored.map((s) => s.id)), new Set([root.id, ...children.map((c) => c.id)]));
    assert.deepEqual(await reader.agentSpans.get(root.id), finished);
    const counts = (await reader.agentInstances.get(instance.id)).span_counts;
    assert.deepEqual(counts, { total: 21, pending: 0, active: 0, complete: 20, failed: 1, cancelled: 0, finished: 21 });
    await reader.close();
  } finally {
    restarted.child.kill('SIGTERM');
    await restarted.exited;
  }
});

test('SIGTERM lets an in-flight request finish, answers it, stores it, then exits 0', async () => {
  const dataDir = join(scratch, 'drained');
  const server = await startServe(['--data-dir', dataDir]);
  const token = server.firstToken;
  assert.ok(token);
  const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: token, maxRetries: 0 });
  const instance = await client.agentInstances.register({ agent_version: { name: 'v1' }, agent_schema_version: {} });
  await client.close();

  // Send half a body, signal, then the rest: the request is in flight when SIGTERM arrives.
  const body = JSON.stringify({ details: { agent_instance_id: instance.id, schema_name: 'slow', status: 'active', id: 'in-flight-span' } });
  const half = Math.floor(body.length / 2);
  const url = new URL('/api/v1/agent_spans', server.url);
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, half));
    setTimeout(() => {
      server.child.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(half)), 300);
    }, 200);
  });
  const response = await answered;
  assert.equal(response.status, 201, response.text);
  assert.equal(JSON.parse(response.text).details.id, 'in-flight-span');
  const exit = await server.exited;
  assert.equal(exit.code, 0, exit.stderr);

  const restarted = await startServe(['--data-dir', dataDir]);
  try {
    const reader = new PrefactorHttpClient({ apiUrl: restarted.url, apiToken: token, maxRetries: 0 });
    assert.equal((await reader.agentSpans.get('in-flight-span')).schema_name, 'slow');
    await reader.close();
  } finally {
    restarted.child.kill('SIGTERM');
    await restarted.exited;
  }
});
