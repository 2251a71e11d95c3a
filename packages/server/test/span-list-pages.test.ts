import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { openInstance } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';

const at = (second: number) => `2024-05-01T12:00:${String(second).padStart(2, '0')}.000000Z`;

/** Spans of one instance through the bulk endpoint, `count` of them two per second from `first`. */
async function addSpans(server: Server, account: Account, instanceId: string, prefix: string, first: number, count: number) {
  const items = Array.from({ length: count }, (_, n) => ({
    _type: 'agent_spans/create',
    idempotency_key: `list-page-${prefix}-${n}`,
    agent_instance_id: instanceId,
    id: `${prefix}-${String(n).padStart(2, '0')}`,
    schema_name: 'agent:tool',
    status: 'active',
    payload: { name: `tool ${n}` },
    started_at: at(first + Math.floor(n / 2)),
  }));
  const reply = await call(server, account.token, 'POST', '/api/v1/bulk', { items });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(Object.keys(reply.body.outputs).length, count, reply.text);
}

for (const engine of ENGINES) {
  describe(`span list pages (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    let agentId: string;
    let firstInstance: string;
    // (started_at, id) order across both instances of the agent.
    const inOrder: string[] = [];

    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
      firstInstance = await openInstance(server, account);
      const secondInstance = await openInstance(server, account);
      await addSpans(server, account, firstInstance, 'a', 0, 12);
      await addSpans(server, account, secondInstance, 'b', 3, 11);
      // A run of another agent of the same account at the agent's own times (at(3), inside the window
      // asked below): never on the agent's pages.
      const traceId = newTraceId();
      const start = (Date.parse(at(3)) - 1_700_000_000_000) * 1000;
      const otherAgent = exportRequest(
        [
          { traceId, spanId: newSpanId(), start, end: start + 1000 },
          { traceId, spanId: newSpanId(), start, end: start + 1000 },
        ],
        { 'service.name': 'elsewhere' },
      );
      assert.equal((await postTraces(server, account.accountToken, otherAgent)).status, 200);
      agentId = (await call(server, account.token, 'GET', `/api/v1/agent_instance/${firstInstance}`)).body.details.agent_id;
      const all = [
        ...Array.from({ length: 12 }, (_, n) => ({ id: `a-${String(n).padStart(2, '0')}`, t: at(Math.floor(n / 2)) })),
        ...Array.from({ length: 11 }, (_, n) => ({ id: `b-${String(n).padStart(2, '0')}`, t: at(3 + Math.floor(n / 2)) })),
      ];
      all.sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : x.id < y.id ? -1 : 1));
      inOrder.push(...all.map((span) => span.id));
    });
    after(() => server.close());

    const list = (query: string) => call(server, account.token, 'GET', `/api/v1/agent_spans?${query}`);
    const ids = (reply: { body: { summaries: Array<{ id: string }> } }) => reply.body.summaries.map((span) => span.id);

    it('pages every span of every instance of an agent exactly once, as the open dashboard asks', async () => {
      // server/sync.mjs: listPage("agent_spans", { agent_id: agentId, include_risk_level: "true" }, offset)
      // with "pagination[page_size]": PAGE_SIZE, "pagination[offset]": offset, "sorting[field]": "id", "sorting[direction]": "desc"
      const seen: string[] = [];
      for (let offset: number | null = 0; offset !== null;) {
        const page = await list(
          `agent_id=${agentId}&include_risk_level=true&pagination[page_size]=5&pagination[offset]=${offset}&sorting[field]=id&sorting[direction]=desc`,
        );
        assert.equal(page.status, 200, page.text);
        assert.deepEqual(Object.keys(page.body).sort(), ['pagination', 'sorting', 'status', 'summaries']);
        assert.equal(page.body.pagination.item_count, 23);
        assert.equal(page.body.pagination.page_offset, offset);
        assert.deepEqual(page.body.sorting, { field: 'id', direction: 'desc' });
        seen.push(...ids(page));
        offset = page.body.pagination.next_page_offset;
      }
      assert.deepEqual(seen, [...inOrder].sort().reverse());
    });

    it('sorts by started_at both ways, bounds by start_time and end_time, and lists one instance by offset', async () => {
      const asc = await list(`agent_id=${agentId}&sorting[field]=started_at&sorting[direction]=asc`);
      assert.deepEqual(ids(asc), inOrder);
      assert.equal(asc.body.pagination.page_size, 100);
      const desc = await list(`agent_id=${agentId}&sorting[field]=started_at&sorting[direction]=desc`);
      assert.deepEqual(ids(desc), [...inOrder].reverse());
      const window = await list(`agent_id=${agentId}&start_time=${at(3)}&end_time=${at(4)}&pagination[offset]=0`);
      assert.deepEqual(ids(window), ['a-06', 'a-07', 'b-00', 'b-01', 'a-08', 'a-09', 'b-02', 'b-03']);
      const one = await list(`agent_instance_id=${firstInstance}&pagination[offset]=10&pagination[page_size]=5&include_summaries=false`);
      assert.deepEqual(ids(one), ['a-10', 'a-11']);
      assert.equal(one.body.pagination.previous_page_offset, 5);
      assert.equal(one.body.pagination.next_page_offset, null);
      assert.ok(one.body.summaries.every((span: { summary: unknown }) => span.summary === null));
      const outlines = await list(`agent_instance_id=${firstInstance}&pagination[page_size]=1&include_payloads=false`);
      assert.ok(!('payload' in outlines.body.summaries[0]));
    });

    it("keeps the CLI's cursor answer under details when no pagination or sorting parameter is sent", async () => {
      // packages/cli/src/clients/agent-span.ts: query: { agent_instance_id, start_time, end_time, include_summaries }
      const reply = await list(`agent_instance_id=${firstInstance}&start_time=${at(0)}&end_time=${at(59)}&include_summaries=true`);
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(Object.keys(reply.body).sort(), ['details', 'pagination', 'status']);
      assert.equal(reply.body.details.length, 12);
      assert.equal(reply.body.pagination.next_cursor, null);
    });

    it('refuses mixed conventions, bad page sizes and unknown scopes with 422 or 404, changing nothing', async () => {
      const before = await snapshot(server, account.accountId);
      for (const [query, field, message] of [
        [`agent_id=${agentId}&pagination[page_size]=0`, 'pagination[page_size]', 'must be >= 1'],
        [`agent_id=${agentId}&pagination[page_size]=101`, 'pagination[page_size]', 'must be <= 100'],
        [`agent_id=${agentId}&sorting[field]=name`, 'sorting[field]', 'must be one of: started_at, id'],
        [
          `agent_instance_id=${firstInstance}&cursor=abc&pagination[offset]=0`,
          'pagination[offset]',
          'must not be sent with cursor: page with pagination[offset] and pagination[page_size], or with cursor and limit',
        ],
        [
          `agent_instance_id=${firstInstance}&limit=5&pagination[page_size]=5`,
          'pagination[page_size]',
          'must not be sent with limit: page with pagination[offset] and pagination[page_size], or with cursor and limit',
        ],
        [`pagination[offset]=0`, 'agent_instance_id', 'or agent_id is required: send exactly one of the two'],
        [
          `agent_id=${agentId}&agent_instance_id=${firstInstance}&pagination[offset]=0`,
          'agent_instance_id',
          'or agent_id is required: send exactly one of the two',
        ],
        [`agent_id=${agentId}`, 'agent_instance_id', 'is required: agent_id lists with pagination[offset] and pagination[page_size]'],
      ]) {
        const refused = await list(query!);
        assert.equal(refused.status, 422, `${query}: ${refused.text}`);
        assert.deepEqual(refused.body.errors, { [field!]: [message] }, query);
      }
      const other = await newAccount(server);
      const foreignAgent = (await call(server, other.accountToken, 'GET', '/api/v1/agent')).body.summaries[0].id;
      const unknown = await list(`agent_id=${foreignAgent}&pagination[offset]=0`);
      assert.equal(unknown.status, 404, unknown.text);
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });
  });
}
