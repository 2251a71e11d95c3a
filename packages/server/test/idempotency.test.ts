import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';

for (const engine of ENGINES) {
  describe(`idempotency ledger (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    const ledgerRow = (accountId: string, operation: string, key: string) => server.store.read((tx) => tx.getIdempotency(accountId, operation, key));

    it('replays the first answer byte for byte, marked Idempotent-Replayed, for each key source', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const details = { agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', payload: llmPayload() };
      const shapes: Array<[string, () => ReturnType<typeof call>]> = [
        ['details', () => createSpan(server, account, { ...details, idempotency_key: 'key-in-details' })],
        ['top level', () => call(server, account.token, 'POST', '/api/v1/agent_spans', { details, idempotency_key: 'key-top-level' })],
        ['header', () => createSpan(server, account, details, { 'idempotency-key': 'key-in-header' })],
      ];
      for (const [where, send] of shapes) {
        const first = await send();
        assert.equal(first.status, 201, where);
        assert.equal(first.headers.get('idempotent-replayed'), null, where);
        const again = await send();
        assert.equal(again.status, 201, where);
        assert.equal(again.headers.get('idempotent-replayed'), 'true', where);
        assert.equal(again.text, first.text, where);
      }
      const spans = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}`);
      assert.equal(spans.body.details.length, 3);
    });

    it('replays a create with the answer it gave, after its span was finished and its instance terminated', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const open = {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload('first'),
        started_at: '2026-01-01T00:00:00Z',
        idempotency_key: 'create-then-finish',
      };
      // A finish status without finished_at finishes the span at the create's own clock reading.
      const done = {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: llmPayload('second'),
        result_payload: { response: 'hi' },
        idempotency_key: 'created-complete',
      };
      const first = [await createSpan(server, account, open), await createSpan(server, account, done)];
      assert.deepEqual(
        first.map((r) => r.status),
        [201, 201],
      );
      assert.equal(first[1]!.body.details.summary, 'gpt-test: second -> hi');
      const finish = await call(server, account.token, 'POST', `/api/v1/agent_spans/${first[0]!.body.details.id}/finish`, {
        status: 'failed',
        result_payload: { response: 'later' },
      });
      assert.equal(finish.status, 200);
      const terminate = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: 'budget spent' });
      assert.equal(terminate.status, 200);
      const afterTermination = { ...open, payload: llmPayload('third'), idempotency_key: 'created-while-terminated' };
      first.push(await createSpan(server, account, afterTermination));
      assert.deepEqual(first[2]!.body.control, { terminate: true, reason: 'budget spent' });

      const replays = [
        await createSpan(server, account, open),
        await createSpan(server, account, done),
        await createSpan(server, account, afterTermination),
      ];
      replays.forEach((replay, i) => {
        assert.equal(replay.status, 201);
        assert.equal(replay.headers.get('idempotent-replayed'), 'true');
        assert.equal(replay.text, first[i]!.text);
      });
      // The ledger keeps a receipt of what the create wrote, not its answer with the payload again.
      const kept = await ledgerRow(account.accountId, 'agent_spans/create', 'create-then-finish');
      assert.match(kept!.response_json, /^\{"receipt":"agent_spans\/create",/);
      assert.ok(!kept!.response_json.includes('gpt-test'));
    });

    it('replays a create whose finished_at was ahead of the server clock after that moment has passed', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      // No started_at: the span starts at the server's clock reading, and finished_at is a little
      // ahead of it, as from a client whose clock runs fast. A retry comes after that moment.
      const details = {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: llmPayload('ahead'),
        result_payload: { response: 'ok' },
        finished_at: new Date(Date.now() + 300).toISOString(),
        idempotency_key: 'finished-ahead',
      };
      const first = await createSpan(server, account, details);
      assert.equal(first.status, 201, first.text);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const again = await createSpan(server, account, details);
      assert.equal(again.status, 201, again.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text);
    });

    it('refuses a finished_at before the clock-default start with 422, recording nothing under its key', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      // A create first, so the instance is one a batch already knows (PostgreSQL's one-round-trip path).
      const first = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
      });
      assert.equal(first.status, 201, first.text);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const details = {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: llmPayload('late'),
        result_payload: { response: 'ok' },
        finished_at: '2024-05-01T12:00:00Z',
        idempotency_key: 'finished-before-now',
      };
      const rejected = await createSpan(server, account, details);
      assert.equal(rejected.status, 422, rejected.text);
      assert.match(rejected.body.errors.finished_at[0], /^must not be before started_at \(\d{4}-\d{2}-\d{2}T/);
      assert.equal(await ledgerRow(account.accountId, 'agent_spans/create', 'finished-before-now'), undefined);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      const fixed = await createSpan(server, account, { ...details, started_at: '2024-05-01T11:59:00Z' });
      assert.equal(fixed.status, 201, fixed.text);
      assert.equal(fixed.headers.get('idempotent-replayed'), null);
    });

    it('refuses the same key on a different request with 409 idempotency_key_reused, storing nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const details = { agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', idempotency_key: 'reused-key' };
      await createSpan(server, account, { ...details, payload: llmPayload('first') });
      const before = await snapshot(server, account.accountId, [instanceId]);
      const reused = await createSpan(server, account, { ...details, payload: llmPayload('second') });
      assert.equal(reused.status, 409);
      assert.equal(reused.body.code, 'idempotency_key_reused');
      assert.match(reused.body.message, /"reused-key" was already used for a different agent_spans\/create request/);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('reads an explicit null as absent when comparing requests', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const first = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        idempotency_key: 'nulls-key',
      });
      const withNulls = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        idempotency_key: 'nulls-key',
        parent_span_id: null,
        finished_at: null,
        result_payload: null,
      });
      assert.equal(withNulls.headers.get('idempotent-replayed'), 'true');
      assert.equal(withNulls.body.details.id, first.body.details.id);
    });

    it('makes one record of identical requests in flight at once', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const details = {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
        idempotency_key: 'raced-key',
      };
      const replies = await Promise.all(Array.from({ length: 8 }, () => createSpan(server, account, details)));
      assert.deepEqual(
        replies.map((r) => r.status),
        Array(8).fill(201),
      );
      assert.equal(new Set(replies.map((r) => r.body.details.id)).size, 1);
      assert.equal(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 7);
      const stored = await snapshot(server, account.accountId, [instanceId]);
      assert.equal(stored.instances[0]!.spans.length, 1);
    });

    it('lets exactly one of many concurrent finishes win, and replays a finish with its key', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const span = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      const path = `/api/v1/agent_spans/${span.body.details.id}/finish`;
      const replies = await Promise.all(
        ['complete', 'failed', 'cancelled', 'complete'].map((status, i) =>
          call(server, account.token, 'POST', path, { status, idempotency_key: `finish-${i}` }),
        ),
      );
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409, 409, 409]);
      const winner = replies.findIndex((r) => r.status === 200);
      const replay = await call(server, account.token, 'POST', path, {
        status: ['complete', 'failed', 'cancelled', 'complete'][winner],
        idempotency_key: `finish-${winner}`,
      });
      assert.equal(replay.status, 200);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.text, replies[winner]!.text);
    });

    it('does not record a rejected request, so its key stays usable', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const rejected = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: {},
        idempotency_key: 'retry-after-fix',
      });
      assert.equal(rejected.status, 422);
      assert.equal(await ledgerRow(account.accountId, 'agent_spans/create', 'retry-after-fix'), undefined);
      const fixed = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
        idempotency_key: 'retry-after-fix',
      });
      assert.equal(fixed.status, 201);
      assert.equal(fixed.headers.get('idempotent-replayed'), null);
      assert.equal((await ledgerRow(account.accountId, 'agent_spans/create', 'retry-after-fix'))?.response_status, 201);
    });

    it('keeps ledgers apart per account and per operation', async () => {
      const one = await newAccount(server);
      const two = await newAccount(server);
      const first = await createSpan(server, one, {
        agent_instance_id: await openInstance(server, one),
        schema_name: 'agent:tool',
        status: 'active',
        idempotency_key: 'shared-key',
      });
      const second = await createSpan(server, two, {
        agent_instance_id: await openInstance(server, two),
        schema_name: 'agent:tool',
        status: 'active',
        idempotency_key: 'shared-key',
      });
      assert.equal(second.status, 201);
      assert.equal(second.headers.get('idempotent-replayed'), null);
      assert.notEqual(first.body.details.id, second.body.details.id);
      const finish = await call(server, one.token, 'POST', `/api/v1/agent_spans/${first.body.details.id}/finish`, { idempotency_key: 'shared-key' });
      assert.equal(finish.status, 200);
      assert.equal(finish.headers.get('idempotent-replayed'), null);
    });

    it('refuses an Idempotency-Key header over 64 characters with 422', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const reply = await createSpan(
        server,
        account,
        { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' },
        {
          'idempotency-key': 'k'.repeat(65),
        },
      );
      assert.equal(reply.status, 422);
      assert.deepEqual(reply.body.errors, { 'Idempotency-Key': ['must be at most 64 characters (got 65)'] });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });
  });
}
