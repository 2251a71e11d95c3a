import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { allRuns, ANTHROPIC, modelCall, OPENAI, seedRuns, timedRun, type Figures } from './run-cost-fixtures.js';

type Field = 'cost_usd' | 'duration_ms' | 'total_tokens';
type Direction = 'asc' | 'desc';

const keyOf = (row: Figures, field: Field): number | null => (field === 'total_tokens' ? (row.usage?.total ?? 0) : row[field]);

/**
 * The order the list must give, computed here from the runs' answers: by the field (runs without
 * a value last in either direction), then by start and id in the same direction.
 */
function expectedOrder(rows: readonly Figures[], field: Field, direction: Direction): string[] {
  const sign = direction === 'asc' ? 1 : -1;
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows]
    .sort((a, b) => {
      const [x, y] = [keyOf(a, field), keyOf(b, field)];
      if (x !== y) return x === null ? 1 : y === null ? -1 : sign * (x - y);
      return sign * (text(a.listed_at, b.listed_at) || text(a.id, b.id));
    })
    .map((row) => row.id);
}

/** Every offset page of the sorted list, `size` at a time, and what each page said of the total. */
async function sortedPages(server: Server, account: Account, field: Field, direction: Direction, size: number, filter = '') {
  const ids: string[] = [];
  for (let offset = 0; ; offset += size) {
    const reply = await call(
      server,
      account.token,
      'GET',
      `/api/v1/agent_instance?sorting[field]=${field}&sorting[direction]=${direction}&pagination[offset]=${offset}&pagination[page_size]=${size}${filter}`,
    );
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body.sorting, { field, direction });
    ids.push(...(reply.body.summaries as Figures[]).map((row) => row.id));
    if (reply.body.pagination.next_page_offset === null) return { ids, total: reply.body.pagination.item_count as number };
  }
}

const FIELDS: Field[] = ['cost_usd', 'duration_ms', 'total_tokens'];
const DIRECTIONS: Direction[] = ['desc', 'asc'];

for (const engine of ENGINES) {
  describe(`instance list sorted by cost, duration and tokens (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
      await seedRuns(server, account, '2026-11-02');
      // More runs, some with the same figures as others, so ties and page edges are crossed.
      await seedRuns(server, account, '2026-11-01');
      for (let i = 0; i < 3; i++) {
        await timedRun(server, account, `2026-11-03T00:0${i}:00.000000Z`, `2026-11-03T00:0${i}:0${i + 1}.000000Z`, async (id) => {
          for (let n = 0; n <= i; n++) await modelCall(server, account, id, n % 2 === 0 ? 'gpt-4o' : 'claude-3-5-sonnet', n % 2 ? ANTHROPIC : OPENAI);
        });
      }
    });
    after(() => server.close());

    for (const field of FIELDS) {
      for (const direction of DIRECTIONS) {
        it(`pages by ${field} ${direction} in the order computed from the answers`, async () => {
          const runs = await allRuns(server, account);
          assert.equal(runs.length, 19);
          const { ids, total } = await sortedPages(server, account, field, direction, 4);
          assert.equal(total, runs.length);
          assert.deepEqual(ids, expectedOrder(runs, field, direction));
        });
      }
    }

    it('sorts by cost with the prices current when read, within the list filters', async () => {
      const before = expectedOrder(await allRuns(server, account), 'cost_usd', 'desc');
      const put = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/my-local-model', { details: { input: 100, output: 100 } });
      assert.equal(put.status, 200, put.text);
      try {
        const runs = await allRuns(server, account);
        const now = expectedOrder(runs, 'cost_usd', 'desc');
        assert.notDeepEqual(now, before);
        // The runs of only the local model now cost the most.
        const local = runs.filter((row) => row.unpriced_models.length === 0 && row.usage !== null && row.cost_usd! > 0.5);
        assert.ok(local.length >= 2);
        assert.deepEqual((await sortedPages(server, account, 'cost_usd', 'desc', 5)).ids, now);
        const since = '2026-11-02T00:00:00Z';
        const recent = runs.filter((row) => row.listed_at >= '2026-11-02T00:00:00.000000Z');
        const filtered = await sortedPages(server, account, 'cost_usd', 'asc', 3, `&since=${since}`);
        assert.equal(filtered.total, recent.length);
        assert.deepEqual(filtered.ids, expectedOrder(recent, 'cost_usd', 'asc'));
      } finally {
        await call(server, account.accountToken, 'DELETE', '/api/v1/model_prices/my-local-model');
      }
    });

    it('refuses a field it cannot sort by, naming the field and the ones it can', async () => {
      const reply = await call(server, account.token, 'GET', '/api/v1/agent_instance?sorting[field]=price');
      assert.equal(reply.status, 422, reply.text);
      assert.match(reply.text, /sorting\[field\]/);
      assert.match(reply.text, /cost_usd/);
    });
  });
}
