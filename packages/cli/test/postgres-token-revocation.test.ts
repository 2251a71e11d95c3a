import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { call, type Server } from '../../server/test/harness.js';
import { describePostgres, dropSchema, freshSchema, withClient } from '../../server/test/postgres-database.js';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

const at = (process: ServeProcess) => ({ url: process.url }) as Server;

describePostgres('token revocation across agentspan serve processes on one PostgreSQL', (url) => {
  let schema: string;
  let schemaUrl: string;
  let servers: ServeProcess[] = [];
  let deploymentToken: string;
  let accountToken: string;

  const pingAll = (token: string) => Promise.all(servers.map(async (s) => (await call(at(s), token, 'GET', '/api/v1/ping')).status));
  const newToken = async (scope: string) => {
    const run = await runAgentspan(['tokens', 'create', '--database-url', schemaUrl, '--scope', scope]);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim();
  };
  const tokenIds = async () => {
    const run = await runAgentspan(['tokens', 'list', '--json', '--database-url', schemaUrl]);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; scope: string; status: string; last_used_at: string | null });
  };

  before(async () => {
    schema = await freshSchema(url);
    await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
    schemaUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    servers = [await startServe(['--database-url', schemaUrl, '--pool-size', '2'])];
    servers.push(await startServe(['--database-url', schemaUrl, '--pool-size', '2']));
    deploymentToken = servers[0]!.firstToken!;
    accountToken = await newToken('account');
  });

  after(async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    if (schema) await dropSchema(url, schema);
  });

  it('refuses a revoked token at once on both processes, though both had it cached', async () => {
    const token = await newToken('account');
    assert.deepEqual(await pingAll(token), [200, 200]);
    const listed = await tokenIds();
    assert.equal(listed.length, 3);
    const id = listed[2]!.id;
    assert.ok(listed[2]!.last_used_at, 'the pings stamped its last use');
    const revoked = await runAgentspan(['tokens', 'revoke', id, '--database-url', schemaUrl]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(await pingAll(token), [401, 401]);
    assert.deepEqual(await pingAll(accountToken), [200, 200], 'other tokens still work');
    assert.equal((await tokenIds()).find((t) => t.id === id)?.status, 'revoked');
  });

  it("refuses a deleted agent's deployment token on the other process too", async () => {
    assert.deepEqual(await pingAll(deploymentToken), [200, 200]);
    const agents = await call(at(servers[0]!), accountToken, 'GET', '/api/v1/agent');
    assert.equal(agents.status, 200, agents.text);
    const agentId = agents.body.summaries[0].id;
    const deleted = await call(at(servers[0]!), accountToken, 'DELETE', `/api/v1/agent/${agentId}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(await pingAll(deploymentToken), [401, 401]);
  });
});
