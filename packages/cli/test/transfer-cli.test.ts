import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { newAccount } from '../../server/test/harness.js';
import { oldInstance } from '../../server/test/old-instances.js';
import { describePostgres, dropSchema, freshSchema, withClient } from '../../server/test/postgres-database.js';
import { scratchDirectory, serveDataDir } from '../../server/test/stores-on-disk.js';
import { runAgentspan } from './agentspan-process.js';

const scratch = await scratchDirectory('agentspan-transfer-cli-');
after(() => scratch.remove());

const rows = (ndjson: string) => ndjson.split('\n').filter(Boolean).slice(1);

async function populatedDataDir() {
  const dataDir = scratch.fresh();
  const server = await serveDataDir(dataDir);
  const account = await newAccount(server);
  await oldInstance(server, account, 4);
  await oldInstance(server, account, 2, { open: true });
  await server.close();
  return dataDir;
}

async function exported(location: string[]) {
  const run = await runAgentspan(['export', ...location]);
  assert.equal(run.code, 0, run.stderr);
  return run;
}

describe('agentspan export and import', () => {
  test('SQLite to SQLite: the copy exports the same rows, and a second import adds nothing', async () => {
    const source = await populatedDataDir();
    const out = await exported(['--data-dir', source]);
    assert.match(
      out.stderr,
      /^exported 1 account, 1 environment, 1 agent, 1 schema_version, 1 agent_version, 1 deployment, 2 deployment_versions, 2 tokens, 2 agent_instances, 6 spans\n$/,
    );
    const file = join(scratch.fresh(), 'export.ndjson');
    await writeFileDeep(file, out.stdout);

    const target = scratch.fresh();
    const first = await runAgentspan(['import', file, '--data-dir', target]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^imported 1 account, .*2 agent_instances, 6 spans into SQLite in .*; 0 of 18 rows were already there\n$/);
    const second = await runAgentspan(['import', file, '--data-dir', target]);
    assert.match(second.stdout, /; 18 of 18 rows were already there\n$/);
    assert.deepEqual(rows((await exported(['--data-dir', target])).stdout), rows(out.stdout));
  });

  test('a malformed file is refused with its line numbers, and no store is created', async () => {
    const file = join(scratch.fresh(), 'bad.ndjson');
    const source = await populatedDataDir();
    const lines = (await exported(['--data-dir', source])).stdout.split('\n');
    lines[3] = lines[3]!.slice(0, 20);
    await writeFileDeep(file, lines.join('\n'));
    const target = scratch.fresh();
    const run = await runAgentspan(['import', file, '--data-dir', target]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.ndjson has 1 bad line; nothing was imported:\nline 4: is not JSON/);
    assert.equal(existsSync(target), false);
    const missing = await runAgentspan(['import', join(scratch.fresh(), 'nope.ndjson'), '--data-dir', target]);
    assert.match(missing.stderr, /nope\.ndjson does not exist; give the file agentspan export wrote/);
    const since = await runAgentspan(['export', '--data-dir', source, '--since', 'soon']);
    assert.match(since.stderr, /--since <date>.*expected an ISO-8601 date/);
  });
});

describePostgres('agentspan export and import across engines', (url) => {
  test('SQLite → PostgreSQL → SQLite keeps every row', async () => {
    const schema = await freshSchema(url);
    await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
    const databaseUrl = `${url}?options=-c%20search_path%3D${schema}`;
    try {
      const source = await populatedDataDir();
      const original = (await exported(['--data-dir', source])).stdout;
      const file = join(scratch.fresh(), 'export.ndjson');
      await writeFileDeep(file, original);
      const intoPostgres = await runAgentspan(['import', file, '--database-url', databaseUrl]);
      assert.equal(intoPostgres.code, 0, intoPostgres.stderr);
      assert.match(intoPostgres.stdout, /into PostgreSQL at /);
      const fromPostgres = (await exported(['--database-url', databaseUrl])).stdout;
      assert.deepEqual(rows(fromPostgres), rows(original));
      const again = await runAgentspan(['import', file, '--database-url', databaseUrl]);
      assert.match(again.stdout, /; 18 of 18 rows were already there/);

      const back = join(scratch.fresh(), 'back.ndjson');
      await writeFileDeep(back, fromPostgres);
      const target = scratch.fresh();
      assert.equal((await runAgentspan(['import', back, '--data-dir', target])).code, 0);
      assert.deepEqual(rows((await exported(['--data-dir', target])).stdout), rows(original));

      const purged = await runAgentspan(['purge', '--database-url', databaseUrl, '--before', '2021-01-01']);
      assert.match(purged.stdout, /^deleted 1 agent instance, 4 spans, 0 idempotency-ledger entries \(finished before .*, PostgreSQL at /);
    } finally {
      await dropSchema(url, schema);
    }
  });
});

async function writeFileDeep(file: string, text: string) {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  assert.equal(await readFile(file, 'utf8'), text);
}
