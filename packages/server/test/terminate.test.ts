import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../src/domain/access-tokens.js';
import { exportLines } from '../src/domain/transfer/export-rows.js';
import { importFile } from '../src/domain/transfer/import-rows.js';
import type { Store } from '../src/index.js';
import { ENGINES } from './engines.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';
import { SseConnection } from './sse-client.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-terminate-'));
const streams: SseConnection[] = [];
after(async () => {
  streams.forEach((s) => s.close());
  await rm(scratch, { recursive: true, force: true });
});

const REASON = 'runaway loop';
const TERMINATED_RESULT = { terminated: true, reason: REASON };

async function tokenId(server: Server, token: string): Promise<string> {
  const row = await server.store.read((tx) => tx.findTokenByHash(hashToken(token)));
  assert.ok(row, 'the token is stored');
  return row.id;
}

async function exportText(store: Store) {
  let text = '';
  for await (const chunk of exportLines(store, {})) text += chunk;
  return text;
}

/** A started run with a finished span, an open (active) parent and an open (pending) child of it. */
async function runWithOpenSpans(server: Server, account: Account) {
  const instanceId = await openInstance(server, account);
  const parent = await createSpan(server, account, {
    agent_instance_id: instanceId,
    schema_name: 'agent:tool',
    status: 'active',
    payload: { name: 'plan' },
  });
  assert.equal(parent.status, 201, parent.text);
  const child = await createSpan(server, account, {
    agent_instance_id: instanceId,
    schema_name: 'agent:llm',
    status: 'pending',
    parent_span_id: parent.body.details.id,
  });
  assert.equal(child.status, 201, child.text);
  const done = await createSpan(server, account, {
    agent_instance_id: instanceId,
    schema_name: 'agent:llm',
    status: 'active',
    parent_span_id: parent.body.details.id,
    payload: llmPayload(),
  });
  const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${done.body.details.id}/finish`, {
    result_payload: { response: 'hi' },
  });
  assert.equal(finished.status, 200, finished.text);
  return { instanceId, parentId: parent.body.details.id as string, childId: child.body.details.id as string, doneId: done.body.details.id as string };
}

const getSpan = async (server: Server, account: Account, id: string) => {
  const reply = await call(server, account.token, 'GET', `/api/v1/agent_spans/${id}`);
  assert.equal(reply.status, 200, reply.text);
  return reply.body.details;
};

/** The instance's span counts as its spans' statuses give them (what `span_counts` must say). */
async function countedFromSpans(server: Server, account: Account, instanceId: string) {
  const listed = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}`);
  const counts: Record<string, number> = { total: 0, pending: 0, active: 0, complete: 0, failed: 0, cancelled: 0, finished: 0 };
  for (const span of listed.body.details as Array<{ status: string }>) {
    counts.total! += 1;
    counts[span.status]! += 1;
    if (span.status !== 'pending' && span.status !== 'active') counts.finished! += 1;
  }
  return counts;
}

