import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { buildApp, bootstrapAccount, createToken } from '../src/index.js';
import { ENGINES } from './engines.js';

for (const engine of ENGINES) {
  describe(`app shape (${engine.name})`, () => {
    it('serves the viewer at / with a strict CSP and hashed assets cached for a year, and nothing there with viewer: false', async (t) => {
      const { store, cleanup } = await engine.open();
      const app = buildApp({ store });
      const bare = buildApp({ store, viewer: false });
      t.after(async () => {
        await app.close();
        await bare.close();
        await cleanup();
      });
      const page = await app.inject({ method: 'GET', url: '/instances/anything' });
      assert.equal(page.statusCode, 200);
      assert.match(page.headers['content-type'] as string, /^text\/html/);
      assert.equal(page.headers['cache-control'], 'no-cache');
      assert.match(page.headers['content-security-policy'] as string, /^default-src 'none'; script-src 'self';/);
      const script = /src="(\/ui\/assets\/app-[^"]+\.js)"/.exec(page.body)?.[1];
      assert.ok(script, page.body);
      const asset = await app.inject({ method: 'GET', url: script });
      assert.equal(asset.statusCode, 200);
      assert.match(asset.headers['cache-control'] as string, /max-age=31536000, immutable/);
      const none = await bare.inject({ method: 'GET', url: '/' });
      assert.equal(none.statusCode, 404);
      assert.equal(none.json().code, 'not_found');
    });

    it('serves an OpenAPI 3.1 document of every route, without a token', async (t) => {
      const { store, cleanup } = await engine.open();
      const app = buildApp({ store });
      t.after(async () => {
        await app.close();
        await cleanup();
      });
      const reply = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      assert.equal(reply.statusCode, 200);
      const doc = reply.json();
      assert.equal(doc.openapi, '3.1.0');
      assert.deepEqual(Object.keys(doc.paths).sort(), [
        '/api/v1/account',
        '/api/v1/account/{account_id}',
        '/api/v1/activity',
        '/api/v1/agent',
        '/api/v1/agent/show',
        '/api/v1/agent/{agent_id}',
        '/api/v1/agent/{agent_id}/reinstate',
        '/api/v1/agent/{agent_id}/retire',
        '/api/v1/agent_deployment',
        '/api/v1/agent_deployment/{agent_deployment_id}',
        '/api/v1/agent_instance',
        '/api/v1/agent_instance/register',
        '/api/v1/agent_instance/{agent_instance_id}',
        '/api/v1/agent_instance/{agent_instance_id}/agent_context',
        '/api/v1/agent_instance/{agent_instance_id}/finish',
        '/api/v1/agent_instance/{agent_instance_id}/record_quality',
        '/api/v1/agent_instance/{agent_instance_id}/risk',
        '/api/v1/agent_instance/{agent_instance_id}/start',
        '/api/v1/agent_instance/{agent_instance_id}/terminate',
        '/api/v1/agent_instance/{agent_instance_id}/update',
        '/api/v1/agent_schema_version',
        '/api/v1/agent_schema_version/{agent_schema_version_id}',
        '/api/v1/agent_spans',
        '/api/v1/agent_spans/create_test_spans',
        '/api/v1/agent_spans/{agent_span_id}',
        '/api/v1/agent_spans/{agent_span_id}/finish',
        '/api/v1/agent_version',
        '/api/v1/agent_version/{agent_version_id}',
        '/api/v1/alerts',
        '/api/v1/alerts/count',
        '/api/v1/alerts/{alert_id}',
        '/api/v1/alerts/{alert_id}/acknowledge',
        '/api/v1/analytics',
        '/api/v1/api_token',
        '/api/v1/api_token/{api_token_id}',
        '/api/v1/api_token/{api_token_id}/activate',
        '/api/v1/api_token/{api_token_id}/revoke',
        '/api/v1/api_token/{api_token_id}/suspend',
        '/api/v1/bulk',
        '/api/v1/environment',
        '/api/v1/environment/{environment_id}',
        '/api/v1/events',
        '/api/v1/model_prices',
        '/api/v1/model_prices/{model}',
        '/api/v1/pfid/generate',
        '/api/v1/ping',
        '/api/v1/risk_profile',
        '/api/v1/risk_profile/{risk_profile_id}',
      ]);
      assert.deepEqual(Object.keys(doc.paths['/api/v1/agent/{agent_id}']).sort(), ['delete', 'get', 'put']);
      const create = doc.paths['/api/v1/agent_spans'].post;
      assert.ok(create.requestBody.content['application/json'].schema.properties.details);
      assert.ok(create.responses['201']);
      assert.ok(create.responses['4XX'] ?? create.responses['4xx']);
    });

    it('logs each request with its id and the X-Prefactor-SDK header', async (t) => {
      const lines: Array<Record<string, unknown>> = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
          done();
        },
      });
      const { store, cleanup } = await engine.open();
      const app = buildApp({ store, logger: pino({ level: 'info' }, sink) });
      t.after(async () => {
        await app.close();
        await cleanup();
      });
      await bootstrapAccount(store);
      const token = await createToken(store, { scope: 'account' });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const reply = await fetch(`${url}/api/v1/ping`, {
        headers: { authorization: `Bearer ${token}`, 'x-prefactor-sdk': '@x/tracer@1.0.0 @x/client@1.0.0', 'x-request-id': 'req-abc' },
      });
      assert.equal(reply.status, 200);
      const mine = lines.filter((line) => line.request_id === 'req-abc');
      assert.ok(mine.length >= 2, JSON.stringify(lines));
      assert.ok(mine.every((line) => line.sdk === '@x/tracer@1.0.0 @x/client@1.0.0'));
      assert.ok(mine.some((line) => (line.res as { statusCode?: number } | undefined)?.statusCode === 200));
    });

    it('bootstraps an empty store once; later calls return null and change nothing', async (t) => {
      const { store, cleanup } = await engine.open();
      t.after(cleanup);
      const first = await bootstrapAccount(store);
      assert.ok(first);
      assert.match(first.token, /^as_[A-Za-z0-9_-]{43}$/);
      assert.equal(await bootstrapAccount(store), null);
      const app = buildApp({ store });
      t.after(() => app.close());
      const ping = await app.inject({ method: 'GET', url: '/api/v1/ping', headers: { authorization: `Bearer ${first.token}` } });
      assert.equal(ping.statusCode, 200);
      assert.equal(await store.read((tx) => tx.findTokenByHash(first.token)), undefined, 'tokens are never stored as given');
      const hashed = await store.read((tx) => tx.findTokenByHash(createHash('sha256').update(first.token).digest('hex')));
      assert.equal(hashed?.scope, 'deployment');
      assert.equal(hashed?.deployment_id, first.deploymentId);
      const deploymentToken = await createToken(store, { scope: 'deployment' });
      const row = await store.read(async (tx) => (await tx.listDeployments(first.accountId))[0]);
      assert.equal(row?.id, first.deploymentId);
      const scoped = await app.inject({ method: 'GET', url: '/api/v1/ping', headers: { authorization: `Bearer ${deploymentToken}` } });
      assert.equal(scoped.statusCode, 200);
    });

    it('refuses to issue a token for a store that has no account yet', async (t) => {
      const { store, cleanup } = await engine.open();
      t.after(cleanup);
      await assert.rejects(createToken(store, { scope: 'account' }), /this store has no account yet; start the server once \(agentspan serve\)/);
    });
  });
}
