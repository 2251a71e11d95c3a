import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import type { SpanUsage } from '@agentspan/protocol';
import type { Store } from '../src/index.js';
import type { ReadTx } from '../src/store/store.js';
import { ENGINES } from './engines.js';
import { createSpan, openInstance, SCHEMA_VERSION } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { ANTHROPIC, close, modelCall, OPENAI, OPENAI_ON_4O_MINI, OPENAI_TOKENS } from './run-cost-fixtures.js';

/** The usage reads each request made on the store (a page's must be one `spanUsageOf`, never one per span). */
const usageReads: string[] = [];

/** The store with each read transaction's usage reads counted. */
function counted(store: Store): Store {
  const countedTx = (tx: ReadTx): ReadTx =>
    new Proxy(tx, {
      get(target, name) {
        if (name === 'spanUsage' || name === 'spanUsageOf') usageReads.push(name);
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  return new Proxy(store, {
    get(target, name) {
      if (name === 'read') return <T>(work: (tx: ReadTx) => Promise<T>) => target.read((tx) => work(countedTx(tx)));
      const value: unknown = Reflect.get(target, name);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The usual span types, and an AI SDK call whose usage sums its steps'. */
const SUMMING_SCHEMA = {
  ...SCHEMA_VERSION,
  span_type_schemas: [...SCHEMA_VERSION.span_type_schemas, { name: 'ai:call', title: 'AI call', params_schema: { type: 'object' } }],
};

interface PricedSpan {
  id: string;
  usage?: SpanUsage | null;
  cost_usd?: number | null;
  unpriced_models?: string[];
}

for (const engine of ENGINES) {
  describe(`span usage and cost on span reads (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine, {}, counted)));
    after(() => server.close());

    /** A run with a priced call, an unpriced one, a span without usage and one summing its children's. */
    async function seeded(account: Account) {
      const instanceId = await openInstance(server, account, { schema: SUMMING_SCHEMA });
      const priced = (await modelCall(server, account, instanceId, 'gpt-4o-mini-2024-07-18', OPENAI)).body.details.id as string;
      const unpriced = (await modelCall(server, account, instanceId, 'my-local-model', ANTHROPIC)).body.details.id as string;
      const plain = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'complete',
        payload: { name: 'grep' },
      });
      assert.equal(plain.status, 201, plain.text);
      const summing = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'ai:call',
        status: 'complete',
        payload: { model: 'gpt-4o-mini' },
        result_payload: { usage: { input_tokens: 1200, output_tokens: 500 } },
      });
      assert.equal(summing.status, 201, summing.text);
      return { instanceId, priced, unpriced, plain: plain.body.details.id as string, summing: summing.body.details.id as string };
    }

    const get = async (account: Account, path: string) => {
      usageReads.length = 0;
      const reply = await call(server, account.token, 'GET', path);
      assert.equal(reply.status, 200, reply.text);
      return reply.body;
    };

    it('prices a model call, names an unpriced model, and gives null to a span without usage', async () => {
      const account = await newAccount(server);
      const ids = await seeded(account);

      const priced = (await get(account, `/api/v1/agent_spans/${ids.priced}?include_usage=true`)).details as PricedSpan;
      assert.deepEqual(usageReads, ['spanUsageOf']);
      assert.deepEqual(priced.usage, {
        model: 'gpt-4o-mini-2024-07-18',
        input: 200,
        output: 180,
        cache_read: 1000,
        cache_write: 0,
        reasoning: 320,
        total: OPENAI_TOKENS,
        sums_children: false,
      });
      assert.ok(close(priced.cost_usd!, OPENAI_ON_4O_MINI), `priced ${priced.cost_usd}`);
      assert.deepEqual(priced.unpriced_models, []);

      const unpriced = (await get(account, `/api/v1/agent_spans/${ids.unpriced}?include_usage=true`)).details as PricedSpan;
      assert.equal(unpriced.usage!.model, 'my-local-model');
      assert.equal(unpriced.usage!.total, 10250);
      assert.equal(unpriced.cost_usd, null, 'an unpriced model is never $0');
      assert.deepEqual(unpriced.unpriced_models, ['my-local-model']);

      const plain = (await get(account, `/api/v1/agent_spans/${ids.plain}?include_usage=true&include_risk_level=true`)).details as PricedSpan;
      assert.equal(plain.usage, null);
      assert.equal(plain.cost_usd, null);
      assert.deepEqual(plain.unpriced_models, []);
      assert.ok('risk_level' in plain, 'both extras together');

      const summing = (await get(account, `/api/v1/agent_spans/${ids.summing}?include_usage=true`)).details as PricedSpan;
      assert.equal(summing.usage!.sums_children, true);
      assert.equal(summing.usage!.total, 1700);

      // Not asked: no members and no usage read.
      const bare = (await get(account, `/api/v1/agent_spans/${ids.priced}`)).details as PricedSpan;
      assert.deepEqual(usageReads, []);
      assert.equal('usage' in bare || 'cost_usd' in bare || 'unpriced_models' in bare, false);
    });

    it('reads a page of spans with one batched usage read, on every kind of span list', async () => {
      const account = await newAccount(server);
      const ids = await seeded(account);
      const expect = (spans: PricedSpan[]) => {
        const byId = new Map(spans.map((span) => [span.id, span]));
        assert.equal(byId.size, 4);
        assert.ok(close(byId.get(ids.priced)!.cost_usd!, OPENAI_ON_4O_MINI));
        assert.equal(byId.get(ids.unpriced)!.cost_usd, null);
        assert.deepEqual(byId.get(ids.unpriced)!.unpriced_models, ['my-local-model']);
        assert.equal(byId.get(ids.plain)!.usage, null);
        assert.equal(byId.get(ids.summing)!.usage!.sums_children, true);
      };
      for (const path of [
        `/api/v1/agent_spans?agent_instance_id=${ids.instanceId}&include_usage=true`,
        `/api/v1/agent_spans?agent_instance_id=${ids.instanceId}&include_usage=true&include_payloads=false&include_risk_level=true`,
        `/api/v1/agent_spans?agent_id=${account.agentId}&include_usage=true&pagination[page_size]=10`,
      ]) {
        const body = await get(account, path);
        // The offset page (Prefactor's) lists under `summaries`.
        expect((body.details ?? body.summaries) as PricedSpan[]);
        assert.deepEqual(usageReads, ['spanUsageOf'], path);
      }
      // A page of two reads only its two spans' usage, still at once.
      const page = await get(account, `/api/v1/agent_spans?agent_instance_id=${ids.instanceId}&include_usage=true&limit=2`);
      assert.equal(page.details.length, 2);
      assert.deepEqual(usageReads, ['spanUsageOf']);
      assert.ok((page.details as PricedSpan[]).every((span) => span.usage !== undefined));
    });

    it('re-prices a span when the account sets a price for its model', async () => {
      const account = await newAccount(server);
      const ids = await seeded(account);
      const put = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/my-local-model', { details: { input: 1, output: 2 } });
      assert.equal(put.status, 200, put.text);
      const repriced = (await get(account, `/api/v1/agent_spans/${ids.unpriced}?include_usage=true`)).details as PricedSpan;
      // Cache tokens without a rate of their own at the input rate.
      assert.ok(close(repriced.cost_usd!, (50 + 700 * 2 + 8000 + 1500) / 1e6), `repriced ${repriced.cost_usd}`);
      assert.deepEqual(repriced.unpriced_models, []);
      const override = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/gpt-4o-mini', { details: { input: 10, output: 20 } });
      assert.equal(override.status, 200, override.text);
      const listed = await get(account, `/api/v1/agent_spans?agent_instance_id=${ids.instanceId}&include_usage=true`);
      const priced = (listed.details as PricedSpan[]).find((span) => span.id === ids.priced)!;
      // No cache-read rate in the override: cache reads at its input rate, reasoning at its output rate.
      assert.ok(close(priced.cost_usd!, (200 * 10 + 180 * 20 + 1000 * 10 + 320 * 20) / 1e6), `overridden ${priced.cost_usd}`);
    });

    it('reads priced usage through the client', async (t) => {
      const account = await newAccount(server);
      const ids = await seeded(account);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => client.close());
      const one = await client.agentSpans.getWithUsage(ids.unpriced);
      assert.equal(one.usage?.model, 'my-local-model');
      assert.equal(one.cost_usd, null);
      assert.deepEqual(one.unpriced_models, ['my-local-model']);
      const page = await client.agentSpans.listPage({ agent_instance_id: ids.instanceId, include_usage: true });
      const priced = page.spans.find((span) => span.id === ids.priced)!;
      assert.equal(priced.usage?.total, OPENAI_TOKENS);
      assert.ok(close(priced.cost_usd ?? null, OPENAI_ON_4O_MINI));
    });

    it('answers a clear 422 for an include_usage that is no boolean', async () => {
      const account = await newAccount(server);
      const ids = await seeded(account);
      const reply = await call(server, account.token, 'GET', `/api/v1/agent_spans/${ids.priced}?include_usage=maybe`);
      assert.equal(reply.status, 422, reply.text);
      assert.match(reply.text, /include_usage/);
    });
  });
}
