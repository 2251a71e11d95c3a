import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';
import { openInstance } from './fixtures.js';

// prefactor_http 0.3 (python-sdk before "add named quality schema support"): the schema version
// carries one `quality_schema: QualitySchemaForCreate` (schema, title, description, template,
// data_risk; "title ... defaults to 'quality'"), and `update()` posts
// `{"details": update_request.model_dump()}` = `{"details": {"quality_payload": ...}}`.
const SCHEMA_0_3 = {
  external_identifier: 'quality-0.3',
  quality_schema: {
    schema: { type: 'object', properties: { score: { type: 'number' } }, required: ['score'] },
    title: null,
    description: null,
    template: 'score {{score}}',
    data_risk: null,
  },
};

// prefactor_http 0.4: `quality_schemas: list[QualitySchemaForCreate]` (now with `name`), and
// `record_quality()` posts `AgentInstanceRecordQuality(name=name, payload=payload).model_dump()`.
const SCHEMA_0_4 = {
  external_identifier: 'quality-0.4',
  quality_schemas: [
    { name: 'helpfulness', schema: { type: 'object', properties: { score: { type: 'number' } } }, template: 'helpful {{score}}' },
    { name: 'accuracy', schema: { type: 'object' }, title: null, description: null, template: null, data_risk: null },
  ],
};

for (const engine of ENGINES) {
  describe(`quality in both generations (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it("records 0.3's single quality_payload under the name quality, by record_quality and by update", async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account, { schema: SCHEMA_0_3 });
      const fresh = await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}`);
      assert.equal(fresh.body.details.quality_payload, null);
      assert.equal(fresh.body.details.quality_summary, null);

      const recorded = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/record_quality`, { quality_payload: { score: 3 } });
      assert.equal(recorded.status, 200, recorded.text);
      assert.deepEqual(recorded.body.details.quality_payloads, { quality: { score: 3 } });
      assert.deepEqual(recorded.body.details.quality_summaries, { quality: 'score 3' });
      assert.deepEqual(recorded.body.details.quality_payload, { score: 3 });
      assert.equal(recorded.body.details.quality_summary, 'score 3');

      const updated = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/update`, {
        details: { quality_payload: { score: 4 } },
      });
      assert.equal(updated.status, 200, updated.text);
      assert.deepEqual(updated.body.details.quality_payload, { score: 4 });
      assert.equal(updated.body.details.quality_summary, 'score 4');
      const read = await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}`);
      assert.deepEqual(read.body.details, updated.body.details);

      // The 0.4 form names the same record.
      const named = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/record_quality`, {
        name: 'quality',
        payload: { score: 5 },
      });
      assert.deepEqual(named.body.details.quality_payloads, { quality: { score: 5 } });

      const cleared = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/update`, { details: { quality_payload: null } });
      assert.equal(cleared.status, 200, cleared.text);
      assert.deepEqual(cleared.body.details.quality_payloads, {});
      assert.equal(cleared.body.details.quality_payload, null);
      assert.equal(cleared.body.details.quality_summary, null);
    });

    it('records 0.4 named payloads; the single fields show the first name in sort order', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account, { schema: SCHEMA_0_4 });
      const record = (name: string, payload: object | null) =>
        call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/record_quality`, { name, payload });
      const one = await record('helpfulness', { score: 0.9 });
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(one.body.details.quality_payload, { score: 0.9 });
      assert.equal(one.body.details.quality_summary, 'helpful 0.9');
      const two = await record('accuracy', { right: 7 });
      assert.deepEqual(two.body.details.quality_payloads, { helpfulness: { score: 0.9 }, accuracy: { right: 7 } });
      assert.deepEqual(two.body.details.quality_summaries, { helpfulness: 'helpful 0.9' });
      assert.deepEqual(two.body.details.quality_payload, { right: 7 });
      assert.equal(two.body.details.quality_summary, null);
      const listed = await call(server, account.token, 'GET', `/api/v1/agent_instance?agent_id=${account.agentId}`);
      assert.deepEqual(listed.body.details[0].quality_payload, { right: 7 });
    });

    it('refuses wrong quality inputs with the field and what to do, storing nothing', async () => {
      const account = await newAccount(server);
      const id04 = await openInstance(server, account, { schema: SCHEMA_0_4 });
      const id03 = await openInstance(server, account, { schema: SCHEMA_0_3 });
      const before = await snapshot(server, account.accountId, [id03, id04]);
      const cases: [string, string, object, Record<string, string[]>][] = [
        [
          id04,
          'record_quality',
          { name: 'speed', payload: { fast: true } },
          { name: ["is not a quality schema of this instance's schema version; declared: helpfulness, accuracy"] },
        ],
        [id04, 'record_quality', { name: 'helpfulness', payload: { score: 'high' } }, { 'payload.score': ['must be a number'] }],
        [
          id04,
          'record_quality',
          { quality_payload: { score: 1 } },
          {
            quality_payload: [
              'records the quality schema "quality", which this instance\'s schema version does not declare; declared: helpfulness, accuracy',
            ],
          },
        ],
        [id03, 'record_quality', { quality_payload: { score: 'high' } }, { 'quality_payload.score': ['must be a number'] }],
        [id03, 'update', { details: { quality_payload: {} } }, { 'quality_payload.score': ['is required'] }],
        [
          id03,
          'record_quality',
          { name: 'quality', quality_payload: { score: 1 } },
          { quality_payload: ['cannot be sent with name or payload; send either {quality_payload} or {name, payload}'] },
        ],
        [
          id03,
          'record_quality',
          { payload: { score: 1 }, quality_payload: { score: 1 } },
          { quality_payload: ['cannot be sent with name or payload; send either {quality_payload} or {name, payload}'] },
        ],
        [
          id03,
          'record_quality',
          { payload: { score: 1 } },
          { name: ['is required: the quality schema to record (or send {quality_payload} alone)'] },
        ],
        [id03, 'record_quality', { name: 'quality' }, { payload: ['is required: the quality payload, or null to remove the record'] }],
      ];
      for (const [id, action, body, errors] of cases) {
        const reply = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/${action}`, body);
        assert.equal(reply.status, 422, `${action} ${JSON.stringify(body)}: ${reply.text}`);
        assert.deepEqual(reply.body.errors, errors, JSON.stringify(body));
      }
      const missingDetails = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id03}/update`, { quality_payload: { score: 1 } });
      assert.equal(missingDetails.status, 422, missingDetails.text);
      assert.ok(missingDetails.body.errors.details, missingDetails.text);
      assert.deepEqual(await snapshot(server, account.accountId, [id03, id04]), before);
    });

    it('refuses a schema version declaring quality both as quality_schema and in quality_schemas', async () => {
      const account = await newAccount(server);
      const reply = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_schema_version: { ...SCHEMA_0_3, quality_schemas: [{ name: 'quality', schema: { type: 'object' } }] },
      });
      assert.equal(reply.status, 422, reply.text);
      assert.deepEqual(reply.body.errors, {
        'agent_schema_version.quality_schema': ['conflicts with quality_schemas entry "quality"; declare it in one of the two'],
      });
    });
  });
}
