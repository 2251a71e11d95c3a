import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';
import { AGENT_VERSION, SCHEMA_VERSION, createSpan, llmPayload, openInstance } from './fixtures.js';

const NUL = '\u0000';
const NUL_MESSAGE = /must not contain NUL characters \(U\+0000\)/;

interface Case {
  name: string;
  /** Sent with the account-scoped token when true. */
  account?: boolean;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** The field path the 422 names. */
  field: string;
}

/** Every kind of plain-text field (ids, names, keys, reasons, schema names, timestamps), each with a NUL in it. */
function cases(instanceId: string, spanId: string): Case[] {
  const span = { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' };
  const register = (body: object) => ({ agent_version: AGENT_VERSION, agent_schema_version: SCHEMA_VERSION, id: 'nul-register', ...body });
  const spanType = (change: object) => ({ ...SCHEMA_VERSION, span_type_schemas: [{ ...SCHEMA_VERSION.span_type_schemas[0], ...change }] });
  const create = (name: string, details: object, field: string): Case => ({
    name,
    method: 'POST',
    path: '/api/v1/agent_spans',
    body: { details: { ...span, ...details } },
    field,
  });
  const registerCase = (name: string, body: object, field: string): Case => ({
    name,
    method: 'POST',
    path: '/api/v1/agent_instance/register',
    body: register(body),
    field,
  });
  const instance = `/api/v1/agent_instance/${instanceId}`;
  return [
    { name: 'agent name', account: true, method: 'POST', path: '/api/v1/agent', body: { details: { name: `a${NUL}` } }, field: 'details.name' },
    {
      name: 'agent description',
      account: true,
      method: 'POST',
      path: '/api/v1/agent',
      body: { details: { name: 'a', description: `d${NUL}` } },
      field: 'details.description',
    },
    {
      name: 'agent external identifier',
      account: true,
      method: 'POST',
      path: '/api/v1/agent',
      body: { details: { name: 'a', external_identifier: `x${NUL}` } },
      field: 'details.external_identifier',
    },
    {
      name: 'agent key',
      account: true,
      method: 'POST',
      path: '/api/v1/agent',
      body: { details: { name: 'a' }, idempotency_key: `k${NUL}` },
      field: 'idempotency_key',
    },
    registerCase('register agent_id', { agent_id: `agent${NUL}` }, 'agent_id'),
    registerCase('register environment_id', { environment_id: `env${NUL}` }, 'environment_id'),
    registerCase('agent version name', { agent_version: { ...AGENT_VERSION, name: `n${NUL}` } }, 'agent_version.name'),
    registerCase('agent version external identifier', { agent_version: { external_identifier: `v${NUL}` } }, 'agent_version.external_identifier'),
    registerCase('agent version description', { agent_version: { ...AGENT_VERSION, description: `d${NUL}` } }, 'agent_version.description'),
    registerCase(
      'schema version external identifier',
      { agent_schema_version: { external_identifier: `s${NUL}` } },
      'agent_schema_version.external_identifier',
    ),
    registerCase('span type name', { agent_schema_version: spanType({ name: `agent:llm${NUL}` }) }, 'agent_schema_version.span_type_schemas[0].name'),
    registerCase('span type title', { agent_schema_version: spanType({ title: `LLM${NUL}` }) }, 'agent_schema_version.span_type_schemas[0].title'),
    registerCase(
      'quality name',
      { agent_schema_version: { quality_schemas: [{ name: `q${NUL}`, schema: {} }] } },
      'agent_schema_version.quality_schemas[0].name',
    ),
    registerCase('register key', { idempotency_key: `k${NUL}` }, 'idempotency_key'),
    { name: 'start timestamp', method: 'POST', path: `${instance}/start`, body: { timestamp: `2024-05-01T12:00:00${NUL}` }, field: 'timestamp' },
    { name: 'finish key', method: 'POST', path: `${instance}/finish`, body: { idempotency_key: `k${NUL}` }, field: 'idempotency_key' },
    { name: 'instance id in the path', method: 'POST', path: `/api/v1/agent_instance/x%00/finish`, body: {}, field: 'agent_instance_id' },
    { name: 'termination reason', method: 'POST', path: `${instance}/terminate`, body: { reason: `stop${NUL}` }, field: 'reason' },
    { name: 'quality name', method: 'POST', path: `${instance}/record_quality`, body: { name: `q${NUL}`, payload: {} }, field: 'name' },
    create('span instance id', { agent_instance_id: `${instanceId}${NUL}` }, 'details.agent_instance_id'),
    create('span schema name', { schema_name: `agent:tool${NUL}` }, 'details.schema_name'),
    create('parent span id', { parent_span_id: `p${NUL}` }, 'details.parent_span_id'),
    create('span started_at', { started_at: `2024-05-01T12:00:00${NUL}` }, 'details.started_at'),
    create('span key in details', { idempotency_key: `k${NUL}` }, 'details.idempotency_key'),
    {
      name: 'span key at the top level',
      method: 'POST',
      path: '/api/v1/agent_spans',
      body: { details: span, idempotency_key: `k${NUL}` },
      field: 'idempotency_key',
    },
    {
      name: 'span finish timestamp',
      method: 'POST',
      path: `/api/v1/agent_spans/${spanId}/finish`,
      body: { timestamp: `2024-05-01T12:00:09${NUL}` },
      field: 'timestamp',
    },
    { name: 'span id in the path', method: 'POST', path: '/api/v1/agent_spans/s%00/finish', body: {}, field: 'agent_span_id' },
    { name: 'span get', method: 'GET', path: '/api/v1/agent_spans/s%00', field: 'agent_span_id' },
    { name: 'instance get', method: 'GET', path: '/api/v1/agent_instance/i%00', field: 'agent_instance_id' },
    { name: 'agent get', method: 'GET', path: '/api/v1/agent/a%00', field: 'agent_id' },
    { name: 'list instance id', method: 'GET', path: `/api/v1/agent_spans?agent_instance_id=${instanceId}%00`, field: 'agent_instance_id' },
    { name: 'list start_time', method: 'GET', path: `/api/v1/agent_spans?agent_instance_id=${instanceId}&start_time=2024%00`, field: 'start_time' },
    { name: 'list cursor', method: 'GET', path: `/api/v1/agent_spans?agent_instance_id=${instanceId}&cursor=c%00`, field: 'cursor' },
  ];
}

for (const engine of ENGINES) {
  describe(`NUL characters (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('refuses a NUL in every plain-text field, path and query with 422 naming the field, storing nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const span = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      const before = await snapshot(server, account.accountId, [instanceId]);
      for (const c of cases(instanceId, span.body.details.id)) {
        const reply = await call(server, c.account ? account.accountToken : account.token, c.method, c.path, c.body);
        assert.equal(reply.status, 422, `${c.name}: ${reply.text}`);
        assert.equal(reply.body.code, 'validation_error', c.name);
        assert.deepEqual(Object.keys(reply.body.errors), [c.field], `${c.name}: ${reply.text}`);
        assert.match(reply.body.errors[c.field][0], NUL_MESSAGE, c.name);
        assert.match(reply.body.message, NUL_MESSAGE, c.name);
        assert.ok(reply.body.message.includes(c.field), `${c.name}: ${reply.body.message}`);
      }
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      assert.equal(await server.store.read((tx) => tx.getInstance(account.accountId, 'nul-register')), undefined);
    });

    it('refuses an unpaired surrogate in every plain-text body field with 422 naming the field, storing nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const span = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      const before = await snapshot(server, account.accountId, [instanceId]);
      const bodyCases = cases(instanceId, span.body.details.id).filter((c) => c.body !== undefined && !c.path.includes('%00'));
      assert.ok(bodyCases.length > 20);
      for (const c of bodyCases) {
        // The same request with each NUL made a lone high surrogate (JSON escapes keep it as sent).
        const body = JSON.stringify(c.body).replaceAll('\\u0000', '\\ud800');
        const reply = await call(server, c.account ? account.accountToken : account.token, c.method, c.path, body);
        assert.equal(reply.status, 422, `${c.name}: ${reply.text}`);
        assert.deepEqual(Object.keys(reply.body.errors), [c.field], `${c.name}: ${reply.text}`);
        assert.match(reply.body.errors[c.field][0], /or unpaired surrogates \(U\+D800–U\+DFFF\)/, c.name);
      }
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      const emoji = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        idempotency_key: 'key 😀',
      });
      assert.equal(emoji.status, 201, 'a surrogate pair is a character like any other');
    });

    it('refuses a NUL in a chosen span, instance or agent id by the id rule, storing nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      for (const [token, path, body, field] of [
        [
          account.token,
          '/api/v1/agent_spans',
          { details: { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active', id: `s${NUL}` } },
          'details.id',
        ],
        [
          account.token,
          '/api/v1/agent_instance/register',
          { agent_version: AGENT_VERSION, agent_schema_version: SCHEMA_VERSION, id: `i${NUL}` },
          'id',
        ],
        [account.accountToken, '/api/v1/agent', { details: { name: 'a', id: `a${NUL}` } }, 'details.id'],
      ] as const) {
        const reply = await call(server, token, 'POST', path, body);
        assert.equal(reply.status, 422, reply.text);
        assert.deepEqual(reply.body.errors, { [field]: ['must match pattern "^[A-Za-z0-9_.:-]{1,64}$"'] });
      }
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('refuses a NUL in a bulk item key (the whole request) or in an item field (that item), storing nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const good = {
        _type: 'agent_spans/create',
        idempotency_key: 'bulk-nul-1',
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
      };
      for (const [items, field] of [
        [[good, { ...good, idempotency_key: `bulk-nul-2${NUL}` }], 'items[1].idempotency_key'],
        [[{ ...good, idempotency_key: 'bulk-nul-2', schema_name: `agent:tool${NUL}` }, good], 'schema_name'],
      ] as const) {
        const reply = await call(server, account.token, 'POST', '/api/v1/bulk', { items });
        const error = reply.status === 422 ? reply.body : reply.body.outputs['bulk-nul-2'];
        assert.equal(error.code, 'validation_error', reply.text);
        assert.deepEqual(Object.keys(error.errors), [field], reply.text);
        assert.match(error.errors[field][0], NUL_MESSAGE);
        if (reply.status === 200) assert.deepEqual(Object.keys(reply.body.outputs), ['bulk-nul-2']);
      }
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('refuses a cursor that decodes to text with a NUL as not issued by the server', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const forged = Buffer.from(JSON.stringify([`2024-05-01T12:00:00.000000Z${NUL}`, `s${NUL}`])).toString('base64url');
      const reply = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}&cursor=${forged}`);
      assert.equal(reply.status, 422, reply.text);
      assert.match(reply.body.errors.cursor[0], /is not a cursor this server issued/);
    });

    it('keeps NUL inside JSON payloads, result payloads, quality payloads and schema documents', async () => {
      const account = await newAccount(server);
      const schema = {
        ...SCHEMA_VERSION,
        external_identifier: 'nul-schema',
        span_type_schemas: [
          {
            ...SCHEMA_VERSION.span_type_schemas[0],
            description: `about${NUL}`,
            params_schema: { ...SCHEMA_VERSION.span_type_schemas[0]!.params_schema, description: `p${NUL}` },
          },
        ],
        quality_schemas: [{ name: 'notes', schema: { type: 'object' }, template: 'note {{text}}' }],
      };
      const instanceId = await openInstance(server, account, { schema });
      const payload = { ...llmPayload(`a${NUL}b`), [`key${NUL}`]: [`x${NUL}`] };
      const created = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', payload });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body.details.payload, payload);
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${created.body.details.id}/finish`, {
        result_payload: { response: `c${NUL}d` },
      });
      assert.equal(finished.status, 200, finished.text);
      const fetched = await call(server, account.token, 'GET', `/api/v1/agent_spans/${created.body.details.id}`);
      assert.deepEqual(fetched.body.details.payload, payload);
      assert.deepEqual(fetched.body.details.result_payload, { response: `c${NUL}d` });
      const listed = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}`);
      assert.deepEqual(listed.body.details[0].payload, payload);

      const quality = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/record_quality`, {
        name: 'notes',
        payload: { text: `n${NUL}o` },
      });
      assert.equal(quality.status, 200, quality.text);
      const instance = await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`);
      assert.deepEqual(instance.body.details.quality_payloads, { notes: { text: `n${NUL}o` } });
      assert.deepEqual(instance.body.details.quality_summaries, { notes: 'note no' });
    });

    it('renders summaries with NUL characters stripped, from payloads and from the template itself', async () => {
      const account = await newAccount(server);
      const schema = {
        external_identifier: 'nul-template',
        span_type_schemas: [
          { ...SCHEMA_VERSION.span_type_schemas[0] },
          { name: 'agent:note', params_schema: { type: 'object' }, template: `note${NUL}: {{text}}` },
        ],
      };
      const instanceId = await openInstance(server, account, { schema });
      const llm = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: llmPayload(`a${NUL}b`),
        result_payload: { response: `${NUL}ok${NUL}` },
      });
      assert.equal(llm.status, 201, llm.text);
      assert.equal(llm.body.details.summary, 'gpt-test: ab -> ok');
      const note = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:note',
        status: 'active',
        payload: { text: { nested: `x${NUL}` } },
      });
      assert.equal(note.status, 201, note.text);
      // An object renders as its JSON text, where a NUL is the escape \u0000 and no NUL character.
      assert.equal(note.body.details.summary, 'note: {"nested":"x\\u0000"}');
      for (const reply of [llm, note]) {
        const fetched = await call(server, account.token, 'GET', `/api/v1/agent_spans/${reply.body.details.id}`);
        assert.equal(fetched.body.details.summary, reply.body.details.summary);
      }
    });
  });
}
