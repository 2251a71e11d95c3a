import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';

for (const engine of ENGINES) {
  describe(`span types from the schema version (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('validates payload and result_payload against the type, with a message per field, storing nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const bad = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: { model: 7 },
        result_payload: { response: false },
      });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.code, 'validation_error');
      assert.deepEqual(bad.body.errors, {
        'payload.model': ['must be a string'],
        'payload.prompt': ['is required'],
        'result_payload.response': ['must be a string'],
      });
      assert.match(bad.body.message, /^payload\.prompt is required \(and 2 more in errors\)$/);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('refuses a span type the schema version does not declare, naming the declared ones', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const reply = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:unknown', status: 'active' });
      assert.equal(reply.status, 422);
      assert.deepEqual(reply.body.errors, {
        schema_name: ["is not a span type of this instance's schema version; declared: agent:llm, agent:tool"],
      });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('validates the result on finish and keeps the span open when it is wrong', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const span = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
      });
      const before = await snapshot(server, account.accountId, [instanceId]);
      const bad = await call(server, account.token, 'POST', `/api/v1/agent_spans/${span.body.details.id}/finish`, {
        result_payload: { response: 42 },
      });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.errors, { 'result_payload.response': ['must be a string'] });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('renders the summary from payload and result with {{field}}, {{ field }}, {{a.b}}, missing fields empty', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const tool = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        payload: { name: 'read_file', args: { path: 'a.txt' } },
      });
      assert.equal(tool.body.details.summary, 'read_file(a.txt) ');
      assert.equal(tool.body.details.schema_title, 'Tool call');
      const llm = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: { prompt: 'hi' },
        result_payload: { response: 'hello' },
      });
      assert.equal(llm.body.details.summary, ': hi -> hello');
    });

    it('reads the flat span_schemas / span_result_schemas maps', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, {
        schema: {
          external_identifier: 'flat-1',
          span_schemas: { 'agent:search': { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } },
          span_result_schemas: { 'agent:search': { type: 'object', properties: { hits: { type: 'integer' } } } },
        },
      });
      const ok = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:search',
        status: 'complete',
        payload: { q: 'cats' },
        result_payload: { hits: 3 },
      });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.body.details.schema_title, null);
      assert.equal(ok.body.details.summary, null);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const bad = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:search',
        status: 'complete',
        payload: {},
        result_payload: { hits: 'many' },
      });
      assert.deepEqual(bad.body.errors, { 'payload.q': ['is required'], 'result_payload.hits': ['must be an integer'] });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('accepts any span type, unvalidated, when the schema version declares none (or none is sent)', async () => {
      const account = await newAccount(server);
      const declaresNone = await openInstance(server, account, { schema: { external_identifier: 'empty' } });
      const reply = await createSpan(server, account, {
        agent_instance_id: declaresNone,
        schema_name: 'whatever',
        status: 'active',
        payload: { any: ['thing'] },
      });
      assert.equal(reply.status, 201);
      assert.equal(reply.body.details.schema_title, null);
      // The official TS SDK registers without agent_version or agent_schema_version when it has neither configured.
      const bare = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {});
      assert.equal(bare.status, 201, bare.text);
      const span = await createSpan(server, account, { agent_instance_id: bare.body.details.id, schema_name: 'langchain:llm', status: 'active' });
      assert.equal(span.status, 201);
    });

    it('accepts names it does not declare, unvalidated, when it declares "*", and still checks the types it declares', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, {
        schema: {
          external_identifier: 'open-1',
          span_type_schemas: [
            { name: 'lib:llm', params_schema: { type: 'object', properties: { model: { type: 'string' } } }, template: '{{model}}' },
            { name: '*', params_schema: {} },
          ],
        },
      });
      const other = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:run',
        status: 'active',
        payload: { model: 7 },
      });
      assert.equal(other.status, 201, other.text);
      assert.equal(other.body.details.summary, null);
      const declared = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'lib:llm',
        status: 'active',
        payload: { model: 'm' },
      });
      assert.equal(declared.body.details.summary, 'm');
      const before = await snapshot(server, account.accountId, [instanceId]);
      const bad = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'lib:llm',
        status: 'active',
        payload: { model: 7 },
      });
      assert.deepEqual(bad.body.errors, { 'payload.model': ['must be a string'] });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('stores a schema that is not valid JSON Schema, marked invalid, and its spans unvalidated', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, {
        schema: {
          external_identifier: 'broken',
          span_type_schemas: [
            { name: 'a', params_schema: { type: 'no-such-type' } },
            { name: 'b', params_schema: { type: 'object', required: ['q'] } },
          ],
        },
      });
      const listed = await call(server, account.accountToken, 'GET', `/api/v1/agent_schema_version?agent_id=${account.agentId}`);
      const types = listed.body.details[0].span_type_schemas;
      assert.equal(types.a.params_schema_validation.status, 'invalid');
      assert.match(types.a.params_schema_validation.message, /must be equal to one of the allowed values/);
      assert.deepEqual(types.b.params_schema_validation, { status: 'valid', message: null });
      // Spans of the broken type are stored as sent and say they went unchecked; the other type still validates.
      const unchecked = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'a', status: 'active', payload: { any: 1 } });
      assert.equal(unchecked.status, 201, unchecked.text);
      assert.equal(unchecked.body.details.schema_validation, 'unvalidated');
      const read = await call(server, account.token, 'GET', `/api/v1/agent_spans/${unchecked.body.details.id}`);
      assert.deepEqual(read.body.details, unchecked.body.details);
      const refused = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'b', status: 'active', payload: {} });
      assert.deepEqual(refused.body.errors, { 'payload.q': ['is required'] });
      const checked = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'b', status: 'active', payload: { q: 1 } });
      assert.equal(checked.status, 201, checked.text);
      assert.equal('schema_validation' in checked.body.details, false);
    });

    it('refuses a document whose span types or quality schemas repeat a name, naming the entry', async () => {
      const account = await newAccount(server);
      const before = await snapshot(server, account.accountId);
      const versionsBefore = await server.store.read((tx) => tx.listSchemaVersions(account.accountId, account.agentId));
      const schema = { type: 'object' };
      for (const [document, field] of [
        [
          {
            span_type_schemas: [
              { name: 'a', params_schema: schema },
              { name: 'a', params_schema: schema },
            ],
          },
          'span_type_schemas[1].name',
        ],
        [
          {
            quality_schemas: [
              { name: 'q', schema },
              { name: 'q', schema },
            ],
          },
          'quality_schemas[1].name',
        ],
      ] as const) {
        const reply = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
          agent_version: { name: 'x' },
          agent_schema_version: document,
        });
        assert.equal(reply.status, 422, reply.text);
        assert.match(reply.body.errors[`agent_schema_version.${field}`][0], /repeats the name of .*\[0\]/);
      }
      assert.deepEqual(await snapshot(server, account.accountId), before);
      assert.deepEqual(await server.store.read((tx) => tx.listSchemaVersions(account.accountId, account.agentId)), versionsBefore);
    });
  });
}
