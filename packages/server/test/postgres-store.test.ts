import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { bootstrapAccount, openPostgresStore, StoreUnavailableError, type Store } from '../src/index.js';
import { POSTGRES_SCHEMA_VERSION } from '../src/store/postgres/migrations.js';
import { describePostgres, dropSchema, freshSchema, withClient } from './postgres-database.js';
import { at, seedInstance, spanRow } from './store-records.js';

/** A promise and the function that settles it, to hold a unit at a chosen point. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describePostgres('PostgreSQL store across processes', (url) => {
  const schemas: string[] = [];
  const stores: Store[] = [];

  /** Stores with pools of their own on one schema, as separate processes would have. */
  const openStores = async (count: number) => {
    const schema = await freshSchema(url);
    schemas.push(schema);
    const opened = await Promise.all(Array.from({ length: count }, () => openPostgresStore({ connectionString: url, schema, poolSize: 2 })));
    stores.push(...opened);
    return { schema, stores: opened };
  };

  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const schema of schemas) await dropSchema(url, schema);
  });

  it('migrates a new schema once when several open it at the same moment', async () => {
    const { schema } = await openStores(3);
    const versions = await withClient(url, async (client) =>
      (await client.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows.map((r) => r.version),
    );
    assert.deepEqual(
      versions,
      Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  });

  it('refuses a schema written by a newer version, saying to upgrade', async () => {
    const { schema } = await openStores(1);
    await withClient(url, (client) => client.query(`INSERT INTO ${schema}.schema_migrations (version) VALUES (99)`));
    await assert.rejects(
      openPostgresStore({ connectionString: url, schema }),
      new RegExp(`written by a newer agentspan \\(schema 99, this one knows ${POSTGRES_SCHEMA_VERSION}\\); upgrade agentspan`),
    );
  });

  it('asks for TLS when told to (this test server has none, and says so)', async () => {
    const schema = await freshSchema(url);
    await assert.rejects(openPostgresStore({ connectionString: url, schema, ssl: { rejectUnauthorized: true } }), /does not support SSL/);
  });

  it('bootstraps one account when two processes start on an empty store at once', async () => {
    const {
      schema,
      stores: [one, two],
    } = await openStores(2);
    // The first start holds its transaction open after inserting; the second begins meanwhile.
    const inserted = gate();
    const release = gate();
    const first = one!.write(async (tx) => {
      const existing = await tx.firstAccount();
      if (!existing) await tx.insertAccount({ id: 'first', name: 'first', inserted_at: at(1) });
      inserted.open();
      await release.opened;
      return existing;
    });
    await inserted.opened;
    const second = bootstrapAccount(two!);
    setTimeout(release.open, 200);
    assert.equal(await first, undefined);
    assert.equal(await second, null);
    const accounts = await withClient(url, async (client) => (await client.query(`SELECT id FROM ${schema}.accounts`)).rows);
    assert.deepEqual(accounts, [{ id: 'first' }]);
  });

  it('runs a unit again after a deadlock, and both writers commit', async () => {
    const {
      stores: [one, two],
    } = await openStores(2);
    await one!.write(async (tx) => {
      await seedInstance(tx, 'acc');
      await tx.insertSpan(spanRow('acc', 'x', at(1)));
      await tx.insertSpan(spanRow('acc', 'y', at(2)));
    });
    const runs = { one: 0, two: 0 };
    const locked = { one: gate(), two: gate() };
    // Each locks one span, waits until the other has locked the other span, then asks for it.
    const crossing = (store: Store, name: 'one' | 'two', first: string, second: string, other: 'one' | 'two') =>
      store.write(async (tx) => {
        runs[name]++;
        const span = await tx.lockSpan('acc', first);
        locked[name].open();
        await locked[other].opened;
        await tx.lockSpan('acc', second);
        await tx.updateSpan({ ...span!, status: 'complete', finished_at: at(3), updated_at: at(3) }, span!.status);
        return name;
      });
    const results = await Promise.all([crossing(one!, 'one', 'x', 'y', 'two'), crossing(two!, 'two', 'y', 'x', 'one')]);
    assert.deepEqual(results, ['one', 'two']);
    assert.equal(runs.one + runs.two, 3, 'the deadlock victim ran twice');
    assert.deepEqual(await one!.read((tx) => tx.spanCounts('acc', 'inst-1')), { active: 0, complete: 2 });
  });

  it('gives up on a row lock held past the statement timeout with StoreUnavailableError', { timeout: 30_000 }, async () => {
    const schema = await freshSchema(url);
    schemas.push(schema);
    const store = await openPostgresStore({ connectionString: url, schema, statementTimeoutMs: 300 });
    stores.push(store);
    await store.write((tx) => seedInstance(tx, 'acc'));
    await withClient(url, async (stuck) => {
      await stuck.query('BEGIN');
      await stuck.query(`SELECT 1 FROM ${schema}.agent_instances WHERE id = 'inst-1' FOR UPDATE`);
      await assert.rejects(
        store.write((tx) => tx.lockInstance('acc', 'inst-1')),
        (error: unknown) => {
          assert.ok(error instanceof StoreUnavailableError, String(error));
          assert.match(error.message, /57014: canceling statement due to statement timeout/);
          return true;
        },
      );
      await stuck.query('ROLLBACK');
    });
    assert.equal((await store.write((tx) => tx.lockInstance('acc', 'inst-1')))?.id, 'inst-1');
  });

  /** Whether a transaction waits for a row lock on the schema's agent_instances (it holds that row's tuple lock meanwhile). */
  const instanceLockWaited = (schema: string) =>
    withClient(url, async (client) => {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'tuple' AND relation = to_regclass($1)", [
        `${schema}.agent_instances`,
      ]);
      return rows[0].n > 0;
    });

  /** Settles when `pending` settles or another unit waits for an instance row lock; says which. */
  async function settledOrWaiting(schema: string, pending: Promise<unknown>): Promise<'settled' | 'waiting'> {
    let settled = false;
    void pending.finally(() => (settled = true)).catch(() => undefined);
    for (;;) {
      if (settled) return 'settled';
      if (await instanceLockWaited(schema)) return 'waiting';
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const activeInstance = async (store: Store) =>
    store.write(async (tx) => {
      const instance = await seedInstance(tx, 'acc');
      await tx.updateInstance({ ...instance, status: 'active', started_at: at(0) });
    });

  it('shares the instance lock between span creates, and a finish waits for the creates holding it', async () => {
    const {
      schema,
      stores: [one, two],
    } = await openStores(2);
    await activeInstance(one!);
    const held = gate();
    const release = gate();
    const first = one!.write(async (tx) => {
      const instance = await tx.lockInstanceShared('acc', 'inst-1');
      held.open();
      await release.opened;
      await tx.insertSpan(spanRow('acc', 'first', at(1)));
      return instance?.status;
    });
    await held.opened;
    // A second create takes the shared lock and commits while the first still holds it.
    const second = await two!.write(async (tx) => {
      const instance = await tx.lockInstanceShared('acc', 'inst-1');
      await tx.insertSpan(spanRow('acc', 'second', at(2)));
      return instance?.status;
    });
    assert.equal(second, 'active');
    const finishing = two!.write(async (tx) => {
      const instance = await tx.lockInstance('acc', 'inst-1');
      await tx.updateInstance({ ...instance!, status: 'complete', finished_at: at(3), updated_at: at(3) });
      return tx.spanCounts('acc', 'inst-1');
    });
    assert.equal(await settledOrWaiting(schema, finishing), 'waiting');
    release.open();
    assert.equal(await first, 'active');
    assert.deepEqual(await finishing, { active: 2 }, 'the finish counts the span of the create it waited for');
  });

  it('makes a span create wait for a finish in flight, then read the finished instance', async () => {
    const {
      schema,
      stores: [one, two],
    } = await openStores(2);
    await activeInstance(one!);
    const held = gate();
    const release = gate();
    const finishing = one!.write(async (tx) => {
      const instance = await tx.lockInstance('acc', 'inst-1');
      await tx.updateInstance({ ...instance!, status: 'complete', finished_at: at(3), updated_at: at(3) });
      held.open();
      await release.opened;
    });
    await held.opened;
    const creating = two!.write(async (tx) => (await tx.lockInstanceShared('acc', 'inst-1'))?.status);
    assert.equal(await settledOrWaiting(schema, creating), 'waiting');
    release.open();
    await finishing;
    assert.equal(await creating, 'complete');
  });

  it('prunes a ledger of many thousand entries in full, keeping the newer ones', async () => {
    const {
      schema,
      stores: [store],
    } = await openStores(1);
    await withClient(url, (client) =>
      client.query(
        `INSERT INTO ${schema}.idempotency (account_id, operation, key, fingerprint, response_status, response_json, inserted_at)
         SELECT 'acc', 'agent_spans/create', 'key-' || n, 'f', 201, '{}', CASE WHEN n <= 12001 THEN $1 ELSE $2 END
         FROM generate_series(1, 12050) AS n`,
        [at(1), at(3)],
      ),
    );
    assert.equal(await store!.write((tx) => tx.pruneIdempotency(at(2))), 12001);
    assert.equal(await store!.write((tx) => tx.pruneIdempotency(at(2))), 0);
    assert.equal((await store!.read((tx) => tx.getIdempotency('acc', 'agent_spans/create', 'key-12050')))?.response_status, 201);
  });

  it('does not commit a unit that carried on after one of its statements failed', async () => {
    const {
      stores: [store],
    } = await openStores(1);
    await store!.write((tx) => seedInstance(tx, 'acc'));
    await assert.rejects(
      store!.write(async (tx) => {
        await tx.insertSpan(spanRow('acc', 'kept?', at(1)));
        // PostgreSQL text cannot hold NUL; the unit swallows the error and returns normally.
        await tx.insertSpan(spanRow('acc', 'nul\u0000', at(2))).catch(() => undefined);
      }),
      /the transaction was rolled back: a statement in it failed and the unit carried on/,
    );
    assert.equal(await store!.read((tx) => tx.getSpan('acc', 'kept?')), undefined);
    assert.deepEqual(await store!.read((tx) => tx.spanCounts('acc', 'inst-1')), {});
  });
});
