import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { openInstance } from './fixtures.js';

for (const engine of ENGINES) {
  describe(`__proto__ and constructor as names in requests (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('keeps a quality payload named __proto__ as sent, and renders its template', async () => {
      const account = await newAccount(server);
      const schema = {
        external_identifier: 'quality',
        quality_schemas: [{ name: '__proto__', schema: { type: 'object' }, template: 'score {{score}}' }],
      };
      const instanceId = await openInstance(server, account, { schema });
      const text = '{"name":"__proto__","payload":{"score":3,"__proto__":{"x":1}}}';
      const reply = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/record_quality`, text);
      assert.equal(reply.status, 200, reply.text);
      const read = await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`);
      assert.match(read.text, /"quality_payloads":\{"__proto__":\{"score":3,"__proto__":\{"x":1\}\}\}/);
      assert.match(read.text, /"quality_summaries":\{"__proto__":"score 3"\}/);
    });

    it('renders {{constructor}} and {{__proto__}} in a template from the payload only, empty when the payload lacks them', async () => {
      const account = await newAccount(server);
      const schema = {
        external_identifier: 'templates',
        span_type_schemas: [
          { name: 't', params_schema: { type: 'object' }, template: '[{{constructor}}][{{__proto__}}][{{toString}}][{{a.constructor.name}}]' },
        ],
      };
      const instanceId = await openInstance(server, account, { schema });
      const plain = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: instanceId, schema_name: 't', status: 'active', payload: { a: {} } },
      });
      assert.equal(plain.body.details.summary, '[][][][]');
      const own = await call(
        server,
        account.token,
        'POST',
        '/api/v1/agent_spans',
        `{"details":{"agent_instance_id":"${instanceId}","schema_name":"t","status":"active","payload":{"constructor":"c","__proto__":"p"}}}`,
      );
      assert.equal(own.status, 201, own.text);
      assert.equal(own.body.details.summary, '[c][p][][]');
      assert.match(own.text, /"payload":\{"constructor":"c","__proto__":"p"\}/);
    });

    it('answers a summary rendered from a lone surrogate as it is stored: with U+FFFD in its place', async () => {
      const account = await newAccount(server);
      const schema = {
        external_identifier: 'surrogates',
        span_type_schemas: [{ name: 't', params_schema: { type: 'object' }, template: '<{{q}}>' }],
      };
      const instanceId = await openInstance(server, account, { schema });
      const created = await call(
        server,
        account.token,
        'POST',
        '/api/v1/agent_spans',
        `{"details":{"agent_instance_id":"${instanceId}","schema_name":"t","status":"active","payload":{"q":"a\\ud800b😀"}}}`,
      );
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.details.summary, '<a\uFFFDb😀>');
      assert.equal(created.body.details.payload.q, 'a\ud800b😀');
      const read = await call(server, account.token, 'GET', `/api/v1/agent_spans/${created.body.details.id}`);
      assert.equal(read.body.details.summary, created.body.details.summary);
      assert.equal(read.body.details.payload.q, 'a\ud800b😀');
    });
  });
}
