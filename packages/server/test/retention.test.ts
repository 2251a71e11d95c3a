import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { purgeableBefore, purgeFinishedBefore } from '../src/domain/retention/purge.js';
import { RetentionSweeper } from '../src/domain/retention/retention-sweeper.js';
import { openPostgresStore, type Store } from '../src/index.js';
import { ENGINES } from './engines.js';
import { openInstance, createSpan, llmPayload } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';
import { CUTOFF, OLD_FINISH, oldInstance } from './old-instances.js';
import { describePostgres, dropSchema, freshSchema } from './postgres-database.js';

/** Ledger rows written straight to the store with an old clock reading (the API always writes "now"). */
async function oldLedgerRows(store: Store, accountId: string, count: number) {
  await store.write(async (tx) => {
    for (let i = 0; i < count; i++) {
      const claim = { account_id: accountId, operation: 'agent_spans/create', key: `old-${i}`, fingerprint: 'f', inserted_at: OLD_FINISH };
      await tx.claimIdempotency(claim);
      await tx.completeIdempotency(accountId, claim.operation, claim.key, { status: 201, json: '{}' });
    }
  });
}

const searchIds = async (server: Server, account: Account, word: string) =>
  ((await call(server, account.accountToken, 'GET', `/api/v1/agent_instance?q=${word}`)).body.details as Array<{ id: string }>).map((i) => i.id);

for (const engine of ENGINES) {
  describe(`retention purge (${engine.name})`, () => {
    let server: Server;
    before(async () => {
      server = await startServer(engine);
    });
    after(() => server.close());

    it('deletes finished instances older than the cutoff with their spans, counts, search rows and old ledger entries; keeps open and newer ones', async () => {
      const account = await newAccount(server);
      // First: SQLite prunes the ledger in insertion order, up to the first row young enough to keep.
      await oldLedgerRows(server.store, account.accountId, 3);
      const gone = await oldInstance(server, account, 5, { word: 'zebra' });
      const goneToo = await oldInstance(server, account, 0);
      const openOld = await oldInstance(server, account, 3, { open: true, word: 'zebra' });
      const recent = await openInstance(server, account);
      assert.equal(
        (await createSpan(server, account, { agent_instance_id: recent, schema_name: 'agent:llm', status: 'active', payload: llmPayload() })).status,
        201,
      );
      assert.equal((await call(server, account.token, 'POST', `/api/v1/agent_instance/${recent}/finish`, {})).status, 200);
      const goneSpans = await server.store.read((tx) => tx.listSpans({ account_id: account.accountId, agent_instance_id: gone, limit: 100 }));
      assert.deepEqual((await searchIds(server, account, 'zebra')).sort(), [gone, openOld].sort());

      const kept = await snapshot(server, account.accountId, [openOld, recent]);
      const everything = await snapshot(server, account.accountId, [gone, goneToo, openOld, recent]);
      const planned = await purgeableBefore(server.store, CUTOFF);
      assert.deepEqual(planned, { instances: 2, spans: 5, ledger: 3 });
      assert.deepEqual(await snapshot(server, account.accountId, [gone, goneToo, openOld, recent]), everything, 'a dry run changes nothing');

      // Two spans a step: the five-span instance takes three steps, its row goes in the last.
      const report = await purgeFinishedBefore(server.store, CUTOFF, { stepSpans: 2 });
      assert.deepEqual(report, planned);

      for (const id of [gone, goneToo]) {
        assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${id}`)).status, 404);
        assert.deepEqual(await server.store.read((tx) => tx.spanCounts(account.accountId, id)), {});
      }
      for (const span of goneSpans) assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/agent_spans/${span.id}`)).status, 404);
      assert.deepEqual(await searchIds(server, account, 'zebra'), [openOld]);
      assert.equal(await server.store.read((tx) => tx.getIdempotency(account.accountId, 'agent_spans/create', 'old-1')), undefined);
      // The ledger keeps its own 24 hours: the keys the spans were created with still replay.
      assert.ok(await server.store.read((tx) => tx.getIdempotency(account.accountId, 'agent_spans/create', `${gone}-span-0`)));
      assert.deepEqual(await snapshot(server, account.accountId, [openOld, recent]), kept);
      assert.deepEqual(await purgeFinishedBefore(server.store, CUTOFF), { instances: 0, spans: 0, ledger: 0 }, 'a second purge finds nothing');
      // The agent had instances: it stays, and stays non-deletable (retire it instead).
      const agentId = (await server.store.read((tx) => tx.getInstance(account.accountId, recent)))!.agent_id;
      assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/agent/${agentId}`)).body.details.status, 'active');
      assert.equal((await call(server, account.accountToken, 'DELETE', `/api/v1/agent/${agentId}`)).status, 409);
    });

    it('the retention sweeper deletes what finished more than its days ago, and stops cleanly', async () => {
      const account = await newAccount(server);
      const old = await oldInstance(server, account, 2);
      const recent = await openInstance(server, account);
      assert.equal((await call(server, account.token, 'POST', `/api/v1/agent_instance/${recent}/finish`, {})).status, 200);
      const swept: unknown[] = [];
      const sweeper = new RetentionSweeper(server.store, 30, { swept: (report) => swept.push(report), failed: (error) => swept.push(error) });
      await sweeper.sweep();
      await sweeper.stop();
      assert.equal(swept.length, 1);
      assert.ok((swept[0] as { instances: number }).instances >= 1, JSON.stringify(swept));
      assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${old}`)).status, 404);
      assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${recent}`)).status, 200);
    });
  });
}

describePostgres('retention purge with two processes on one PostgreSQL database', (url) => {
  let schema: string;
  let server: Server;
  let second: Store;
  before(async () => {
    schema = await freshSchema(url);
    const engine = {
      name: 'postgres',
      open: async () => ({ store: await openPostgresStore({ connectionString: url, schema, poolSize: 4 }), cleanup: async () => {} }),
    };
    server = await startServer(engine);
    second = await openPostgresStore({ connectionString: url, schema, poolSize: 4 });
  });
  after(async () => {
    await server.close();
    await server.store.close();
    await second.close();
    await dropSchema(url, schema);
  });

  it('concurrent purgers delete every finished instance exactly once between them, never waiting on each other', async () => {
    const account = await newAccount(server);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await oldInstance(server, account, 4));
    const planned = await purgeableBefore(server.store, CUTOFF);
    assert.equal(planned.instances, 12);
    const reports = await Promise.all([
      purgeFinishedBefore(server.store, CUTOFF, { stepSpans: 3 }),
      purgeFinishedBefore(second, CUTOFF, { stepSpans: 3 }),
      purgeFinishedBefore(second, CUTOFF, { stepSpans: 5 }),
    ]);
    assert.equal(
      reports.reduce((n, r) => n + r.instances, 0),
      12,
    );
    assert.equal(
      reports.reduce((n, r) => n + r.spans, 0),
      48,
    );
    for (const id of ids) assert.equal(await server.store.read((tx) => tx.getInstance(account.accountId, id)), undefined);
  });
});
