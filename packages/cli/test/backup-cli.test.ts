import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { PrefactorHttpClient } from '@agentspan/client';
import { scratchDirectory } from '../../server/test/stores-on-disk.js';
import { runAgentspan, startServe } from './agentspan-process.js';

const scratch = await scratchDirectory('agentspan-backup-cli-');
after(() => scratch.remove());

describe('agentspan backup', () => {
  test('copies a store while its server writes: every span answered before the backup began is in the copy, which checks ok and serves', async () => {
    const dataDir = scratch.fresh();
    const served = await startServe(['--data-dir', dataDir]);
    const client = new PrefactorHttpClient({ apiUrl: served.url, apiToken: served.firstToken!, maxRetries: 0 });
    const instance = await client.agentInstances.register({ agent_version: { name: 'backup agent' }, agent_schema_version: {} });
    await client.agentInstances.start(instance.id);
    const acknowledged: string[] = [];
    let writing = true;
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) {
        const span = await client.agentSpans.create({
          agent_instance_id: instance.id,
          schema_name: 'tool:call',
          status: 'active',
          payload: { n: acknowledged.length, text: 'x'.repeat(500) },
        });
        acknowledged.push(span.id);
      }
    });
    const target = join(scratch.fresh(), 'copy', 'agentspan.sqlite');
    let before: string[];
    let backup;
    try {
      while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 20));
      before = [...acknowledged];
      backup = await runAgentspan(['backup', '--data-dir', dataDir, target]);
      assert.ok(acknowledged.length > before.length, 'the server kept writing while the backup ran');
    } finally {
      writing = false;
      await Promise.all(writers);
      await client.close();
      served.child.kill('SIGTERM');
      await served.exited;
    }
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(
      backup.stdout,
      /^backed up .* to .*agentspan\.sqlite \(\d+ pages, integrity ok, \d+ ms\); serve it with: agentspan serve --data-dir .*copy\n$/,
    );
    assert.deepEqual(readdirSafe(target), ['agentspan.sqlite'], 'one file, no -wal or .partial beside it');

    const copy = new Database(target, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      const stored = new Set(copy.prepare('SELECT id FROM spans').pluck().all() as string[]);
      const missing = before.filter((id) => !stored.has(id));
      assert.deepEqual(missing, [], 'every span acknowledged before the backup started is in the copy');
      const counted = copy.prepare('SELECT sum(n) FROM span_counts WHERE agent_instance_id = ?').pluck().get(instance.id);
      assert.equal(counted, stored.size, 'the span counts agree with the spans copied');
    } finally {
      copy.close();
    }

    const restored = await startServe(['--data-dir', join(target, '..')]);
    try {
      assert.equal(restored.firstToken, undefined, 'the copy has its account: no new bootstrap');
      const again = new PrefactorHttpClient({ apiUrl: restored.url, apiToken: served.firstToken!, maxRetries: 0 });
      const read = await again.agentInstances.get(instance.id);
      assert.equal(read.id, instance.id);
      await again.close();
    } finally {
      restored.child.kill('SIGTERM');
      await restored.exited;
    }
  });

  test('refuses to replace a file unless --force, a directory as the target, a directory without a store, and PostgreSQL', async () => {
    const dataDir = scratch.fresh();
    const served = await startServe(['--data-dir', dataDir]);
    served.child.kill('SIGTERM');
    await served.exited;
    const targetDir = scratch.fresh();
    await mkdir(targetDir, { recursive: true });
    const target = join(targetDir, 'agentspan.sqlite');
    writeFileSync(target, 'precious');

    const refused = await runAgentspan(['backup', '--data-dir', dataDir, target]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /agentspan\.sqlite already exists; choose another file, or add --force to replace it/);
    assert.equal(readFileSync(target, 'utf8'), 'precious');

    const intoDirectory = await runAgentspan(['backup', '--data-dir', dataDir, targetDir]);
    assert.match(intoDirectory.stderr, /is a directory; name the file to write, e.g\. .*\/agentspan\.sqlite/);

    const noStore = scratch.fresh();
    const empty = await runAgentspan(['backup', '--data-dir', noStore, join(targetDir, 'other.sqlite')]);
    assert.match(empty.stderr, /no store in .*agentspan serve --data-dir/);
    assert.equal(existsSync(noStore), false);
    assert.equal(existsSync(join(targetDir, 'other.sqlite')), false);

    const postgres = await runAgentspan(['backup', '--database-url', 'postgres://127.0.0.1/db', join(targetDir, 'pg.sqlite')]);
    assert.match(postgres.stderr, /back up PostgreSQL with pg_dump/);

    const forced = await runAgentspan(['backup', '--data-dir', dataDir, target, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readFileSync(target).subarray(0, 15).toString(), 'precious');
    assert.equal(readFileSync(target).subarray(0, 15).toString(), 'SQLite format 3');
  });
});

function readdirSafe(file: string) {
  const dir = join(file, '..');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
