import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';
import { createSpan, openInstance } from './fixtures.js';
import { PrefactorHttpClient, PrefactorNotFoundError } from '@agentspan/client';

for (const engine of ENGINES) {
  describe(`HTTP errors and access (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine, { bodyLimit: 4096 })));
    after(() => server.close());

    it('names the request in error answers, which @agentspan/client keeps as requestId', async () => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 0 });
      try {
        const refused = await client.agentSpans.get('no-such-span').then(
          () => undefined,
          (error: unknown) => error,
        );
        assert.ok(refused instanceof PrefactorNotFoundError);
        assert.match(refused.requestId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-/);
        const raw = await call(server, account.token, 'GET', '/api/v1/agent_spans/no-such-span');
        assert.equal(raw.body.request_id, raw.headers.get('x-request-id'));
        assert.notEqual(raw.body.request_id, refused.requestId, 'each request has its own id');
      } finally {
        await client.close();
      }
    });

    it('answers 400 invalid_json for malformed JSON, an empty JSON body, or a non-JSON body, storing nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const malformed = await call(server, account.token, 'POST', '/api/v1/agent_spans', '{"details": {"agent_instance_id": ');
      assert.equal(malformed.status, 400);
      assert.deepEqual(malformed.body, {
        status: 'error',
        code: 'invalid_json',
        message: 'the request body is not valid JSON; send one JSON object',
        request_id: malformed.headers.get('x-request-id'),
      });
      const empty = await call(server, account.token, 'POST', '/api/v1/agent_spans', '');
      assert.equal(empty.status, 400);
      assert.match(empty.body.message, /the request body is empty but Content-Type says JSON/);
      const text = await call(server, account.token, 'POST', '/api/v1/agent_spans', 'hello', { 'content-type': 'text/plain' });
      assert.equal(text.status, 400);
      assert.match(text.body.message, /send Content-Type: application\/json/);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('answers 422 with field paths for wrong types, missing fields and non-object bodies', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const wrong = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: 12, status: 'running', payload: 'text' },
      });
      assert.equal(wrong.status, 422);
      assert.equal(wrong.body.code, 'validation_error');
      assert.deepEqual(wrong.body.errors, {
        'details.agent_instance_id': ['must be a string'],
        'details.schema_name': ['is required'],
        'details.status': ['must be one of: pending, active, complete, failed, cancelled'],
        'details.payload': ['must be an object'],
      });
      assert.match(wrong.body.message, /^request body: details\.schema_name is required \(and 3 more in errors\)$/);
      const array = await call(server, account.token, 'POST', '/api/v1/agent_spans', [1, 2]);
      assert.equal(array.status, 422);
      assert.equal(array.body.message, 'the request body must be an object');
      const noDetails = await call(server, account.token, 'POST', '/api/v1/agent_spans', {});
      assert.deepEqual(noDetails.body.errors, { details: ['is required'] });
      const badFinish = await call(server, account.token, 'POST', '/api/v1/agent_instance/' + instanceId + '/finish', { status: 'done' });
      assert.deepEqual(badFinish.body.errors, { status: ['must be one of: complete, failed, cancelled'] });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('answers 413 payload_too_large over the configured limit and stores nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const reply = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        payload: { name: 'x'.repeat(5000) },
        idempotency_key: 'too-big-1',
      });
      assert.equal(reply.status, 413);
      assert.equal(reply.body.code, 'payload_too_large');
      assert.match(reply.body.message, /larger than this server's limit of 4096 bytes/);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      assert.equal(await server.store.read((tx) => tx.getIdempotency(account.accountId, 'agent_spans/create', 'too-big-1')), undefined);
    });

    it('answers 404 not_found in the envelope for an unknown route', async () => {
      const account = await newAccount(server);
      for (const [method, path] of [
        ['GET', '/api/v1/agent_spanz'],
        ['DELETE', '/api/v1/agent_spans/x'],
        ['GET', '/nothing-here'],
      ] as const) {
        const reply = await call(server, account.token, method, path);
        assert.equal(reply.status, 404, path);
        assert.equal(reply.body.code, 'not_found');
        assert.match(reply.body.message, /^no route .*; the API is described at GET \/api\/v1\/openapi\.json$/);
      }
    });

    it('answers 401 for a missing, malformed or unknown token, and ping answers only a valid one', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const missing = await call(server, undefined, 'GET', '/api/v1/ping');
      assert.equal(missing.status, 401);
      assert.deepEqual(missing.body, {
        status: 'error',
        code: 'unauthorized',
        message: 'missing token: send Authorization: Bearer <token>',
        request_id: missing.headers.get('x-request-id'),
      });
      const malformed = await call(server, undefined, 'GET', '/api/v1/ping', undefined, { authorization: 'Token abc' });
      assert.equal(malformed.status, 401);
      assert.match(malformed.body.message, /must be "Bearer <token>"/);
      const details = { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' };
      const unknown = await call(server, 'as_not-a-real-token', 'POST', '/api/v1/agent_spans', { details });
      assert.equal(unknown.status, 401);
      assert.match(unknown.body.message, /unknown token/);
      const anonymous = await call(server, undefined, 'POST', '/api/v1/agent_spans', { details });
      assert.equal(anonymous.status, 401);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      const ok = await call(server, account.token, 'GET', '/api/v1/ping');
      assert.deepEqual([ok.status, ok.body], [200, { status: 'success' }]);
      const accountScoped = await call(server, account.accountToken, 'GET', '/api/v1/ping');
      assert.equal(accountScoped.status, 200);
    });

    it("answers 404 for another account's spans and instances, and changes nothing of theirs", async () => {
      const owner = await newAccount(server);
      const stranger = await newAccount(server);
      const instanceId = await openInstance(server, owner);
      const span = await createSpan(server, owner, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      const spanId = span.body.details.id;
      const before = await snapshot(server, owner.accountId, [instanceId]);
      for (const [method, path, body] of [
        ['GET', `/api/v1/agent_spans/${spanId}`, undefined],
        ['POST', `/api/v1/agent_spans/${spanId}/finish`, {}],
        ['GET', `/api/v1/agent_instance/${instanceId}`, undefined],
        ['POST', `/api/v1/agent_instance/${instanceId}/finish`, {}],
        ['POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: 'mine now' }],
        ['GET', `/api/v1/agent/${owner.agentId}`, undefined],
      ] as const) {
        const reply = await call(server, stranger.accountToken, method, path, body);
        assert.equal(reply.status, 404, path);
        assert.equal(reply.body.code, 'not_found');
      }
      const intoForeign = await createSpan(server, stranger, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      assert.equal(intoForeign.status, 422);
      assert.ok(intoForeign.body.errors.agent_instance_id);
      assert.deepEqual(await snapshot(server, owner.accountId, [instanceId]), before);
    });

    it('reads explicit nulls as absent and ignores unknown fields everywhere', async () => {
      const account = await newAccount(server);
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_id: null,
        environment_id: null,
        id: null,
        idempotency_key: null,
        purpose: null,
        update_current_version: null,
        agent_version: { name: null, external_identifier: null, description: null, build: 'abc' },
        agent_schema_version: { external_identifier: null, span_schemas: null, span_type_schemas: null, quality_schemas: null, extra: [] },
        future_option: true,
      });
      assert.equal(registered.status, 201, registered.text);
      assert.equal(registered.body.details.purpose, 'live');
      const id = registered.body.details.id;
      const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, { timestamp: null, idempotency_key: null });
      assert.equal(started.status, 200);
      const noBody = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/finish`);
      assert.equal(noBody.status, 200);
      assert.equal(noBody.body.details.status, 'complete');
    });
  });

  describe(`server limits and faults (${engine.name})`, () => {
    it('accepts bodies up to 1 MiB by default and refuses larger ones with 413', async () => {
      const server = await startServer(engine);
      try {
        const account = await newAccount(server);
        const instanceId = await openInstance(server, account);
        const send = (size: number) =>
          createSpan(server, account, {
            agent_instance_id: instanceId,
            schema_name: 'agent:tool',
            status: 'active',
            payload: { name: 'x'.repeat(size) },
          });
        assert.equal((await send(1000 * 1000)).status, 201);
        const before = await snapshot(server, account.accountId, [instanceId]);
        assert.equal((await send(1024 * 1024)).status, 413);
        assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      } finally {
        await server.close();
      }
    });

    it('answers 500 internal_error without internals when the store fails', async () => {
      const server = await startServer(engine);
      try {
        const account = await newAccount(server);
        await server.store.close();
        const reply = await call(server, account.token, 'GET', '/api/v1/ping');
        assert.equal(reply.status, 500);
        assert.equal(reply.body.code, 'internal_error');
        assert.match(reply.body.message, /^internal server error \(request .+\); it has been logged$/);
        assert.doesNotMatch(reply.text, /closed|stack|sqlite|store/i);
      } finally {
        await server.close();
      }
    });
  });
}
