import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/index.js';
import type { WriteTx } from '../src/store/store.js';
import type { SpanRecord } from '../src/store/records.js';
import type { UsageWritten } from '../src/store/usage-watch.js';
import { ENGINES } from './engines.js';
import { at, seedInstance, spanRow } from './store-records.js';

/** A finished model call with usage: 100 input tokens of which 40 cached, `output` out. */
const modelCall = (id: string, second: number, output: number, model = 'gpt-4o'): SpanRecord => ({
  ...spanRow('acc', id, at(second), 'complete'),
  schema_name: 'llm',
  payload_json: JSON.stringify({ model }),
  result_payload_json: JSON.stringify({ usage: { input_tokens: 100, output_tokens: output, input_tokens_details: { cached_tokens: 40 } } }),
  finished_at: at(second + 1),
});

/** The span rollups of the hour (and of its day) summed by status: count and output tokens. */
async function rolledUp(store: Store, grain: 'h' | 'd') {
  const range = grain === 'h' ? { grain, first: '2024-05-01T12', end: '2024-05-01T13' } : { grain, first: '2024-05-01', end: '2024-05-02' };
  const rows = await store.read((tx) =>
    tx.rollups({ account_id: 'acc', table: 'span_rollups', ranges: [range], filters: [], group: ['status'], histogram: false }),
  );
  return Object.fromEntries(rows.filter((row) => row.n !== 0).map((row) => [row.key.status, { n: row.n, output: row.tokens[1] }]));
}

