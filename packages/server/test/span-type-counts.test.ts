import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { purgeFinishedBefore } from '../src/domain/retention/purge.js';
import { exportLines } from '../src/domain/transfer/export-rows.js';
import { importFile } from '../src/domain/transfer/import-rows.js';
import type { Store } from '../src/index.js';
import type { SpanRecord } from '../src/store/records.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { ENGINES } from './engines.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { CUTOFF, oldInstance } from './old-instances.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';
import { describePostgres } from './postgres-database.js';
import { at, seedInstance, spanRow } from './store-records.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-type-counts-'));
after(() => rm(scratch, { recursive: true, force: true }));

/** What the counters must always say: the instance's spans grouped by schema_name, read from the spans. */
async function groupedSpans(store: Store, accountId: string, instanceId: string) {
  const spans = await store.read((tx) => tx.listSpans({ account_id: accountId, agent_instance_id: instanceId, limit: 100_000 }));
  const counts = new Map<string, number>();
  for (const span of spans) counts.set(span.schema_name, (counts.get(span.schema_name) ?? 0) + 1);
  return counts;
}

const sorted = (counts: Map<string, number>) => [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The counters of `instanceId`, read alone and as part of a list, both equal to the spans grouped by type. */
async function assertCountsMatchSpans(store: Store, accountId: string, instanceId: string, expected?: Record<string, number>) {
  const grouped = await groupedSpans(store, accountId, instanceId);
  const one = await store.read((tx) => tx.spanTypeCounts(accountId, instanceId));
  const ofMany = await store.read((tx) => tx.spanTypeCountsOf(accountId, [instanceId, 'no-such-instance']));
  assert.deepEqual(sorted(one), sorted(grouped), `counts of ${instanceId} equal its spans grouped by type`);
  assert.deepEqual(sorted(ofMany.get(instanceId)!), sorted(grouped));
  assert.deepEqual([...ofMany.get('no-such-instance')!], []);
  if (expected) assert.deepEqual(sorted(one), sorted(new Map(Object.entries(expected))));
}

const SPAN_TYPES = ['agent:llm', 'agent:tool', 'agent:llm', 'agent:tool', 'agent:llm'];

for (const engine of ENGINES) {
  describe(`span counts by type (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
    });
    after(() => server.close());

    it('counts spans created through the API and through /bulk alike', async () => {
      const direct = await openInstance(server, account);
      for (const [i, schema_name] of SPAN_TYPES.entries()) {
        const created = await createSpan(server, account, { agent_instance_id: direct, schema_name, status: 'active', payload: llmPayload(`q${i}`) });
        assert.equal(created.status, 201, created.text);
      }
      const bulked = await openInstance(server, account);
      const reply = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: SPAN_TYPES.map((schema_name, i) => ({
          _type: 'agent_spans/create',
          idempotency_key: `type-counts-bulk-${i}`,
          agent_instance_id: bulked,
          schema_name,
          status: i % 2 === 0 ? 'active' : 'complete',
          payload: llmPayload(`q${i}`),
        })),
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.status, 'success', reply.text);
      // A replayed key stores nothing, and counts nothing.
      const replay = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [
          {
            _type: 'agent_spans/create',
            idempotency_key: 'type-counts-bulk-0',
            agent_instance_id: bulked,
            schema_name: 'agent:llm',
            status: 'active',
            payload: llmPayload('q0'),
          },
        ],
      });
      assert.equal(replay.status, 200, replay.text);
      const expected = { 'agent:llm': 3, 'agent:tool': 2 };
      await assertCountsMatchSpans(server.store, account.accountId, direct, expected);
      await assertCountsMatchSpans(server.store, account.accountId, bulked, expected);
      const both = await server.store.read((tx) => tx.spanTypeCountsOf(account.accountId, [direct, bulked]));
      assert.deepEqual([...both.keys()], [direct, bulked]);
    });

    it('counts every one of many creates sent at once, as the engines group or batch them', async () => {
      const id = await openInstance(server, account);
      const replies = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          createSpan(server, account, {
            agent_instance_id: id,
            schema_name: SPAN_TYPES[i % 2],
            status: i % 3 === 0 ? 'complete' : 'active',
            payload: llmPayload(),
          }),
        ),
      );
      for (const reply of replies) assert.equal(reply.status, 201, reply.text);
      await assertCountsMatchSpans(server.store, account.accountId, id, { 'agent:llm': 30, 'agent:tool': 30 });
    });

    it('counts spans an OTLP export stores, once each however often it is sent', async () => {
      const traceId = newTraceId();
      const root = newSpanId();
      const request = exportRequest([
        { traceId, spanId: root, name: 'agent run', attributes: { 'gen_ai.operation.name': 'invoke_agent' } },
        { traceId, spanId: newSpanId(), parentSpanId: root, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' } },
        { traceId, spanId: newSpanId(), parentSpanId: root, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' } },
        { traceId, spanId: newSpanId(), parentSpanId: root, name: 'plain work' },
      ]);
      assert.equal((await postTraces(server, account.accountToken, request)).status, 200);
      // Exporters retry: the same spans again are already stored.
      assert.equal((await postTraces(server, account.accountToken, request)).status, 200);
      await assertCountsMatchSpans(server.store, account.accountId, traceId, { 'gen_ai:invoke_agent': 1, 'gen_ai:chat': 2, 'otel:internal': 1 });
    });

    it('keeps the counts by type through finishes, cancels and a terminate', async () => {
      const id = await openInstance(server, account);
      const spans: string[] = [];
      for (const [i, schema_name] of SPAN_TYPES.entries()) {
        const created = await createSpan(server, account, { agent_instance_id: id, schema_name, status: 'active', payload: llmPayload(`q${i}`) });
        assert.equal(created.status, 201, created.text);
        spans.push(created.body.details.id as string);
      }
      const expected = { 'agent:llm': 3, 'agent:tool': 2 };
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${spans[0]}/finish`, { result_payload: { response: 'ok' } });
      assert.equal(finished.status, 200, finished.text);
      const cancelled = await call(server, account.token, 'POST', `/api/v1/agent_spans/${spans[1]}/finish`, { status: 'cancelled' });
      assert.equal(cancelled.status, 200, cancelled.text);
      await assertCountsMatchSpans(server.store, account.accountId, id, expected);
      const terminated = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${id}/terminate`, { reason: 'stop' });
      assert.equal(terminated.status, 200, terminated.text);
      assert.equal(terminated.body.details.span_counts.cancelled, 4);
      await assertCountsMatchSpans(server.store, account.accountId, id, expected);
    });

    it('drops the counts with the instance a retention purge deletes, and keeps those of the instances it keeps', async () => {
      const own = await newAccount(server);
      const gone = await oldInstance(server, own, 4);
      const kept = await oldInstance(server, own, 3, { open: true });
      await assertCountsMatchSpans(server.store, own.accountId, gone, { 'agent:llm': 4 });
      await purgeFinishedBefore(server.store, CUTOFF, { stepSpans: 3 });
      assert.deepEqual([...(await server.store.read((tx) => tx.spanTypeCounts(own.accountId, gone)))], []);
      await assertCountsMatchSpans(server.store, own.accountId, kept, { 'agent:llm': 3 });
    });

    it('carries the counts through an export and an import into an empty store', async () => {
      const own = await newAccount(server);
      const id = await openInstance(server, own);
      for (const [i, schema_name] of SPAN_TYPES.entries()) {
        assert.equal(
          (await createSpan(server, own, { agent_instance_id: id, schema_name, status: 'active', payload: llmPayload(`q${i}`) })).status,
          201,
        );
      }
      let text = '';
      for await (const chunk of exportLines(server.store, { instanceId: id })) text += chunk;
      const file = join(scratch, `export-${engine.name}.ndjson`);
      await writeFile(file, text);
      const { store, cleanup } = await engine.open();
      try {
        await importFile(store, file);
        await assertCountsMatchSpans(store, own.accountId, id, { 'agent:llm': 3, 'agent:tool': 2 });
        // Importing the file again finds every span stored, and counts none twice.
        await importFile(store, file);
        await assertCountsMatchSpans(store, own.accountId, id, { 'agent:llm': 3, 'agent:tool': 2 });
      } finally {
        await cleanup();
      }
    });

    it('always equals the spans grouped by type after a random mix of store writes', async () => {
      const { store, cleanup } = await engine.open();
      try {
        await store.write((tx) => seedInstance(tx, 'acc'));
        const instances = ['inst-1', 'inst-2', 'inst-3'];
        await store.write(async (tx) => {
          for (const id of instances.slice(1)) await tx.insertInstance({ ...(await tx.getInstance('acc', 'inst-1'))!, id });
        });
        const types = ['agent:llm', 'agent:tool', 'agent:retrieval', ''];
        const stored: SpanRecord[] = [];
        let seed = 7;
        const random = (n: number) => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return seed % n;
        };
        const newSpan = (i: number): SpanRecord => ({
          ...spanRow('acc', `s-${i}`, at(i % 60), 'active'),
          agent_instance_id: instances[random(instances.length)]!,
          schema_name: types[random(types.length)]!,
        });
        let next = 0;
        for (let round = 0; round < 40; round++) {
          const choice = random(6);
          if (choice === 0) {
            const row = newSpan(next++);
            await store.write((tx) => tx.insertSpan(row));
            stored.push(row);
          } else if (choice === 1) {
            // Some new, some already stored: only the new ones count.
            const rows = [newSpan(next++), newSpan(next++), ...stored.slice(-2)];
            await store.write((tx) => tx.insertSpansIfAbsent(rows));
            stored.push(...rows.slice(0, 2));
          } else if (choice === 2 && stored.length > 0) {
            const row = stored[random(stored.length)]!;
            await store.write(async (tx) => {
              const current = (await tx.lockSpan('acc', row.id))!;
              await tx.updateSpan({ ...current, status: 'complete', finished_at: at(59), updated_at: at(59) }, current.status);
            });
          } else if (choice === 3) {
            // A unit that fails after its insert leaves no count behind.
            await assert.rejects(
              store.write(async (tx) => {
                await tx.insertSpan(newSpan(1000 + round));
                throw new Error('rolled back');
              }),
              /rolled back/,
            );
          } else if (choice === 4) {
            await store.write((tx) => tx.cancelOpenSpans('acc', instances[random(instances.length)]!, '{}', at(59)));
          } else {
            // Several units in one sequence, the counts read inside the writer's own transaction too.
            const rows = [newSpan(next++), newSpan(next++)];
            await store.writeSequence(
              rows.map((row) => async (tx) => {
                const before = await tx.spanTypeCounts('acc', row.agent_instance_id);
                await tx.insertSpan(row);
                const afterInsert = await tx.spanTypeCounts('acc', row.agent_instance_id);
                assert.equal(afterInsert.get(row.schema_name), (before.get(row.schema_name) ?? 0) + 1);
              }),
            );
            stored.push(...rows);
          }
          if (round % 10 === 9) for (const id of instances) await assertCountsMatchSpans(store, 'acc', id);
        }
        for (const id of instances) await assertCountsMatchSpans(store, 'acc', id);
        const all = await store.read((tx) => tx.spanTypeCountsOf('acc', instances));
        assert.equal(
          [...all.values()].reduce((sum, counts) => sum + [...counts.values()].reduce((a, b) => a + b, 0), 0),
          stored.length,
        );
      } finally {
        await cleanup();
      }
    });
  });
}

/** The migrations before the one that made span_type_counts (found by what it makes, whatever its number). */
const migrationsBefore = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((m) => m.includes('CREATE TABLE span_type_counts')),
  );

const span = (instance: string, id: string, schemaName: string, status = 'complete') =>
  `('acc', '${id}', 'agent-1', '${instance}', NULL, '${schemaName}', NULL, '${status}', '{}', NULL, NULL, '${at(1)}', NULL, '${at(1)}', '${at(1)}')`;

/** Spans a store made before the counters by type holds: two instances of one account, one of another. */
const OLD_ROWS = [
  `INSERT INTO spans (account_id, id, agent_id, agent_instance_id, parent_span_id, schema_name, schema_title, status, payload_json,
     result_payload_json, summary, started_at, finished_at, inserted_at, updated_at) VALUES
   ${[span('i1', 's1', 'agent:llm'), span('i1', 's2', 'agent:llm', 'active'), span('i1', 's3', 'agent:tool'), span('i2', 's4', 'otel:internal')].join(
     ', ',
   )}`,
];

async function assertFilled(store: Store) {
  const counts = await store.read((tx) => tx.spanTypeCountsOf('acc', ['i1', 'i2', 'i3']));
  assert.deepEqual(sorted(counts.get('i1')!), [
    ['agent:llm', 2],
    ['agent:tool', 1],
  ]);
  assert.deepEqual(sorted(counts.get('i2')!), [['otel:internal', 1]]);
  assert.deepEqual([...counts.get('i3')!], []);
  // Counting goes on from the filled rows.
  await store.write((tx) => tx.insertSpan({ ...spanRow('acc', 's5', at(2)), agent_instance_id: 'i1', schema_name: 'agent:tool' }));
  assert.deepEqual(sorted(await store.read((tx) => tx.spanTypeCounts('acc', 'i1'))), [
    ['agent:llm', 2],
    ['agent:tool', 2],
  ]);
}

describe('span type counts migration (sqlite)', () => {
  it('fills the counts by type of the spans stored before it', () =>
    withSqliteStoreFrom(migrationsBefore(SQLITE_MIGRATIONS), OLD_ROWS, assertFilled));
});

describePostgres('span type counts migration (postgres)', (url) => {
  it('fills the counts by type of the spans stored before it', () =>
    withPostgresStoreFrom(url, migrationsBefore(POSTGRES_MIGRATIONS), OLD_ROWS, assertFilled));
});
