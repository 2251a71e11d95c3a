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
    assert.deepEqual(Object.keys(tokens[0]!).sort(), [
      'account_id',
      'created_at',
      'deployment_id',
      'expires_at',
      'id',
      'last_used_at',
      'scope',
      'status',
    ]);
    assert.deepEqual([tokens[1]!.status, tokens[1]!.expires_at], ['active', null]);
    assert.equal(tokens[1]!.last_used_at, null);

    assert.equal(await ping(server, second), 200);
    tokens = await listJson(['--data-dir', dir]);
    const used = tokens[1]!.last_used_at;
    assert.ok(typeof used === 'string', 'the used token has a last_used_at');
    assert.ok(Date.now() - Date.parse(used) < 60_000, used);

    const table = await runAgentspan(['tokens', 'list', '--data-dir', dir]);
    assert.match(table.stdout, /ID\s+SCOPE\s+DEPLOYMENT\s+STATUS\s+EXPIRES \(UTC\)\s+CREATED \(UTC\)\s+LAST USED \(UTC\)/);
    assert.match(
      table.stdout,
      new RegExp(`${tokens[1]!.id as string}\\s+account\\s+-\\s+active\\s+never\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d{4}`),
    );
    for (const output of [table.stdout, JSON.stringify(tokens)]) {
      for (const secret of [first, second]) assert.equal(output.includes(secret), false);
      assert.doesNotMatch(output, /[0-9a-f]{64}/, 'no token hash either');
    }
  });

  it('suspends and activates a token the running server has cached, at once; creates tokens that expire', async () => {
    const created = await runAgentspan(['tokens', 'create', '--data-dir', dir, '--scope', 'account', '--expires-in', '30d']);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.equal(await ping(server, token), 200);
    const listedToken = (await listJson(['--data-dir', dir])).at(-1)!;
    const expires = Date.parse(listedToken.expires_at as string) - Date.now();
    assert.ok(expires > 29 * 86_400_000 && expires <= 30 * 86_400_000, String(listedToken.expires_at));
    const id = listedToken.id as string;
    const suspended = await runAgentspan(['tokens', 'suspend', id, '--data-dir', dir]);
    assert.equal(suspended.code, 0, suspended.stderr);
    assert.match(suspended.stdout, new RegExp(`suspended account-scoped token ${id}`));
    assert.equal(await ping(server, token), 401);
    assert.equal((await listJson(['--data-dir', dir])).at(-1)!.status, 'suspended');
    const activated = await runAgentspan(['tokens', 'activate', id, '--data-dir', dir]);
    assert.equal(activated.code, 0, activated.stderr);
    assert.equal(await ping(server, token), 200);

    const past = await runAgentspan(['tokens', 'create', '--data-dir', dir, '--expires-at', '2001-01-01T00:00:00Z']);
    assert.equal(past.code, 1);
    assert.match(past.stderr, /is past; give a future time/);
    const wrong = await runAgentspan(['tokens', 'create', '--data-dir', dir, '--expires-in', 'soon']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /expected a duration such as 90m, 12h or 30d/);
  });

  it('revokes a token the running server has cached: its next request is refused at once, for good', async () => {
    assert.equal(await ping(server, first), 200);
    const [deployment] = await listJson(['--data-dir', dir]);
    const revoked = await runAgentspan(['tokens', 'revoke', deployment!.id as string, '--data-dir', dir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked deployment-scoped token ${deployment!.id as string}`));
    assert.equal(await ping(server, first), 401);
    assert.equal((await listJson(['--data-dir', dir])).find((t) => t.id === deployment!.id)!.status, 'revoked');
    const activate = await runAgentspan(['tokens', 'activate', deployment!.id as string, '--data-dir', dir]);
    assert.equal(activate.code, 1);
    assert.match(activate.stderr, /was revoked, which is final/);
    const deleted = await runAgentspan(['tokens', 'delete', deployment!.id as string, '--data-dir', dir]);
    assert.equal(deleted.code, 0, deleted.stderr);
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
