import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { purgeFinishedBefore } from '../src/domain/retention/purge.js';
import { exportLines } from '../src/domain/transfer/export-rows.js';
import { importFile } from '../src/domain/transfer/import-rows.js';
import { buildApp } from '../src/index.js';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { CUTOFF, OLD_FINISH, OLD_START } from './old-instances.js';
import {
  allRuns,
  ANTHROPIC,
  ANTHROPIC_ON_SONNET,
  ANTHROPIC_TOKENS,
  close,
  modelCall,
  OPENAI,
  OPENAI_ON_4O,
  OPENAI_ON_4O_MINI,
  OPENAI_TOKENS,
  seedRuns,
  timedRun,
  type Figures,
} from './run-cost-fixtures.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-cost-'));
after(() => rm(scratch, { recursive: true, force: true }));

/** The figures of the named runs, from one answer per run. */
const figuresOf = (answers: readonly Figures[], runs: Record<string, string>) =>
  Object.fromEntries(Object.entries(runs).map(([name, id]) => [name, answers.find((row) => row.id === id)!]));

/** What the seeded runs must say, worked out by hand (see run-cost-fixtures.ts). */
function assertSeededFigures(figures: Record<string, Figures>) {
  const { mini, mixed, local, nameless, idle, prefixed, moved, twin } = figures;
  assert.ok(close(mini!.cost_usd, OPENAI_ON_4O_MINI), `mini ${mini!.cost_usd}`);
  assert.deepEqual(mini!.unpriced_models, []);
  assert.equal(mini!.duration_ms, 5250);
  assert.equal(mini!.usage!.total, OPENAI_TOKENS);
  // A priced model beside an unpriced one: the priced part, and the unpriced model named.
  assert.ok(close(mixed!.cost_usd, ANTHROPIC_ON_SONNET), `mixed ${mixed!.cost_usd}`);
  assert.deepEqual(mixed!.unpriced_models, ['my-local-model']);
  assert.equal(mixed!.duration_ms, 120000.001);
  // Only unpriced tokens: never $0.
  assert.equal(local!.cost_usd, null);
  assert.deepEqual(local!.unpriced_models, ['my-local-model']);
  assert.equal(local!.duration_ms, 500);
  assert.equal(nameless!.cost_usd, null);
  assert.deepEqual(nameless!.unpriced_models, ['(no model id)']);
  // No tokens cost nothing; a run still going has no duration.
  assert.equal(idle!.cost_usd, 0);
  assert.equal(idle!.usage, null);
  assert.equal(idle!.duration_ms, null);
  assert.ok(close(prefixed!.cost_usd, 2 * OPENAI_ON_4O), `prefixed ${prefixed!.cost_usd}`);
  assert.equal(prefixed!.duration_ms, 3_600_000);
  // The finish's model and usage replaced the create's: nothing is left under the local model.
  assert.ok(close(moved!.cost_usd, OPENAI_ON_4O), `moved ${moved!.cost_usd}`);
  assert.deepEqual(moved!.unpriced_models, []);
  assert.equal(moved!.usage!.total, OPENAI_TOKENS);
  assert.equal(twin!.cost_usd, mini!.cost_usd);
}

