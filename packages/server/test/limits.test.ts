import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PrefactorHttpClient } from '@agentspan/client';
import { buildApp, openPostgresStore, openSqliteStore, type BuildAppOptions, type Store } from '../src/index.js';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { openInstance } from './fixtures.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from './postgres-database.js';

const metric = async (server: Server, series: string) => {
  const text = (await call(server, undefined, 'GET', '/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

/** A client that retries as long as the test needs; it waits what Retry-After says. */
const patientClient = (server: Server, account: Account) =>
  new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 20, initialRetryDelay: 50, maxRetryDelay: 2000 });

/** Creates `count` spans at once through the client; checks each is stored exactly once. */
async function createThroughClient(server: Server, account: Account, count: number, instanceId: string) {
  const client = patientClient(server, account);
  try {
    const created = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.agentSpans.create({ agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active', payload: { name: `t${i}` } }),
      ),
    );
    const stored = await server.store.read((tx) => tx.listSpans({ account_id: account.accountId, agent_instance_id: instanceId, limit: 10_000 }));
    assert.equal(stored.length, count, 'no span lost, none duplicated');
    assert.deepEqual(new Set(stored.map((s) => s.id)), new Set(created.map((s) => s.id)));
    assert.deepEqual(new Set(stored.map((s) => (JSON.parse(s.payload_json) as { name: string }).name)).size, count);
  } finally {
    await client.close();
  }
}

for (const engine of ENGINES) {
  describe(`per-token rate limits (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine, { rateLimit: { requests: 5, seconds: 1 } })));
    after(() => server.close());

    it('answers a token over its limit 429 with Retry-After and the error envelope; other tokens are not held back', async () => {
      const [busy, other] = [await newAccount(server), await newAccount(server)];
      const replies = [];
      for (let i = 0; i < 7; i++) replies.push(await call(server, busy.accountToken, 'GET', '/api/v1/ping'));
      const limited = replies.filter((r) => r.status === 429);
      assert.ok(limited.length >= 1, replies.map((r) => r.status).join(','));
      assert.deepEqual(Object.keys(limited[0]!.body).sort(), ['code', 'message', 'request_id', 'status']);
      assert.equal(limited[0]!.body.code, 'rate_limited');
      assert.match(limited[0]!.body.message, /--rate-limit/);
      assert.equal(limited[0]!.headers.get('retry-after'), '1');
      assert.equal((await call(server, other.accountToken, 'GET', '/api/v1/ping')).status, 200);
    });

    it('lets the client through in the end: every span stored once, after 429s it waited out', async () => {
      const account = await newAccount(server);
      const refusedBefore = await metric(server, 'agentspan_requests_refused_total{reason="rate_limited"}');
      await createThroughClient(server, account, 15, await openInstance(server, account));
      assert.ok((await metric(server, 'agentspan_requests_refused_total{reason="rate_limited"}')) > refusedBefore);
    });
  });
}

/** A store whose commits can be held back: SQLite's WAL fsync waits; on PostgreSQL a lock on the spans table. */
interface StallableStore {
  store: Store;
  stall(): Promise<void>;
  resume(): Promise<void>;
  cleanup(): Promise<void>;
}

async function stallableSqlite(): Promise<StallableStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agentspan-capacity-'));
  let gate: Promise<void> | undefined;
  let open = () => {};
  const store = await openSqliteStore({ dataDir }, { syncWal: async () => gate });
  return {
    store,
    async stall() {
      gate = new Promise((resolve) => (open = resolve));
    },
    async resume() {
      gate = undefined;
      open();
    },
    async cleanup() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function stallablePostgres(url: string): Promise<StallableStore> {
  const schema = await freshSchema(url);
  const store = await openPostgresStore({ connectionString: url, schema, poolSize: 2 });
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  return {
    store,
    async stall() {
      await locker.query('BEGIN');
      // Reads go on; every span insert waits for the lock.
      await locker.query(`LOCK TABLE ${schema}.spans IN EXCLUSIVE MODE`);
    },
    async resume() {
      await locker.query('COMMIT');
    },
    async cleanup() {
      await locker.end();
      await store.close();
      await dropSchema(url, schema);
    },
  };
}

const stallables: Array<[string, () => Promise<StallableStore>]> = [['sqlite', stallableSqlite]];
if (TEST_DATABASE_URL) stallables.push(['postgres', () => stallablePostgres(TEST_DATABASE_URL!)]);

for (const [name, open] of stallables) {
  describe(`capacity: writes refused while the store is behind (${name})`, () => {
    let stallable: StallableStore;
    let server: Server;
    before(async () => {
      stallable = await open();
      const options: Omit<BuildAppOptions, 'store'> = { maxQueuedWrites: 4 };
      const app = buildApp({ store: stallable.store, ...options });
      server = { url: await app.listen({ port: 0, host: '127.0.0.1' }), store: stallable.store, app, close: () => app.close() };
    });
    after(async () => {
      await server.close();
      await stallable.cleanup();
    });

    it('answers writes 503 with Retry-After past the bound, and the client stores every span once after', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const clientInstanceId = await openInstance(server, account);
      await stallable.stall();
      // Writes pile up behind the stalled commit until one is refused.
      const send = (i: number) =>
        call(server, account.token, 'POST', '/api/v1/agent_spans', {
          details: { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active', payload: {}, idempotency_key: `held-span-${i}` },
        });
      const held: Array<ReturnType<typeof send>> = [];
      let refused: Awaited<ReturnType<typeof send>> | undefined;
      for (let i = 0; i < 100 && !refused; i++) {
        held.push(
          send(i).then((reply) => {
            if (reply.status === 503) refused ??= reply;
            return reply;
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.ok(refused, 'a write is refused while the queue is over its bound');
      assert.equal(refused.body.code, 'service_unavailable');
      assert.match(refused.body.message, /the store is behind \(\d+ writes queued; this server takes at most 4\)/);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.ok((await metric(server, 'agentspan_requests_refused_total{reason="over_capacity"}')) >= 1);

      // Through the client while the store is still behind: it retries after Retry-After until the store catches up.
      const created = createThroughClient(server, account, 20, clientInstanceId);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await stallable.resume();
      await created;
      const answered = await Promise.all(held);
      const stored = await server.store.read((tx) => tx.listSpans({ account_id: account.accountId, agent_instance_id: instanceId, limit: 1000 }));
      const accepted = answered.filter((r) => r.status === 201).length;
      assert.equal(accepted + answered.filter((r) => r.status === 503).length, answered.length, answered.map((r) => r.text).join('\n'));
      assert.equal(stored.length, accepted, 'exactly the answered spans are stored: a refused write stored nothing');
    });
  });
}
