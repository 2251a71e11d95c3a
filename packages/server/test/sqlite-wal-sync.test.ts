import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { buildApp, createAccount, createToken, openSqliteStore, SQLITE_FILE_NAME, StoreUnavailableError, type Store } from '../src/index.js';
import { at, seedInstance, spanRow } from './store-records.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-wal-sync-'));
after(() => rm(scratch, { recursive: true, force: true }));

/** A WAL sync the test completes or fails by hand; `started` resolves when the store asks for one. */
class ControlledSync {
  #calls: Array<{ resolve(): void; reject(error: Error): void }> = [];
  #waiting: Array<() => void> = [];
  blocked = true;

  readonly sync = () => {
    if (!this.blocked) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#calls.push({ resolve, reject });
      for (const wake of this.#waiting.splice(0)) wake();
    });
  };

  async started(): Promise<void> {
    while (this.#calls.length === 0) await new Promise<void>((wake) => this.#waiting.push(wake));
  }

  complete() {
    this.#calls.shift()!.resolve();
  }

  /** Completes every outstanding sync and stops blocking, so the store can close whatever a test left. */
  release() {
    this.blocked = false;
    for (const call of this.#calls.splice(0)) call.resolve();
  }

  fail(error: Error) {
    this.#calls.shift()!.reject(error);
  }
}

const track = <T>(promise: Promise<T>) => {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
};

let stores = 0;
async function open(control: ControlledSync): Promise<{ store: Store; file: string }> {
  const dataDir = join(scratch, `store-${++stores}`);
  const store = await openSqliteStore({ dataDir }, { syncWal: control.sync });
  control.blocked = false;
  await store.write((tx) => seedInstance(tx, 'acc'));
  control.blocked = true;
  return { store, file: join(dataDir, SQLITE_FILE_NAME) };
}

const spanIds = (store: Store) =>
  store.read(async (tx) => (await tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 10 })).map((s) => s.id));

describe('SQLite commit groups wait for the WAL fsync', () => {
  it('answers a committed write, and any read begun after its commit, only once the fsync completes', async () => {
    const control = new ControlledSync();
    const { store, file } = await open(control);
    try {
      const written = track(store.write((tx) => tx.insertSpan(spanRow('acc', 'a', at(1)))));
      await control.started();
      // Committed: another connection sees the row, yet neither the writer nor a reader has an answer.
      const other = new Database(file, { readonly: true });
      assert.equal((other.prepare("SELECT count(*) AS n FROM spans WHERE id = 'a'").get() as { n: number }).n, 1);
      other.close();
      const read = track(spanIds(store));
      for (let i = 0; i < 5; i++) await turn();
      assert.equal(written.settled, false);
      assert.equal(read.settled, false);

      control.complete();
      for (let i = 0; i < 5 && !read.settled; i++) await turn();
      assert.deepEqual(written, { settled: true, value: undefined });
      assert.deepEqual(read, { settled: true, value: ['a'] });
      // Nothing pending: a read goes straight through.
      assert.deepEqual(await spanIds(store), ['a']);
    } finally {
      control.release();
      await store.close();
    }
  });

  it('lets the next group commit while an fsync runs, and answers it after an fsync that began after its commit', async () => {
    const control = new ControlledSync();
    const { store } = await open(control);
    try {
      const first = track(store.write((tx) => tx.insertSpan(spanRow('acc', 'a', at(1)))));
      await control.started();
      const second = track(store.write((tx) => tx.insertSpan(spanRow('acc', 'b', at(2)))));
      for (let i = 0; i < 5; i++) await turn();
      control.complete();
      for (let i = 0; i < 5 && !first.settled; i++) await turn();
      assert.equal(first.settled, true);
      assert.equal(second.settled, false, 'the fsync that was running began before the second commit');
      await control.started();
      control.complete();
      for (let i = 0; i < 5 && !second.settled; i++) await turn();
      assert.equal(second.settled, true);
      assert.equal(second.error, undefined);
    } finally {
      control.release();
      await store.close();
    }
  });

  it('fails the group when the fsync fails, and refuses later writes and reads as not durable', async () => {
    const control = new ControlledSync();
    const { store } = await open(control);
    try {
      const results = [
        track(store.write((tx) => tx.insertSpan(spanRow('acc', 'a', at(1))))),
        track(store.write((tx) => tx.insertSpan(spanRow('acc', 'b', at(2))))),
      ];
      await control.started();
      const read = track(spanIds(store));
      control.fail(Object.assign(new Error('input/output error'), { code: 'EIO' }));
      for (let i = 0; i < 5 && !results.every((r) => r.settled && read.settled); i++) await turn();
      for (const outcome of [...results, read]) {
        assert.ok(outcome.error instanceof StoreUnavailableError);
        assert.match((outcome.error as Error).message, /^the SQLite write-ahead log could not be synced to disk \(EIO\); restart the server$/);
      }
      await assert.rejects(
        store.write((tx) => tx.insertSpan(spanRow('acc', 'c', at(3)))),
        StoreUnavailableError,
      );
      await assert.rejects(spanIds(store), StoreUnavailableError);
    } finally {
      await store.close();
    }
  });

  it('answers 503, never 2xx, when the fsync behind a request fails', async () => {
    const control = new ControlledSync();
    control.blocked = false;
    const store = await openSqliteStore({ dataDir: join(scratch, 'http') }, { syncWal: control.sync });
    const account = await createAccount(store);
    const token = await createToken(store, { scope: 'account', accountId: account.accountId });
    const app = buildApp({ store });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      control.blocked = true;
      const answer = fetch(`${url}/api/v1/agent_instance/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agent_version: { name: 'v1' }, agent_schema_version: {} }),
      });
      await control.started();
      control.fail(Object.assign(new Error('input/output error'), { code: 'EIO' }));
      assert.equal((await answer).status, 503);
    } finally {
      control.release();
      await app.close();
      await store.close();
    }
  });

  it('fsyncs the real -wal file by default: writes are answered and survive reopening', async () => {
    const dataDir = join(scratch, 'real');
    const store = await openSqliteStore({ dataDir });
    await store.write((tx) => seedInstance(tx, 'acc'));
    await Promise.all(['a', 'b', 'c'].map((id, i) => store.write((tx) => tx.insertSpan(spanRow('acc', id, at(i + 1))))));
    await store.close();
    const reopened = await openSqliteStore({ dataDir });
    try {
      assert.deepEqual((await spanIds(reopened)).sort(), ['a', 'b', 'c']);
    } finally {
      await reopened.close();
    }
  });
});
