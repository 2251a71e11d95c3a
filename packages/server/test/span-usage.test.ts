import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { context, trace, type Tracer } from '@opentelemetry/api';
import { purgeFinishedBefore } from '../src/domain/retention/purge.js';
import { exportLines } from '../src/domain/transfer/export-rows.js';
import { importFile } from '../src/domain/transfer/import-rows.js';
import type { Store } from '../src/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { runTotals } from '../src/store/span-usage.js';
import { ENGINES } from './engines.js';
import { createSpan, openInstance } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { CUTOFF, OLD_FINISH, OLD_START } from './old-instances.js';
import { otlpExporter, tracerProvider } from './otlp-producers.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { describePostgres } from './postgres-database.js';
import { at, seedInstance, spanRow } from './store-records.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-usage-'));
after(() => rm(scratch, { recursive: true, force: true }));

type Counts = { input: number; output: number; cache_read?: number; cache_write?: number; reasoning?: number };
const full = (c: Counts) => {
  const all = { cache_read: 0, cache_write: 0, reasoning: 0, ...c };
  return { ...all, total: all.input + all.output + all.cache_read + all.cache_write + all.reasoning };
};
const counts = (usage: object | undefined) => {
  if (!usage) return undefined;
  const { input, output, cache_read, cache_write, reasoning, total } = usage as Record<string, number>;
  return { input, output, cache_read, cache_write, reasoning, total };
};

async function storedUsage(store: Store, accountId: string, instanceId: string, spanId: string) {
  const usage = await store.read((tx) => tx.spanUsage(accountId, instanceId, spanId));
  return usage && { model: usage.model, ...counts(usage)! };
}
const runUsage = async (store: Store, accountId: string, instanceId: string) =>
  runTotals(await store.read((tx) => tx.instanceModelUsage(accountId, instanceId)));

// OpenAI chat usage: 1000 of the 1200 prompt tokens cached, 320 of the 500 completion tokens reasoning.
const OPENAI = {
  prompt_tokens: 1200,
  completion_tokens: 500,
  total_tokens: 1700,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 320 },
};
const OPENAI_COUNTS = full({ input: 200, output: 180, cache_read: 1000, reasoning: 320 });
// Anthropic usage: cache reads and writes beside the 50 input tokens.
const ANTHROPIC = { input_tokens: 50, output_tokens: 700, cache_read_input_tokens: 8000, cache_creation_input_tokens: 1500 };
const ANTHROPIC_COUNTS = full({ input: 50, output: 700, cache_read: 8000, cache_write: 1500 });

const sum = (...all: Array<ReturnType<typeof full>>) =>
  all.reduce((a, b) => ({
    input: a.input + b.input,
    output: a.output + b.output,
    cache_read: a.cache_read + b.cache_read,
    cache_write: a.cache_write + b.cache_write,
    reasoning: a.reasoning + b.reasoning,
    total: a.total + b.total,
  }));

function recordAiSdkRun(tracer: Tracer): string {
  const outer = tracer.startSpan('ai.generateText', {
    attributes: { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'gpt-4o', 'ai.usage.promptTokens': 600, 'ai.usage.completionTokens': 90 },
  });
  const inOuter = trace.setSpan(context.active(), outer);
  for (const [prompt, cached] of [
    [250, 100],
    [350, 200],
  ] as const) {
    tracer
      .startSpan(
        'ai.generateText.doGenerate',
        {
          attributes: {
            'ai.operationId': 'ai.generateText.doGenerate',
            'ai.model.id': 'gpt-4o',
            'ai.response.model': 'gpt-4o-2024-08-06',
            'ai.usage.promptTokens': prompt,
            'ai.usage.completionTokens': 45,
            'ai.usage.cachedInputTokens': cached,
          },
        },
        inOuter,
      )
      .end();
  }
  const chat = tracer.startSpan(
    'chat claude',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'claude-sonnet-4',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 200,
        'gen_ai.usage.cache_read.input_tokens': 700,
      },
    },
    inOuter,
  );
  chat.end();
  outer.end();
  return outer.spanContext().traceId;
}

