import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATA_ACTIONS, DATA_CATEGORIES } from '@agentspan/protocol';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';

const THRESHOLDS = { medium: 20, high: 50, critical: 100 };

/** What a refused request must leave as it was: the account's profiles and agents. */
const stored = (server: Server, accountId: string) =>
  server.store.read(async (tx) => ({
    profiles: await tx.listRiskProfiles(accountId),
    agents: (await tx.listAgents({ account_id: accountId, offset: 0, limit: 100 })).rows,
  }));

async function created(server: Server, account: Account, details: Record<string, unknown>) {
  const reply = await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', { details: { thresholds: THRESHOLDS, ...details } });
  if (reply.status !== 201) throw new Error(`create risk profile failed: ${reply.status} ${reply.text}`);
  return reply.body.details;
}

async function newAgent(server: Server, account: Account, details: Record<string, unknown>) {
  return call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'worker', ...details } });
}

for (const engine of ENGINES) {
  describe(`risk profiles (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates a profile with every category and action filled, reads and lists it', async () => {
      const account = await newAccount(server);
      const profile = await created(server, account, {
        name: 'Customer data',
        description: 'agents that read customer records',
        categories: { personal_identifiers: { weight: 8, included: true, colour: 'red' }, contact_information: { weight: 4 } },
        actions: { read_data: { multiplier: 1, included: true }, external_communication: { multiplier: 2.5, included: true } },
      });
      assert.equal(profile.type, 'risk_profile');
      assert.equal(profile.account_id, account.accountId);
      assert.equal(profile.name, 'Customer data');
      assert.equal(profile.description, 'agents that read customer records');
      assert.deepEqual(Object.keys(profile.categories), [...DATA_CATEGORIES]);
      assert.deepEqual(Object.keys(profile.actions), [...DATA_ACTIONS]);
      assert.deepEqual(profile.categories.personal_identifiers, { weight: 8, included: true }, 'an extra field is ignored, not stored');
      assert.deepEqual(profile.categories.contact_information, { weight: 4, included: false }, 'a field left out takes its default');
      assert.deepEqual(profile.categories.gdpr_genetic_data, { weight: 0, included: false });
      assert.deepEqual(profile.actions.external_communication, { multiplier: 2.5, included: true });
      assert.deepEqual(profile.actions.destroy_data, { multiplier: 1, included: false });
      assert.deepEqual(profile.thresholds, THRESHOLDS);
      assert.equal(profile.agent_count, 0);
      assert.equal(profile.archived_at, null);

      const read = await call(server, account.accountToken, 'GET', `/api/v1/risk_profile/${profile.id}`);
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body, { status: 'success', details: profile });

      const minimal = await created(server, account, { name: 'Empty' });
      assert.equal(minimal.description, null);
      assert.ok(Object.values(minimal.categories).every((c) => JSON.stringify(c) === '{"weight":0,"included":false}'));
      assert.ok(Object.values(minimal.actions).every((a) => JSON.stringify(a) === '{"multiplier":1,"included":false}'));

      const other = await newAccount(server);
      assert.equal((await call(server, other.accountToken, 'GET', `/api/v1/risk_profile/${profile.id}`)).status, 404, 'another account sees none');
      const theirs = await call(server, other.accountToken, 'GET', '/api/v1/risk_profile');
      assert.deepEqual(theirs.body.summaries, []);
    });

    it('lists in offset pages, sorted, with archived profiles only on request', async () => {
      const account = await newAccount(server);
      const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];
      const made = [];
      for (const name of names) made.push(await created(server, account, { name }));
      const list = (query: string) => call(server, account.accountToken, 'GET', `/api/v1/risk_profile?${query}`);

      const first = await list('pagination[page_size]=2');
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(
        first.body.summaries.map((p: { name: string }) => p.name),
        ['delta', 'alpha'],
      );
      assert.equal(first.body.pagination.item_count, 5);
      assert.equal(first.body.pagination.next_page_offset, 2);
      assert.deepEqual(first.body.sorting, { field: 'inserted_at', direction: 'asc' });
      const last = await list('pagination[page_size]=2&pagination[offset]=4');
      assert.deepEqual(
        last.body.summaries.map((p: { name: string }) => p.name),
        ['bravo'],
      );
      assert.equal(last.body.pagination.next_page_offset, null);
      const byName = await list('sorting[field]=name&sorting[direction]=desc');
      assert.deepEqual(
        byName.body.summaries.map((p: { name: string }) => p.name),
        ['echo', 'delta', 'charlie', 'bravo', 'alpha'],
      );

      assert.equal((await call(server, account.accountToken, 'DELETE', `/api/v1/risk_profile/${made[0].id}`)).status, 200);
      const live = await list('');
      assert.deepEqual(
        live.body.summaries.map((p: { name: string }) => p.name),
        ['alpha', 'echo', 'charlie', 'bravo'],
      );
      const all = await list('include_archived=true');
      assert.equal(all.body.pagination.item_count, 5);
      assert.ok(all.body.summaries[0].archived_at);

      const wrong = await list('pagination[page_size]=101');
      assert.equal(wrong.status, 422, wrong.text);
    });

    it('updates only what is sent, down to one field of one category', async () => {
      const account = await newAccount(server);
      const profile = await created(server, account, {
        name: 'Base',
        description: 'first',
        categories: { financial_information: { weight: 6, included: true } },
        actions: { update_data: { multiplier: 3, included: true } },
      });
      const put = (details: Record<string, unknown>) => call(server, account.accountToken, 'PUT', `/api/v1/risk_profile/${profile.id}`, { details });

      const renamed = await put({ name: 'Renamed' });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.body.details.name, 'Renamed');
      assert.equal(renamed.body.details.description, 'first');
      assert.ok(renamed.body.details.updated_at > profile.updated_at);

      const reweighed = await put({
        categories: { financial_information: { weight: 9 }, minors_data: { included: true } },
        actions: { update_data: { included: false } },
        thresholds: { critical: 500 },
      });
      assert.equal(reweighed.status, 200, reweighed.text);
      const details = reweighed.body.details;
      assert.deepEqual(details.categories.financial_information, { weight: 9, included: true });
      assert.deepEqual(details.categories.minors_data, { weight: 0, included: true });
      assert.deepEqual(details.actions.update_data, { multiplier: 3, included: false });
      assert.deepEqual(details.thresholds, { ...THRESHOLDS, critical: 500 });
      assert.equal(details.name, 'Renamed');

      const cleared = await put({ description: null });
      assert.equal(cleared.body.details.description, null);

      const same = await put({ name: 'Renamed' });
      assert.equal(same.body.details.updated_at, cleared.body.details.updated_at, 'nothing changed, nothing written');

      const read = await call(server, account.accountToken, 'GET', `/api/v1/risk_profile/${profile.id}`);
      assert.deepEqual(read.body.details, same.body.details);
      assert.equal((await call(server, account.accountToken, 'PUT', '/api/v1/risk_profile/nope', { details: { name: 'x' } })).status, 404);
    });

    it('archives: readable still, not assignable, kept by the agents that have it', async () => {
      const account = await newAccount(server);
      const profile = await created(server, account, { name: 'Strict' });
      const keeper = await newAgent(server, account, { name: 'keeper', risk_profile_id: profile.id });
      assert.equal(keeper.status, 201, keeper.text);
      const counted = await call(server, account.accountToken, 'GET', `/api/v1/risk_profile/${profile.id}`);
      assert.equal(counted.body.details.agent_count, 1);

      const archived = await call(server, account.accountToken, 'DELETE', `/api/v1/risk_profile/${profile.id}`);
      assert.equal(archived.status, 200, archived.text);
      assert.ok(archived.body.details.archived_at);
      assert.equal(archived.body.details.agent_count, 1);
      const read = await call(server, account.accountToken, 'GET', `/api/v1/risk_profile/${profile.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.details, archived.body.details);

      const before = await stored(server, account.accountId);
      const other = await newAgent(server, account, { name: 'newcomer' });
      const beforeAssign = await stored(server, account.accountId);
      for (const [method, url, body] of [
        ['POST', '/api/v1/agent', { details: { name: 'late', risk_profile_id: profile.id } }],
        ['PUT', `/api/v1/agent/${other.body.details.id}`, { details: { risk_profile_id: profile.id } }],
      ] as const) {
        const refused = await call(server, account.accountToken, method, url, body);
        assert.equal(refused.status, 409, `${method} ${url}: ${refused.text}`);
        assert.match(refused.body.message, /archived and cannot be assigned/);
      }
      assert.deepEqual(await stored(server, account.accountId), beforeAssign);
      assert.equal(before.agents.length + 1, beforeAssign.agents.length);

      // The agent that had it keeps it, through reads and updates of other fields, even one resending it.
      const kept = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${keeper.body.details.id}`, {
        details: { description: 'still here', risk_profile_id: profile.id },
      });
      assert.equal(kept.status, 200, kept.text);
      assert.equal(kept.body.details.risk_profile_id, profile.id);

      const again = await call(server, account.accountToken, 'DELETE', `/api/v1/risk_profile/${profile.id}`);
      assert.equal(again.status, 409, again.text);
      const edit = await call(server, account.accountToken, 'PUT', `/api/v1/risk_profile/${profile.id}`, { details: { name: 'Loose' } });
      assert.equal(edit.status, 409, edit.text);
      assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/risk_profile/${profile.id}`)).body.details.name, 'Strict');
    });

    it('assigns, changes and clears an agent’s profile; an id naming no profile is 422', async () => {
      const account = await newAccount(server);
      const low = await created(server, account, { name: 'Low' });
      const high = await created(server, account, { name: 'High' });
      const agent = await newAgent(server, account, { risk_profile_id: low.id });
      assert.equal(agent.status, 201, agent.text);
      assert.equal(agent.body.details.risk_profile_id, low.id);
      const path = `/api/v1/agent/${agent.body.details.id}`;

      const moved = await call(server, account.accountToken, 'PUT', path, { details: { risk_profile_id: high.id } });
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.body.details.risk_profile_id, high.id);
      const count = async (id: string) => (await call(server, account.accountToken, 'GET', `/api/v1/risk_profile/${id}`)).body.details.agent_count;
      assert.deepEqual([await count(low.id), await count(high.id)], [0, 1]);

      const cleared = await call(server, account.accountToken, 'PUT', path, { details: { risk_profile_id: null } });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body.details.risk_profile_id, null);
      assert.equal(await count(high.id), 0);

      const other = await newAccount(server);
      const theirs = await created(server, other, { name: 'Theirs' });
      const before = await stored(server, account.accountId);
      for (const [method, url, body] of [
        ['POST', '/api/v1/agent', { details: { name: 'ghost', risk_profile_id: 'no-such-profile' } }],
        ['PUT', path, { details: { risk_profile_id: 'no-such-profile' } }],
        ['PUT', path, { details: { risk_profile_id: theirs.id } }],
      ] as const) {
        const refused = await call(server, account.accountToken, method, url, body);
        assert.equal(refused.status, 422, `${method} ${url}: ${refused.text}`);
        assert.deepEqual(Object.keys(refused.body.errors), ['details.risk_profile_id']);
        assert.match(refused.body.message, /names no risk profile of this account/);
      }
      assert.deepEqual(await stored(server, account.accountId), before);
    });

    it('keeps serving agents stored before profiles existed whose risk_profile_id names none', async () => {
      const account = await newAccount(server);
      const agent = await newAgent(server, account, { name: 'legacy' });
      const id = agent.body.details.id as string;
      // As a store made before risk profiles holds it: a label naming nothing.
      await server.store.write(async (tx) => {
        const row = (await tx.lockAgent(account.accountId, id))!;
        await tx.updateAgent({ ...row, risk_profile_id: 'risk-low' });
        return { status: 200, json: '{}' };
      });
      const read = await call(server, account.accountToken, 'GET', `/api/v1/agent/${id}`);
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.details.risk_profile_id, 'risk-low', 'shown as stored');
      const listed = await call(server, account.accountToken, 'GET', '/api/v1/agent?risk_profile_id=risk-low');
      assert.deepEqual(
        listed.body.summaries.map((a: { id: string }) => a.id),
        [id],
      );
      const renamed = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${id}`, { details: { name: 'legacy-2' } });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.body.details.risk_profile_id, 'risk-low', 'an update that leaves it out keeps it');
      const replaced = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${id}`, { details: { risk_profile_id: null } });
      assert.equal(replaced.body.details.risk_profile_id, null);
    });

    it('refuses wrong input with 422 naming the field, storing nothing', async () => {
      const account = await newAccount(server);
      const profile = await created(server, account, { name: 'Target' });
      const before = await stored(server, account.accountId);
      const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
        ['unknown category', { categories: { shoe_size: { weight: 1 } } }, 'details.categories.shoe_size', /personal_identifiers/],
        ['unknown action', { actions: { launch_missiles: { multiplier: 2 } } }, 'details.actions.launch_missiles', /read_data/],
        ['weight above 10', { categories: { minors_data: { weight: 11 } } }, 'details.categories.minors_data.weight', /<= 10/],
        ['negative weight', { categories: { minors_data: { weight: -1 } } }, 'details.categories.minors_data.weight', />= 0/],
        ['multiplier above 10', { actions: { read_data: { multiplier: 10.5 } } }, 'details.actions.read_data.multiplier', /<= 10/],
        ['negative multiplier', { actions: { read_data: { multiplier: -0.5 } } }, 'details.actions.read_data.multiplier', />= 0/],
        ['weight not a number', { categories: { minors_data: { weight: '5' } } }, 'details.categories.minors_data.weight', /number/],
        ['included not a boolean', { categories: { minors_data: { included: 'yes' } } }, 'details.categories.minors_data.included', /boolean/],
        ['high not above medium', { thresholds: { medium: 50, high: 50, critical: 100 } }, 'details.thresholds.high', /greater than medium/],
        ['critical below high', { thresholds: { medium: 10, high: 50, critical: 40 } }, 'details.thresholds.critical', /greater than high/],
        ['zero medium', { thresholds: { medium: 0, high: 50, critical: 100 } }, 'details.thresholds.medium', /> 0/],
        ['negative threshold', { thresholds: { medium: -5, high: 50, critical: 100 } }, 'details.thresholds.medium', /> 0/],
        ['empty name', { name: '' }, 'details.name', /fewer than 1/],
      ];
      for (const [what, details, field, message] of cases) {
        const create = await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', {
          details: { name: 'Wrong', thresholds: THRESHOLDS, ...details },
        });
        assert.equal(create.status, 422, `create, ${what}: ${create.text}`);
        assert.ok(Object.keys(create.body.errors).includes(field), `create, ${what}: ${create.text}`);
        assert.match(create.body.errors[field].join(' '), message, `create, ${what}`);
        const update = await call(server, account.accountToken, 'PUT', `/api/v1/risk_profile/${profile.id}`, { details });
        assert.equal(update.status, 422, `update, ${what}: ${update.text}`);
        assert.ok(Object.keys(update.body.errors).includes(field), `update, ${what}: ${update.text}`);
      }
      const missing = await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', { details: { name: 'No thresholds' } });
      assert.equal(missing.status, 422);
      assert.ok(missing.body.errors['details.thresholds'], missing.text);
      // An update's thresholds are checked with the stored ones: a lone medium above the stored high.
      const lone = await call(server, account.accountToken, 'PUT', `/api/v1/risk_profile/${profile.id}`, { details: { thresholds: { medium: 60 } } });
      assert.equal(lone.status, 422, lone.text);
      assert.ok(lone.body.errors['details.thresholds.high'], lone.text);
      const cleared = await call(server, account.accountToken, 'PUT', `/api/v1/risk_profile/${profile.id}`, { details: { name: null } });
      assert.equal(cleared.status, 422);
      assert.ok(cleared.body.errors['details.name']);
      assert.deepEqual(await stored(server, account.accountId), before);
    });

    it('needs an account-scoped token for every call', async () => {
      const account = await newAccount(server);
      const profile = await created(server, account, { name: 'Guarded' });
      const path = `/api/v1/risk_profile/${profile.id}`;
      const before = await stored(server, account.accountId);
      for (const [method, url, body] of [
        ['GET', '/api/v1/risk_profile', undefined],
        ['GET', path, undefined],
        ['POST', '/api/v1/risk_profile', { details: { name: 'sneaky', thresholds: THRESHOLDS } }],
        ['PUT', path, { details: { name: 'sneaky' } }],
        ['DELETE', path, undefined],
      ] as const) {
        const refused = await call(server, account.token, method, url, body);
        assert.equal(refused.status, 403, `${method} ${url}: ${refused.text}`);
        assert.match(refused.body.message, /needs an account-scoped token; this token is scoped to one deployment$/);
      }
      assert.deepEqual(await stored(server, account.accountId), before);
    });

    it('replays a create with the same idempotency key as the same profile', async () => {
      const account = await newAccount(server);
      const body = { details: { name: 'Once', thresholds: THRESHOLDS }, idempotency_key: 'risk-profile-once' };
      const first = await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', body);
      const second = await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', body);
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      assert.equal(second.body.details.id, first.body.details.id);
      assert.equal((await stored(server, account.accountId)).profiles.length, 1);
    });
  });
}
