import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileSchemaCatalog } from '../src/domain/span-types.js';
import { MAX_SUMMARY_LENGTH } from '../src/domain/summary-template.js';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { createSpan, openInstance } from './fixtures.js';

// The tool span type of Prefactor's OpenClaw plugin: a template for the call and one for its result.
const TOOL_TYPE = {
  name: 'openclaw:tool:read',
  params_schema: { type: 'object' },
  template: '{{ toolName | default: "(unknown)" }}: {{ input.file_path | default: input.path | default: "(unknown file)" }}',
  result_template: '{% if output %}{{ output | size | default: 0 }} chars{% else %}(no output){% endif %}',
};

const HOSTILE = {
  // One hundred million iterations: refused by the memory bound before the first.
  huge_range: '{% for i in (1..100000000) %}x{% endfor %}',
  // A million iterations within the memory bound: stopped by the time bound.
  slow_loops: '{% for i in (1..999) %}{% for j in (1..999) %}{% assign k = i | plus: j %}{% endfor %}{% endfor %}',
  // Output that doubles in a capture: stopped by the memory bound.
  doubling: '{% assign s = "abcdefgh" %}{% for i in (1..60) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s | size }}',
  // A sort of a hundred thousand items: refused by the memory bound, which charges its comparisons.
  big_sort: '{{ text | split: "" | sort | join: "" }}',
  // Far more output than a summary holds: cut at the length bound.
  flood: '{% for i in (1..10000) %}{{ text }} {% endfor %}',
};

const SCHEMA = {
  external_identifier: 'liquid-templates',
  span_type_schemas: [
    TOOL_TYPE,
    {
      name: 'chain',
      params_schema: { type: 'object' },
      template: '{{ query | strip | downcase | replace: " ", "-" | truncate: 12, "…" | prepend: "q:" }}',
    },
    {
      name: 'nested',
      params_schema: { type: 'object' },
      template: '{{ inputs.args.path }} {{ inputs["ai.model.id"] }} {{ inputs.list[1].name }} {{ inputs.list.size }}',
    },
    { name: 'unclosed', params_schema: { type: 'object' }, template: '{% if done %}finished' },
    { name: 'unknown_filter', params_schema: { type: 'object' }, template: '{{ name | shout }}', result_template: '{{ output }}' },
    { name: 'include', params_schema: { type: 'object' }, template: "{% include 'package.json' %}" },
    ...Object.entries(HOSTILE).map(([name, template]) => ({ name, params_schema: { type: 'object' }, template })),
  ],
  quality_schemas: [
    { name: 'accuracy', schema: { type: 'object' }, template: '{{ score | times: 100 | round }}%{% if note %} ({{ note | upcase }}){% endif %}' },
  ],
};

async function summaryOf(server: Server, account: Account, instanceId: string, schemaName: string, payload: object, resultPayload?: object) {
  const reply = await createSpan(server, account, {
    agent_instance_id: instanceId,
    schema_name: schemaName,
    status: resultPayload ? 'complete' : 'active',
    payload,
    ...(resultPayload ? { result_payload: resultPayload } : {}),
  });
  assert.equal(reply.status, 201, reply.text);
  const read = await call(server, account.token, 'GET', `/api/v1/agent_spans/${reply.body.details.id}`);
  assert.equal(read.body.details.summary, reply.body.details.summary, 'the answer says what is stored');
  return reply.body.details.summary as string | null;
}

describe('span type templates, compiled with their schema version', () => {
  it('keeps a template that does not parse, marked invalid with the reason', () => {
    const catalog = compileSchemaCatalog(SCHEMA);
    assert.deepEqual(catalog.spanTypes.get('openclaw:tool:read')?.template?.validation, { status: 'valid', message: null });
    assert.deepEqual(catalog.spanTypes.get('openclaw:tool:read')?.resultTemplate?.validation, { status: 'valid', message: null });
    const invalid = (name: string) => catalog.spanTypes.get(name)?.template;
    assert.equal(invalid('unclosed')?.source, '{% if done %}finished');
    assert.equal(invalid('unclosed')?.validation.status, 'invalid');
    assert.match(invalid('unclosed')?.validation.message ?? '', /tag \{% if done %\} not closed/);
    assert.match(invalid('unknown_filter')?.validation.message ?? '', /undefined filter: shout/);
    assert.match(invalid('include')?.validation.message ?? '', /tag "include" not found/);
  });
});