for (const engine of ENGINES) {
  describe(`token usage stored at write (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
    });
    after(() => server.close());

    const finish = (id: string, result: object) =>
      call(server, account.token, 'POST', `/api/v1/agent_spans/${id}/finish`, { result_payload: result });

    it('stores usage created with a span, arriving with its finish, and sums the run without counting anything twice', async () => {
      const id = await openInstance(server, account);
      const created = await createSpan(server, account, {
        agent_instance_id: id,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: { model: 'gpt-4o-mini', prompt: 'q' },
        result_payload: { response: 'a', model: 'gpt-4o-mini-2024-07-18', usage: OPENAI },
        idempotency_key: `${id}-created`,
      });
      assert.equal(created.status, 201, created.text);
      const createdId = created.body.details.id as string;
      assert.deepEqual(await storedUsage(server.store, account.accountId, id, createdId), { model: 'gpt-4o-mini-2024-07-18', ...OPENAI_COUNTS });

      // Usage that comes with the finish.
      const open = await createSpan(server, account, {
        agent_instance_id: id,
        schema_name: 'agent:llm',
        status: 'active',
        payload: { model: 'claude-sonnet-4', prompt: 'q' },
      });
      const openId = open.body.details.id as string;
      assert.equal(await storedUsage(server.store, account.accountId, id, openId), undefined);
      assert.equal((await finish(openId, { response: 'b', usage: ANTHROPIC })).status, 200);
      assert.deepEqual(await storedUsage(server.store, account.accountId, id, openId), { model: 'claude-sonnet-4', ...ANTHROPIC_COUNTS });

      // A span without usage stores none; a replayed create stores nothing again.
      const plain = await createSpan(server, account, {
        agent_instance_id: id,
        schema_name: 'agent:tool',
        status: 'active',
        payload: { name: 'search' },
      });
      assert.equal(await storedUsage(server.store, account.accountId, id, plain.body.details.id as string), undefined);
      const replay = await createSpan(server, account, {
        agent_instance_id: id,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: { model: 'gpt-4o-mini', prompt: 'q' },
        result_payload: { response: 'a', model: 'gpt-4o-mini-2024-07-18', usage: OPENAI },
        idempotency_key: `${id}-created`,
      });
      assert.equal(replay.status, 201, replay.text);
      assert.equal(replay.body.details.id, createdId);
      // A second finish is refused and changes nothing.
      assert.notEqual((await finish(openId, { response: 'c', usage: OPENAI })).status, 200);
      assert.deepEqual(await runUsage(server.store, account.accountId, id), sum(OPENAI_COUNTS, ANTHROPIC_COUNTS));

      // Instance answers carry the run's totals, read alone and in the list; a run without usage says null.
      const read = await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}`);
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body.details.usage, sum(OPENAI_COUNTS, ANTHROPIC_COUNTS));
      const none = await openInstance(server, account);
      const list = await call(server, account.token, 'GET', '/api/v1/agent_instance?limit=50');
      assert.equal(list.status, 200, list.text);
      const listed = new Map((list.body.details as Array<{ id: string; usage: unknown }>).map((row) => [row.id, row.usage]));
      assert.deepEqual(listed.get(id), sum(OPENAI_COUNTS, ANTHROPIC_COUNTS));
      assert.equal(listed.get(none), null);
    });

    it('stores the usage of spans sent through /bulk, once however often the batch is replayed', async () => {
      const id = await openInstance(server, account);
      const items = [OPENAI, ANTHROPIC, OPENAI].map((usage, i) => ({
        _type: 'agent_spans/create',
        idempotency_key: `${id}-bulk-${i}`,
        agent_instance_id: id,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: { model: `model-${i}`, prompt: 'q' },
        result_payload: { response: 'a', usage },
      }));
      for (let round = 0; round < 2; round++) {
        const reply = await call(server, account.token, 'POST', '/api/v1/bulk', { items });
        assert.equal(reply.status, 200, reply.text);
        assert.equal(reply.body.status, 'success', reply.text);
      }
      assert.deepEqual(await runUsage(server.store, account.accountId, id), sum(OPENAI_COUNTS, ANTHROPIC_COUNTS, OPENAI_COUNTS));
    });

    it('stores the usage of OTLP spans from the OTel SDK exporter, and leaves the AI SDK outer span out of the run', async () => {
      const { provider, tracer } = tracerProvider(otlpExporter('protobuf', { url: server.url, token: account.accountToken }), {
        name: 'usage-agent',
      });
      const traceId = recordAiSdkRun(tracer);
      await provider.forceFlush();
      await provider.shutdown();
      const spans = await server.store.read((tx) => tx.listSpans({ account_id: account.accountId, agent_instance_id: traceId, limit: 100 }));
      assert.equal(spans.length, 4);
      const byName = new Map<string, Array<Awaited<ReturnType<typeof storedUsage>>>>();
      for (const span of spans) {
        const name = (JSON.parse(span.payload_json) as { name: string }).name;
        byName.set(name, [...(byName.get(name) ?? []), await storedUsage(server.store, account.accountId, traceId, span.id)]);
      }
      const steps = [full({ input: 150, output: 45, cache_read: 100 }), full({ input: 150, output: 45, cache_read: 200 })];
      const chat = full({ input: 300, output: 200, cache_read: 700 });
      assert.deepEqual(byName.get('ai.generateText'), [{ model: 'gpt-4o', ...full({ input: 600, output: 90 }) }]);
      assert.deepEqual(
        byName.get('ai.generateText.doGenerate')!.sort((a, b) => (a?.cache_read ?? 0) - (b?.cache_read ?? 0)),
        steps.map((s) => ({ model: 'gpt-4o-2024-08-06', ...s })),
      );
      assert.deepEqual(byName.get('chat claude'), [{ model: 'claude-sonnet-4', ...chat }]);
      assert.deepEqual(await runUsage(server.store, account.accountId, traceId), sum(...steps, chat));
    });

    it('drops usage with the instances a retention purge deletes', async () => {
      const own = await newAccount(server);
      const id = await openInstance(server, own, { start: false });
      assert.equal((await call(server, own.token, 'POST', `/api/v1/agent_instance/${id}/start`, { timestamp: OLD_START })).status, 200);
      for (let i = 0; i < 3; i++) {
        const created = await createSpan(server, own, {
          agent_instance_id: id,
          schema_name: 'agent:llm',
          status: 'complete',
          payload: { model: 'm', prompt: 'q' },
          result_payload: { response: 'a', usage: ANTHROPIC },
          started_at: `2020-01-01T00:00:0${i}.000000Z`,
        });
        assert.equal(created.status, 201, created.text);
      }
      const spanId = (await server.store.read((tx) => tx.listSpans({ account_id: own.accountId, agent_instance_id: id, limit: 10 })))[0]!.id;
      assert.equal(
        (await call(server, own.token, 'POST', `/api/v1/agent_instance/${id}/finish`, { timestamp: OLD_FINISH, status: 'complete' })).status,
        200,
      );
      assert.deepEqual(await runUsage(server.store, own.accountId, id), sum(ANTHROPIC_COUNTS, ANTHROPIC_COUNTS, ANTHROPIC_COUNTS));
      await purgeFinishedBefore(server.store, CUTOFF, { stepSpans: 2 });
      assert.equal(await runUsage(server.store, own.accountId, id), undefined);
      assert.equal(await storedUsage(server.store, own.accountId, id, spanId), undefined);
    });

    it('carries usage through an export and an import into an empty store', async () => {
      const own = await newAccount(server);
      const id = await openInstance(server, own);
      const created = await createSpan(server, own, {
        agent_instance_id: id,
        schema_name: 'agent:llm',
        status: 'complete',
        payload: { model: 'gpt-4o-mini', prompt: 'q' },
        result_payload: { response: 'a', usage: OPENAI },
      });
      let text = '';
      for await (const chunk of exportLines(server.store, { instanceId: id })) text += chunk;
      const file = join(scratch, `export-${engine.name}.ndjson`);
      await writeFile(file, text);
      const { store, cleanup } = await engine.open();
      try {
        for (let round = 0; round < 2; round++) {
          await importFile(store, file);
          assert.deepEqual(await storedUsage(store, own.accountId, id, created.body.details.id as string), {
            model: 'gpt-4o-mini',
            ...OPENAI_COUNTS,
          });
          assert.deepEqual(await runUsage(store, own.accountId, id), OPENAI_COUNTS);
        }
      } finally {
        await cleanup();
      }
    });
  });
}

