import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION, llmPayload } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';

const PAGINATION_KEYS = [
  'item_count',
  'item_start',
  'item_end',
  'page_count',
  'page_index',
  'page_offset',
  'page_size',
  'next_page_offset',
  'previous_page_offset',
];

const names = (reply: { body: { summaries: Array<{ name: string }> } }) => reply.body.summaries.map((a) => a.name);

async function newAgent(
  server: Server,
  account: Account,
  details: Record<string, unknown>,
): Promise<Record<string, unknown> & { id: string; updated_at: string }> {
  const created = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details });
  if (created.status !== 201) throw new Error(`create agent failed: ${created.status} ${created.text}`);
  return created.body.details;
}

/** Registers an instance of `agentId` with the account token, as the Python client does with agent_id. */
const register = (server: Server, account: Account, agentId: string, extra: Record<string, unknown> = {}) =>
  call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
    agent_id: agentId,
    agent_version: AGENT_VERSION,
    agent_schema_version: SCHEMA_VERSION,
    ...extra,
  });

async function registered(server: Server, account: Account, agentId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await register(server, account, agentId, extra);
  if (reply.status !== 201) throw new Error(`register failed: ${reply.status} ${reply.text}`);
  return reply.body.details.id;
}

/** A risk profile of the account under a chosen id: an agent's risk_profile_id must name one. */
async function riskProfile(server: Server, account: Account, id: string): Promise<void> {
  const reply = await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', {
    details: { id, name: id, thresholds: { medium: 10, high: 20, critical: 30 } },
  });
  if (reply.status !== 201) throw new Error(`create risk profile failed: ${reply.status} ${reply.text}`);
}

const show = (server: Server, token: string, query: string) => call(server, token, 'GET', `/api/v1/agent/show?${query}`);

