import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { completeDataRisk, DATA_ACTIONS, DATA_CATEGORIES } from '@agentspan/protocol';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { AGENT_VERSION, createSpan } from './fixtures.js';
import { schemaDocumentHash } from '../src/domain/schema-catalogs.js';

const FULL = {
  action_profile: {
    create_data: 'disallowed',
    read_data: 'allowed',
    update_data: 'disallowed',
    destroy_data: 'disallowed',
    financial_transactions: 'disallowed',
    external_communication: 'allowed',
  },
  params_data_categories: {
    classification: 'confidential',
    ...Object.fromEntries(DATA_CATEGORIES.map((category) => [category, 'excluded'])),
    personal_identifiers: 'included',
  },
  result_data_categories: { classification: 'public', ...Object.fromEntries(DATA_CATEGORIES.map((category) => [category, 'unknown'])) },
};
const PARTIAL = { action_profile: { read_data: 'allowed' }, result_data_categories: { classification: 'internal' } };

const spanType = (name: string, dataRisk?: unknown) => ({
  name,
  params_schema: { type: 'object' },
  ...(dataRisk === undefined ? {} : { data_risk: dataRisk }),
});

/** A schema version whose third span type (index 2) carries `dataRisk`. */
const schemaWith = (dataRisk: unknown) => ({
  external_identifier: 'risky',
  span_type_schemas: [spanType('agent:llm', FULL), spanType('agent:tool'), spanType('agent:payment', dataRisk)],
});

const register = (server: Server, account: Account, schema: unknown) =>
  call(server, account.token, 'POST', '/api/v1/agent_instance/register', { agent_version: AGENT_VERSION, agent_schema_version: schema });

/** The schema version documents the account has stored. */
async function storedDocuments(server: Server, accountId: string): Promise<Record<string, unknown>[]> {
  const rows = await server.store.read((tx) => tx.copyPage('schema_versions', undefined, 10_000));
  return rows.filter((row) => row.account_id === accountId).map((row) => JSON.parse(row.document_json as string) as Record<string, unknown>);
}

async function storedInstances(server: Server, account: Account) {
  const listed = await call(server, account.accountToken, 'GET', '/api/v1/agent_instance');
  assert.equal(listed.status, 200, listed.text);
  return listed.body.details as unknown[];
}

const AT = 'agent_schema_version.span_type_schemas[2].data_risk';
const ACTIONS = `the fields here are: ${DATA_ACTIONS.join(', ')}`;
const CATEGORIES = `the fields here are: classification, ${DATA_CATEGORIES.join(', ')}`;

/** Each wrong declaration a user can send, the path the answer names, and what it tells them. */
const WRONG: Array<{ what: string; dataRisk: unknown; path: string; says: string }> = [
  { what: 'an unknown action', dataRisk: { action_profile: { wire_money: 'allowed' } }, path: `${AT}.action_profile.wire_money`, says: ACTIONS },
  {
    what: 'an unknown category',
    dataRisk: { params_data_categories: { shoe_size: 'included' } },
    path: `${AT}.params_data_categories.shoe_size`,
    says: CATEGORIES,
  },
  {
    what: 'an unknown part',
    dataRisk: { actions: {} },
    path: `${AT}.actions`,
    says: 'the fields here are: action_profile, params_data_categories, result_data_categories',
  },
  {
    what: 'a wrong value for an action',
    dataRisk: { action_profile: { read_data: 'yes' } },
    path: `${AT}.action_profile.read_data`,
    says: 'must be one of: unknown, allowed, disallowed',
  },
  {
    what: 'a wrong value for a category',
    dataRisk: { result_data_categories: { minors_data: 'allowed' } },
    path: `${AT}.result_data_categories.minors_data`,
    says: 'must be one of: unknown, included, excluded',
  },
  {
    what: 'a wrong classification',
    dataRisk: { params_data_categories: { classification: 'top_secret' } },
    path: `${AT}.params_data_categories.classification`,
    says: 'must be one of: unknown, public, internal, confidential, restricted, secret',
  },
  { what: 'a part that is not an object', dataRisk: { action_profile: 'allowed' }, path: `${AT}.action_profile`, says: 'must be an object' },
  { what: 'data_risk that is not an object', dataRisk: 'high', path: AT, says: 'must be an object' },
  { what: 'data_risk as an array', dataRisk: [], path: AT, says: 'must be an object' },
];