/** The migrations before the one that made span_usage (found by what it makes, whatever its number). */
const migrationsBefore = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((m) => m.includes('CREATE TABLE span_usage')),
  );

const sqlText = (value: string | null) => (value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`);
const oldSpan = (instance: string, id: string, schemaName: string, payload: object, result: object | null) =>
  `('acc', '${id}', 'agent-1', '${instance}', NULL, '${schemaName}', NULL, 'complete', ${sqlText(JSON.stringify(payload))},
    ${sqlText(result && JSON.stringify(result))}, NULL, '${at(1)}', '${at(2)}', '${at(1)}', '${at(2)}')`;

/** Spans a store held before usage was kept: model calls of two runs, a call that sums its steps, and work without usage. */
const OLD_ROWS = [
  `INSERT INTO spans (account_id, id, agent_id, agent_instance_id, parent_span_id, schema_name, schema_title, status, payload_json,
     result_payload_json, summary, started_at, finished_at, inserted_at, updated_at) VALUES
   ${[
     oldSpan('i1', 's1', 'agent:llm', { model: 'gpt-4o-mini' }, { response: 'a', usage: OPENAI }),
     oldSpan('i1', 's2', 'ai:call', { model: 'gpt-4o-mini' }, { usage: { input_tokens: 1200, output_tokens: 500 } }),
     oldSpan('i1', 's3', 'agent:tool', { name: 'search', note: "it's no usage" }, null),
     oldSpan(
       'i2',
       's4',
       'gen_ai:chat',
       { attributes: { 'gen_ai.request.model': 'claude', 'gen_ai.usage.input_tokens': 9, 'gen_ai.usage.output_tokens': 4 } },
       {},
     ),
   ].join(', ')}`,
];

async function assertFilled(store: Store) {
  assert.deepEqual(await storedUsage(store, 'acc', 'i1', 's1'), { model: 'gpt-4o-mini', ...OPENAI_COUNTS });
  assert.deepEqual(await storedUsage(store, 'acc', 'i1', 's2'), { model: 'gpt-4o-mini', ...full({ input: 1200, output: 500 }) });
  assert.equal(await storedUsage(store, 'acc', 'i1', 's3'), undefined);
  assert.deepEqual(await storedUsage(store, 'acc', 'i2', 's4'), { model: 'claude', ...full({ input: 9, output: 4 }) });
  // The call that sums its steps is left out of its run.
  assert.deepEqual(await runUsage(store, 'acc', 'i1'), OPENAI_COUNTS);
  assert.deepEqual(await runUsage(store, 'acc', 'i2'), full({ input: 9, output: 4 }));
  // Counting goes on from the filled rows.
  await store.write((tx) =>
    tx.insertSpan({
      ...spanRow('acc', 's5', at(3)),
      agent_instance_id: 'i2',
      payload_json: '{}',
      result_payload_json: JSON.stringify({ usage: ANTHROPIC }),
    }),
  );
  assert.deepEqual(await runUsage(store, 'acc', 'i2'), sum(full({ input: 9, output: 4 }), ANTHROPIC_COUNTS));
}

describe('span usage migration (sqlite)', () => {
  it('fills the usage of the spans stored before it', () => withSqliteStoreFrom(migrationsBefore(SQLITE_MIGRATIONS), OLD_ROWS, assertFilled));
});

describePostgres('span usage migration (postgres)', (url) => {
  it('fills the usage of the spans stored before it', () =>
    withPostgresStoreFrom(url, migrationsBefore(POSTGRES_MIGRATIONS), OLD_ROWS, assertFilled));
});

for (const engine of ENGINES) {
  describe(`token usage under concurrent and replaced writes (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
    });
    after(() => server.close());

    it('counts every one of many creates with usage sent at once, as the engines group or batch them', async () => {
      const id = await openInstance(server, account);
      const replies = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          createSpan(server, account, {
            agent_instance_id: id,
            schema_name: 'agent:llm',
            status: 'complete',
            payload: { model: 'gpt-4o-mini', prompt: `q${i}` },
            result_payload: { response: 'a', usage: i % 2 === 0 ? OPENAI : ANTHROPIC },
          }),
        ),
      );
      for (const reply of replies) assert.equal(reply.status, 201, reply.text);
      const twenty = (counts: ReturnType<typeof full>) => sum(...Array.from({ length: 20 }, () => counts));
      assert.deepEqual(await runUsage(server.store, account.accountId, id), sum(twenty(OPENAI_COUNTS), twenty(ANTHROPIC_COUNTS)));
    });

    it('moves the run totals when a finish replaces a result with usage, and drops the span usage a new result takes away', async () => {
      const { store, cleanup } = await engine.open();
      try {
        await store.write((tx) => seedInstance(tx, 'acc'));
        const row = { ...spanRow('acc', 'u1', at(1)), payload_json: '{"model":"m"}', result_payload_json: JSON.stringify({ usage: OPENAI }) };
        await store.write((tx) => tx.insertSpan(row));
        assert.deepEqual(await runUsage(store, 'acc', 'inst-1'), OPENAI_COUNTS);
        const anthropic = {
          ...row,
          status: 'complete' as const,
          result_payload_json: JSON.stringify({ usage: ANTHROPIC }),
          finished_at: at(2),
          updated_at: at(2),
        };
        await store.write((tx) => tx.updateSpan(anthropic, 'active', row.result_payload_json));
        assert.deepEqual(await storedUsage(store, 'acc', 'inst-1', 'u1'), { model: 'm', ...ANTHROPIC_COUNTS });
        assert.deepEqual(await runUsage(store, 'acc', 'inst-1'), ANTHROPIC_COUNTS);
        // Unchanged result: nothing moves.
        await store.write((tx) => tx.updateSpan({ ...anthropic, updated_at: at(3) }, 'complete'));
        assert.deepEqual(await runUsage(store, 'acc', 'inst-1'), ANTHROPIC_COUNTS);
        await store.write((tx) =>
          tx.updateSpan({ ...anthropic, result_payload_json: '{"response":"none"}' }, 'complete', anthropic.result_payload_json),
        );
        assert.equal(await storedUsage(store, 'acc', 'inst-1', 'u1'), undefined);
        assert.deepEqual(await runUsage(store, 'acc', 'inst-1'), full({ input: 0, output: 0 }));
        // A unit that fails after its insert leaves no usage behind.
        await assert.rejects(
          store.write(async (tx) => {
            await tx.insertSpan({ ...row, id: 'u2' });
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.equal(await storedUsage(store, 'acc', 'inst-1', 'u2'), undefined);
        assert.deepEqual(await runUsage(store, 'acc', 'inst-1'), full({ input: 0, output: 0 }));
      } finally {
        await cleanup();
      }
    });
  });
}
