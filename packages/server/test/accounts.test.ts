import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';

const FORBIDDEN = 'needs an account-scoped token; this token is scoped to one deployment';

const accountRow = (server: Server, id: string) => server.store.read((tx) => tx.getAccount(id));

for (const engine of ENGINES) {
  describe(`account (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('lists the caller’s account where the CLI and the dashboard read it', async () => {
      const account = await newAccount(server);
      // CLI clients/account.ts: `this.client.request('/account', { method: 'GET' })`
      const listed = await call(server, account.accountToken, 'GET', '/api/v1/account');
      assert.equal(listed.status, 200, listed.text);
      const row = await accountRow(server, account.accountId);
      const view = { type: 'account', id: account.accountId, name: 'account', inserted_at: row!.inserted_at };
      assert.deepEqual(listed.body.summaries, [view]);
      assert.equal(listed.body.status, 'success');
      assert.deepEqual(listed.body.pagination, {
        item_count: 1,
        item_start: 1,
        item_end: 1,
        page_count: 1,
        page_index: 1,
        page_offset: 0,
        page_size: 100,
        next_page_offset: null,
        previous_page_offset: null,
      });
      // Dashboard server/sync.mjs: `const accountId = acct.details?.id ?? acct.summaries?.[0]?.id ?? null;`
      const acct = listed.body as { details?: { id?: string }; summaries?: Array<{ id: string }> };
      assert.equal(acct.details?.id ?? acct.summaries?.[0]?.id ?? null, account.accountId);
      // CLI commands/setup.ts: `return response.details ?? response.summaries ?? [];`, then `accounts[0]`
      const items = (listed.body as { details?: Array<{ id: string }>; summaries?: Array<{ id: string }> }).details ?? acct.summaries ?? [];
      assert.equal(items[0]?.id, account.accountId);

      // CLI clients/account.ts: `this.client.request(`/account/${id}`, { method: 'GET' })`
      const one = await call(server, account.accountToken, 'GET', `/api/v1/account/${account.accountId}`);
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(one.body, { status: 'success', details: view });
    });

    it('renames the account with the CLI’s body, and replays a repeated key', async () => {
      const account = await newAccount(server);
      // CLI clients/account.ts: `method: 'PUT', body: { details }` with `{ name: options.name }`
      const renamed = await call(server, account.accountToken, 'PUT', `/api/v1/account/${account.accountId}`, { details: { name: 'Acme' } });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.body.details.name, 'Acme');
      assert.equal((await accountRow(server, account.accountId))!.name, 'Acme');
      assert.equal((await call(server, account.accountToken, 'GET', '/api/v1/account')).body.summaries[0].name, 'Acme');

      const body = { details: { name: 'Acme Ltd' }, idempotency_key: 'rename-1' };
      const first = await call(server, account.accountToken, 'PUT', `/api/v1/account/${account.accountId}`, body);
      const replay = await call(server, account.accountToken, 'PUT', `/api/v1/account/${account.accountId}`, body);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, first.body);
    });

    it('refuses a deployment token, another account, a bad name and bad list parameters, changing nothing', async () => {
      const account = await newAccount(server);
      const other = await newAccount(server);
      const before = await accountRow(server, account.accountId);

      for (const [method, path, body] of [
        ['GET', '/api/v1/account', undefined],
        ['GET', `/api/v1/account/${account.accountId}`, undefined],
        ['PUT', `/api/v1/account/${account.accountId}`, { details: { name: 'Taken over' } }],
      ] as const) {
        const refused = await call(server, account.token, method, path, body);
        assert.equal(refused.status, 403, `${method} ${path}: ${refused.text}`);
        assert.equal(refused.body.code, 'forbidden');
        assert.ok(refused.body.message.includes(FORBIDDEN), refused.body.message);
      }

      for (const [method, body] of [
        ['GET', undefined],
        ['PUT', { details: { name: 'Mine now' } }],
      ] as const) {
        const unknown = await call(server, account.accountToken, method, `/api/v1/account/${other.accountId}`, body);
        assert.equal(unknown.status, 404, unknown.text);
        assert.equal(unknown.body.message, `account ${other.accountId} was not found`);
      }

      const empty = await call(server, account.accountToken, 'PUT', `/api/v1/account/${account.accountId}`, { details: { name: '' } });
      assert.equal(empty.status, 422, empty.text);
      assert.deepEqual(Object.keys(empty.body.errors), ['details.name']);
      const long = await call(server, account.accountToken, 'PUT', `/api/v1/account/${account.accountId}`, { details: { name: 'x'.repeat(201) } });
      assert.equal(long.status, 422, long.text);
      assert.match(long.body.message, /details\.name must be at most 200 characters long \(got 201\)/);
      const none = await call(server, account.accountToken, 'PUT', `/api/v1/account/${account.accountId}`, { details: {} });
      assert.equal(none.status, 422, none.text);
      assert.deepEqual(none.body.errors, { 'details.name': ['is required'] });

      const badPage = await call(server, account.accountToken, 'GET', '/api/v1/account?pagination[page_size]=101');
      assert.equal(badPage.status, 422, badPage.text);
      assert.ok(badPage.body.errors['pagination[page_size]'], badPage.text);

      assert.deepEqual(await accountRow(server, account.accountId), before);
      assert.equal((await accountRow(server, other.accountId))!.name, 'account');
    });
  });
}