for (const engine of ENGINES) {
  describe(`Liquid summary templates (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    let instanceId: string;
    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
      instanceId = await openInstance(server, account, { schema: SCHEMA });
    });
    after(() => server.close());

    it('applies the default filter: the value when present, the default when absent', async () => {
      assert.equal(await summaryOf(server, account, instanceId, TOOL_TYPE.name, { toolName: 'read', input: { path: 'a.txt' } }), 'read: a.txt');
      assert.equal(await summaryOf(server, account, instanceId, TOOL_TYPE.name, {}), '(unknown): (unknown file)');
    });

    it('applies a chain of filters left to right', async () => {
      assert.equal(await summaryOf(server, account, instanceId, 'chain', { query: '  Where Is The SQLite Source  ' }), 'q:where-is-th…');
    });

    it('reads nested fields, bracketed keys with dots, array items and sizes', async () => {
      const payload = { inputs: { args: { path: 'docs/a.md' }, 'ai.model.id': 'gpt-test', list: [{ name: 'x' }, { name: 'y' }] } };
      assert.equal(await summaryOf(server, account, instanceId, 'nested', payload), 'docs/a.md gpt-test y 2');
    });

    it('registers a schema version whose templates do not parse; their spans are stored without a summary', async () => {
      for (const name of ['unclosed', 'unknown_filter', 'include']) {
        assert.equal(await summaryOf(server, account, instanceId, name, { done: true, name: 'n' }), null, name);
      }
      // A valid result_template still renders once the span has a result.
      assert.equal(await summaryOf(server, account, instanceId, 'unknown_filter', { name: 'n' }, { output: 'done' }), 'done');
    });

    it('bounds hostile templates: a huge range, slow loops and doubling output render nothing; a flood is cut', async () => {
      const text = 'lorem ipsum '.repeat(10_000);
      for (const name of ['huge_range', 'slow_loops', 'doubling', 'big_sort']) {
        const started = performance.now();
        assert.equal(await summaryOf(server, account, instanceId, name, { text }), null, name);
        assert.ok(performance.now() - started < 2000, `${name} took ${Math.round(performance.now() - started)} ms`);
      }
      const flood = await summaryOf(server, account, instanceId, 'flood', { text: 'lorem ipsum '.repeat(100) });
      assert.equal(flood?.length, MAX_SUMMARY_LENGTH);
      assert.ok(flood?.startsWith('lorem ipsum lorem '));
      assert.ok(flood?.endsWith('…'));
      const ping = await call(server, account.token, 'GET', '/api/v1/agent_instance/' + instanceId);
      assert.equal(ping.status, 200, 'the server still answers');
    });

    it('cuts a long value at the summary length, whole characters only', async () => {
      const summary = await summaryOf(server, account, instanceId, TOOL_TYPE.name, { toolName: '😀'.repeat(MAX_SUMMARY_LENGTH) });
      assert.equal(summary?.length, MAX_SUMMARY_LENGTH - 1);
      assert.equal(summary, `${'😀'.repeat(MAX_SUMMARY_LENGTH / 2 - 1)}…`);
    });

    it('adds the result_template on finish, from payload and result, the result winning a shared name', async () => {
      const created = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: TOOL_TYPE.name,
        status: 'active',
        payload: { toolName: 'read', input: { file_path: '/etc/hosts' }, output: 'not yet' },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.details.summary, 'read: /etc/hosts');
      const id = created.body.details.id as string;
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${id}/finish`, {
        status: 'complete',
        result_payload: { output: 'hello world' },
        timestamp: null,
      });
      assert.equal(finished.status, 200, finished.text);
      assert.equal(finished.body.details.summary, 'read: /etc/hosts → 11 chars');
      const read = await call(server, account.token, 'GET', `/api/v1/agent_spans/${id}`);
      assert.equal(read.body.details.summary, 'read: /etc/hosts → 11 chars');
      const empty = await summaryOf(server, account, instanceId, TOOL_TYPE.name, { toolName: 'read', input: { path: 'b' } }, {});
      assert.equal(empty, 'read: b → (no output)');
    });

    it('renders quality templates with filters', async () => {
      const reply = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/record_quality`, {
        name: 'accuracy',
        payload: { score: 0.876, note: 'ok' },
      });
      assert.equal(reply.status, 200, reply.text);
      const read = await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`);
      assert.deepEqual(read.body.details.quality_summaries, { accuracy: '88% (OK)' });
    });
  });
}
