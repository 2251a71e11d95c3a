import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { openSqliteStore } from '@agentspan/server';
import { newAccount, snapshot } from '../../server/test/harness.js';
import { openInstance } from '../../server/test/fixtures.js';
import { oldInstance } from '../../server/test/old-instances.js';
import { scratchDirectory, serveDataDir } from '../../server/test/stores-on-disk.js';
import { runAgentspan, startServe } from './agentspan-process.js';

const scratch = await scratchDirectory('agentspan-retention-cli-');
after(() => scratch.remove());

/** A data directory with an instance that finished in 2020 (3 spans), one still open since 2020, and a recent one. */
async function storeWithOldRuns() {
  const dataDir = scratch.fresh();
  const server = await serveDataDir(dataDir);
  const account = await newAccount(server);
  const ids = {
    finished: await oldInstance(server, account, 3),
    open: await oldInstance(server, account, 2, { open: true }),
    recent: await openInstance(server, account),
  };
  await server.close();
  return { dataDir, account, ids };
}

async function instancesIn(dataDir: string, accountId: string, ids: string[]) {
  const store = await openSqliteStore({ dataDir });
  try {
    return await snapshot({ store } as Parameters<typeof snapshot>[0], accountId, ids);
  } finally {
    await store.close();
  }
}

describe('agentspan purge', () => {
  test('--dry-run prints what would go and changes nothing; then purge deletes exactly that', async () => {
    const { dataDir, account, ids } = await storeWithOldRuns();
    const all = [ids.finished, ids.open, ids.recent];
    const before = await instancesIn(dataDir, account.accountId, all);

    const dry = await runAgentspan(['purge', '--data-dir', dataDir, '--before', '2021-01-01', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^dry run: would delete 1 agent instance, 3 spans, 0 idempotency-ledger entries \(finished before 2021-01-01T00:00:00\.000000Z, SQLite in .*\); nothing was changed\n$/,
    );
    assert.deepEqual(await instancesIn(dataDir, account.accountId, all), before);

    const run = await runAgentspan(['purge', '--data-dir', dataDir, '--before', '2021-01-01T00:00:00Z']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^deleted 1 agent instance, 3 spans, 0 idempotency-ledger entries/);
    const afterwards = await instancesIn(dataDir, account.accountId, all);
    assert.equal(afterwards.instances[0]!.instance, undefined);
    assert.deepEqual(afterwards.instances[0]!.spans, []);
    assert.deepEqual(afterwards.instances.slice(1), before.instances.slice(1), 'the open and the recent instance are untouched');
  });

  const refusals: Array<[string, string[], RegExp]> = [
    [
      'a date that is no date',
      ['--before', 'last tuesday'],
      /--before <date>.*expected an ISO-8601 date or date-time such as 2026-01-31 or 2026-01-31T12:00:00Z, got "last tuesday"/,
    ],
    ['February 30th', ['--before', '2026-02-30'], /got "2026-02-30"/],
    ['no --before', [], /required option '--before <date>' not specified/],
  ];
  for (const [name, args, message] of refusals) {
    test(`refuses ${name}, changing nothing`, async () => {
      const { dataDir, account, ids } = await storeWithOldRuns();
      const before = await instancesIn(dataDir, account.accountId, [ids.finished]);
      const run = await runAgentspan(['purge', '--data-dir', dataDir, ...args]);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
      assert.deepEqual(await instancesIn(dataDir, account.accountId, [ids.finished]), before);
    });
  }

  test('a data directory without a store is named, and none is created', async () => {
    const dir = scratch.fresh();
    const run = await runAgentspan(['purge', '--data-dir', dir, '--before', '2021-01-01']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no store in .*agentspan serve --data-dir/);
    assert.equal(existsSync(dir), false);
  });
});

describe('agentspan serve --retention-days', () => {
  test('deletes instances finished longer ago in the background, keeping open ones', async () => {
    const { dataDir, account, ids } = await storeWithOldRuns();
    const served = await startServe(['--data-dir', dataDir, '--retention-days', '30']);
    try {
      assert.match(served.output(), /Retention: instances finished more than 30 days ago are deleted, hourly/);
      const status = async (id: string) =>
        (await fetch(`${served.url}/api/v1/agent_instance/${id}`, { headers: { authorization: `Bearer ${account.accountToken}` } })).status;
      const deadline = Date.now() + 10_000;
      while ((await status(ids.finished)) !== 404) {
        assert.ok(Date.now() < deadline, 'the finished 2020 instance was not purged within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(await status(ids.open), 200);
      assert.equal(await status(ids.recent), 200);
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
  });

  for (const [name, args, env, message] of [
    ['a word', ['--retention-days', 'forever'], {}, /--retention-days <days>.*expected a whole number from 0 to 36500, got "forever"/],
    [
      'a negative number in AGENTSPAN_RETENTION_DAYS',
      [],
      { AGENTSPAN_RETENTION_DAYS: '-3' },
      /value '-3' from env 'AGENTSPAN_RETENTION_DAYS' is invalid. expected a whole number from 0 to 36500, got "-3"/,
    ],
  ] as Array<[string, string[], Record<string, string>, RegExp]>) {
    test(`refuses ${name}`, async () => {
      const dir = scratch.fresh();
      const run = await runAgentspan(['serve', '--port', '0', '--data-dir', dir, ...args], env);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, message);
      assert.equal(existsSync(dir), false, 'no store is created');
    });
  }
});
