import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PrefactorHttpClient, PrefactorAuthError } from '@agentspan/client';
import { runAgentspan, startServe } from './agentspan-process.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-cli-'));
after(() => rm(scratch, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(scratch, `data-${++dirs}`);

describe('agentspan --help', { concurrency: true }, () => {
  for (const args of [['--help'], ['serve', '--help'], ['tokens', 'create', '--help'], ['demo', '--help']]) {
    test(`${args.join(' ')} describes the command and exits 0`, async () => {
      const run = await runAgentspan(args);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Usage: agentspan/);
    });
  }
  test('serve --help lists the store and listener flags', async () => {
    const run = await runAgentspan(['serve', '--help']);
    for (const flag of ['--port', '--host', '--data-dir', '--database-url']) assert.match(run.stdout, new RegExp(flag));
  });
});

describe('wrong flags say what is wrong and exit non-zero', { concurrency: true }, () => {
  const cases: Array<[string[], RegExp]> = [
    [['serve', '--prot', '1'], /unknown option '--prot'[\s\S]*--port/],
    [['serve', '--port', 'abc'], /--port <port>.*expected a whole number from 0 to 65535, got "abc"/],
    [['serve', '--port', '70000'], /expected a whole number from 0 to 65535/],
    [['serve', '--database-url', 'mysql://db'], /must start with postgres:\/\//],
    [['serve', '--data-dir', 'x', '--database-url', 'postgres://h/db'], /either --data-dir \(SQLite\) or --database-url/],
    [['tokens', 'create', '--scope', 'admin'], /expected one of deployment, account, got "admin"/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['serve', '--rate-limit', '100'], /--rate-limit <requests>\/<seconds>.*expected <requests>\/<seconds>.*e\.g\. 600\/60.*got "100"/],
    [['serve', '--rate-limit', '0/60'], /at least 1 request.*got "0\/60"/],
    [['serve', '--max-queued-writes', '-1'], /--max-queued-writes <n>.*expected a whole number from 0 to 1000000/],
    [['serve', '--metrics-token', ' '], /--metrics-token may not be empty/],
    [
      ['serve', '--cors-origin', 'https://app.example.com/path'],
      /--cors-origin <origin>.*expected an origin: http:\/\/ or https:\/\/.*got "https:\/\/app\.example\.com\/path"/,
    ],
    [['serve', '--cors-origin', 'app.example.com'], /expected an origin/],
  ];
  for (const [args, message] of cases) {
    test(args.join(' '), async () => {
      const run = await runAgentspan(args);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, message);
    });
  }

  test('tokens create on a directory with no store says to start the server first, and creates nothing', async () => {
    const dir = freshDir();
    const run = await runAgentspan(['tokens', 'create', '--data-dir', dir]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no store in .*agentspan serve --data-dir/);
    assert.equal(run.stdout, '');
    assert.equal(existsSync(dir), false);
  });

  test('a malformed DATABASE_URL is named as the culprit', async () => {
    const run = await runAgentspan(['tokens', 'create'], { DATABASE_URL: 'not a url' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /DATABASE_URL: "not a url" is not a URL/);
  });
});

describe('agentspan serve and tokens create', () => {
  test('first start bootstraps and prints the token once; tokens create works while it runs', async () => {
    const dir = freshDir();
    const first = await startServe(['--data-dir', dir]);
    try {
      assert.ok(first.firstToken, `no token in: ${first.output()}`);
      const client = new PrefactorHttpClient({ apiUrl: first.url, apiToken: first.firstToken, maxRetries: 0 });
      assert.equal(await client.validateToken(), true);

      const issued = await runAgentspan(['tokens', 'create', '--data-dir', dir]);
      assert.equal(issued.code, 0, issued.stderr);
      const token = issued.stdout.trim();
      assert.equal(issued.stdout, `${token}\n`, 'the token alone on stdout');
      const second = new PrefactorHttpClient({ apiUrl: first.url, apiToken: token, maxRetries: 0 });
      const instance = await second.agentInstances.register({ agent_version: { name: 'v' }, agent_schema_version: {} });
      assert.equal(instance.status, 'pending');

      const accountWide = await runAgentspan(['tokens', 'create', '--data-dir', dir, '--scope', 'account']);
      assert.equal(accountWide.code, 0, accountWide.stderr);
      const third = new PrefactorHttpClient({ apiUrl: first.url, apiToken: accountWide.stdout.trim(), maxRetries: 0 });
      assert.equal((await third.agentInstances.get(instance.id)).id, instance.id);

      const stranger = new PrefactorHttpClient({ apiUrl: first.url, apiToken: 'as_not-a-token', maxRetries: 0 });
      await assert.rejects(stranger.agentInstances.get(instance.id), PrefactorAuthError);
      await Promise.all([client.close(), second.close(), third.close(), stranger.close()]);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    const again = await startServe(['--data-dir', dir]);
    try {
      assert.equal(again.firstToken, undefined, 'the token is printed on the first start only');
      assert.match(again.output(), /agentspan tokens create --data-dir/);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });
});

test('agentspan demo runs a scripted agent and prints its span tree', async () => {
  const run = await runAgentspan(['demo']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /agent instance \S+: complete/);
  assert.match(run.stdout, /└─ ✓ Agent run \[complete, \d+ ms\] — Who maintains the SQLite project\?/);
  assert.match(run.stdout, /├─ ✗ Tool call \[failed, \d+ ms\] — fetch_page\(https:\/\/sqlite.org\)/);
  assert.match(run.stdout, /spans: 5 total, 4 complete, 1 failed, 0 open/);
  // Scores by the rule: 12, 2·12 + 16, 3·12 + 2·16, 2·12 + 16 + 3·27.
  assert.match(
    run.stdout,
    /governed agent support-agent under risk profile "Customer data": runs scored low 12, medium 40, high 68, critical 121, not assessed/,
  );
  assert.match(
    run.stdout,
    /viewer: run agentspan demo --keep to open this run at http:\/\/127\.0\.0\.1:\d+\/instances\/\S+ \(the server stops now\)/,
  );
  const dir = /SQLite in (\S+)/.exec(run.stdout)?.[1];
  assert.ok(dir && !existsSync(dir), 'the temporary store is removed');
});
