import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/index.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { at } from './store-records.js';

describe('SQLite migrations', () => {
  it('moves idempotency ledger rows of a schema 1 database into the new ledger table, still replayable and unique per key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agentspan-migrate-'));
    const file = join(dir, 'agentspan.sqlite');
    try {
      const old = new Database(file);
      old.exec(SQLITE_MIGRATIONS[0]!);
      old.pragma('user_version = 1');
      old.prepare('INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?)').run('acc', 'agent_spans/create', 'key-1', 'f1', 201, '{"n":1}', at(1));
      old.close();

      const store = await openSqliteStore({ file });
      try {
        const claim = { account_id: 'acc', operation: 'agent_spans/create', key: 'key-1', fingerprint: 'f1', inserted_at: at(2) };
        const existing = await store.write((tx) => tx.claimIdempotency(claim));
        assert.deepEqual(
          { ...existing },
          {
            account_id: 'acc',
            operation: 'agent_spans/create',
            key: 'key-1',
            fingerprint: 'f1',
            response_status: 201,
            response_json: '{"n":1}',
            inserted_at: at(1),
          },
        );
        assert.equal(await store.write((tx) => tx.pruneIdempotency(at(2))), 1);
      } finally {
        await store.close();
      }
      const migrated = new Database(file);
      assert.equal(migrated.pragma('user_version', { simple: true }), SQLITE_MIGRATIONS.length);
      const insert = migrated.prepare('INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?)');
      insert.run('acc', 'agent_spans/create', 'key-2', 'f2', 201, '{"n":2}', at(3));
      assert.throws(() => insert.run('acc', 'agent_spans/create', 'key-2', 'f3', 201, '{"n":3}', at(4)), /UNIQUE constraint failed/);
      migrated.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
