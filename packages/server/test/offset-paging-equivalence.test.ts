import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { openInstance } from './fixtures.js';
import { purgeFinishedBefore } from '../src/index.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';

interface Listed {
  id: string;
  started_at: string;
}

const at = (ms: number) => new Date(Date.UTC(2024, 4, 1, 12) + ms).toISOString().replace('Z', '000Z');
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Spans through /bulk, several of them sharing a start time, in an order unlike their ids'. */
async function addSpans(server: Server, account: Account, instanceId: string, prefix: string, count: number) {
  const items = Array.from({ length: count }, (_, n) => ({
    _type: 'agent_spans/create',
    idempotency_key: `equivalence-${prefix}-${n}`,
    agent_instance_id: instanceId,
    id: `${prefix}-${(n * 7919) % 1000}`,
    schema_name: 'agent:tool',
    status: n % 3 === 0 ? 'active' : 'complete',
    payload: { name: `tool ${n}` },
    started_at: at(Math.floor(n / 3) * 10 + (prefix.charCodeAt(0) % 5)),
  }));
  const reply = await call(server, account.token, 'POST', '/api/v1/bulk', { items });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(Object.keys(reply.body.outputs).length, count, reply.text);
}

/** Every span of the instances, read with cursors (the other way of paging), in (started_at, id) order. */
async function byCursor(server: Server, account: Account, instanceIds: string[]): Promise<Listed[]> {
  const spans: Listed[] = [];
  for (const instanceId of instanceIds) {
    for (let cursor: string | null = ''; cursor !== null;) {
      const reply = await call(
        server,
        account.token,
        'GET',
        `/api/v1/agent_spans?agent_instance_id=${instanceId}&limit=9${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(reply.status, 200, reply.text);
      spans.push(...(reply.body.details as Listed[]));
      cursor = reply.body.pagination.next_cursor;
    }
  }
  return spans.sort((a, b) => byBytes(a.started_at, b.started_at) || byBytes(a.id, b.id));
}

/** What the list conventions say the offset page at `offset` of `all` is. */
function expectedPage(all: string[], offset: number, size: number) {
  const total = all.length;
  return {
    ids: all.slice(offset, offset + size),
    pagination: {
      item_count: total,
      item_start: offset < total ? offset + 1 : 0,
      item_end: offset + Math.max(0, Math.min(size, total - offset)),
      page_count: Math.ceil(total / size),
      page_index: Math.floor(offset / size) + 1,
      page_offset: offset,
      page_size: size,
      next_page_offset: offset + size < total ? offset + size : null,
      previous_page_offset: offset > 0 ? Math.max(0, offset - size) : null,
    },
  };
}

for (const engine of ENGINES) {
  describe(`offset pages equal cursor pages (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    let agentId: string;
    let instances: string[];
    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
      instances = [await openInstance(server, account), await openInstance(server, account), await openInstance(server, account)];
      await addSpans(server, account, instances[0]!, 'a', 40);
      await addSpans(server, account, instances[1]!, 'b', 33);
      // An instance without spans, and spans of another account, which no page may count.
      const other = await newAccount(server);
      await addSpans(server, other, await openInstance(server, other), 'x', 10);
      agentId = (await call(server, account.token, 'GET', `/api/v1/agent_instance/${instances[0]}`)).body.details.agent_id;
    });
    after(() => server.close());

    /** Walks every offset page of `scope`, and a few past the end, checking each against the cursor listing. */
    async function checkEveryPage(scope: string, spans: Listed[], window = '') {
      for (const [field, direction] of [
        ['started_at', 'asc'],
        ['started_at', 'desc'],
        ['id', 'asc'],
        ['id', 'desc'],
      ] as const) {
        const ordered = field === 'id' ? spans.map((s) => s.id).sort(byBytes) : spans.map((s) => s.id);
        if (direction === 'desc') ordered.reverse();
        for (const size of [1, 7, 100]) {
          const offsets = [...Array.from({ length: Math.ceil(ordered.length / size) }, (_, i) => i * size), 3, ordered.length, ordered.length + 5];
          for (const offset of offsets) {
            const query = `${scope}${window}&pagination[offset]=${offset}&pagination[page_size]=${size}&sorting[field]=${field}&sorting[direction]=${direction}`;
            const reply = await call(server, account.token, 'GET', `/api/v1/agent_spans?${query}`);
            assert.equal(reply.status, 200, reply.text);
            const expected = expectedPage(ordered, offset, size);
            assert.deepEqual(
              reply.body.summaries.map((s: Listed) => s.id),
              expected.ids,
              query,
            );
            assert.deepEqual(reply.body.pagination, expected.pagination, query);
          }
        }
      }
    }

    it('gives every page of an agent and of each instance as the cursor listing orders the same spans', async () => {
      const all = await byCursor(server, account, instances);
      assert.equal(all.length, 73);
      await checkEveryPage(`agent_id=${agentId}`, all);
      for (const instanceId of instances) await checkEveryPage(`agent_instance_id=${instanceId}`, await byCursor(server, account, [instanceId]));
    });

    it('gives the same within start_time and end_time', async () => {
      const [from, to] = [at(30), at(200)];
      const all = (await byCursor(server, account, instances)).filter((s) => s.started_at >= from && s.started_at <= to);
      assert.ok(all.length > 10 && all.length < 73);
      await checkEveryPage(`agent_id=${agentId}`, all, `&start_time=${from}&end_time=${to}`);
      const onlyStart = (await byCursor(server, account, [instances[0]!])).filter((s) => s.started_at >= from);
      await checkEveryPage(`agent_instance_id=${instances[0]}`, onlyStart, `&start_time=${from}`);
    });

    it('still agrees after spans are finished, added and a finished instance is purged', async () => {
      const first = (await byCursor(server, account, [instances[0]!]))[0]!;
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${first.id}/finish`, {});
      assert.equal(finished.status, 200, finished.text);
      await addSpans(server, account, instances[2]!, 'c', 12);
      assert.equal((await byCursor(server, account, instances)).length, 85);
      await checkEveryPage(`agent_id=${agentId}`, await byCursor(server, account, instances));

      const ended = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instances[1]}/finish`, {});
      assert.equal(ended.status, 200, ended.text);
      const purged = await purgeFinishedBefore(server.store, '2999-01-01T00:00:00.000000Z');
      assert.equal(purged.spans, 33);
      const left = [instances[0]!, instances[2]!];
      assert.equal((await byCursor(server, account, left)).length, 52);
      await checkEveryPage(`agent_id=${agentId}`, await byCursor(server, account, left));
    });
  });
}
