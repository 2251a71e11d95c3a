import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import { openPostgresStore, StoreUnavailableError, type Store } from '../src/index.js';
import { call, newAccount, type Account, type Server } from './harness.js';
import { llmPayload, openInstance } from './fixtures.js';
import { describePostgres, dropSchema, freshSchema } from './postgres-database.js';
import { DatabaseProxy } from './postgres-proxy.js';
import { startServerBehindProxy, type ServerBehindProxy } from './server-behind-proxy.js';
import { at, seedInstance, spanRow } from './store-records.js';

const unavailable = (error: unknown) => error instanceof StoreUnavailableError;
/** A hung operation fails the test instead of stalling the run. */
const BOUND = { timeout: 30_000 };

describePostgres('PostgreSQL store when the database goes away', (url) => {
  let proxy: DatabaseProxy;
  let schema: string;
  let store: Store;

  before(async () => {
    proxy = await DatabaseProxy.start(url);
    schema = await freshSchema(url);
    store = await openPostgresStore({
      connectionString: proxy.urlFor(url),
      schema,
      poolSize: 2,
      statementTimeoutMs: 1000,
      connectTimeoutMs: 1000,
    });
    await store.write((tx) => seedInstance(tx, 'acc'));
  });

  after(async () => {
    await store?.close();
    await proxy?.close();
    if (schema) await dropSchema(url, schema);
  });

  const spanIds = () =>
    store.read(async (tx) => (await tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 100 })).map((s) => s.id));

  it('fails the next write and read with StoreUnavailableError when the connection is cut, and works again once it is back', BOUND, async () => {
    await store.write((tx) => tx.insertSpan(spanRow('acc', 'before-cut', at(1))));
    await proxy.cut();
    await assert.rejects(
      store.write((tx) => tx.insertSpan(spanRow('acc', 'during-cut', at(2)))),
      unavailable,
    );
    await assert.rejects(spanIds(), unavailable);
    await assert.rejects(store.writeSequence([(tx) => tx.insertSpan(spanRow('acc', 'bulk-during-cut', at(2)))]), unavailable);
    await proxy.restore();
    await store.write((tx) => tx.insertSpan(spanRow('acc', 'after-cut', at(3))));
    assert.deepEqual(await spanIds(), ['before-cut', 'after-cut']);
  });

  it('fails within its timeouts, instead of hanging, when the database stops answering', BOUND, async () => {
    await spanIds();
    proxy.silence();
    // One operation meets a pooled connection gone quiet, the other a new connection that is never answered.
    const results = await Promise.allSettled([
      store.write((tx) => tx.insertSpan(spanRow('acc', 'into-silence', at(4)))),
      store.read((tx) => tx.getSpan('acc', 'before-cut')),
      store.read((tx) => tx.getSpan('acc', 'after-cut')),
    ]);
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.ok(unavailable(result.reason), String(result.reason));
    }
    await proxy.restore();
    await store.write((tx) => tx.insertSpan(spanRow('acc', 'after-silence', at(5))));
    assert.deepEqual(await spanIds(), ['before-cut', 'after-cut', 'after-silence']);
  });
});

describePostgres('the HTTP API when PostgreSQL goes away', (url) => {
  let running: ServerBehindProxy;
  let proxy: DatabaseProxy;
  let server: Server;
  let account: Account;
  let instanceId: string;

  before(async () => {
    running = await startServerBehindProxy(url);
    ({ proxy, server } = running);
    account = await newAccount(server);
    instanceId = await openInstance(server, account);
  });

  after(() => running?.close());

  const spanCount = async () => (await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`)).body.details.span_counts.total;

  it('answers 503 with a JSON error body while the database is down, and serves again once it is back', BOUND, async () => {
    const details = { agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', payload: llmPayload() };
    await proxy.cut();
    for (const reply of [
      await call(server, account.token, 'POST', '/api/v1/agent_spans', { details }),
      await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`),
    ]) {
      assert.equal(reply.status, 503);
      assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(reply.body.code, 'service_unavailable');
      assert.match(reply.body.message, /database is unavailable/);
      assert.equal(reply.headers.get('retry-after'), '1');
    }
    await proxy.restore();
    const created = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details });
    assert.equal(created.status, 201, created.text);
    assert.equal(await spanCount(), 1);
  });

  it('keeps one span per key when the database goes away in the middle of many concurrent creates, and their retries', BOUND, async () => {
    const before = await spanCount();
    const create = (i: number) =>
      call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', payload: llmPayload(), idempotency_key: `cut-${i}` },
      });
    const keys = Array.from({ length: 40 }, (_, i) => i);
    // Cut once a quarter of the answers are out, with the rest in flight.
    let answered = 0;
    let quarterOut!: () => void;
    const quarter = new Promise<void>((resolve) => (quarterOut = resolve));
    const first = keys.map((i) =>
      create(i).then((reply) => {
        if (++answered === keys.length / 4) quarterOut();
        return reply;
      }),
    );
    await quarter;
    await proxy.cut();
    const replies = await Promise.all(first);
    for (const reply of replies) assert.ok(reply.status === 201 || reply.status === 503, `${reply.status} ${reply.text}`);
    await proxy.restore();
    // Every request sent again with its key: one span each, whichever of them the outage stopped.
    const retried = await Promise.all(keys.map(create));
    for (const reply of retried) assert.equal(reply.status, 201, reply.text);
    assert.equal(new Set(retried.map((reply) => reply.body.details.id)).size, keys.length);
    replies.forEach((reply, i) => {
      if (reply.status === 201) assert.equal(retried[i]!.body.details.id, reply.body.details.id);
    });
    assert.equal(await spanCount(), before + keys.length);
  });

  it('lets the client retry through an outage: the 503 is retried once the database is back, making one span', BOUND, async () => {
    const before = await spanCount();
    let waits = 0;
    const client = new PrefactorHttpClient({
      apiUrl: server.url,
      apiToken: account.token,
      // The database comes back while the client waits to retry.
      sleep: async () => {
        waits++;
        await proxy.restore();
      },
    });
    await proxy.cut();
    const span = await client.agentSpans.create({ agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', payload: llmPayload() });
    assert.equal(waits, 1);
    assert.equal(span.status, 'active');
    assert.equal(await spanCount(), before + 1);
  });
});
