import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrefactorApiError, PrefactorAuthError, PrefactorHttpClient } from '@agentspan/client';
import { exportLines } from '../src/domain/transfer/export-rows.js';
import { importFile } from '../src/domain/transfer/import-rows.js';
import { buildApp, openPostgresStore, openSqliteStore, type Store } from '../src/index.js';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from './postgres-database.js';

const ping = async (server: Server, token: string) => {
  const reply = await call(server, token, 'GET', '/api/v1/ping');
  return { status: reply.status, message: reply.body?.message as string | undefined };
};

/** What a refused request must leave as it was: the account's tokens (but when each was last used) and deployments. */
const stored = (server: Server, accountId: string) =>
  server.store.read(async (tx) => ({
    tokens: (await tx.listAccountTokens(accountId)).map(({ last_used_at: _used, ...token }) => token),
    deployments: await tx.listDeployments(accountId),
  }));

// CLI clients/api-token.ts create: `request('/api_token', { method: 'POST', body: { details } })`, then
// `{ details: { ...response.details, token: response.token } }`; details `{token_scope, account_id?, agent_id?, environment_id?, expires_at?}`.
async function created(server: Server, account: Account, details: Record<string, unknown>, token = account.accountToken) {
  const reply = await call(server, token, 'POST', '/api/v1/api_token', { details });
  if (reply.status !== 201) throw new Error(`create api_token failed: ${reply.status} ${reply.text}`);
  return reply.body as { status: string; token: string; details: Record<string, unknown> & { id: string } };
}

async function newAgent(server: Server, account: Account): Promise<string> {
  const reply = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: `agent-${Math.random()}` } });
  if (reply.status !== 201 && reply.status !== 200) throw new Error(`create agent failed: ${reply.status} ${reply.text}`);
  return reply.body.details.id as string;
}

const action = (server: Server, token: string, id: string, verb: string) => call(server, token, 'POST', `/api/v1/api_token/${id}/${verb}`, {});

