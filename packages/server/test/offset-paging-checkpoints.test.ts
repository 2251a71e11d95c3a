import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { openInstance } from './fixtures.js';
import { purgeFinishedBefore } from '../src/index.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';

// An agent with more spans than the server sorts whole (10³), so its offset pages are read from
// checkpoints kept every 10² rows: every page near a checkpoint must still be the page the order
// gives, and stay so after writes move the rows under the kept checkpoints.

interface Listed {
  id: string;
  started_at: string;
}

const at = (ms: number) => new Date(Date.UTC(2024, 4, 1, 12) + ms).toISOString().replace('Z', '000Z');
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** `count` spans through /bulk; three at a time share a start time, ids in another order than times. */
async function addSpans(server: Server, account: Account, instanceId: string, prefix: string, count: number, shift = 0) {
  for (let from = 0; from < count; from += 1000) {
    const items = Array.from({ length: Math.min(1000, count - from) }, (_, i) => {
      const n = from + i;
      return {
        _type: 'agent_spans/create',
        idempotency_key: `checkpoints-${prefix}-${n}`,
        agent_instance_id: instanceId,
        id: `${prefix}-${String((n * 7919) % 100_003).padStart(6, '0')}`,
        schema_name: 'agent:tool',
        status: 'complete',
        payload: {},
        started_at: at(Math.floor(n / 3) * 10 + shift),
      };
    });
    const reply = await call(server, account.token, 'POST', '/api/v1/bulk', { items });
    assert.equal(reply.status, 200, reply.text);
  }
}

/** Every span of the instances by cursor, in (started_at, id) order. */
async function byCursor(server: Server, account: Account, instanceIds: string[]): Promise<Listed[]> {
  const spans: Listed[] = [];
  for (const instanceId of instanceIds) {
    for (let cursor: string | null = ''; cursor !== null;) {
      const path = `/api/v1/agent_spans?agent_instance_id=${instanceId}&limit=1000&include_payloads=false${cursor ? `&cursor=${cursor}` : ''}`;
      const reply = await call(server, account.token, 'GET', path);
      assert.equal(reply.status, 200, reply.text);
      spans.push(...(reply.body.details as Listed[]));
      cursor = reply.body.pagination.next_cursor;
    }
  }
  return spans.sort((a, b) => byBytes(a.started_at, b.started_at) || byBytes(a.id, b.id));
}

for (const engine of ENGINES) {
  describe(`offset pages of a large agent, read from checkpoints (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    let agentId: string;
    let instances: string[];
    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
      instances = [await openInstance(server, account), await openInstance(server, account), await openInstance(server, account)];
      await addSpans(server, account, instances[0]!, 'a', 1300);
      await addSpans(server, account, instances[1]!, 'b', 1100, 5);
      // Spans of another account under the same ids, which no page may show.
      const other = await newAccount(server);
      await addSpans(server, other, await openInstance(server, other), 'a', 300);
      agentId = (await call(server, account.token, 'GET', `/api/v1/agent_instance/${instances[0]}`)).body.details.agent_id;
    });
    after(() => server.close());

    /** The pages around every checkpoint and at the ends, in every order, against the cursor listing. */
    async function checkAroundCheckpoints(spans: Listed[]) {
      const total = spans.length;
      const near = [
        0,
        1,
        99,
        100,
        101,
        150,
        199,
        200,
        999,
        1000,
        1001,
        1950,
        1999,
        2000,
        2001,
        2950,
        total - 101,
        total - 100,
        total - 1,
        total,
        total + 5,
      ];
      const offsets = [...new Set(near.filter((n) => n >= 0))];
      for (const [field, direction] of [
        ['started_at', 'asc'],
        ['started_at', 'desc'],
        ['id', 'asc'],
        ['id', 'desc'],
      ] as const) {
        const ordered = field === 'id' ? spans.map((s) => s.id).sort(byBytes) : spans.map((s) => s.id);
        if (direction === 'desc') ordered.reverse();
        for (const size of [100, 7]) {
          for (const offset of offsets) {
            const query = `agent_id=${agentId}&pagination[offset]=${offset}&pagination[page_size]=${size}&sorting[field]=${field}&sorting[direction]=${direction}`;
            const reply = await call(server, account.token, 'GET', `/api/v1/agent_spans?${query}&include_payloads=false`);
            assert.equal(reply.status, 200, reply.text);
            assert.deepEqual(
              reply.body.summaries.map((s: Listed) => s.id),
              ordered.slice(offset, offset + size),
              query,
            );
            assert.equal(reply.body.pagination.item_count, total, query);
          }
        }
      }
    }

    it('answers every page near a checkpoint as the order gives it', async () => {
      const all = await byCursor(server, account, instances);
      assert.equal(all.length, 2400);
      await checkAroundCheckpoints(all);
    });

    it('follows spans added among the kept checkpoints and a purged run', async () => {
      // Interleaved with the stored spans' times and ids: every checkpoint after the first moves.
      await addSpans(server, account, instances[2]!, 'c', 1200, 2);
      const grown = await byCursor(server, account, instances);
      assert.equal(grown.length, 3600);
      await checkAroundCheckpoints(grown);

      const ended = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instances[0]}/finish`, {});
      assert.equal(ended.status, 200, ended.text);
      const purged = await purgeFinishedBefore(server.store, '2999-01-01T00:00:00.000000Z');
      assert.equal(purged.spans, 1300);
      const left = await byCursor(server, account, [instances[1]!, instances[2]!]);
      assert.equal(left.length, 2300);
      await checkAroundCheckpoints(left);
    });
  });
}
