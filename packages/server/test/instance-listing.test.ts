import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION, createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';

const ids = (reply: { body: { details: Array<{ id: string }> } }) => reply.body.details.map((i) => i.id);

/** An instance started at `startedAt` (or left pending when null). */
async function instanceAt(server: Server, account: Account, startedAt: string | null, id?: string): Promise<string> {
  const instanceId = await openInstance(server, account, { start: false, ...(id ? { id } : {}) });
  if (startedAt !== null) {
    const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/start`, { timestamp: startedAt });
    assert.equal(started.status, 200, started.text);
  }
  return instanceId;
}

const list = (server: Server, account: Account, query = '') =>
  call(server, account.token, 'GET', `/api/v1/agent_instance${query ? `?${query}` : ''}`);

for (const engine of ENGINES) {
  describe(`instance listing (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('lists newest started first (pending ones by registration), with span counts and the agent name', async () => {
      const account = await newAccount(server);
      const old = await instanceAt(server, account, '2024-05-01T10:00:00Z');
      const newer = await instanceAt(server, account, '2024-05-02T10:00:00Z');
      const pending = await instanceAt(server, account, null);
      await createSpan(server, account, { agent_instance_id: newer, schema_name: 'agent:llm', status: 'active', payload: llmPayload() });
      for (let i = 0; i < 2; i++)
        await createSpan(server, account, { agent_instance_id: old, schema_name: 'agent:llm', status: 'active', payload: llmPayload() });
      const reply = await list(server, account);
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(ids(reply), [pending, newer, old]);
      const [first, second] = reply.body.details;
      assert.equal(first.status, 'pending');
      assert.equal(first.agent_name, 'Support agent');
      assert.equal(first.type, 'agent_instance');
      assert.deepEqual(second.span_counts, { total: 1, pending: 0, active: 1, complete: 0, failed: 0, cancelled: 0, finished: 0 });
      assert.deepEqual(reply.body.pagination, { next_cursor: null });
      const single = await call(server, account.token, 'GET', `/api/v1/agent_instance/${newer}`);
      assert.deepEqual({ ...second, agent_name: undefined }, { ...single.body.details, agent_name: undefined });
      // The page's counts, read for all its instances at once, are each instance's own.
      for (const listed of reply.body.details) {
        const own = await call(server, account.token, 'GET', `/api/v1/agent_instance/${listed.id}`);
        assert.deepEqual(listed.span_counts, own.body.details.span_counts);
      }
      const other = await newAccount(server);
      assert.deepEqual(ids(await list(server, other)), []);
    });

    it('pages by cursor without repeats or gaps while new instances arrive', async () => {
      const account = await newAccount(server);
      const made: string[] = [];
      for (let day = 1; day <= 7; day++) made.push(await instanceAt(server, account, `2024-06-0${day}T00:00:00Z`));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const reply = await list(server, account, `limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(reply.status, 200, reply.text);
        seen.push(...ids(reply));
        cursor = reply.body.pagination.next_cursor;
        pages++;
        // Arrives between pages, newer than everything listed: it belongs before page one.
        await instanceAt(server, account, `2024-07-0${pages}T00:00:00Z`);
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...made].reverse());
      const bad = await list(server, account, 'cursor=not-a-cursor');
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.errors, { cursor: ['is not a cursor this server issued; pass pagination.next_cursor from the previous page'] });
    });

    it('filters by agent, status and a time window', async () => {
      const account = await newAccount(server);
      const agent = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'Second agent' } });
      const a = await instanceAt(server, account, '2024-08-01T00:00:00Z');
      const b = await instanceAt(server, account, '2024-08-02T00:00:00Z');
      const c = await instanceAt(server, account, '2024-08-03T00:00:00Z');
      await call(server, account.token, 'POST', `/api/v1/agent_instance/${b}/finish`, { status: 'failed' });
      const registered = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
        agent_id: agent.body.details.id,
        agent_version: { name: 'v' },
        agent_schema_version: { external_identifier: 's' },
      });
      const d = registered.body.details.id;
      assert.deepEqual(ids(await list(server, account, `agent_id=${account.agentId}`)), [c, b, a]);
      const theirs = await list(server, account, `agent_id=${agent.body.details.id}`);
      assert.deepEqual(ids(theirs), [d]);
      assert.equal(theirs.body.details[0].agent_name, 'Second agent');
      assert.deepEqual(ids(await list(server, account, 'status=failed')), [b]);
      assert.deepEqual(ids(await list(server, account, 'status=active')), [c, a]);
      assert.deepEqual(ids(await list(server, account, 'since=2024-08-02T00:00:00Z&until=2024-08-03T00:00:00Z&status=active')), [c]);
      assert.deepEqual(ids(await list(server, account, 'until=2024-08-02T12:00:00Z')), [b, a]);
      assert.deepEqual(ids(await list(server, account, 'since=2024-08-02T00:00:00Z&limit=1')), [d]);

      const before = await snapshot(server, account.accountId);
      const badStatus = await list(server, account, 'status=running');
      assert.equal(badStatus.status, 422);
      assert.match(badStatus.body.errors.status[0], /must be one of: pending, active, complete, failed, cancelled, terminated/);
      const badSince = await list(server, account, 'since=yesterday');
      assert.equal(badSince.status, 422);
      assert.ok(badSince.body.errors.since, badSince.text);
      const badLimit = await list(server, account, 'limit=0');
      assert.equal(badLimit.status, 422);
      assert.ok(badLimit.body.errors.limit, badLimit.text);
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });

    it('filters by agent_version_id and purpose, refusing an unknown purpose', async () => {
      const account = await newAccount(server);
      const register = async (version: string, purpose?: string) => {
        const reply = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
          agent_version: { ...AGENT_VERSION, name: version, external_identifier: version },
          agent_schema_version: SCHEMA_VERSION,
          ...(purpose === undefined ? {} : { purpose }),
        });
        assert.equal(reply.status, 201, reply.text);
        return reply.body.details as { id: string; agent_version_id: string };
      };
      const liveOne = await register('v1');
      const evalOne = await register('v1', 'eval');
      const smokeTwo = await register('v2', 'smoke_test');
      assert.equal(liveOne.agent_version_id, evalOne.agent_version_id);
      assert.deepEqual(ids(await list(server, account, `agent_version_id=${liveOne.agent_version_id}`)), [evalOne.id, liveOne.id]);
      assert.deepEqual(ids(await list(server, account, `agent_version_id=${smokeTwo.agent_version_id}`)), [smokeTwo.id]);
      assert.deepEqual(ids(await list(server, account, 'purpose=eval')), [evalOne.id]);
      assert.deepEqual(ids(await list(server, account, `purpose=live&agent_version_id=${liveOne.agent_version_id}`)), [liveOne.id]);
      assert.deepEqual(ids(await list(server, account, `purpose=live&agent_version_id=${smokeTwo.agent_version_id}`)), []);
      const before = await snapshot(server, account.accountId);
      const bad = await list(server, account, 'purpose=production');
      assert.equal(bad.status, 422, bad.text);
      assert.deepEqual(bad.body.errors, { purpose: ['must be one of: live, smoke_test, eval'] });
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });

    it('pages by offset as the open dashboard asks, every instance once, answering summaries', async () => {
      const account = await newAccount(server);
      const made: string[] = [];
      for (let n = 0; n < 7; n++) made.push(await instanceAt(server, account, `2024-05-0${n + 1}T10:00:00Z`));
      const agentId = (await call(server, account.token, 'GET', `/api/v1/agent_instance/${made[0]}`)).body.details.agent_id;
      // server/sync.mjs: listPage("agent_instance", { agent_id: agentId }, offset), sorting[field] "id", sorting[direction] "desc"
      const seen: string[] = [];
      for (let offset: number | null = 0; offset !== null;) {
        const page = await list(
          server,
          account,
          `agent_id=${agentId}&pagination[page_size]=3&pagination[offset]=${offset}&sorting[field]=id&sorting[direction]=desc`,
        );
        assert.equal(page.status, 200, page.text);
        assert.deepEqual(Object.keys(page.body).sort(), ['pagination', 'sorting', 'status', 'summaries']);
        assert.equal(page.body.pagination.item_count, 7);
        seen.push(...page.body.summaries.map((i: { id: string }) => i.id));
        offset = page.body.pagination.next_page_offset;
      }
      assert.deepEqual(seen, [...made].sort().reverse());
      const oldest = await list(server, account, 'sorting[field]=started_at&sorting[direction]=asc&pagination[page_size]=2');
      assert.deepEqual(
        oldest.body.summaries.map((i: { id: string }) => i.id),
        made.slice(0, 2),
      );
      const newest = await list(server, account, 'pagination[offset]=0&pagination[page_size]=2');
      assert.deepEqual(
        newest.body.summaries.map((i: { id: string }) => i.id),
        [made[6], made[5]],
      );
      const mixed = await list(server, account, 'limit=2&pagination[offset]=0');
      assert.equal(mixed.status, 422);
      assert.deepEqual(mixed.body.errors, {
        'pagination[offset]': ['must not be sent with limit: page with pagination[offset] and pagination[page_size], or with cursor and limit'],
      });
      const tooBig = await list(server, account, 'pagination[page_size]=101');
      assert.deepEqual(tooBig.body.errors, { 'pagination[page_size]': ['must be <= 100'] });
    });

    it('searches span schema names and summaries by word prefix, and sees summaries a finish completes', async () => {
      const account = await newAccount(server);
      const writer = await instanceAt(server, account, '2024-09-01T00:00:00Z');
      const reader = await instanceAt(server, account, '2024-09-02T00:00:00Z');
      await instanceAt(server, account, '2024-09-03T00:00:00Z');
      await createSpan(server, account, {
        agent_instance_id: writer,
        schema_name: 'agent:llm',
        status: 'active',
        payload: { model: 'gpt-test', prompt: 'Draft the launch memo' },
      });
      const tool = await createSpan(server, account, {
        agent_instance_id: reader,
        schema_name: 'agent:tool',
        status: 'active',
        payload: { name: 'search_docs', args: { path: '/wiki' } },
      });
      const search = async (q: string) => ids(await list(server, account, `q=${encodeURIComponent(q)}`));
      assert.deepEqual(await search('llm'), [writer]);
      assert.deepEqual(await search('tool'), [reader]);
      assert.deepEqual(await search('agent'), [reader, writer]);
      assert.deepEqual(await search('launch memo'), [writer]);
      assert.deepEqual(await search('LAUN'), [writer]);
      assert.deepEqual(await search('search_docs'), [reader]);
      assert.deepEqual(await search('memo wiki'), []);
      assert.deepEqual(await search('nothing-like-it'), []);

      const llm = await createSpan(server, account, {
        agent_instance_id: reader,
        schema_name: 'agent:llm',
        status: 'active',
        payload: { model: 'gpt-test', prompt: 'summarise' },
      });
      assert.deepEqual(await search('zebra'), []);
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${llm.body.details.id}/finish`, {
        status: 'complete',
        result_payload: { response: 'zebras everywhere' },
      });
      assert.equal(finished.status, 200, finished.text);
      assert.deepEqual(await search('zebra'), [reader]);
      assert.ok(tool.body.details.id);

      const nothing = await list(server, account, 'q=%3A%3A%3A');
      assert.equal(nothing.status, 422);
      assert.deepEqual(nothing.body.errors, { q: ['must contain a letter or digit to search for'] });
      const other = await newAccount(server);
      assert.deepEqual(ids(await list(server, other, 'q=llm')), []);
    });

    it('lists the children of one span with parent_span_id, keeping the answer without it unchanged', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const span = (details: Record<string, unknown>) =>
        createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active', ...details });
      const root = (await span({ id: 'root', started_at: '2024-05-01T12:00:00Z' })).body.details.id;
      await span({ id: 'child-b', parent_span_id: root, started_at: '2024-05-01T12:00:02Z' });
      await span({ id: 'child-a', parent_span_id: root, started_at: '2024-05-01T12:00:01Z' });
      await span({ id: 'grandchild', parent_span_id: 'child-a', started_at: '2024-05-01T12:00:03Z' });
      const spans = (query: string) => call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}${query}`);
      assert.deepEqual(ids(await spans('&parent_span_id=root')), ['child-a', 'child-b']);
      assert.deepEqual(ids(await spans('&parent_span_id=child-a')), ['grandchild']);
      assert.deepEqual(ids(await spans('&parent_span_id=grandchild')), []);
      const paged = await spans('&parent_span_id=root&limit=1');
      assert.deepEqual(ids(paged), ['child-a']);
      assert.deepEqual(ids(await spans(`&parent_span_id=root&cursor=${paged.body.pagination.next_cursor}`)), ['child-b']);
      assert.deepEqual(ids(await spans('')), ['root', 'child-a', 'child-b', 'grandchild']);

      const otherInstance = await openInstance(server, account);
      const elsewhere = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${otherInstance}&parent_span_id=root`);
      assert.equal(elsewhere.status, 422);
      assert.deepEqual(elsewhere.body.errors, { parent_span_id: [`names no span of agent instance ${otherInstance} (root)`] });
      assert.equal((await spans('&parent_span_id=missing')).status, 422);
    });
  });
}