for (const engine of ENGINES) {
  describe(`api_token (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates account and agent_deployment tokens with the CLI’s shapes, shows the secret once, and each works', async () => {
      const account = await newAccount(server);
      const account2 = await created(server, account, { token_scope: 'account', account_id: account.accountId });
      assert.equal(account2.status, 'success');
      assert.match(account2.token, /^as_/);
      assert.deepEqual(
        { ...account2.details, id: undefined, inserted_at: undefined, updated_at: undefined, created_by: undefined },
        {
          type: 'api_token',
          id: undefined,
          token_scope: 'account',
          account_id: account.accountId,
          agent_deployment_id: null,
          agent_id: null,
          environment_id: null,
          status: 'active',
          expires_at: null,
          last_used_at: null,
          created_by: undefined,
          inserted_at: undefined,
          updated_at: undefined,
        },
      );
      assert.equal(typeof account2.details.created_by, 'string', 'the creating token is recorded');
      assert.equal((await ping(server, account2.token)).status, 200);

      // CLI commands/setup.ts: `create({ token_scope: 'agent_deployment', agent_id, environment_id })`, prints `details.token`.
      const agentId = await newAgent(server, account);
      const before = await stored(server, account.accountId);
      const forAgent = await created(server, account, {
        token_scope: 'agent_deployment',
        agent_id: agentId,
        environment_id: account.environmentId,
      });
      const after = await stored(server, account.accountId);
      assert.equal(after.deployments.length, before.deployments.length + 1, 'the missing deployment was made');
      const deployment = after.deployments.find((d) => d.agent_id === agentId)!;
      assert.equal(forAgent.details.token_scope, 'agent_deployment');
      assert.equal(forAgent.details.agent_deployment_id, deployment.id);
      assert.equal(forAgent.details.agent_id, agentId);
      assert.equal(forAgent.details.environment_id, account.environmentId);
      const registered = await call(server, forAgent.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: AGENT_VERSION,
        agent_schema_version: SCHEMA_VERSION,
      });
      assert.equal(registered.status, 201, registered.text);
      assert.equal(registered.body.details.agent_id, agentId);

      // A second token for the same agent and environment shares the deployment.
      const again = await created(server, account, { token_scope: 'agent_deployment', agent_id: agentId, environment_id: account.environmentId });
      assert.equal(again.details.agent_deployment_id, deployment.id);

      // CLI clients/api-token.ts retrieve: `request(`/api_token/${id}`, { method: 'GET' })`
      const read = await call(server, account.accountToken, 'GET', `/api/v1/api_token/${forAgent.details.id}`);
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body.details, { ...forAgent.details, last_used_at: read.body.details.last_used_at });
      assert.equal(read.body.token, undefined);
    });

    it('lists the account’s tokens under details, or as a page when asked; never a secret or a hash', async () => {
      const account = await newAccount(server);
      const extra = await created(server, account, { token_scope: 'account' });
      // CLI clients/api-token.ts list: `request('/api_token', { method: 'GET', query: { account_id } })`
      const listed = await call(server, account.accountToken, 'GET', `/api/v1/api_token?account_id=${account.accountId}`);
      assert.equal(listed.status, 200, listed.text);
      const tokens = listed.body.details as Array<{ id: string; token_scope: string; status: string }>;
      assert.deepEqual(
        tokens.map((t) => [t.token_scope, t.status]),
        [
          ['agent_deployment', 'active'],
          ['account', 'active'],
          ['account', 'active'],
        ],
      );
      for (const secret of [account.token, account.accountToken, extra.token]) assert.equal(listed.text.includes(secret), false);
      assert.doesNotMatch(listed.text, /[0-9a-f]{64}/, 'no hash either');

      const page = await call(server, account.accountToken, 'GET', '/api/v1/api_token?pagination[page_size]=2&sorting[direction]=desc');
      assert.equal(page.status, 200, page.text);
      assert.deepEqual(
        page.body.summaries.map((t: { id: string }) => t.id),
        [tokens[2]!.id, tokens[1]!.id],
      );
      assert.equal(page.body.pagination.item_count, 3);

      const other = await call(server, account.accountToken, 'GET', '/api/v1/api_token?account_id=someone-else');
      assert.equal(other.status, 422, other.text);
      assert.ok(other.body.errors.account_id);
    });

    it('refuses an expired token with its own message, and past times at create', async () => {
      const account = await newAccount(server);
      const soon = new Date(Date.now() + 1500).toISOString();
      const short = await created(server, account, { token_scope: 'account', expires_at: soon });
      assert.equal((await ping(server, short.token)).status, 200, 'cached before it expires');
      await new Promise((resolve) => setTimeout(resolve, 1700));
      const refused = await ping(server, short.token);
      assert.equal(refused.status, 401);
      assert.match(refused.message!, /expired at/);
      const unknown = await ping(server, 'as_nothing');
      assert.match(unknown.message!, /unknown token/);
      const read = await call(server, account.accountToken, 'GET', `/api/v1/api_token/${short.details.id}`);
      assert.equal(read.body.details.status, 'expired');
      const activate = await action(server, account.accountToken, short.details.id, 'activate');
      assert.equal(activate.status, 409, activate.text);
    });

    it('suspends (401 saying so), activates (works again), revokes (401 for good) and deletes', async () => {
      const account = await newAccount(server);
      const token = await created(server, account, { token_scope: 'account' });
      const id = token.details.id;
      assert.equal((await ping(server, token.token)).status, 200);

      // CLI clients/api-token.ts suspend: `request(`/api_token/${id}/suspend`, { method: 'POST', body: {} })`
      const suspended = await action(server, account.accountToken, id, 'suspend');
      assert.equal(suspended.status, 200, suspended.text);
      assert.equal(suspended.body.details.status, 'suspended');
      const refused = await ping(server, token.token);
      assert.equal(refused.status, 401);
      assert.match(refused.message!, /is suspended.*activate/);

      const activated = await action(server, account.accountToken, id, 'activate');
      assert.equal(activated.status, 200, activated.text);
      assert.equal(activated.body.details.status, 'active');
      assert.equal((await ping(server, token.token)).status, 200);

      const revoked = await action(server, account.accountToken, id, 'revoke');
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(revoked.body.details.status, 'revoked');
      const gone = await ping(server, token.token);
      assert.equal(gone.status, 401);
      assert.match(gone.message!, /was revoked/);
      for (const verb of ['activate', 'suspend']) {
        const refusedAction = await action(server, account.accountToken, id, verb);
        assert.equal(refusedAction.status, 409, refusedAction.text);
        assert.match(refusedAction.body.message, /revoked, which is final/);
      }

      // CLI clients/api-token.ts delete: `request(`/api_token/${id}`, { method: 'DELETE' })`
      const deleted = await call(server, account.accountToken, 'DELETE', `/api/v1/api_token/${id}`);
      assert.equal(deleted.status, 200, deleted.text);
      assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/api_token/${id}`)).status, 404);
      assert.match((await ping(server, token.token)).message!, /unknown token/);
    });

    it('will not take the last usable account-scoped token out of use', async () => {
      const account = await newAccount(server);
      const self = (await stored(server, account.accountId)).tokens.find((t) => t.scope === 'account')!;
      const before = await stored(server, account.accountId);
      for (const request of [
        () => action(server, account.accountToken, self.id, 'suspend'),
        () => action(server, account.accountToken, self.id, 'revoke'),
        () => call(server, account.accountToken, 'DELETE', `/api/v1/api_token/${self.id}`),
      ]) {
        const reply = await request();
        assert.equal(reply.status, 409, reply.text);
        assert.match(reply.body.message, /last usable account-scoped token.*Create another/);
      }
      assert.deepEqual(await stored(server, account.accountId), before);
      const other = await created(server, account, { token_scope: 'account' });
      const suspended = await action(server, other.token, self.id, 'suspend');
      assert.equal(suspended.status, 200, suspended.text);
    });

    it('answers a replayed create 409 naming the token, never the secret again', async () => {
      const account = await newAccount(server);
      const body = { details: { token_scope: 'account' }, idempotency_key: 'token-once-1' };
      const first = await call(server, account.accountToken, 'POST', '/api/v1/api_token', body);
      assert.equal(first.status, 201, first.text);
      const replay = await call(server, account.accountToken, 'POST', '/api/v1/api_token', body);
      assert.equal(replay.status, 409, replay.text);
      assert.match(replay.body.message, new RegExp(`already created token ${first.body.details.id as string}.*shown once`));
      assert.equal(replay.text.includes(first.body.token as string), false);
      assert.equal((await stored(server, account.accountId)).tokens.length, 3);
      const ledger = await server.store.read((tx) => tx.getIdempotency(account.accountId, 'api_tokens/create', 'token-once-1'));
      assert.equal(ledger!.response_json.includes(first.body.token as string), false, 'the ledger keeps no secret');
    });

    it('refuses a deployment token on every api_token route, changing nothing', async () => {
      const account = await newAccount(server);
      const target = (await stored(server, account.accountId)).tokens[1]!.id;
      const before = await stored(server, account.accountId);
      for (const [method, path, body] of [
        ['GET', '/api/v1/api_token', undefined],
        ['POST', '/api/v1/api_token', { details: { token_scope: 'account' } }],
        ['GET', `/api/v1/api_token/${target}`, undefined],
        ['DELETE', `/api/v1/api_token/${target}`, undefined],
        ['POST', `/api/v1/api_token/${target}/suspend`, {}],
        ['POST', `/api/v1/api_token/${target}/activate`, {}],
        ['POST', `/api/v1/api_token/${target}/revoke`, {}],
      ] as const) {
        const reply = await call(server, account.token, method, path, body);
        assert.equal(reply.status, 403, `${method} ${path}: ${reply.text}`);
        assert.match(reply.body.message, /needs an account-scoped token/);
      }
      assert.deepEqual(await stored(server, account.accountId), before);
    });

    it('is reached through @agentspan/client: create, get, list, suspend, activate, revoke, delete', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => client.close());
      const created = await client.apiTokens.create({
        token_scope: 'agent_deployment',
        agent_id: account.agentId,
        environment_id: account.environmentId,
      });
      assert.match(created.token, /^as_/);
      assert.equal(created.details.agent_id, account.agentId);
      assert.deepEqual(await client.apiTokens.get(created.details.id), created.details);
      assert.deepEqual((await client.apiTokens.list()).map((token) => token.id).at(-1), created.details.id);
      assert.deepEqual(
        (await client.apiTokens.list({ page_size: 1, sorting: { direction: 'desc' } })).map((token) => token.id),
        [created.details.id],
      );
      assert.equal((await client.apiTokens.suspend(created.details.id)).status, 'suspended');
      const agentClient = new PrefactorHttpClient({ apiUrl: server.url, apiToken: created.token, maxRetries: 0 });
      t.after(() => agentClient.close());
      await assert.rejects(agentClient.agents.list(), (error: unknown) => error instanceof PrefactorAuthError && /suspended/.test(error.message));
      assert.equal((await client.apiTokens.activate(created.details.id)).status, 'active');
      assert.equal((await client.apiTokens.revoke(created.details.id)).status, 'revoked');
      await assert.rejects(
        client.apiTokens.activate(created.details.id),
        (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409,
      );
      assert.equal((await client.apiTokens.delete(created.details.id)).id, created.details.id);
      await assert.rejects(
        client.apiTokens.get(created.details.id),
        (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 404,
      );
    });

    it('exports and imports a token’s status, expiry and creator; a file made before them reads as active', async () => {
      const account = await newAccount(server);
      const expiresAt = '2099-01-01T00:00:00.000000Z';
      const made = await created(server, account, { token_scope: 'account', expires_at: expiresAt });
      assert.equal((await action(server, account.accountToken, made.details.id, 'suspend')).status, 200);
      let text = '';
      for await (const chunk of exportLines(server.store, {})) text += chunk;
      const line = text.split('\n').find((l) => l.includes(`"id":"${made.details.id}"`))!;
      const row = JSON.parse(line) as Record<string, unknown>;
      assert.deepEqual([row.status, row.expires_at, row.created_by], ['suspended', expiresAt, made.details.created_by]);
      assert.equal(text.includes(made.token), false);
      const older = text
        .split('\n')
        .map((l) => {
          if (l !== line) return l;
          const { status: _s, expires_at: _e, created_by: _c, updated_at: _u, ...rest } = JSON.parse(l) as Record<string, unknown>;
          return JSON.stringify(rest);
        })
        .join('\n');
      const dir = await mkdtemp(join(tmpdir(), 'agentspan-token-transfer-'));
      const { store, cleanup } = await engine.open();
      try {
        await writeFile(join(dir, 'older.ndjson'), older);
        await importFile(store, join(dir, 'older.ndjson'));
        const imported = await store.read((tx) => tx.getToken(account.accountId, made.details.id));
        assert.deepEqual(
          [imported!.status, imported!.expires_at, imported!.created_by, imported!.updated_at],
          ['active', null, null, imported!.inserted_at],
        );
      } finally {
        await cleanup();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('refuses wrong inputs with 422 naming the field, storing nothing', async () => {
      const account = await newAccount(server);
      const agentId = await newAgent(server, account);
      const before = await stored(server, account.accountId);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ token_scope: 'everything' }, 'details.token_scope'],
        [{ token_scope: 'agent_deployment', environment_id: account.environmentId }, 'details.agent_id'],
        [{ token_scope: 'agent_deployment', agent_id: agentId }, 'details.environment_id'],
        [{ token_scope: 'agent_deployment', agent_id: 'no-such-agent', environment_id: account.environmentId }, 'details.agent_id'],
        [{ token_scope: 'agent_deployment', agent_id: agentId, environment_id: 'no-such-env' }, 'details.environment_id'],
        [{ token_scope: 'account', agent_id: agentId }, 'details.agent_id'],
        [{ token_scope: 'account', expires_at: '2001-01-01T00:00:00Z' }, 'details.expires_at'],
        [{ token_scope: 'account', expires_at: 'tomorrow' }, 'details.expires_at'],
        [{ token_scope: 'account', account_id: 'another-account' }, 'details.account_id'],
      ];
      for (const [details, field] of cases) {
        const reply = await call(server, account.accountToken, 'POST', '/api/v1/api_token', { details });
        assert.equal(reply.status, 422, `${JSON.stringify(details)}: ${reply.text}`);
        assert.ok(reply.body.errors?.[field], `${JSON.stringify(details)} names ${field}: ${reply.text}`);
      }
      assert.deepEqual(await stored(server, account.accountId), before);
      assert.equal((await action(server, account.accountToken, 'no-such-token', 'suspend')).status, 404);
    });
  });
}

