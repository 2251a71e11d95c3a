import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openPostgresStore, type Store } from '../src/index.js';
import { READS, spanPageValues } from '../src/store/postgres/read-tx.js';
import type { SpanListQuery } from '../src/store/records.js';
import { describePostgres, dropSchema, freshSchema, withClient } from './postgres-database.js';
import { seedInstance } from './store-records.js';

const SPANS_PER_INSTANCE = 20_000;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describePostgres('listing spans on PostgreSQL at scale', (url) => {
  let schema: string;
  let store: Store;

  before(async () => {
    schema = await freshSchema(url);
    store = await openPostgresStore({ connectionString: url, schema, poolSize: 1 });
    await store.write(async (tx) => {
      await seedInstance(tx, 'acc', 'inst-1');
      await seedInstance(tx, 'other', 'inst-1');
    });
    // Two instances of 20k spans each, a second apart, ids not in time order: enough rows that a
    // sequential scan and a sort would be the planner's choice without the index.
    await withClient(url, async (client) => {
      await client.query(`SET search_path = ${schema}`);
      await client.query(
        `INSERT INTO spans (account_id, id, agent_id, agent_instance_id, parent_span_id, schema_name, schema_title, status,
           payload_json, result_payload_json, summary, started_at, finished_at, inserted_at, updated_at)
         SELECT account, md5(account || n::text), 'agent-1', 'inst-1', NULL, 'agent:llm', NULL, 'active', '{"q":1}', NULL,
           NULL, t, NULL, t, t
         FROM unnest(ARRAY['acc', 'other']) AS account, generate_series(1, $1::int) AS n,
           LATERAL (SELECT to_char(timestamp '2024-01-01' + n * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t) AS times`,
        [SPANS_PER_INSTANCE],
      );
      await client.query('ANALYZE spans');
    });
  });

  after(async () => {
    await store?.close();
    if (schema) await dropSchema(url, schema);
  });

  /** The plan of the store's own page statement, as a generic (prepared) and as a custom plan. */
  const plans = (query: SpanListQuery) =>
    withClient(url, async (client) => {
      await client.query(`SET search_path = ${schema}`);
      await client.query(`PREPARE page AS ${READS.spansPage.text}`);
      const literals = spanPageValues(query).map((v) => (typeof v === 'number' ? String(v) : `'${String(v)}'`));
      const found: Record<string, PlanNode> = {};
      for (const mode of ['force_generic_plan', 'force_custom_plan']) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        const { rows } = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE page(${literals.join(', ')})`);
        found[mode] = rows[0]['QUERY PLAN'][0].Plan as PlanNode;
      }
      return found;
    });

  const assertIndexOrdered = async (query: SpanListQuery) => {
    for (const [mode, plan] of Object.entries(await plans(query))) {
      const nodes = nodesOf(plan);
      const scan = nodes.find((n) => n['Node Type'].startsWith('Index'));
      assert.equal(plan['Node Type'], 'Limit', `${mode}: ${JSON.stringify(plan)}`);
      assert.equal(scan?.['Index Name'], 'spans_by_instance_time', `${mode}: ${JSON.stringify(plan)}`);
      assert.match(scan?.['Index Cond'] ?? '', /agent_instance_id = .*started_at/s, `${mode}: bounds are index conditions`);
      assert.deepEqual(
        nodes.filter((n) => /Sort|Seq Scan|Bitmap/.test(n['Node Type'])),
        [],
        `${mode}: ${JSON.stringify(plan)}`,
      );
    }
  };

  it('reads the first page from spans_by_instance_time in order, with no sort', () =>
    assertIndexOrdered({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 100 }));

  it('starts a cursor page, and a time-bounded page, inside the index', async () => {
    const middle = await store.read((tx) =>
      tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 1, start_time: '2024-01-01T02:46:40.000000Z' }),
    );
    assert.equal(middle.length, 1);
    await assertIndexOrdered({
      account_id: 'acc',
      agent_instance_id: 'inst-1',
      limit: 100,
      after: { started_at: middle[0]!.started_at, id: middle[0]!.id },
    });
    await assertIndexOrdered({
      account_id: 'acc',
      agent_instance_id: 'inst-1',
      limit: 100,
      start_time: '2024-01-01T01:00:00.000000Z',
      end_time: '2024-01-01T03:00:00.000000Z',
    });
  });

  it('pages through every span of an instance once, in (started_at, id) order', async () => {
    const seen: string[] = [];
    let after: SpanListQuery['after'];
    for (;;) {
      const page = await store.read((tx) => tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 5000, after }));
      if (page.length === 0) break;
      seen.push(...page.map((s) => `${s.started_at} ${s.id}`));
      after = { started_at: page.at(-1)!.started_at, id: page.at(-1)!.id };
    }
    assert.equal(seen.length, SPANS_PER_INSTANCE);
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(new Set(seen).size, SPANS_PER_INSTANCE);
  });
});
