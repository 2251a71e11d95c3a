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

  it('sends what a transaction broadcasts as it commits, and nothing of a unit rolled back', BOUND, async () => {
    const heard = recorder();
    stops.push(await near.broadcast!.listen(heard.listeners));
    await sender.write(async (tx) => tx.broadcastOnCommit('{"committed":1}'));
    await assert.rejects(
      sender.write(async (tx) => {
        tx.broadcastOnCommit('{"rolled-back":1}');
        throw new Error('the unit fails after it asked');
      }),
      /the unit fails/,
    );
    const outcome = await sender.writeSequence([
      async (tx) => tx.broadcastOnCommit('{"sequence-kept":1}'),
      async (tx) => {
        tx.broadcastOnCommit('{"sequence-undone":1}');
        throw new Error('the second unit fails');
      },
    ]);
    assert.equal(outcome.results.length, 1);
    // Notices arrive in commit order, so once this one is confirmed every earlier one has arrived.
    await sender.broadcast!.sendConfirmed('{"marker":1}');
    assert.deepEqual(heard.heard.messages, ['{"committed":1}', '{"sequence-kept":1}', '{"marker":1}']);
  });

  it('gives up on a listener that stops answering, says so, and hears it again once it is back', BOUND, async () => {
    const quiet = recorder();
    stops.push(await behindProxy.broadcast!.listen(quiet.listeners));
    await sender.broadcast!.sendConfirmed('{"before":1}');
    assert.deepEqual(quiet.heard.messages, ['{"before":1}']);

    proxy.silence();
    const startedAt = Date.now();
    const confirmed = await sender.broadcast!.sendConfirmed('{"into-silence":1}');
    // At least every listener behind the proxy (this test's and the first test's) is unconfirmed.
    assert.ok(confirmed.unconfirmed >= 2, `unconfirmed: ${confirmed.unconfirmed}`);
    assert.ok(Date.now() - startedAt >= 1900, 'it waited for the receipts before giving up');
    assert.deepEqual(quiet.heard.messages, ['{"before":1}']);

    const back = quiet.restoredOnce();
    await proxy.restore();
    await back;
    assert.equal(quiet.heard.lost, 1);
    assert.equal(quiet.heard.restored, 1);
    // A session whose connection was just dropped may still be listed, and is then not waited for
    // past the timeout; the listener that is back has the message either way.
    await sender.broadcast!.sendConfirmed('{"after":1}');
    assert.deepEqual(quiet.heard.messages, ['{"before":1}', '{"after":1}']);
  });
});