/** Two apps on one store location, as two server processes would share it. */
interface Pair {
  a: Server;
  b: Server;
  close(): Promise<void>;
}

async function serve(store: Store): Promise<Server> {
  const app = buildApp({ store });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, store, app, close: () => app.close() };
}

async function pairOf(open: () => Promise<Store>, cleanup: () => Promise<void>): Promise<Pair> {
  const stores = [await open(), await open()];
  const [a, b] = [await serve(stores[0]!), await serve(stores[1]!)];
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      for (const store of stores) await store.close();
      await cleanup();
    },
  };
}

const PAIRS: Array<{ name: string; open(): Promise<Pair> }> = [
  {
    name: 'sqlite',
    async open() {
      const dataDir = await mkdtemp(join(tmpdir(), 'agentspan-tokens-pair-'));
      return pairOf(
        () => openSqliteStore({ dataDir }),
        () => rm(dataDir, { recursive: true, force: true }),
      );
    },
  },
];
if (TEST_DATABASE_URL) {
  const url = TEST_DATABASE_URL;
  PAIRS.push({
    name: 'postgres',
    async open() {
      const schema = await freshSchema(url);
      return pairOf(
        () => openPostgresStore({ connectionString: url, schema, poolSize: 2 }),
        () => dropSchema(url, schema),
      );
    },
  });
}