for (const engine of ENGINES) {
  describe(`agents (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates an agent with an account-scoped token (Python body) and gets it, pending until its first instance', async () => {
      const account = await newAccount(server);
      await riskProfile(server, account, 'risk-low');
      const body = {
        details: {
          name: 'Triage bot',
          description: 'sorts tickets',
          external_identifier: 'triage',
          owner_person_id: 'person-7',
          risk_profile_id: 'risk-low',
          team_id: 'team-support',
        },
        idempotency_key: 'create-agent-1',
      };
      const created = await call(server, account.accountToken, 'POST', '/api/v1/agent', body);
      assert.equal(created.status, 201, created.text);
      const agent = created.body.details;
      assert.deepEqual(
        { ...agent, id: undefined, inserted_at: undefined, updated_at: undefined },
        {
          type: 'agent',
          id: undefined,
          name: 'Triage bot',
          description: 'sorts tickets',
          external_identifier: 'triage',
          status: 'pending',
          owner_person_id: 'person-7',
          risk_profile_id: 'risk-low',
          team_id: 'team-support',
          available_actions: { update: true, retire: true, reinstate: false, delete: true },
          inserted_at: undefined,
          updated_at: undefined,
        },
      );
      const fetched = await call(server, account.accountToken, 'GET', `/api/v1/agent/${agent.id}`);
      assert.deepEqual(fetched.body, { status: 'success', details: agent });
      const replay = await call(server, account.accountToken, 'POST', '/api/v1/agent', body);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.body.details.id, agent.id);
    });

    it('refuses a taken external_identifier with 409, and a deployment-scoped token with 403, storing nothing', async () => {
      const account = await newAccount(server);
      await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'a', external_identifier: 'same' } });
      const before = await snapshot(server, account.accountId);
      const taken = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'b', external_identifier: 'same' } });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.code, 'conflict');
      assert.match(taken.body.message, /external_identifier same already exists/);
      const scoped = await call(server, account.token, 'POST', '/api/v1/agent', { details: { name: 'c' } });
      assert.equal(scoped.status, 403);
      assert.deepEqual(scoped.body, {
        status: 'error',
        code: 'forbidden',
        message: 'creating agents needs an account-scoped token; this token is scoped to one deployment',
        request_id: scoped.headers.get('x-request-id'),
      });
      const invalid = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: '' } });
      assert.equal(invalid.status, 422);
      assert.deepEqual(invalid.body.errors, { 'details.name': ['must NOT have fewer than 1 characters'] });
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });

    it('lists agents in the Python list shape, page by page', async () => {
      const account = await newAccount(server);
      for (const name of ['b1', 'b2', 'b3', 'b4']) await newAgent(server, account, { name });
      const first = await call(server, account.accountToken, 'GET', '/api/v1/agent?pagination[offset]=0&pagination[page_size]=2');
      assert.equal(first.status, 200);
      assert.deepEqual(Object.keys(first.body).sort(), ['pagination', 'sorting', 'status', 'summaries']);
      assert.deepEqual(Object.keys(first.body.pagination).sort(), [...PAGINATION_KEYS].sort());
      assert.deepEqual(names(first), ['default agent', 'b1']);
      assert.deepEqual(first.body.pagination, {
        item_count: 5,
        item_start: 1,
        item_end: 2,
        page_count: 3,
        page_index: 1,
        page_offset: 0,
        page_size: 2,
        next_page_offset: 2,
        previous_page_offset: null,
      });
      assert.deepEqual(first.body.sorting, { field: 'inserted_at', direction: 'asc' });
      const last = await call(server, account.accountToken, 'GET', '/api/v1/agent?pagination[offset]=4&pagination[page_size]=2');
      assert.deepEqual(names(last), ['b4']);
      assert.equal(last.body.pagination.next_page_offset, null);
      assert.equal(last.body.pagination.previous_page_offset, 2);
      const other = await newAccount(server);
      const theirs = await call(server, other.accountToken, 'GET', '/api/v1/agent');
      assert.deepEqual(names(theirs), ['default agent']);
    });

    it("sorts by the Python client's sorting values and filters by owner, team and risk profile", async () => {
      const account = await newAccount(server);
      for (const id of ['r1', 'r2']) await riskProfile(server, account, id);
      const made = [];
      for (const [name, team, owner, risk] of [
        ['delta', 'red', 'p1', 'r1'],
        ['alpha', 'red', 'p2', 'r1'],
        ['charlie', 'blue', 'p1', 'r2'],
        ['bravo', 'red', 'p1', 'r2'],
      ] as const) {
        made.push(await newAgent(server, account, { name, team_id: team, owner_person_id: owner, risk_profile_id: risk }));
      }
      const list = (query: string) => call(server, account.accountToken, 'GET', `/api/v1/agent?${query}`);
      const byName = await list('sorting=name');
      assert.deepEqual(names(byName), ['alpha', 'bravo', 'charlie', 'default agent', 'delta']);
      assert.deepEqual(byName.body.sorting, { field: 'name', direction: 'asc' });
      const byNameDesc = await list('sorting=-name');
      assert.deepEqual(names(byNameDesc), ['delta', 'default agent', 'charlie', 'bravo', 'alpha']);
      assert.deepEqual(byNameDesc.body.sorting, { field: 'name', direction: 'desc' });
      const ids = [...byName.body.summaries.map((a: { id: string }) => a.id)].sort();
      assert.deepEqual(
        (await list('sorting=id')).body.summaries.map((a: { id: string }) => a.id),
        ids,
      );
      assert.deepEqual(
        (await list('sorting=-id')).body.summaries.map((a: { id: string }) => a.id),
        [...ids].reverse(),
      );
      assert.deepEqual(names(await list('sorting=-inserted_at')), ['bravo', 'charlie', 'alpha', 'delta', 'default agent']);
      assert.deepEqual(names(await list('sorting=inserted_at')), ['default agent', 'delta', 'alpha', 'charlie', 'bravo']);

      const red = await list('team_id=red&sorting=name&pagination[page_size]=2');
      assert.deepEqual(names(red), ['alpha', 'bravo']);
      assert.equal(red.body.pagination.item_count, 3);
      assert.equal(red.body.pagination.next_page_offset, 2);
      assert.deepEqual(names(await list('team_id=red&owner_person_id=p1&sorting=name')), ['bravo', 'delta']);
      assert.deepEqual(names(await list('risk_profile_id=r2&sorting=-name')), ['charlie', 'bravo']);
      const none = await list('team_id=green');
      assert.deepEqual(none.body.summaries, []);
      assert.equal(none.body.pagination.item_count, 0);

      const badSort = await list('sorting=title');
      assert.equal(badSort.status, 422);
      assert.deepEqual(badSort.body.errors, { sorting: ['must be one of: inserted_at, -inserted_at, name, -name, id, -id'] });
      const badPage = await list('pagination[page_size]=0');
      assert.equal(badPage.status, 422);
      assert.ok(badPage.body.errors['pagination[page_size]'], badPage.text);
    });

    it("pages and sorts with the open dashboard's parameters, every agent once, refusing sorting beside sorting[field]", async () => {
      const account = await newAccount(server);
      for (const name of ['delta', 'alpha', 'charlie', 'bravo']) await newAgent(server, account, { name });
      const list = (query: string) => call(server, account.accountToken, 'GET', `/api/v1/agent?${query}`);
      // server/sync.mjs: "pagination[page_size]": PAGE_SIZE, "pagination[offset]": offset, "sorting[field]": "id", "sorting[direction]": "desc"
      const seen: string[] = [];
      for (let offset: number | null = 0; offset !== null;) {
        const page = await list(`pagination[page_size]=2&pagination[offset]=${offset}&sorting[field]=id&sorting[direction]=desc`);
        assert.equal(page.status, 200, page.text);
        assert.deepEqual(page.body.sorting, { field: 'id', direction: 'desc' });
        assert.equal(page.body.pagination.item_count, 5);
        seen.push(...page.body.summaries.map((a: { id: string }) => a.id));
        offset = page.body.pagination.next_page_offset;
      }
      const ids = (await list('sorting=id')).body.summaries.map((a: { id: string }) => a.id);
      assert.deepEqual(seen, [...ids].reverse());
      assert.deepEqual(names(await list('sorting[field]=name&sorting[direction]=asc')), ['alpha', 'bravo', 'charlie', 'default agent', 'delta']);
      assert.deepEqual(names(await list('sorting[field]=name&sorting[direction]=desc')), ['delta', 'default agent', 'charlie', 'bravo', 'alpha']);
      // prefactor_http sends sorting beside pagination[offset]: still one convention per pair.
      assert.deepEqual(names(await list('sorting=name&pagination[offset]=3')), ['default agent', 'delta']);

      const before = await snapshot(server, account.accountId);
      for (const [query, field, message] of [
        ['pagination[page_size]=0', 'pagination[page_size]', 'must be >= 1'],
        ['pagination[page_size]=101', 'pagination[page_size]', 'must be <= 100'],
        ['sorting[field]=title', 'sorting[field]', 'must be one of: inserted_at, name, id'],
        ['sorting[direction]=up', 'sorting[direction]', 'must be one of: asc, desc'],
      ]) {
        const refused = await list(query!);
        assert.equal(refused.status, 422, `${query}: ${refused.text}`);
        assert.deepEqual(refused.body.errors, { [field!]: [message] });
      }
      const mixed = await list('sorting=-name&sorting[field]=name');
      assert.equal(mixed.status, 422);
      assert.deepEqual(mixed.body.errors, {
        'sorting[field]': ['must not be sent with sorting: sort with sorting[field] and sorting[direction], or with sorting'],
      });
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });

    it('updates only the fields named, clears a label with null, and refuses external_identifier, storing nothing refused', async () => {
      const account = await newAccount(server);
      await riskProfile(server, account, 'r9');
      const agent = await newAgent(server, account, {
        name: 'Writer',
        description: 'drafts',
        external_identifier: 'writer',
        owner_person_id: 'p1',
        team_id: 't1',
      });
      const updated = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agent.id}`, {
        details: { name: 'Editor', risk_profile_id: 'r9' },
        idempotency_key: 'update-1',
      });
      assert.equal(updated.status, 200, updated.text);
      const after = updated.body.details;
      assert.deepEqual(
        [after.name, after.description, after.external_identifier, after.owner_person_id, after.team_id, after.risk_profile_id],
        ['Editor', 'drafts', 'writer', 'p1', 't1', 'r9'],
      );
      assert.ok(after.updated_at > agent.updated_at);
      assert.equal(after.inserted_at, agent.inserted_at);
      assert.deepEqual((await call(server, account.accountToken, 'GET', `/api/v1/agent/${agent.id}`)).body.details, after);

      const replay = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agent.id}`, {
        details: { name: 'Editor', risk_profile_id: 'r9' },
        idempotency_key: 'update-1',
      });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body.details, after);
      const reused = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agent.id}`, {
        details: { name: 'Other' },
        idempotency_key: 'update-1',
      });
      assert.equal(reused.status, 409);
      assert.equal(reused.body.code, 'idempotency_key_reused');

      const cleared = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agent.id}`, { details: { team_id: null, description: null } });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body.details.team_id, null);
      assert.equal(cleared.body.details.description, null);
      assert.equal(cleared.body.details.owner_person_id, 'p1');

      const before = await snapshot(server, account.accountId);
      const external = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agent.id}`, {
        details: { name: 'x', external_identifier: 'renamed' },
      });
      assert.equal(external.status, 422);
      assert.deepEqual(Object.keys(external.body.errors), ['details.external_identifier']);
      assert.match(external.body.message, /details\.external_identifier cannot be changed once the agent is created/);
      const noName = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agent.id}`, { details: { name: null } });
      assert.equal(noName.status, 422);
      assert.deepEqual(noName.body.errors, { 'details.name': ['cannot be cleared; leave it out to keep the current name'] });
      const wrongType = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agent.id}`, { details: { team_id: 5 } });
      assert.equal(wrongType.status, 422);
      assert.ok(wrongType.body.errors['details.team_id'], wrongType.text);
      const noDetails = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agent.id}`, {});
      assert.equal(noDetails.status, 422);
      assert.deepEqual(noDetails.body.errors, { details: ['is required'] });
      const unknown = await call(server, account.accountToken, 'PUT', '/api/v1/agent/no-such-agent', { details: { name: 'x' } });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.message, 'agent no-such-agent was not found');
      const scoped = await call(server, account.token, 'PUT', `/api/v1/agent/${agent.id}`, { details: { name: 'x' } });
      assert.equal(scoped.status, 403);
      assert.equal(scoped.body.message, 'updating an agent needs an account-scoped token; this token is scoped to one deployment');
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });

    it('shows an agent by id or external_identifier, exactly one, with instance counts per environment when asked', async () => {
      const account = await newAccount(server);
      const agent = await newAgent(server, account, { name: 'Counter', external_identifier: 'counter' });
      const byId = await show(server, account.accountToken, `agent_id=${agent.id}`);
      assert.equal(byId.status, 200, byId.text);
      assert.deepEqual(byId.body.details, agent);
      const byExternal = await show(server, account.accountToken, 'external_identifier=counter');
      assert.deepEqual(byExternal.body.details, agent);
      const zero = await show(server, account.accountToken, `agent_id=${agent.id}&include_counts=true`);
      assert.deepEqual(zero.body.details.instance_counts, {
        total: 0,
        pending: 0,
        active: 0,
        complete: 0,
        failed: 0,
        cancelled: 0,
        terminated: 0,
        finished: 0,
      });

      const secondEnvironment = 'env-staging';
      await server.store.write((tx) =>
        tx.insertEnvironment({
          account_id: account.accountId,
          id: secondEnvironment,
          name: 'staging',
          purpose: 'staging',
          description: null,
          inserted_at: '2024-05-01T12:00:00.000000Z',
          updated_at: '2024-05-01T12:00:00.000000Z',
        }),
      );
      const env = { environment_id: account.environmentId };
      const [pending, active, complete, failed, terminated] = [
        await registered(server, account, agent.id, env),
        await registered(server, account, agent.id, env),
        await registered(server, account, agent.id, env),
        await registered(server, account, agent.id, env),
        await registered(server, account, agent.id, env),
      ];
      await registered(server, account, agent.id, { environment_id: secondEnvironment });
      for (const id of [active, complete, failed, terminated]) {
        assert.equal((await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${id}/start`, {})).status, 200);
      }
      await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${complete}/finish`, { status: 'complete' });
      await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${failed}/finish`, { status: 'failed' });
      await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${terminated}/terminate`, { reason: 'stop' });
      assert.ok(pending);

      const all = await show(server, account.accountToken, `agent_id=${agent.id}&include_counts=true`);
      assert.equal(all.body.details.status, 'active');
      assert.deepEqual(all.body.details.instance_counts, {
        total: 6,
        pending: 2,
        active: 1,
        complete: 1,
        failed: 1,
        cancelled: 0,
        terminated: 1,
        finished: 3,
      });
      const inDefault = await show(
        server,
        account.accountToken,
        `external_identifier=counter&environment_id=${account.environmentId}&include_counts=true`,
      );
      assert.deepEqual(inDefault.body.details.instance_counts, {
        total: 5,
        pending: 1,
        active: 1,
        complete: 1,
        failed: 1,
        cancelled: 0,
        terminated: 1,
        finished: 3,
      });
      const withoutCounts = await show(server, account.accountToken, `agent_id=${agent.id}&include_counts=false`);
      assert.equal(withoutCounts.body.details.instance_counts, undefined);

      const neither = await show(server, account.accountToken, 'include_counts=true');
      assert.equal(neither.status, 422);
      assert.deepEqual(neither.body.errors, { agent_id: ['or external_identifier is required: send exactly one of the two'] });
      const both = await show(server, account.accountToken, `agent_id=${agent.id}&external_identifier=counter`);
      assert.equal(both.status, 422);
      assert.deepEqual(both.body.errors, { external_identifier: ['must not be sent with agent_id: send exactly one of the two'] });
      const unknownEnvironment = await show(server, account.accountToken, `agent_id=${agent.id}&environment_id=nowhere&include_counts=true`);
      assert.equal(unknownEnvironment.status, 422);
      assert.deepEqual(unknownEnvironment.body.errors, { environment_id: ['names no environment of this account (nowhere)'] });
      const badFlag = await show(server, account.accountToken, `agent_id=${agent.id}&include_counts=maybe`);
      assert.equal(badFlag.status, 422);
      assert.ok(badFlag.body.errors.include_counts, badFlag.text);
      assert.equal((await show(server, account.accountToken, 'agent_id=missing')).status, 404);
      const unknownExternal = await show(server, account.accountToken, 'external_identifier=missing');
      assert.equal(unknownExternal.status, 404);
      assert.equal(unknownExternal.body.message, 'agent with external_identifier missing was not found');
      const other = await newAccount(server);
      assert.equal((await show(server, other.accountToken, `agent_id=${agent.id}`)).status, 404);
    });

    it('lets a deployment-scoped token read its own agent, never change it', async () => {
      const account = await newAccount(server);
      const own = await show(server, account.token, `agent_id=${account.agentId}&include_counts=true`);
      assert.equal(own.status, 200, own.text);
      assert.equal(own.body.details.name, 'default agent');
      assert.equal((await call(server, account.token, 'GET', `/api/v1/agent/${account.agentId}`)).status, 200);
      const before = await snapshot(server, account.accountId);
      for (const [method, path, action] of [
        ['PUT', '', 'updating an agent'],
        ['POST', '/retire', 'retiring an agent'],
        ['POST', '/reinstate', 'reinstating an agent'],
        ['DELETE', '', 'deleting an agent'],
      ] as const) {
        const reply = await call(
          server,
          account.token,
          method,
          `/api/v1/agent/${account.agentId}${path}`,
          method === 'PUT' ? { details: { name: 'x' } } : {},
        );
        assert.equal(reply.status, 403, `${method} ${path}: ${reply.text}`);
        assert.deepEqual(reply.body, {
          status: 'error',
          code: 'forbidden',
          message: `${action} needs an account-scoped token; this token is scoped to one deployment`,
          request_id: reply.headers.get('x-request-id'),
        });
      }
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });

    it('goes pending → active → retired → active; a retired agent refuses new instances while its own keep working', async () => {
      const account = await newAccount(server);
      const agent = await newAgent(server, account, { name: 'Lifecycle' });
      const instanceId = await registered(server, account, agent.id, { environment_id: account.environmentId });
      await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/start`, {});
      const active = (await call(server, account.accountToken, 'GET', `/api/v1/agent/${agent.id}`)).body.details;
      assert.equal(active.status, 'active');
      assert.deepEqual(active.available_actions, { update: true, retire: true, reinstate: false, delete: false });

      // prefactor_http sends Content-Type: application/json with no body when it has no idempotency key.
      const retired = await call(server, account.accountToken, 'POST', `/api/v1/agent/${agent.id}/retire`, undefined, {
        'content-type': 'application/json',
      });
      assert.equal(retired.status, 200, retired.text);
      assert.equal(retired.body.details.status, 'retired');
      assert.deepEqual(retired.body.details.available_actions, { update: true, retire: false, reinstate: true, delete: false });
      const again = await call(server, account.accountToken, 'POST', `/api/v1/agent/${agent.id}/retire`);
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'invalid_action');
      assert.match(again.body.message, /already retired; reinstate it/);

      const before = await snapshot(server, account.accountId, [instanceId]);
      const refused = await register(server, account, agent.id, { environment_id: account.environmentId });
      assert.equal(refused.status, 409);
      assert.deepEqual(refused.body, {
        status: 'error',
        code: 'invalid_action',
        message: `agent ${agent.id} is retired and takes no new instances; reinstate it (POST /api/v1/agent/${agent.id}/reinstate) first`,
        request_id: refused.headers.get('x-request-id'),
      });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);

      const span = await call(server, account.accountToken, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', payload: llmPayload() },
      });
      assert.equal(span.status, 201, span.text);
      const finishedSpan = await call(server, account.accountToken, 'POST', `/api/v1/agent_spans/${span.body.details.id}/finish`, {
        status: 'complete',
        result_payload: { response: 'ok' },
      });
      assert.equal(finishedSpan.status, 200, finishedSpan.text);
      assert.equal((await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/finish`, {})).status, 200);
      assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${instanceId}`)).body.details.span_counts.complete, 1);

      const reinstated = await call(server, account.accountToken, 'POST', `/api/v1/agent/${agent.id}/reinstate`, { idempotency_key: 'reinstate-1' });
      assert.equal(reinstated.status, 200, reinstated.text);
      assert.equal(reinstated.body.details.status, 'active');
      const replay = await call(server, account.accountToken, 'POST', `/api/v1/agent/${agent.id}/reinstate`, { idempotency_key: 'reinstate-1' });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, reinstated.body);
      const notRetired = await call(server, account.accountToken, 'POST', `/api/v1/agent/${agent.id}/reinstate`);
      assert.equal(notRetired.status, 409);
      assert.match(notRetired.body.message, /is active, not retired; only a retired agent can be reinstated/);
      assert.equal((await register(server, account, agent.id, { environment_id: account.environmentId })).status, 201);

      const fresh = await newAgent(server, account, { name: 'Never used' });
      await call(server, account.accountToken, 'POST', `/api/v1/agent/${fresh.id}/retire`);
      const back = await call(server, account.accountToken, 'POST', `/api/v1/agent/${fresh.id}/reinstate`);
      assert.equal(back.body.details.status, 'pending');
      assert.equal((await call(server, account.accountToken, 'POST', '/api/v1/agent/missing/retire')).status, 404);
    });

    it('refuses a deployment token registering on its retired agent', async () => {
      const account = await newAccount(server);
      await call(server, account.accountToken, 'POST', `/api/v1/agent/${account.agentId}/retire`);
      const refused = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: AGENT_VERSION,
        agent_schema_version: SCHEMA_VERSION,
      });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'invalid_action');
      assert.match(refused.body.message, new RegExp(`agent ${account.agentId} is retired`));
    });

    it('deletes only an agent without instances; its external_identifier is free again and its tokens go with it', async () => {
      const account = await newAccount(server);
      const used = await newAgent(server, account, { name: 'Used', external_identifier: 'used' });
      const instanceId = await registered(server, account, used.id, { environment_id: account.environmentId });
      const before = await snapshot(server, account.accountId, [instanceId]);
      const refused = await call(server, account.accountToken, 'DELETE', `/api/v1/agent/${used.id}`);
      assert.equal(refused.status, 409);
      assert.deepEqual(refused.body, {
        status: 'error',
        code: 'invalid_action',
        message: `agent ${used.id} has agent instances and cannot be deleted; retire it instead to stop new instances`,
        request_id: refused.headers.get('x-request-id'),
      });
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);

      const unused = await newAgent(server, account, { name: 'Unused', external_identifier: 'unused' });
      const deleted = await call(server, account.accountToken, 'DELETE', `/api/v1/agent/${unused.id}`, { idempotency_key: 'delete-1' });
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual(deleted.body.details, unused);
      const replay = await call(server, account.accountToken, 'DELETE', `/api/v1/agent/${unused.id}`, { idempotency_key: 'delete-1' });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, deleted.body);
      assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/agent/${unused.id}`)).status, 404);
      assert.equal((await show(server, account.accountToken, 'external_identifier=unused')).status, 404);
      assert.equal((await call(server, account.accountToken, 'DELETE', `/api/v1/agent/${unused.id}`)).status, 404);
      const recreated = await call(server, account.accountToken, 'POST', '/api/v1/agent', {
        details: { name: 'Unused again', external_identifier: 'unused' },
      });
      assert.equal(recreated.status, 201, recreated.text);
      assert.notEqual(recreated.body.details.id, unused.id);

      // The default agent has a deployment and a deployment-scoped token, and no instance yet.
      assert.equal((await call(server, account.token, 'GET', '/api/v1/ping')).status, 200);
      assert.equal((await call(server, account.accountToken, 'DELETE', `/api/v1/agent/${account.agentId}`)).status, 200);
      assert.equal((await call(server, account.token, 'GET', '/api/v1/ping')).status, 401);
      assert.deepEqual(names(await call(server, account.accountToken, 'GET', '/api/v1/agent?sorting=name')), ['Unused again', 'Used']);
    });

    it('makes an agent active once under concurrent first registrations', async () => {
      const account = await newAccount(server);
      const agent = await newAgent(server, account, { name: 'Busy' });
      const replies = await Promise.all(
        Array.from({ length: 8 }, () => register(server, account, agent.id, { environment_id: account.environmentId })),
      );
      assert.deepEqual(
        replies.map((r) => r.status),
        Array(8).fill(201),
        replies.map((r) => r.text).join('\n'),
      );
      const shown = await show(server, account.accountToken, `agent_id=${agent.id}&include_counts=true`);
      assert.equal(shown.body.details.status, 'active');
      assert.equal(shown.body.details.instance_counts.pending, 8);
    });
  });
}