for (const engine of ENGINES) {
  describe(`terminate closes the run (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine, { events: { heartbeatMs: 50 } })));
    after(() => server.close());

    it('finishes every open span cancelled at the terminate time, leaves finished ones, and keeps the token that terminated it', async () => {
      const account = await newAccount(server);
      const { instanceId, parentId, childId, doneId } = await runWithOpenSpans(server, account);
      const before = {
        parent: await getSpan(server, account, parentId),
        child: await getSpan(server, account, childId),
        done: await getSpan(server, account, doneId),
      };
      const stream = await SseConnection.open(`${server.url}/api/v1/events?agent_instance_id=${instanceId}`, account.token);
      streams.push(stream);
      assert.equal(stream.status, 200);

      const terminated = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: REASON });
      assert.equal(terminated.status, 200, terminated.text);
      const instance = terminated.body.details;
      assert.equal(instance.status, 'terminated');
      assert.equal(instance.termination_reason, REASON);
      assert.deepEqual(instance.terminated_by, { token_id: await tokenId(server, account.accountToken) });
      assert.deepEqual(instance.span_counts, { total: 3, pending: 0, active: 0, complete: 1, failed: 0, cancelled: 2, finished: 3 });
      const at = instance.finished_at as string;
      assert.equal(instance.updated_at, at);

      for (const id of [parentId, childId]) {
        const span = await getSpan(server, account, id);
        const was = id === parentId ? before.parent : before.child;
        assert.deepEqual(span, { ...was, status: 'cancelled', result_payload: TERMINATED_RESULT, finished_at: at, updated_at: at }, `span ${id}`);
      }
      assert.deepEqual(await getSpan(server, account, doneId), before.done, 'a finished span is left as it was');

      const read = await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`);
      assert.deepEqual(read.body.details, instance, 'the instance reads as the terminate answered');
      assert.deepEqual(read.body.details.span_counts, await countedFromSpans(server, account, instanceId));

      const events = await stream.next(3);
      assert.deepEqual(
        events.map((e) => e.event),
        ['span.finished', 'span.finished', 'instance.updated'],
      );
      const finished = events.slice(0, 2).map((e) => JSON.parse(e.data) as { id: string });
      assert.deepEqual(finished.map((span) => span.id).sort(), [parentId, childId].sort());
      for (const span of finished) assert.deepEqual(span, await getSpan(server, account, span.id));
      assert.deepEqual(JSON.parse(events[2]!.data), instance);
    });

    it("answers the agent's late finish of a span the terminate closed as the terminate left it, with the control block, and changes nothing", async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const open = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      const ownCancel = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      const cancelled = await call(server, account.token, 'POST', `/api/v1/agent_spans/${ownCancel.body.details.id}/finish`, { status: 'cancelled' });
      assert.equal(cancelled.status, 200, cancelled.text);
      const terminated = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: REASON });
      assert.equal(terminated.status, 200, terminated.text);
      const stream = await SseConnection.open(`${server.url}/api/v1/events?agent_instance_id=${instanceId}`, account.token);
      streams.push(stream);
      const stored = await getSpan(server, account, open.body.details.id);
      const before = await snapshot(server, account.accountId, [instanceId]);

      const late = await call(server, account.token, 'POST', `/api/v1/agent_spans/${open.body.details.id}/finish`, {
        status: 'complete',
        result_payload: { done: true },
        idempotency_key: 'late-finish',
      });
      assert.equal(late.status, 200, late.text);
      assert.deepEqual(late.body.details, stored);
      assert.deepEqual(late.body.control, { terminate: true, reason: REASON });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);

      // A span the agent finished itself before the terminate is refused a second finish, as before.
      const again = await call(server, account.token, 'POST', `/api/v1/agent_spans/${ownCancel.body.details.id}/finish`, { status: 'cancelled' });
      assert.equal(again.status, 409, again.text);
      assert.equal(again.body.code, 'invalid_action');
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);

      // The late finish sent no event: the next one is the span created after it.
      const createdLater = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      assert.equal(createdLater.status, 201, createdLater.text);
      const [next] = await stream.next(1);
      assert.equal(next!.event, 'span.created');
      assert.equal(JSON.parse(next!.data).id, createdLater.body.details.id);
    });

    it('refuses to terminate a finished instance with 409, leaving its open spans open', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const open = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      assert.equal(open.status, 201, open.text);
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/finish`, { status: 'complete' });
      assert.equal(finished.status, 200, finished.text);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const reply = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: REASON });
      assert.equal(reply.status, 409, reply.text);
      assert.equal(reply.body.code, 'invalid_action');
      assert.match(reply.body.message, /is already complete; only a pending or active one can be terminated/);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      assert.equal((await getSpan(server, account, open.body.details.id)).status, 'active');
    });

    it('replays a terminate with the same idempotency key as first answered, closing nothing more', async () => {
      const account = await newAccount(server);
      const { instanceId, parentId } = await runWithOpenSpans(server, account);
      const body = { reason: REASON, idempotency_key: 'stop-once' };
      const first = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, body);
      assert.equal(first.status, 200, first.text);
      // A span created after the terminate is stored open; a replay must not close it.
      const late = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      assert.equal(late.status, 201, late.text);
      const stream = await SseConnection.open(`${server.url}/api/v1/events?agent_instance_id=${instanceId}`, account.token);
      streams.push(stream);
      const before = await snapshot(server, account.accountId, [instanceId]);

      const replay = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, body);
      assert.equal(replay.status, 200, replay.text);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.text, first.text);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      assert.equal((await getSpan(server, account, late.body.details.id)).status, 'active');
      assert.equal((await getSpan(server, account, parentId)).status, 'cancelled');

      // The replay sent no event: the next one is the finish after it.
      const done = await call(server, account.token, 'POST', `/api/v1/agent_spans/${late.body.details.id}/finish`, {});
      assert.equal(done.status, 200, done.text);
      const [next] = await stream.next(1);
      assert.equal(next!.event, 'span.finished');
      assert.equal(JSON.parse(next!.data).id, late.body.details.id);
    });

    it('carries who terminated an instance through export and import, and reads an older export without it', async () => {
      const account = await newAccount(server);
      const { instanceId } = await runWithOpenSpans(server, account);
      const terminated = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: REASON });
      assert.equal(terminated.status, 200, terminated.text);
      const original = await exportText(server.store);
      const byToken = await tokenId(server, account.accountToken);
      const line = original.split('\n').find((l) => l.includes(`"id":${JSON.stringify(instanceId)}`) && l.startsWith('{"type":"agent_instance"'));
      assert.equal(JSON.parse(line!).terminated_by_token_id, byToken);

      const current = join(scratch, `${engine.name}-current.ndjson`);
      await writeFile(current, original);
      const copy = await engine.open();
      try {
        await importFile(copy.store, current);
        const row = await copy.store.read((tx) => tx.getInstance(account.accountId, instanceId));
        assert.equal(row?.terminated_by_token_id, byToken);
        assert.deepEqual(await copy.store.read((tx) => tx.spanCounts(account.accountId, instanceId)), { complete: 1, cancelled: 2 });
      } finally {
        await copy.cleanup();
      }

      // A file written before the column existed: its instance lines lack it, and import reads it as null.
      const older = original
        .split('\n')
        .map((l) => (l.startsWith('{"type":"agent_instance"') ? JSON.stringify({ ...JSON.parse(l), terminated_by_token_id: undefined }) : l))
        .join('\n');
      assert.ok(!older.includes('terminated_by_token_id'));
      const olderFile = join(scratch, `${engine.name}-older.ndjson`);
      await writeFile(olderFile, older);
      const fromOlder = await engine.open();
      try {
        await importFile(fromOlder.store, olderFile);
        const row = await fromOlder.store.read((tx) => tx.getInstance(account.accountId, instanceId));
        assert.equal(row?.status, 'terminated');
        assert.equal(row?.terminated_by_token_id, null);
      } finally {
        await fromOlder.cleanup();
      }
    });
  });
}
