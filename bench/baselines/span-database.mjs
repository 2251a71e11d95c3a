// The database the SQLite baselines write to: a fresh file in a temporary directory, WAL with
// synchronous=FULL (a commit is durable on power loss), and the server's own schema (its
// migrations), so a baseline inserts the server's span row into the same table and indexes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrateSqlite } from '../../packages/server/dist/store/sqlite/migrations.js';

export function openSpanDatabase(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = new Database(join(dir, 'spans.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrateSqlite(db);
  return {
    db,
    dir,
    remove() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
