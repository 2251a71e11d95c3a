import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefactorClientError, PrefactorResponseContractError } from '@agentspan/client';
import { span, success } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

for (const transport of TRANSPORTS) {
  describe(`agentSpans over the ${transport.name}`, () => {
    it('create sends every seed parameter inside details, times as ISO-8601 UTC', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span({ id: 'my-span' })));
      const created = await client.agentSpans.create({
        agent_instance_id: 'inst_1',
        schema_name: 'agent:llm',
        status: 'complete',
        payload: { model: 'gpt' },
        result_payload: { answer: 42 },
        id: 'my-span',
        parent_span_id: 'span_parent',
        started_at: new Date(Date.UTC(2025, 0, 31, 12, 0, 0, 250)),
        finished_at: '2025-01-31T14:00:01+02:00',
        idempotency_key: 'create-key-1',
      });
      assert.equal(created.id, 'my-span');
      const request = server.last;
      assert.equal(request.method, 'POST');
      assert.equal(request.url, '/api/v1/agent_spans');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.deepEqual(request.body, {
        details: {
          agent_instance_id: 'inst_1',
          schema_name: 'agent:llm',
          status: 'complete',
          payload: { model: 'gpt' },
          result_payload: { answer: 42 },
          id: 'my-span',
          parent_span_id: 'span_parent',
          started_at: '2025-01-31T12:00:00.250Z',
          finished_at: '2025-01-31T12:00:01.000Z',
          idempotency_key: 'create-key-1',
        },
      });
    });

    it('create omits absent parameters, defaults payload to {} and generates a key', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span()));
      await client.agentSpans.create({
        agent_instance_id: 'inst_1',
        schema_name: 'agent:llm',
        status: 'active',
        result_payload: undefined,
        parent_span_id: null,
      });
      const { details, ...rest } = server.last.body as { details: Record<string, unknown> };
      assert.deepEqual(rest, {});
      assert.match(String(details.idempotency_key), UUID);
      delete details.idempotency_key;
      assert.deepEqual(details, { agent_instance_id: 'inst_1', schema_name: 'agent:llm', status: 'active', payload: {} });
    });

    it('keeps a UTC time string as written and reads one without offset as UTC', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span()), success(span()));
      const base = { agent_instance_id: 'i', schema_name: 's', status: 'active' } as const;
      await client.agentSpans.create({ ...base, started_at: '2025-01-31T12:00:00.123456Z' });
      assert.equal((server.last.body as { details: { started_at: string } }).details.started_at, '2025-01-31T12:00:00.123456Z');
      await client.agentSpans.create({ ...base, started_at: '2025-01-31T12:00:00' });
      assert.equal((server.last.body as { details: { started_at: string } }).details.started_at, '2025-01-31T12:00:00Z');
    });

    it('rejects a time that is not ISO-8601 before sending, naming the field', async (t) => {
      const { server, client } = await harness(t, transport);
      const base = { agent_instance_id: 'i', schema_name: 's', status: 'active' } as const;
      await assert.rejects(client.agentSpans.create({ ...base, started_at: 'yesterday' }), {
        name: 'PrefactorClientError',
        message: /agentSpans\.create: started_at must be a Date or an ISO-8601 string .*got "yesterday"/,
      });
      await assert.rejects(client.agentSpans.finish('s', { timestamp: new Date('nonsense') }), {
        message: /agentSpans\.finish: timestamp must be a Date or an ISO-8601 string .*got an invalid Date/,
      });
      assert.equal(server.requests.length, 0);
    });

    it('finish sends the flat body to the URL-encoded span path', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span({ status: 'failed' })));
      const finished = await client.agentSpans.finish('span/1 ?#x', {
        status: 'failed',
        result_payload: { error: 'boom' },
        timestamp: new Date(Date.UTC(2025, 1, 1)),
        idempotency_key: 'finish-key-1',
      });
      assert.equal(finished.status, 'failed');
      assert.equal(server.last.url, '/api/v1/agent_spans/span%2F1%20%3F%23x/finish');
      assert.deepEqual(server.last.body, {
        status: 'failed',
        result_payload: { error: 'boom' },
        timestamp: '2025-02-01T00:00:00.000Z',
        idempotency_key: 'finish-key-1',
      });
    });

    it('finish with no params sends only a generated key', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span()));
      await client.agentSpans.finish('span_1');
      const body = server.last.body as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), ['idempotency_key']);
      assert.match(String(body.idempotency_key), UUID);
    });

    it('generates keys that sort in the order the calls were made, millisecond by millisecond', async (t) => {
      const { server, client } = await harness(t, transport);
      const keys: string[] = [];
      for (let i = 0; i < 20; i += 1) {
        server.reply(success(span()));
        await client.agentSpans.finish(`span_${i}`);
        keys.push(String((server.last.body as Record<string, unknown>).idempotency_key));
        // Keys of one millisecond share their time and differ in random bits.
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      assert.equal(new Set(keys).size, 20);
      assert.deepEqual([...keys].sort(), keys);
    });

    it('rejects an empty span id before sending', async (t) => {
      const { server, client } = await harness(t, transport);
      await assert.rejects(client.agentSpans.finish(''), {
        name: 'PrefactorClientError',
        message: 'agentSpans.finish: agent_span_id must be a non-empty string; got ""',
      });
      assert.equal(server.requests.length, 0);
    });

    it('calls onControlSignal with the reason when the answer says terminate', async (t) => {
      const { server, client } = await harness(t, transport);
      const control = { control: { terminate: true, reason: 'operator stop' } };
      server.reply(success(span(), control), success(span(), control), success(span(), { control: { terminate: false } }));
      const reasons: Array<string | null> = [];
      const onControlSignal = (reason: string | null) => reasons.push(reason);
      await client.agentSpans.create({ agent_instance_id: 'i', schema_name: 's', status: 'active' }, { onControlSignal });
      await client.agentSpans.finish('span_1', {}, { onControlSignal });
      await client.agentSpans.finish('span_1', {}, { onControlSignal });
      assert.deepEqual(reasons, ['operator stop', 'operator stop']);
    });

    it('passes a null reason when the control block has none', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span(), { control: { terminate: true } }));
      const reasons: Array<string | null> = [];
      await client.agentSpans.create(
        { agent_instance_id: 'i', schema_name: 's', status: 'active' },
        { onControlSignal: (reason) => reasons.push(reason) },
      );
      assert.deepEqual(reasons, [null]);
    });

    it('get fetches one span by its encoded id', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span({ id: 'a/b' })));
      const found = await client.agentSpans.get('a/b');
      assert.equal(found.id, 'a/b');
      assert.equal(server.last.method, 'GET');
      assert.equal(server.last.url, '/api/v1/agent_spans/a%2Fb');
      assert.equal(server.last.headers['content-type'], undefined);
      assert.equal(server.last.text, '');
    });

    it('list walks every page by cursor, sending the filters on each', async (t) => {
      const { server, client } = await harness(t, transport);
      const page = (ids: string[], next: string | null) => ({
        json: { status: 'success', details: ids.map((id) => span({ id })), pagination: { next_cursor: next } },
      });
      server.reply(page(['s1', 's2'], 'c1'), page(['s3', 's4'], 'c2'), page(['s5'], null));
      const seen: string[] = [];
      for await (const found of client.agentSpans.list({
        agent_instance_id: 'inst 1',
        start_time: new Date(Date.UTC(2025, 0, 1)),
        end_time: '2025-02-01T00:00:00Z',
        include_summaries: true,
        limit: 2,
      })) {
        seen.push(found.id);
      }
      assert.deepEqual(seen, ['s1', 's2', 's3', 's4', 's5']);
      assert.equal(server.requests.length, 3);
      assert.deepEqual(
        server.requests.map((r) => r.query.get('cursor')),
        [null, 'c1', 'c2'],
      );
      for (const request of server.requests) {
        assert.equal(request.pathname, '/api/v1/agent_spans');
        assert.equal(request.query.get('agent_instance_id'), 'inst 1');
        assert.equal(request.query.get('start_time'), '2025-01-01T00:00:00.000Z');
        assert.equal(request.query.get('end_time'), '2025-02-01T00:00:00Z');
        assert.equal(request.query.get('include_summaries'), 'true');
        assert.equal(request.query.get('limit'), '2');
      }
    });

    it('list stops early when the loop breaks, fetching no further page', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({
        json: { status: 'success', details: [span({ id: 's1' }), span({ id: 's2' })], pagination: { next_cursor: 'c1' } },
      });
      for await (const found of client.agentSpans.list({ agent_instance_id: 'i' })) {
        assert.equal(found.id, 's1');
        break;
      }
      assert.equal(server.requests.length, 1);
    });

    it('listPage returns one page and its next cursor', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ json: { status: 'success', details: [span()], pagination: { next_cursor: 'next' } } });
      const page = await client.agentSpans.listPage({ agent_instance_id: 'i', cursor: 'prev' });
      assert.equal(page.spans.length, 1);
      assert.equal(page.nextCursor, 'next');
      assert.equal(server.last.url, '/api/v1/agent_spans?agent_instance_id=i&cursor=prev');
    });

    it('list refuses to loop when the server repeats a cursor', async (t) => {
      const { server, client } = await harness(t, transport);
      const page = { json: { status: 'success', details: [span()], pagination: { next_cursor: 'same' } } };
      server.reply(page, page);
      const iterate = async () => {
        for await (const _ of client.agentSpans.list({ agent_instance_id: 'i' }));
      };
      await assert.rejects(iterate(), (error: unknown) => {
        assert.ok(error instanceof PrefactorResponseContractError);
        assert.match(error.message, /same cursor twice/);
        return true;
      });
      assert.equal(server.requests.length, 2);
    });

    it('rejects a caller key over 64 characters before sending', async (t) => {
      const { server, client } = await harness(t, transport);
      const key = 'k'.repeat(65);
      await assert.rejects(
        client.agentSpans.create({ agent_instance_id: 'i', schema_name: 's', status: 'active', idempotency_key: key }),
        (error: unknown) => {
          assert.ok(error instanceof PrefactorClientError);
          assert.equal(error.message, 'agentSpans.create: idempotency_key must be a string of 1-64 characters; got 65 characters');
          return true;
        },
      );
      await assert.rejects(client.agentSpans.finish('s', { idempotency_key: key }), PrefactorClientError);
      assert.equal(server.requests.length, 0);
    });

    it('accepts a caller key of exactly 64 characters', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span()));
      const key = 'k'.repeat(64);
      await client.agentSpans.finish('s', { idempotency_key: key });
      assert.equal((server.last.body as { idempotency_key: string }).idempotency_key, key);
    });
  });
}
