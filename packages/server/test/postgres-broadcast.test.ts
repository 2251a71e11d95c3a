import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openPostgresStore, type Store } from '../src/index.js';
import type { Listeners } from '../src/store/store.js';
import { describePostgres, dropSchema, freshSchema } from './postgres-database.js';
import { DatabaseProxy } from './postgres-proxy.js';

const BOUND = { timeout: 30_000 };

/** A listener that keeps what it is told. */
function recorder() {
  const heard = { messages: [] as string[], lost: 0, restored: 0 };
  let restoredNow = () => {};
  const restoredOnce = () => new Promise<void>((resolve) => (restoredNow = resolve));
  const listeners: Listeners = {
    message: (message) => heard.messages.push(message),
    lost: () => heard.lost++,
    restored: () => (heard.restored++, restoredNow()),
  };
  return { heard, listeners, restoredOnce };
}

describePostgres('PostgreSQL broadcast between the processes of one store', (url) => {
  let schema: string;
  let proxy: DatabaseProxy;
  let sender: Store;
  let near: Store;
  let behindProxy: Store;
  const stops: Array<() => Promise<void>> = [];

  before(async () => {
    schema = await freshSchema(url);
    proxy = await DatabaseProxy.start(url);
    const open = (connectionString: string) => openPostgresStore({ connectionString, schema, poolSize: 2, connectTimeoutMs: 1000 });
    sender = await open(url);
    near = await open(url);
    behindProxy = await open(proxy.urlFor(url));
  });

  after(async () => {
    for (const stop of stops) await stop();
    for (const store of [sender, near, behindProxy]) await store?.close();
    await proxy?.close();
    if (schema) await dropSchema(url, schema);
  });

  it('resolves sendConfirmed only once every listener has been handed the message', BOUND, async () => {
    const a = recorder();
    const b = recorder();
    const own = recorder();
    stops.push(await near.broadcast!.listen(a.listeners), await behindProxy.broadcast!.listen(b.listeners));
    stops.push(await sender.broadcast!.listen(own.listeners));

    const confirmed = await sender.broadcast!.sendConfirmed('{"hello":1}');
    assert.deepEqual(confirmed, { unconfirmed: 0 });
    // No waiting after it: by the time it resolved, every listener had the message, in its own words.
    assert.deepEqual(a.heard.messages, ['{"hello":1}']);
    assert.deepEqual(b.heard.messages, ['{"hello":1}']);
    assert.deepEqual(own.heard.messages, ['{"hello":1}']);

    await sender.broadcast!.send('{"plain":2}');
    await sender.broadcast!.sendConfirmed('{"hello":3}');
    assert.deepEqual(a.heard.messages, ['{"hello":1}', '{"plain":2}', '{"hello":3}'], 'in the order sent, receipts not passed on');
  });

  it('gives up on a listener that stops answering, says so, and hears it again once it is back', BOUND, async () => {
    const quiet = recorder();
    stops.push(await behindProxy.broadcast!.listen(quiet.listeners));
    await sender.broadcast!.sendConfirmed('{"before":1}');
    assert.deepEqual(quiet.heard.messages, ['{"before":1}']);

    proxy.silence();
    const startedAt = Date.now();
    const confirmed = await sender.broadcast!.sendConfirmed('{"into-silence":1}');
    // Every listener behind the proxy (this test's and the one before it) is unconfirmed.
    assert.equal(confirmed.unconfirmed, 2);
    assert.ok(Date.now() - startedAt >= 1900, 'it waited for the receipts before giving up');
    assert.deepEqual(quiet.heard.messages, ['{"before":1}']);

    const back = quiet.restoredOnce();
    await proxy.restore();
    await back;
    assert.equal(quiet.heard.lost, 1);
    assert.equal(quiet.heard.restored, 1);
    assert.deepEqual(await sender.broadcast!.sendConfirmed('{"after":1}'), { unconfirmed: 0 });
    assert.deepEqual(quiet.heard.messages, ['{"before":1}', '{"after":1}']);
  });
});