for (const engine of ENGINES) {
  describe(`declared data risk (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('stores a full and a partial declaration as declared, on span types and quality schemas', async () => {
      const account = await newAccount(server);
      const schema = {
        external_identifier: 'declared',
        span_type_schemas: [spanType('agent:llm', FULL), spanType('agent:search', PARTIAL), spanType('agent:tool'), spanType('agent:other', null)],
        quality_schemas: [{ name: 'helpfulness', schema: { type: 'object' }, data_risk: PARTIAL }],
      };
      const registered = await register(server, account, schema);
      assert.equal(registered.status, 201, registered.text);
      const [document] = await storedDocuments(server, account.accountId);
      assert.deepEqual(document, schema);

      // The run goes on as before: spans of declared types are accepted.
      const id = registered.body.details.id as string;
      assert.equal((await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, {})).status, 200);
      const span = await createSpan(server, account, { agent_instance_id: id, schema_name: 'agent:search', status: 'active', payload: {} });
      assert.equal(span.status, 201, span.text);
    });

    it("accepts prefactor_http 0.3's single quality_schema with a declaration", async () => {
      const account = await newAccount(server);
      const schema = { external_identifier: 'single', quality_schema: { schema: { type: 'object' }, data_risk: FULL } };
      assert.equal((await register(server, account, schema)).status, 201);
      assert.deepEqual((await storedDocuments(server, account.accountId))[0], schema);
    });

    for (const wrong of WRONG) {
      it(`refuses ${wrong.what} with 422 at ${wrong.path}, storing nothing`, async () => {
        const account = await newAccount(server);
        const reply = await register(server, account, schemaWith(wrong.dataRisk));
        assert.equal(reply.status, 422, reply.text);
        assert.equal(reply.body.code, 'validation_error');
        assert.deepEqual(Object.keys(reply.body.errors as object), [wrong.path], reply.text);
        assert.match(reply.body.errors[wrong.path][0] as string, new RegExp(wrong.says.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
        assert.ok((reply.body.message as string).includes(wrong.path), reply.body.message);
        assert.deepEqual(await storedInstances(server, account), []);
        assert.deepEqual(await storedDocuments(server, account.accountId), []);
      });
    }

    it('refuses wrong declarations on quality schemas at their own paths', async () => {
      const account = await newAccount(server);
      const many = await register(server, account, {
        quality_schemas: [{ name: 'q', schema: { type: 'object' }, data_risk: { action_profile: { wire_money: 'allowed' } } }],
      });
      assert.equal(many.status, 422, many.text);
      assert.deepEqual(Object.keys(many.body.errors as object), ['agent_schema_version.quality_schemas[0].data_risk.action_profile.wire_money']);
      const single = await register(server, account, {
        quality_schema: { schema: { type: 'object' }, data_risk: { params_data_categories: { classification: 'x' } } },
      });
      assert.equal(single.status, 422, single.text);
      assert.deepEqual(Object.keys(single.body.errors as object), [
        'agent_schema_version.quality_schema.data_risk.params_data_categories.classification',
      ]);
      assert.deepEqual(await storedDocuments(server, account.accountId), []);
    });

    it('checks declarations the same way in a bulk register item', async () => {
      const account = await newAccount(server);
      const item = (key: string, dataRisk: unknown) => ({
        _type: 'agent_instances/register',
        idempotency_key: key,
        agent_version: AGENT_VERSION,
        agent_schema_version: schemaWith(dataRisk),
      });
      const good = await call(server, account.token, 'POST', '/api/v1/bulk', { items: [item('bulk-declared-ok', PARTIAL)] });
      assert.equal(good.status, 200, good.text);
      assert.equal(good.body.outputs['bulk-declared-ok'].status, 'success', good.text);
      assert.equal((await storedDocuments(server, account.accountId)).length, 1);

      for (const [index, wrong] of WRONG.entries()) {
        const key = `bulk-declared-${index}`;
        const reply = await call(server, account.token, 'POST', '/api/v1/bulk', { items: [item(key, wrong.dataRisk)] });
        const output = reply.body.outputs?.[key];
        assert.equal(output?.code, 'validation_error', reply.text);
        assert.deepEqual(Object.keys(output.errors as object), [wrong.path], reply.text);
      }
      assert.equal((await storedInstances(server, account)).length, 1);
      assert.equal((await storedDocuments(server, account.accountId)).length, 1);
    });

    it('keeps reading a schema version stored before declarations were checked', async () => {
      const account = await newAccount(server);
      const registered = await register(server, account, { external_identifier: 'plain', span_type_schemas: [spanType('agent:llm')] });
      assert.equal(registered.status, 201, registered.text);
      const model = await server.store.read((tx) => tx.getInstance(account.accountId, registered.body.details.id as string));
      assert.ok(model);

      // What an earlier build let through: any JSON under data_risk, written as it stored it.
      const loose = { action_profile: { read_data: 'yes', wire_money: 'allowed', external_communication: 'allowed' }, colour: 'red' };
      const documentJson = JSON.stringify({
        external_identifier: 'loose',
        span_type_schemas: [spanType('agent:llm', loose), spanType('agent:odd', 'high')],
      });
      const id = 'old-loose-run';
      await server.store.write(async (tx) => {
        const version = await tx.ensureSchemaVersion({
          account_id: account.accountId,
          id: 'old-loose-schema',
          agent_id: model.agent_id,
          external_identifier: 'loose',
          document_json: documentJson,
          document_hash: schemaDocumentHash(documentJson),
          inserted_at: model.inserted_at,
        });
        await tx.insertInstance({ ...model, id, schema_version_id: version.id, status: 'pending' });
      });

      const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, {});
      assert.equal(started.status, 200, started.text);
      for (const name of ['agent:llm', 'agent:odd']) {
        const span = await createSpan(server, account, { agent_instance_id: id, schema_name: name, status: 'active', payload: {} });
        assert.equal(span.status, 201, span.text);
      }
      assert.equal((await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}`)).status, 200);

      // The scoring reads what it understands of it; the rest is unknown.
      const [stored] = (await storedDocuments(server, account.accountId)).filter((doc) => doc.external_identifier === 'loose');
      const types = stored!.span_type_schemas as Array<{ data_risk: unknown }>;
      const read = completeDataRisk(types[0]!.data_risk);
      assert.equal(read.action_profile.read_data, 'unknown');
      assert.equal(read.action_profile.external_communication, 'allowed');
      assert.equal('wire_money' in read.action_profile, false);
      assert.deepEqual(completeDataRisk(types[1]!.data_risk), completeDataRisk(undefined));
    });
  });
}