for (const engine of ENGINES) {
  describe(`rollups and usage of units that roll back (${engine.name})`, () => {
    const withStore = async (test: (store: Store) => Promise<void>) => {
      const { store, cleanup } = await engine.open();
      try {
        await store.write((tx) => seedInstance(tx, 'acc'));
        await test(store);
      } finally {
        await cleanup();
      }
    };

    it('keeps only what committed units wrote, by the hour and by the day', () =>
      withStore(async (store) => {
        // Units that commit beside ones that fail after their writes, grouped as the writer pleases.
        const results = await Promise.allSettled([
          store.write((tx) => tx.insertSpan(modelCall('a', 1, 10))),
          store.write(async (tx) => {
            await tx.insertSpan(modelCall('b', 2, 1000));
            throw new Error('unit failed after writing');
          }),
          store.write((tx) => tx.insertSpan(modelCall('c', 3, 20))),
          store.writeSequence([
            (tx) => tx.insertSpan(modelCall('d', 4, 30)),
            async (tx) => {
              await tx.insertSpan(modelCall('e', 5, 2000));
              throw new Error('second unit failed');
            },
          ]),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
        );
        // A finish that fails after moving its span leaves it where it was.
        await assert.rejects(
          store.write(async (tx) => {
            const span = (await tx.lockSpan('acc', 'a'))!;
            await tx.updateSpan({ ...span, status: 'failed' }, span.status);
            throw new Error('finish failed');
          }),
          /finish failed/,
        );
        const expected = { complete: { n: 3, output: 60 } };
        assert.deepEqual(await rolledUp(store, 'h'), expected);
        assert.deepEqual(await rolledUp(store, 'd'), expected);
        // The run's totals hold a, c and d alone: 3 × (60 input, 40 cached) and 10 + 20 + 30 out.
        assert.deepEqual(await store.read((tx) => tx.instanceModelUsage('acc', 'inst-1')), [
          { model: 'gpt-4o', input: 180, output: 60, cache_read: 120, cache_write: 0, reasoning: 0, total: 360 },
        ]);
      }));

    it('leaves no run totals behind for a model only a unit that rolled back used', () =>
      withStore(async (store) => {
        const results = await Promise.allSettled([
          store.write((tx) => tx.insertSpan(modelCall('a', 1, 10))),
          store.write(async (tx) => {
            await tx.insertSpan(modelCall('b', 2, 5, 'claude-3-5-haiku'));
            throw new Error('unit failed after writing');
          }),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected'],
        );
        assert.deepEqual(
          (await store.read((tx) => tx.instanceModelUsage('acc', 'inst-1'))).map((row) => row.model),
          ['gpt-4o'],
        );
        assert.deepEqual(await store.read((tx) => tx.usageModels('acc')), ['gpt-4o']);
      }));

    it('leaves no run totals behind for a run a purge deleted later in the same group', () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          const run = (await tx.lockInstance('acc', 'inst-1'))!;
          await tx.updateInstance({ ...run, status: 'complete', finished_at: at(10), updated_at: at(10) });
        });
        const purge = (tx: WriteTx) => tx.purgeFinished('2024-05-02T00:00:00.000000Z', 1000);
        // A purge that rolls back leaves the run and the tokens pending for it.
        const failed = await store.writeSequence<unknown>([
          (tx) => tx.insertSpan(modelCall('a', 1, 10)),
          async (tx) => {
            await purge(tx);
            throw new Error('purge failed');
          },
        ]);
        assert.equal(failed.results.length, 1);
        assert.match(String(failed.failure?.error), /purge failed/);
        assert.deepEqual(await store.read((tx) => tx.usageModels('acc')), ['gpt-4o']);
        const done = await store.writeSequence<unknown>([(tx) => tx.insertSpan(modelCall('b', 2, 10)), purge]);
        const purged = done.results[1];
        assert.deepEqual(purged, { instances: 1, spans: 2 });
        assert.deepEqual(await store.read((tx) => tx.usageModels('acc')), []);
        assert.deepEqual(await store.read((tx) => tx.instanceModelUsage('acc', 'inst-1')), []);
      }));

    it("answers a run's totals inside a write as they stand, its own and earlier units' spans included", () =>
      withStore(async (store) => {
        await store.write((tx) => tx.insertSpan(modelCall('a', 1, 10)));
        const usage = (tx: WriteTx) =>
          Promise.all([tx.instanceModelUsage('acc', 'inst-1'), tx.instanceModelUsageOf('acc', ['inst-1']), tx.usageModels('acc')]);
        const outcome = await store.writeSequence([
          async (tx) => {
            await tx.insertSpan(modelCall('b', 2, 20));
            return usage(tx);
          },
          async (tx) => {
            await tx.insertSpan(modelCall('c', 3, 5, 'claude-3-5-haiku'));
            return usage(tx);
          },
        ]);
        const gpt = (output: number, spans: number) => ({
          model: 'gpt-4o',
          input: 60 * spans,
          output,
          cache_read: 40 * spans,
          cache_write: 0,
          reasoning: 0,
          total: 100 * spans + output,
        });
        const claude = { model: 'claude-3-5-haiku', input: 60, output: 5, cache_read: 40, cache_write: 0, reasoning: 0, total: 105 };
        const [first, second] = outcome.results;
        assert.deepEqual(first, [[gpt(30, 2)], new Map([['inst-1', [gpt(30, 2)]]]), ['gpt-4o']]);
        assert.deepEqual(second![0], [claude, gpt(30, 2)]);
        assert.deepEqual(second![1], new Map([['inst-1', [claude, gpt(30, 2)]]]));
        assert.deepEqual(new Set(second![2]), new Set(['gpt-4o', 'claude-3-5-haiku']));
        // And as committed.
        assert.deepEqual(await store.read((tx) => tx.instanceModelUsage('acc', 'inst-1')), [claude, gpt(30, 2)]);
      }));

    it('tells a watcher what each span write adds to its run, and nothing once it stops watching', () =>
      withStore(async (store) => {
        const seen: UsageWritten[] = [];
        await store.write(async (tx) => {
          tx.watchUsage(seen);
          await tx.insertSpan(modelCall('a', 1, 10));
          // Stored already: inserts nothing, adds nothing.
          await tx.insertSpansIfAbsent([modelCall('a', 1, 10), modelCall('b', 2, 5, 'claude-3-5-haiku')]);
          const span = (await tx.lockSpan('acc', 'a'))!;
          // The finish names the model that answered and reports more output.
          const result = JSON.stringify({ model: 'gpt-4o-2024-08-06', usage: { input_tokens: 100, output_tokens: 15 } });
          await tx.updateSpan({ ...span, result_payload_json: result }, span.status, span.result_payload_json);
          tx.watchUsage(null);
          await tx.insertSpan(modelCall('c', 3, 20));
        });
        // input, output, cache_read, cache_write, reasoning, total: OpenAI's input counts its cached tokens.
        // (-0 + 0 is 0: a count taken away may be -0.)
        const written = seen.map(({ delta, ...rest }) => ({ ...rest, delta: delta.map((n) => n + 0) }));
        assert.deepEqual(written, [
          { agent_id: 'agent-1', model: 'gpt-4o', delta: [60, 10, 40, 0, 0, 110] },
          { agent_id: 'agent-1', model: 'claude-3-5-haiku', delta: [60, 5, 40, 0, 0, 105] },
          { agent_id: 'agent-1', model: 'gpt-4o', delta: [-60, -10, -40, 0, 0, -110] },
          { agent_id: 'agent-1', model: 'gpt-4o-2024-08-06', delta: [100, 15, 0, 0, 0, 115] },
        ]);
      }));
  });
}
