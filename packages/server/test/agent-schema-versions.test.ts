import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, createSpan } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';

/** What a refused request must leave as it was: the agent's schema versions. */
const stored = (server: Server, account: Account) => server.store.read((tx) => tx.listSchemaVersions(account.accountId, account.agentId));

// CLI clients/agent-schema-version.ts create: `this.client.request('/agent_schema_version', { method: 'POST',
// body: { details: { agent_id: agentId, external_identifier: externalIdentifier, ...options } } })`, where
// options are `{span_schemas?, span_type_schemas?, span_result_schemas?}` as the command's JSON options give them.
const create = (server: Server, token: string, details: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  call(server, token, 'POST', '/api/v1/agent_schema_version', { details, ...extra });

const OBJECT = { type: 'object' };
const RISK = { action_profile: { read_data: 'allowed' } };
const VALID = { status: 'valid', message: null };

for (const engine of ENGINES) {
  describe(`agent_schema_version (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates, reads and lists schema versions with the CLI’s request shapes, span types as a map', async () => {
      const account = await newAccount(server);
      const first = await create(server, account.accountToken, {
        agent_id: account.agentId,
        external_identifier: 'schemas-1',
        span_type_schemas: [
          {
            name: 'agent:llm',
            title: 'LLM call',
            description: 'one model call',
            template: '{{model}}',
            result_template: '{{answer}}',
            params_schema: { type: 'object', properties: { model: { type: 'string' } } },
            result_schema: { type: 'object' },
            data_risk: RISK,
          },
        ],
        span_schemas: { 'agent:tool': OBJECT, 'agent:llm': { type: 'string' } },
        span_result_schemas: { 'agent:tool': { type: 'array' } },
        quality_schemas: [{ name: 'accuracy', schema: OBJECT, title: 'Accuracy' }],
      });
      assert.equal(first.status, 201, first.text);
      const version = first.body.details;
      assert.deepEqual(
        { ...version, id: undefined, inserted_at: undefined },
        {
          type: 'agent_schema_version',
          id: undefined,
          account_id: account.accountId,
          agent_id: account.agentId,
          external_identifier: 'schemas-1',
          external_identifier_repeats: 0,
          span_type_schemas: {
            'agent:llm': {
              name: 'agent:llm',
              title: 'LLM call',
              description: 'one model call',
              template: '{{model}}',
              result_template: '{{answer}}',
              params_schema: { type: 'object', properties: { model: { type: 'string' } } },
              result_schema: OBJECT,
              data_risk: RISK,
              params_schema_validation: VALID,
              result_schema_validation: VALID,
            },
            // The flat maps' names join the map; a name span_type_schemas declares keeps its entry.
            'agent:tool': {
              name: 'agent:tool',
              title: null,
              description: null,
              template: null,
              result_template: null,
              params_schema: OBJECT,
              result_schema: { type: 'array' },
              data_risk: null,
              params_schema_validation: VALID,
              result_schema_validation: VALID,
            },
          },
          quality_schemas: {
            accuracy: {
              name: 'accuracy',
              title: 'Accuracy',
              description: null,
              template: null,
              schema: OBJECT,
              data_risk: null,
              schema_validation: VALID,
            },
          },
          inserted_at: undefined,
        },
      );

      // CLI clients/agent-schema-version.ts retrieve: `this.client.request(`/agent_schema_version/${id}`, { method: 'GET' })`
      const read = await call(server, account.accountToken, 'GET', `/api/v1/agent_schema_version/${version.id}`);
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body, { status: 'success', details: version });

      const second = await create(server, account.accountToken, { agent_id: account.agentId, external_identifier: 'schemas-2' });
      assert.equal(second.status, 201, second.text);
      assert.deepEqual(second.body.details.span_type_schemas, {});

      // CLI clients/agent-schema-version.ts list: `this.client.request('/agent_schema_version', { method: 'GET',
      // query: { agent_id: agentId } })`, read as `details`.
      const list = await call(server, account.accountToken, 'GET', `/api/v1/agent_schema_version?agent_id=${account.agentId}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body, { status: 'success', details: [version, second.body.details] });

      const paged = await call(
        server,
        account.accountToken,
        'GET',
        `/api/v1/agent_schema_version?agent_id=${account.agentId}&pagination[offset]=0&pagination[page_size]=1&sorting[field]=external_identifier&sorting[direction]=desc`,
      );
      assert.equal(paged.status, 200, paged.text);
      assert.deepEqual(paged.body.summaries, [second.body.details]);
      assert.deepEqual(paged.body.sorting, { field: 'external_identifier', direction: 'desc' });
      assert.equal(paged.body.pagination.item_count, 2);
      assert.equal(paged.body.pagination.next_page_offset, 1);
      assert.equal(paged.body.details, undefined);
    });

    it('answers the stored version for the same content, and makes a new one for other content, as register does', async () => {
      const account = await newAccount(server);
      const document = { external_identifier: 'fixed-id', span_type_schemas: [{ name: 't', params_schema: OBJECT }] };
      const first = await create(server, account.accountToken, { agent_id: account.agentId, ...document });
      assert.equal(first.status, 201, first.text);

      const same = await create(server, account.accountToken, { agent_id: account.agentId, ...document });
      assert.equal(same.status, 200, same.text);
      assert.deepEqual(same.body.details, first.body.details);

      // The SDK registers the same document under the same id: its instance uses the created version.
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: AGENT_VERSION,
        agent_schema_version: document,
      });
      assert.equal(registered.status, 201, registered.text);
      assert.equal((await stored(server, account)).length, 1);
      const instance = await server.store.read((tx) => tx.getInstance(account.accountId, registered.body.details.id));
      assert.equal(instance?.schema_version_id, first.body.details.id);
      // The run names its schema version, so a reader goes from a run to its span types and declarations.
      assert.equal(registered.body.details.agent_schema_version_id, first.body.details.id);
      const read = await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${registered.body.details.id}`);
      assert.equal(read.body.details.agent_schema_version_id, first.body.details.id);

      // Other content under the known id is a new version, never the stale one and never refused.
      const other = await create(server, account.accountToken, {
        agent_id: account.agentId,
        external_identifier: 'fixed-id',
        span_type_schemas: [{ name: 'u', params_schema: OBJECT }],
      });
      assert.equal(other.status, 201, other.text);
      assert.notEqual(other.body.details.id, first.body.details.id);
      assert.equal(other.body.details.external_identifier_repeats, 1);
      assert.deepEqual(Object.keys(other.body.details.span_type_schemas), ['u']);
      const list = await call(server, account.accountToken, 'GET', `/api/v1/agent_schema_version?agent_id=${account.agentId}`);
      assert.deepEqual(
        list.body.details.map((v: { id: string; external_identifier_repeats: number }) => [v.id, v.external_identifier_repeats]),
        [
          [first.body.details.id, 1],
          [other.body.details.id, 1],
        ],
      );
      const reread = await call(server, account.accountToken, 'GET', `/api/v1/agent_schema_version/${first.body.details.id}`);
      assert.equal(reread.body.details.external_identifier_repeats, 1);

      // A replay of an idempotency key answers what the first request did.
      const keyed = { agent_id: account.agentId, external_identifier: 'keyed' };
      const original = await create(server, account.accountToken, keyed, { idempotency_key: 'schema-key-1' });
      const replay = await create(server, account.accountToken, keyed, { idempotency_key: 'schema-key-1' });
      assert.equal(original.status, 201);
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, original.body);
    });

    it('stores schemas that do not compile, marked invalid with the compiler’s message, and their spans unvalidated', async () => {
      const account = await newAccount(server);
      const document = {
        external_identifier: 'broken',
        span_type_schemas: [
          { name: 'bad-params', params_schema: { type: 'no-such-type' }, result_schema: OBJECT },
          { name: 'bad-result', params_schema: OBJECT, result_schema: { required: 'not-a-list' } },
          { name: 'fine', params_schema: { type: 'object', required: ['q'] } },
        ],
        span_schemas: { legacy: { type: 7 } },
        quality_schemas: [{ name: 'accuracy', schema: { minimum: 'x' } }],
        quality_schema: { schema: OBJECT },
      };
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: AGENT_VERSION,
        agent_schema_version: document,
      });
      assert.equal(registered.status, 201, registered.text);
      const instanceId = registered.body.details.id as string;
      const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/start`, {});
      assert.equal(started.status, 200, started.text);

      const list = await call(server, account.accountToken, 'GET', `/api/v1/agent_schema_version?agent_id=${account.agentId}`);
      const [version] = list.body.details;
      const statuses = (entries: Record<string, Record<string, { status: string }>>, keys: string[]) =>
        Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, keys.map((key) => entry[key]!.status)]));
      assert.deepEqual(statuses(version.span_type_schemas, ['params_schema_validation', 'result_schema_validation']), {
        'bad-params': ['invalid', 'valid'],
        'bad-result': ['valid', 'invalid'],
        fine: ['valid', 'valid'],
        legacy: ['invalid', 'valid'],
      });
      assert.deepEqual(statuses(version.quality_schemas, ['schema_validation']), { accuracy: ['invalid'], quality: ['valid'] });
      assert.match(version.span_type_schemas['bad-params'].params_schema_validation.message, /^schema is invalid: data\/type must be/);
      assert.match(version.quality_schemas.accuracy.schema_validation.message, /minimum must be number/);
      // Stored as sent: the schema that does not compile is in the document.
      assert.deepEqual(version.span_type_schemas['bad-params'].params_schema, { type: 'no-such-type' });

      // Spans of a type with a broken schema are stored as sent and flagged; the rest validate as before.
      for (const name of ['bad-params', 'bad-result', 'legacy']) {
        const span = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: name, status: 'active', payload: { x: 1 } });
        assert.equal(span.status, 201, span.text);
        assert.equal(span.body.details.schema_validation, 'unvalidated');
        const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${span.body.details.id}/finish`, {
          result_payload: { any: 'thing' },
        });
        assert.equal(finished.status, 200, finished.text);
        assert.equal(finished.body.details.schema_validation, 'unvalidated');
      }
      // A valid schema beside a broken one still checks what it covers.
      const wrongParams = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'bad-result',
        status: 'active',
        payload: [],
      });
      assert.equal(wrongParams.status, 422, wrongParams.text);
      const refused = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'fine', status: 'active', payload: {} });
      assert.deepEqual(refused.body.errors, { 'payload.q': ['is required'] });
      const fine = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'fine', status: 'active', payload: { q: 1 } });
      assert.equal(fine.status, 201, fine.text);
      assert.equal(fine.body.details.schema_validation, undefined);

      const listed = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}`);
      assert.deepEqual(
        listed.body.details.map((span: { schema_name: string; schema_validation?: string }) => [span.schema_name, span.schema_validation ?? null]),
        [
          ['bad-params', 'unvalidated'],
          ['bad-result', 'unvalidated'],
          ['legacy', 'unvalidated'],
          ['fine', null],
        ],
      );

      // A quality record against a broken schema is kept unchecked too.
      const quality = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/record_quality`, {
        name: 'accuracy',
        payload: { anything: true },
      });
      assert.equal(quality.status, 200, quality.text);
    });

    it('refuses wrong inputs with the field and what to do, storing nothing', async () => {
      const account = await newAccount(server);
      const taken = await create(server, account.accountToken, { agent_id: account.agentId, external_identifier: 'v1' });
      assert.equal(taken.status, 201, taken.text);
      const before = await stored(server, account);
      const agentsBefore = await snapshot(server, account.accountId);

      const byDeployment = await create(server, account.token, { agent_id: account.agentId, external_identifier: 'v2' });
      assert.equal(byDeployment.status, 403);
      assert.equal(byDeployment.body.message, 'creating agent schema versions needs an account-scoped token; this token is scoped to one deployment');
      for (const path of [`/api/v1/agent_schema_version?agent_id=${account.agentId}`, `/api/v1/agent_schema_version/${taken.body.details.id}`]) {
        const read = await call(server, account.token, 'GET', path);
        assert.equal(read.status, 403, read.text);
        assert.match(read.body.message, /needs an account-scoped token/);
      }

      const unknownAgent = await create(server, account.accountToken, { agent_id: 'no-such-agent', external_identifier: 'v2' });
      assert.equal(unknownAgent.status, 422);
      assert.deepEqual(unknownAgent.body.errors, {
        'details.agent_id': ['names no agent of this account (no-such-agent); create it with POST /api/v1/agent first'],
      });

      const wrong: [Record<string, unknown>, string, string][] = [
        [{ agent_id: account.agentId }, 'details.external_identifier', 'is required'],
        [{ agent_id: account.agentId, external_identifier: '' }, 'details.external_identifier', 'must NOT have fewer than 1 characters'],
        [{ agent_id: account.agentId, external_identifier: 7 }, 'details.external_identifier', 'must be a string'],
        [{ external_identifier: 'v3' }, 'details.agent_id', 'is required'],
        [{ agent_id: account.agentId, external_identifier: 'v3', span_type_schemas: { name: 't' } }, 'details.span_type_schemas', 'must be an array'],
        [
          { agent_id: account.agentId, external_identifier: 'v3', span_type_schemas: [{ params_schema: OBJECT }] },
          'details.span_type_schemas[0].name',
          'is required',
        ],
        [
          { agent_id: account.agentId, external_identifier: 'v3', span_type_schemas: [{ name: 't', params_schema: 'x' }] },
          'details.span_type_schemas[0].params_schema',
          'must be an object',
        ],
        [{ agent_id: account.agentId, external_identifier: 'v3', span_schemas: { t: [] } }, 'details.span_schemas.t', 'must be an object'],
        [
          { agent_id: account.agentId, external_identifier: 'v3', quality_schemas: [{ name: 'q' }] },
          'details.quality_schemas[0].schema',
          'is required',
        ],
      ];
      for (const [details, field, message] of wrong) {
        const reply = await create(server, account.accountToken, details);
        assert.equal(reply.status, 422, `${JSON.stringify(details)}: ${reply.text}`);
        assert.match(reply.body.errors?.[field]?.[0] ?? '', new RegExp(`^${message}`), `${JSON.stringify(details)}: ${reply.text}`);
      }
      const twice = await create(server, account.accountToken, {
        agent_id: account.agentId,
        external_identifier: 'v3',
        span_type_schemas: [
          { name: 't', params_schema: OBJECT },
          { name: 't', params_schema: OBJECT },
        ],
      });
      assert.equal(twice.status, 422);
      assert.deepEqual(twice.body.errors, {
        'details.span_type_schemas[1].name': ['repeats the name of details.span_type_schemas[0] ("t"); give each entry its own name'],
      });

      assert.deepEqual(await stored(server, account), before);
      assert.deepEqual(await snapshot(server, account.accountId), agentsBefore);

      const missing = await call(server, account.accountToken, 'GET', '/api/v1/agent_schema_version/no-such-version');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, 'agent schema version no-such-version was not found');
      const otherAccount = await newAccount(server);
      const foreign = await call(server, otherAccount.accountToken, 'GET', `/api/v1/agent_schema_version/${taken.body.details.id}`);
      assert.equal(foreign.status, 404);

      const listUnknown = await call(server, account.accountToken, 'GET', '/api/v1/agent_schema_version?agent_id=no-such-agent');
      assert.equal(listUnknown.status, 422);
      assert.deepEqual(listUnknown.body.errors, {
        agent_id: ['names no agent of this account (no-such-agent); list agents with GET /api/v1/agent'],
      });
      const listNoAgent = await call(server, account.accountToken, 'GET', '/api/v1/agent_schema_version');
      assert.equal(listNoAgent.status, 422);
      assert.match(listNoAgent.body.message, /agent_id/);
      const badPage = await call(server, account.accountToken, 'GET', `/api/v1/agent_schema_version?agent_id=${account.agentId}&sorting[field]=name`);
      assert.equal(badPage.status, 422);
      assert.match(badPage.body.message, /sorting\[field\]/);
    });
  });
}
