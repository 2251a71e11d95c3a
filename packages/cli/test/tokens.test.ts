import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

const ping = (server: ServeProcess, token: string) =>
  fetch(`${server.url}/api/v1/ping`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

const listJson = async (args: string[]) => {
  const run = await runAgentspan(['tokens', 'list', '--json', ...args]);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('agentspan tokens list and revoke on SQLite, while the server runs', () => {
  let dir: string;
  let server: ServeProcess;
  let first: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-tokens-'));
    server = await startServe(['--data-dir', dir]);
    first = server.firstToken!;
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('lists id, scope, created and last used, never the secret or its hash; last used is set by a request', async () => {
    const created = await runAgentspan(['tokens', 'create', '--data-dir', dir, '--scope', 'account']);
    assert.equal(created.code, 0, created.stderr);
    const second = created.stdout.trim();
    let tokens = await listJson(['--data-dir', dir]);
    assert.equal(tokens.length, 2);
    assert.deepEqual(
      tokens.map((t) => t.scope),
      ['deployment', 'account'],
    );
    assert.deepEqual(Object.keys(tokens[0]!).sort(), ['account_id', 'created_at', 'deployment_id', 'id', 'last_used_at', 'scope']);
    assert.equal(tokens[1]!.last_used_at, null);

    assert.equal(await ping(server, second), 200);
    tokens = await listJson(['--data-dir', dir]);
    const used = tokens[1]!.last_used_at;
    assert.ok(typeof used === 'string', 'the used token has a last_used_at');
    assert.ok(Date.now() - Date.parse(used) < 60_000, used);

    const table = await runAgentspan(['tokens', 'list', '--data-dir', dir]);
    assert.match(table.stdout, /ID\s+SCOPE\s+DEPLOYMENT\s+CREATED \(UTC\)\s+LAST USED \(UTC\)/);
    assert.match(table.stdout, new RegExp(`${tokens[1]!.id as string}\\s+account\\s+-\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d{4}`));
    for (const output of [table.stdout, JSON.stringify(tokens)]) {
      for (const secret of [first, second]) assert.equal(output.includes(secret), false);
      assert.doesNotMatch(output, /[0-9a-f]{64}/, 'no token hash either');
    }
  });

  it('revokes a token the running server has cached: its next request is refused at once', async () => {
    assert.equal(await ping(server, first), 200);
    const [deployment] = await listJson(['--data-dir', dir]);
    const revoked = await runAgentspan(['tokens', 'revoke', deployment!.id as string, '--data-dir', dir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked deployment-scoped token ${deployment!.id as string}`));
    assert.equal(await ping(server, first), 401);
    assert.equal(
      (await listJson(['--data-dir', dir])).some((t) => t.id === deployment!.id),
      false,
    );
  });

  it('says how to find the ids when there is no such token, and revokes nothing', async () => {
    const before = await listJson(['--data-dir', dir]);
    const run = await runAgentspan(['tokens', 'revoke', 'no-such-token', '--data-dir', dir]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /there is no token no-such-token; `agentspan tokens list` shows the ids/);
    assert.deepEqual(await listJson(['--data-dir', dir]), before);
  });
});
