import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/index.js';
import { seedInstance } from './store-records.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-instance-cache-'));
after(() => rm(scratch, { recursive: true, force: true }));

// The SQLite writer keeps the instance rows it reads (every span create reads one); these pin down
// that a kept row is never an outdated one.
describe('SQLite writer: instance rows it keeps', () => {
  it('sees an instance another connection changed since the writer last read it', async () => {
    const dataDir = join(scratch, 'other-connection');
    const store = await openSqliteStore({ dataDir });
    const other = new Database(join(dataDir, SQLITE_FILE_NAME));
    try {
      await store.write((tx) => seedInstance(tx, 'acc'));
      assert.equal((await store.write((tx) => tx.lockInstanceShared('acc', 'inst-1')))?.status, 'pending');
      other.prepare("UPDATE agent_instances SET status = 'complete' WHERE account_id = 'acc' AND id = 'inst-1'").run();
      assert.equal((await store.write((tx) => tx.lockInstanceShared('acc', 'inst-1')))?.status, 'complete');
    } finally {
      other.close();
      await store.close();
    }
  });

  it('forgets what a unit that rolled back read of its own update', async () => {
    const store = await openSqliteStore({ dataDir: join(scratch, 'rollback') });
    try {
      await store.write((tx) => seedInstance(tx, 'acc'));
      await assert.rejects(
        store.write(async (tx) => {
          const instance = (await tx.lockInstance('acc', 'inst-1'))!;
          await tx.updateInstance({ ...instance, status: 'complete', finished_at: instance.inserted_at });
          assert.equal((await tx.getInstance('acc', 'inst-1'))?.status, 'complete');
          throw new Error('the unit fails after its update');
        }),
        /the unit fails after its update/,
      );
      assert.equal((await store.write((tx) => tx.lockInstanceShared('acc', 'inst-1')))?.status, 'pending');
      assert.equal((await store.read((tx) => tx.getInstance('acc', 'inst-1')))?.status, 'pending');
    } finally {
      await store.close();
    }
  });

  it('sees its own committed update in the next group', async () => {
    const store = await openSqliteStore({ dataDir: join(scratch, 'own-update') });
    try {
      await store.write((tx) => seedInstance(tx, 'acc'));
      await store.write(async (tx) => {
        const instance = (await tx.lockInstance('acc', 'inst-1'))!;
        await tx.updateInstance({ ...instance, status: 'active', started_at: instance.inserted_at });
      });
      assert.equal((await store.write((tx) => tx.lockInstanceShared('acc', 'inst-1')))?.status, 'active');
    } finally {
      await store.close();
    }
  });
});
