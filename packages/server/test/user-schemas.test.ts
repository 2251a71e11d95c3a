import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';

for (const engine of ENGINES) {
  describe(`span type schemas of several accounts (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('lets two accounts (and two versions) declare schemas with the same $id, each validating by its own', async () => {
      const ids = [];
      for (const required of ['a', 'b', 'c']) {
        const account = await newAccount(server);
        const params_schema = { $id: 'https://example.com/params.json', type: 'object', required: [required], properties: { self: { $ref: '#' } } };
        const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
          agent_version: { name: 'v' },
          agent_schema_version: { external_identifier: `schema-${required}`, span_type_schemas: [{ name: 't', params_schema }] },
        });
        assert.equal(registered.status, 201, registered.text);
        ids.push({ account, instanceId: registered.body.details.id as string, required });
      }
      for (const { account, instanceId, required } of ids) {
        await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/start`, {});
        const span = (payload: object) =>
          call(server, account.token, 'POST', '/api/v1/agent_spans', {
            details: { agent_instance_id: instanceId, schema_name: 't', status: 'active', payload },
          });
        assert.equal((await span({ [required]: 1 })).status, 201);
        const refused = await span({ other: 1 });
        assert.equal(refused.status, 422);
        assert.deepEqual(Object.keys(refused.body.errors), [`payload.${required}`]);
      }
    });

    it('matches caller-written patterns in linear time: a catastrophic pattern answers at once', async () => {
      const account = await newAccount(server);
      const params_schema = {
        type: 'object',
        properties: { q: { type: 'string', pattern: '^(a+)+$' } },
        patternProperties: { '^(x+x+)+y$': { type: 'number' } },
      };
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: { name: 'v' },
        agent_schema_version: { external_identifier: 'redos', span_type_schemas: [{ name: 't', params_schema }] },
      });
      assert.equal(registered.status, 201, registered.text);
      const instanceId = registered.body.details.id as string;
      await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/start`, {});
      const started = performance.now();
      const refused = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: {
          agent_instance_id: instanceId,
          schema_name: 't',
          status: 'active',
          payload: { q: `${'a'.repeat(5000)}b`, [`${'x'.repeat(5000)}`]: 1 },
        },
      });
      // A backtracking engine takes 2^5000 steps here; this bound only tells "answered" from "hung".
      assert.ok(performance.now() - started < 10_000);
      assert.equal(refused.status, 422);
      assert.match(refused.body.errors['payload.q'][0], /must match pattern/);
      const ok = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: instanceId, schema_name: 't', status: 'active', payload: { q: 'aaaa' } },
      });
      assert.equal(ok.status, 201);
    });

    it('marks at registration a pattern RE2 cannot run (lookahead) invalid, saying why, and stores its spans unvalidated', async () => {
      const account = await newAccount(server);
      const params_schema = { type: 'object', properties: { q: { type: 'string', pattern: '^(?=a)a$' } } };
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: { name: 'v' },
        agent_schema_version: { external_identifier: 'lookahead', span_type_schemas: [{ name: 't', params_schema }] },
      });
      assert.equal(registered.status, 201, registered.text);
      const listed = await call(server, account.accountToken, 'GET', `/api/v1/agent_schema_version?agent_id=${account.agentId}`);
      const validation = listed.body.details[0].span_type_schemas.t.params_schema_validation;
      assert.equal(validation.status, 'invalid');
      assert.match(
        validation.message,
        /^error parsing regexp: invalid or unsupported Perl syntax: `\(\?=` \(patterns run on RE2, in linear time: no lookahead/,
      );
      const span = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: registered.body.details.id, schema_name: 't', status: 'active', payload: { q: 'b' } },
      });
      assert.equal(span.status, 201, span.text);
      assert.equal(span.body.details.schema_validation, 'unvalidated');
    });
  });
}