for (const engine of ENGINES) {
  describe(`run cost on instance answers (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    let runs: Record<string, string>;
    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
      runs = await seedRuns(server, account);
    });
    after(() => server.close());

    it('prices each run at read in the single answer, the cursor list and the offset page alike', async () => {
      const single: Figures[] = [];
      for (const id of Object.values(runs)) {
        const reply = await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}`);
        assert.equal(reply.status, 200, reply.text);
        single.push(reply.body.details as Figures);
      }
      assertSeededFigures(figuresOf(single, runs));
      const listed = await allRuns(server, account);
      assertSeededFigures(figuresOf(listed, runs));
      const page = await call(server, account.token, 'GET', '/api/v1/agent_instance?pagination[page_size]=50');
      assert.equal(page.status, 200, page.text);
      assertSeededFigures(figuresOf(page.body.summaries as Figures[], runs));
      // The finish answer carries them too.
      const id = await timedRun(server, account, '2026-11-02T12:00:00.000000Z', null, (id) =>
        modelCall(server, account, id, 'claude-3-5-sonnet', ANTHROPIC),
      );
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/finish`, {
        timestamp: '2026-11-02T12:00:02.000000Z',
        status: 'complete',
      });
      assert.equal(finished.status, 200, finished.text);
      assert.ok(close(finished.body.details.cost_usd, ANTHROPIC_ON_SONNET));
      assert.equal(finished.body.details.duration_ms, 2000);
    });

    it('keeps a replayed create out of the cost, and re-prices history when a price is set', async () => {
      const replay = await modelCall(server, account, runs.mini!, 'gpt-4o-mini-2024-07-18', OPENAI, `${runs.mini}-call`);
      assert.equal(replay.status, 201, replay.text);
      const own = await newAccount(server);
      const id = await timedRun(server, own, '2026-11-03T00:00:00.000000Z', null, (id) => modelCall(server, own, id, 'my-local-model', ANTHROPIC));
      const read = async () => (await call(server, own.token, 'GET', `/api/v1/agent_instance/${id}`)).body.details as Figures;
      assert.equal((await read()).cost_usd, null);
      const put = await call(server, own.accountToken, 'PUT', '/api/v1/model_prices/my-local-model', { details: { input: 1, output: 2 } });
      assert.equal(put.status, 200, put.text);
      // Cache tokens without a rate of their own at the input rate.
      assert.ok(close((await read()).cost_usd, (50 + 700 * 2 + 8000 + 1500) / 1e6));
      assert.deepEqual((await read()).unpriced_models, []);
      const mini = (await call(server, account.token, 'GET', `/api/v1/agent_instance/${runs.mini}`)).body.details as Figures;
      assert.ok(close(mini.cost_usd, OPENAI_ON_4O_MINI));
      assert.equal(mini.usage!.total, OPENAI_TOKENS);
    });

    it('carries run costs through an export and an import into an empty store', async () => {
      let text = '';
      for await (const chunk of exportLines(server.store, {})) text += chunk;
      const file = join(scratch, `export-${engine.name}.ndjson`);
      await writeFile(file, text);
      const { store, cleanup } = await engine.open();
      const app = buildApp({ store });
      try {
        await importFile(store, file);
        const url = await app.listen({ port: 0, host: '127.0.0.1' });
        const imported = { url, store, app, close: async () => {} };
        assertSeededFigures(figuresOf(await allRuns(imported, account), runs));
      } finally {
        await app.close();
        await cleanup();
      }
    });

    it('drops a purged run from the costs and the cost sort, and keeps the others', async () => {
      const own = await newAccount(server);
      const old = await timedRun(server, own, OLD_START, OLD_FINISH, async (id) => {
        for (let i = 0; i < 3; i++) await modelCall(server, own, id, 'claude-3-5-sonnet', ANTHROPIC);
      });
      const kept = await timedRun(server, own, '2026-11-04T00:00:00.000000Z', null, (id) => modelCall(server, own, id, 'gpt-4o', OPENAI));
      const sorted = async () =>
        (await call(server, own.token, 'GET', '/api/v1/agent_instance?sorting[field]=cost_usd&sorting[direction]=desc')).body.summaries as Figures[];
      assert.deepEqual(
        (await sorted()).map((row) => row.id),
        [old, kept],
      );
      await purgeFinishedBefore(server.store, CUTOFF, { stepSpans: 2 });
      assert.deepEqual(await server.store.read((tx) => tx.instanceModelUsage(own.accountId, old)), []);
      const after = await sorted();
      assert.deepEqual(
        after.map((row) => row.id),
        [kept],
      );
      assert.ok(close(after[0]!.cost_usd, OPENAI_ON_4O));
      assert.equal(after[0]!.usage!.total, OPENAI_TOKENS);
      assert.equal(ANTHROPIC_TOKENS, 10250);
    });
  });
}
