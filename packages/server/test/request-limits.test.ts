import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';
import { SCHEMA_VERSION, openInstance } from './fixtures.js';

const nested = (depth: number): unknown => JSON.parse('{"d":'.repeat(depth) + '1' + '}'.repeat(depth));
const withKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
const ANYTHING_GOES = { external_identifier: 'no-span-types' };

for (const engine of ENGINES) {
  describe(`request limits (${engine.name})`, () => {
    let server: Server;
    let small: Server;
    before(async () => {
      server = await startServer(engine);
      small = await startServer(engine, { limits: { jsonDepth: 10, jsonKeys: 50, spanPayloadBytes: 2000, schemaDocumentBytes: 3000 } });
    });
    after(async () => {
      await server.close();
      await small.close();
    });

    /** Sends `body` to `path` and checks the refusal names the field, the limit and its flag, and stored nothing. */
    async function assertRefused(
      on: Server,
      account: Account,
      instanceIds: string[],
      request: { method?: string; path: string; body?: unknown; token?: string },
      expected: { status: number; field: string; message: RegExp },
    ) {
      const before = await snapshot(on, account.accountId, instanceIds);
      const reply = await call(on, request.token ?? account.token, request.method ?? 'POST', request.path, request.body);
      assert.equal(reply.status, expected.status, reply.text.slice(0, 400));
      assert.equal(reply.body.status, 'error');
      assert.match(reply.body.message, expected.message);
      assert.ok(reply.body.errors?.[expected.field], `errors names ${expected.field}: ${JSON.stringify(reply.body.errors)?.slice(0, 300)}`);
      assert.match(reply.body.errors[expected.field][0], expected.message);
      assert.deepEqual(await snapshot(on, account.accountId, instanceIds), before);
      return reply;
    }

    it('refuses a body nested deeper than the depth limit with 422 naming the field and the flag; the limit itself passes', async () => {
      const account = await newAccount(small);
      const instanceId = await openInstance(small, account, { schema: ANYTHING_GOES });
      // The body is level 1, details 2, payload 3: a payload of 8 levels reaches level 10.
      const ok = await call(small, account.token, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: instanceId, schema_name: 'a', status: 'active', payload: nested(8) },
      });
      assert.equal(ok.status, 201, ok.text);
      await assertRefused(
        small,
        account,
        [instanceId],
        { path: '/api/v1/agent_spans', body: { details: { agent_instance_id: instanceId, schema_name: 'a', status: 'active', payload: nested(9) } } },
        {
          status: 422,
          field: 'details.payload.d.d.d.d.d.d…',
          message: /nests deeper than 10 levels of objects and arrays.*--json-depth-limit.*flatten it/,
        },
      );
    });

    it('refuses 10⁵ levels of nesting in any field with 422 by default, instead of failing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const before = await snapshot(server, account.accountId, [instanceId]);
      for (const path of [`/api/v1/agent_instance/${instanceId}/terminate`, '/api/v1/agent_spans', '/api/v1/bulk']) {
        const reply = await call(server, account.token, 'POST', path, `{"reason":"x","unknown":${deep}}`);
        assert.equal(reply.status, 422, reply.text.slice(0, 300));
        assert.match(reply.body.message, /unknown.*nests deeper than 100 levels/);
      }
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('refuses an object with more keys than the limit with 422 naming it', async () => {
      const account = await newAccount(small);
      const instanceId = await openInstance(small, account, { schema: ANYTHING_GOES });
      await assertRefused(
        small,
        account,
        [instanceId],
        {
          path: '/api/v1/agent_spans',
          body: { details: { agent_instance_id: instanceId, schema_name: 'a', status: 'active', payload: { list: withKeys(51) } } },
        },
        { status: 422, field: 'details.payload.list', message: /has 51 keys; one object may have at most 50 \(--json-keys-limit\); split it/ },
      );
    });

    it('refuses a span payload or result payload over the payload limit with 413, also in bulk, while the body limit is far off', async () => {
      const account = await newAccount(small);
      const instanceId = await openInstance(small, account, { schema: ANYTHING_GOES });
      const big = { text: 'é'.repeat(1500) }; // 1,500 characters, 3,011 bytes as JSON
      const details = { agent_instance_id: instanceId, schema_name: 'a', status: 'active' };
      await assertRefused(
        small,
        account,
        [instanceId],
        { path: '/api/v1/agent_spans', body: { details: { ...details, payload: big } } },
        { status: 413, field: 'payload', message: /is 3011 bytes as JSON; this server takes at most 2000 \(--span-payload-limit\); keep large data/ },
      );
      const span = await call(small, account.token, 'POST', '/api/v1/agent_spans', { details: { ...details, payload: { text: 'fits' } } });
      assert.equal(span.status, 201);
      await assertRefused(
        small,
        account,
        [instanceId],
        { path: `/api/v1/agent_spans/${span.body.details.id}/finish`, body: { result_payload: big } },
        { status: 413, field: 'result_payload', message: /at most 2000 \(--span-payload-limit\)/ },
      );

      const before = await snapshot(small, account.accountId, [instanceId]);
      const bulk = await call(small, account.token, 'POST', '/api/v1/bulk', {
        items: [{ _type: 'agent_spans/create', idempotency_key: 'too-big-item', ...details, payload: big }],
      });
      assert.equal(bulk.status, 200);
      const output = bulk.body.outputs['too-big-item'];
      assert.equal(output.status, 'error');
      assert.equal(output.code, 'payload_too_large');
      assert.match(output.message, /at most 2000 \(--span-payload-limit\)/);
      assert.deepEqual(await snapshot(small, account.accountId, [instanceId]), before);
    });

    it('refuses a schema version document over its limit with 413 naming agent_schema_version', async () => {
      const account = await newAccount(small);
      const type = { ...SCHEMA_VERSION.span_type_schemas[0]!, description: 'x'.repeat(3000) };
      await assertRefused(
        small,
        account,
        [],
        {
          path: '/api/v1/agent_instance/register',
          body: { agent_version: { name: 'v' }, agent_schema_version: { external_identifier: 's', span_type_schemas: [type] } },
        },
        { status: 413, field: 'agent_schema_version', message: /is \d+ bytes as JSON; this server takes at most 3000 \(--schema-document-limit\)/ },
      );
    });

    it('refuses search text, filters and cursors over their lengths with 422 naming the length sent', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const cases = [
        { path: `/api/v1/agent_instance?q=${'a'.repeat(201)}`, field: 'q', limit: 200, sent: 201 },
        { path: `/api/v1/agent_instance?agent_id=${'a'.repeat(300)}`, field: 'agent_id', limit: 200, sent: 300 },
        { path: `/api/v1/agent_instance?cursor=${'a'.repeat(1001)}`, field: 'cursor', limit: 1000, sent: 1001 },
        {
          path: `/api/v1/agent_spans?agent_instance_id=${instanceId}&parent_span_id=${'p'.repeat(201)}`,
          field: 'parent_span_id',
          limit: 200,
          sent: 201,
        },
        { path: `/api/v1/agent_spans?agent_instance_id=${'i'.repeat(5000)}`, field: 'agent_instance_id', limit: 200, sent: 5000 },
        { path: `/api/v1/events?agent_instance_id=${'i'.repeat(201)}`, field: 'agent_instance_id', limit: 200, sent: 201 },
      ];
      for (const c of cases) {
        const reply = await call(server, account.token, 'GET', c.path);
        assert.equal(reply.status, 422, `${c.path.slice(0, 80)}: ${reply.text.slice(0, 300)}`);
        assert.deepEqual(reply.body.errors[c.field], [`must be at most ${c.limit} characters long (got ${c.sent}); send a shorter value`]);
      }
    });

    it('refuses an OTLP/JSON export nested deeper than the depth limit with a Status naming the flag', async () => {
      const account = await newAccount(small);
      const value = JSON.parse('{"kvlistValue":{"values":[{"key":"k","value":'.repeat(5) + '{"stringValue":"x"}' + '}]}}'.repeat(5));
      const body = {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'n', attributes: [{ key: 'deep', value }] }],
              },
            ],
          },
        ],
      };
      const reply = await call(small, account.accountToken, 'POST', '/v1/traces', body);
      assert.equal(reply.status, 422, reply.text.slice(0, 300));
      assert.match(reply.body.message, /nests deeper than 10 levels.*--json-depth-limit/);
      const listed = await call(small, account.accountToken, 'GET', '/api/v1/agent_instance');
      assert.deepEqual(listed.body.details, []);
    });

    it('rejects an OTLP span whose payload is over the span payload limit in partial_success, storing the others', async () => {
      const account = await newAccount(small);
      const traceId = '6b8efff798038103d269b633813fc60c';
      const span = (spanId: string, text: string) => ({
        traceId,
        spanId,
        name: 'n',
        kind: 1,
        startTimeUnixNano: '1714564800000000000',
        endTimeUnixNano: '1714564801000000000',
        parentSpanId: spanId === 'aaaaaaaaaaaaaaaa' ? undefined : 'aaaaaaaaaaaaaaaa',
        attributes: [{ key: 'text', value: { stringValue: text } }],
      });
      const body = { resourceSpans: [{ scopeSpans: [{ spans: [span('aaaaaaaaaaaaaaaa', 'small'), span('bbbbbbbbbbbbbbbb', 'x'.repeat(3000))] }] }] };
      const reply = await call(small, account.accountToken, 'POST', '/v1/traces', body);
      assert.equal(reply.status, 200, reply.text.slice(0, 300));
      const partial = reply.body.partialSuccess ?? reply.body.partial_success;
      assert.equal(String(partial.rejectedSpans ?? partial.rejected_spans), '1');
      assert.match(
        partial.errorMessage ?? partial.error_message,
        /bbbbbbbbbbbbbbbb: payload is \d+ bytes as JSON; this server takes at most 2000 \(--span-payload-limit\)/,
      );
      const spans = await call(small, account.accountToken, 'GET', `/api/v1/agent_spans?agent_instance_id=${traceId}`);
      assert.deepEqual(
        spans.body.details.map((s: { id: string }) => s.id),
        [`${traceId}-aaaaaaaaaaaaaaaa`],
      );
    });

    it('answers a path that is not UTF-8 with a 400 envelope saying how to encode ids', async () => {
      const account = await newAccount(server);
      for (const path of ['/api/v1/agent_spans/%ED%A0%80', '/api/v1/agent_instance/%FF/finish']) {
        const reply = await call(server, account.token, path.endsWith('finish') ? 'POST' : 'GET', path, path.endsWith('finish') ? {} : undefined);
        assert.equal(reply.status, 400);
        assert.equal(reply.body.status, 'error');
        assert.match(reply.body.message, /not valid percent-encoded UTF-8; encode each id with encodeURIComponent/);
      }
    });
  });
}