for (const engine of PAIRS) {
  describe(`api_token across two servers on one store (${engine.name})`, () => {
    let pair: Pair;
    before(async () => (pair = await engine.open()));
    after(() => pair.close());

    it('a suspend, a revoke or a delete on one is refused at once on the other, which had the token cached', async () => {
      const account = await newAccount(pair.a);
      for (const verb of ['suspend', 'revoke', 'delete']) {
        const token = await created(pair.a, account, { token_scope: 'account' });
        assert.equal((await ping(pair.b, token.token)).status, 200, 'cached on b');
        assert.equal((await ping(pair.a, token.token)).status, 200, 'cached on a');
        const reply =
          verb === 'delete'
            ? await call(pair.a, account.accountToken, 'DELETE', `/api/v1/api_token/${token.details.id}`)
            : await action(pair.a, account.accountToken, token.details.id, verb);
        assert.equal(reply.status, 200, reply.text);
        assert.equal((await ping(pair.b, token.token)).status, 401, `${verb}: refused on b at once`);
        assert.equal((await ping(pair.a, token.token)).status, 401, `${verb}: refused on a`);
        assert.equal((await ping(pair.b, account.accountToken)).status, 200, 'other tokens still work');
        if (verb === 'suspend') {
          assert.equal((await action(pair.b, account.accountToken, token.details.id, 'activate')).status, 200);
          assert.equal((await ping(pair.a, token.token)).status, 200, 'activated on b, accepted on a');
        }
      }
    });
  });
}
