import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient, PrefactorValidationError } from '@agentspan/client';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';

const stored = (server: Server, accountId: string) => server.store.read((tx) => tx.listModelPrices(accountId));

for (const engine of ENGINES) {
  describe(`model prices (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('lists the shipped table with each entry’s source, match ids and note', async () => {
      const account = await newAccount(server);
      const list = await call(server, account.accountToken, 'GET', '/api/v1/model_prices');
      assert.equal(list.status, 200, list.text);
      const models = list.body.details.map((entry: { model: string }) => entry.model);
      assert.deepEqual(models, [...models].sort(), 'by model id');
      const sonnet = list.body.details.find((entry: { model: string }) => entry.model === 'claude-3-5-sonnet');
      assert.deepEqual(
        { ...sonnet, note: typeof sonnet.note },
        {
          type: 'model_price',
          model: 'claude-3-5-sonnet',
          match: ['claude-3-5-sonnet'],
          input: 3,
          output: 15,
          cache_read: 0.3,
          cache_write: 3.75,
          reasoning: null,
          source: 'shipped',
          note: 'string',
          overrides_shipped: false,
          updated_at: null,
        },
      );
      assert.ok(list.body.details.every((entry: { source: string }) => entry.source === 'shipped'));
    });

    it('adds a price, overrides a shipped one, and drops an override back to the shipped price', async () => {
      const account = await newAccount(server);
      const added = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/My-Fine-Tune', {
        details: { input: 0.5, output: 1.5, reasoning: null },
      });
      assert.equal(added.status, 200, added.text);
      assert.equal(added.body.reprices_history, true);
      assert.match(added.body.message, /re-prices every stored usage of the model, past runs included/);
      assert.equal(added.body.details.model, 'my-fine-tune', 'ids are kept as matched: lowercase');
      assert.deepEqual([added.body.details.source, added.body.details.overrides_shipped], ['account', false]);
      assert.deepEqual([added.body.details.cache_read, added.body.details.reasoning], [null, null]);

      const override = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/gpt-4o', {
        details: { input: 2, output: 9, cache_read: 1 },
      });
      assert.equal(override.status, 200, override.text);
      assert.deepEqual(
        [override.body.details.source, override.body.details.overrides_shipped, override.body.details.match],
        ['account', true, ['gpt-4o', 'chatgpt-4o-latest']],
      );
      const again = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/gpt-4o', { details: { input: 2.2, output: 9 } });
      assert.equal(again.status, 200, again.text);
      assert.deepEqual([again.body.details.input, again.body.details.cache_read], [2.2, null], 'a set replaces all rates');

      const list = await call(server, account.accountToken, 'GET', '/api/v1/model_prices');
      const entries = list.body.details.filter((entry: { model: string }) => entry.model === 'gpt-4o' || entry.model === 'my-fine-tune');
      assert.deepEqual(
        entries.map((entry: { model: string; source: string; input: number }) => [entry.model, entry.source, entry.input]),
        [
          ['gpt-4o', 'account', 2.2],
          ['my-fine-tune', 'account', 0.5],
        ],
        'the override replaces the shipped entry; the shipped one is not listed beside it',
      );
      const rows = await stored(server, account.accountId);
      assert.deepEqual(
        rows.map((row) => [row.model, JSON.parse(row.prices_json)]),
        [
          ['gpt-4o', { input: 2.2, output: 9 }],
          ['my-fine-tune', { input: 0.5, output: 1.5 }],
        ],
      );
      assert.equal(rows[0]!.inserted_at <= rows[0]!.updated_at, true);

      const other = await newAccount(server);
      const otherList = await call(server, other.accountToken, 'GET', '/api/v1/model_prices');
      const otherGpt = otherList.body.details.find((entry: { model: string }) => entry.model === 'gpt-4o');
      assert.deepEqual([otherGpt.source, otherGpt.input], ['shipped', 2.5], 'another account keeps the shipped price');

      const dropped = await call(server, account.accountToken, 'DELETE', '/api/v1/model_prices/gpt-4o');
      assert.equal(dropped.status, 200, dropped.text);
      assert.deepEqual([dropped.body.details.source, dropped.body.details.input, dropped.body.reprices_history], ['shipped', 2.5, true]);
      const gone = await call(server, account.accountToken, 'DELETE', '/api/v1/model_prices/my-fine-tune');
      assert.equal(gone.status, 200, gone.text);
      assert.equal(gone.body.details, null, 'a model with no price left is unpriced');
      const missing = await call(server, account.accountToken, 'DELETE', '/api/v1/model_prices/gpt-4o');
      assert.equal(missing.status, 404, missing.text);
      assert.deepEqual(await stored(server, account.accountId), []);
    });

    it('takes a model id with a slash when it is URL-encoded', async () => {
      const account = await newAccount(server);
      const set = await call(server, account.accountToken, 'PUT', `/api/v1/model_prices/${encodeURIComponent('acme/llm-7b')}`, {
        details: { input: 0.1, output: 0.2 },
      });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.body.details.model, 'acme/llm-7b');
    });

    it('replays a set with the same idempotency key', async () => {
      const account = await newAccount(server);
      const body = { details: { input: 1, output: 2 }, idempotency_key: 'price-1' };
      const first = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/m1', body);
      const replay = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/m1', body);
      assert.equal(replay.status, 200, replay.text);
      assert.deepEqual(replay.body, first.body);
    });

    it('refuses wrong prices with 422 naming the field, storing nothing', async () => {
      const account = await newAccount(server);
      await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/kept', { details: { input: 1, output: 2 } });
      const before = await stored(server, account.accountId);
      const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
        ['negative input', { input: -1, output: 2 }, 'details.input', />= 0/],
        ['text output', { input: 1, output: '2' }, 'details.output', /number/],
        ['negative cache read', { input: 1, output: 2, cache_read: -0.1 }, 'details.cache_read', />= 0/],
        ['text reasoning', { input: 1, output: 2, reasoning: 'lots' }, 'details.reasoning', /number/],
        ['missing output', { input: 1 }, 'details.output', /required|missing/i],
        ['absurd cache write', { input: 1, output: 2, cache_write: 1e9 }, 'details.cache_write', /<= 100000/],
      ];
      for (const [what, details, field, message] of cases) {
        const refused = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/kept', { details });
        assert.equal(refused.status, 422, `${what}: ${refused.text}`);
        assert.ok(Object.keys(refused.body.errors).includes(field), `${what}: ${refused.text}`);
        assert.match(refused.body.errors[field].join(' '), message, what);
      }
      const blank = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/%20', { details: { input: 1, output: 2 } });
      assert.equal(blank.status, 422, blank.text);
      assert.ok(blank.body.errors.model, blank.text);
      const spaced = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/gpt%204o', { details: { input: 1, output: 2 } });
      assert.equal(spaced.status, 422, spaced.text);
      assert.match(spaced.body.errors.model.join(' '), /must not contain spaces/);
      assert.deepEqual(await stored(server, account.accountId), before);
    });

    it('is managed through the client: list, set, delete', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => client.close());
      const set = await client.modelPrices.set('openrouter/acme-7b', { input: 0.2, output: 0.4, cache_read: null });
      assert.deepEqual([set.details.model, set.details.cache_read, set.reprices_history], ['openrouter/acme-7b', null, true]);
      assert.match(set.message, /re-prices/);
      const listed = (await client.modelPrices.list()).find((entry) => entry.model === 'openrouter/acme-7b');
      assert.deepEqual(listed, set.details);
      await assert.rejects(
        client.modelPrices.set('acme', { input: -1, output: 1 }),
        (error: unknown) => error instanceof PrefactorValidationError && error.errors?.['details.input'] !== undefined,
      );
      const dropped = await client.modelPrices.delete('openrouter/acme-7b');
      assert.deepEqual([dropped.details, dropped.reprices_history], [null, true]);
      assert.deepEqual(await stored(server, account.accountId), []);
    });

    it('needs an account-scoped token for every call', async () => {
      const account = await newAccount(server);
      await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/kept', { details: { input: 1, output: 2 } });
      const before = await stored(server, account.accountId);
      for (const [method, url, body] of [
        ['GET', '/api/v1/model_prices', undefined],
        ['PUT', '/api/v1/model_prices/kept', { details: { input: 0, output: 0 } }],
        ['DELETE', '/api/v1/model_prices/kept', undefined],
      ] as const) {
        const refused = await call(server, account.token, method, url, body);
        assert.equal(refused.status, 403, `${method} ${url}: ${refused.text}`);
        assert.match(refused.body.message, /needs an account-scoped token; this token is scoped to one deployment$/);
      }
      assert.deepEqual(await stored(server, account.accountId), before);
    });
  });
}
