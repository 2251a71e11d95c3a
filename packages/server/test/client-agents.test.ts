import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorApiError, PrefactorHttpClient, type PrefactorClientConfig } from '@agentspan/client';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION } from './fixtures.js';
import { newAccount, startServer, type Server } from './harness.js';

const TRANSPORTS = [
  { name: 'undici transport', config: {} as PrefactorClientConfig },
  { name: 'fetch transport', config: { fetch: globalThis.fetch } as PrefactorClientConfig },
];

for (const engine of ENGINES) {
  describe(`@agentspan/client agents calls against the server (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    for (const transport of TRANSPORTS) {
      it(`creates, updates, shows, lists, retires, reinstates and deletes agents over the ${transport.name}`, async (t) => {
        const account = await newAccount(server);
        const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0, ...transport.config });
        t.after(() => client.close());

        const agent = await client.agents.create({ name: 'Planner', external_identifier: 'planner', team_id: 'red', owner_person_id: 'p1' });
        assert.equal(agent.status, 'pending');
        assert.deepEqual(agent.available_actions, { update: true, retire: true, reinstate: false, delete: true });

        const updated = await client.agents.update(agent.id, { description: 'plans', team_id: null, idempotency_key: 'client-update-1' });
        assert.deepEqual([updated.name, updated.description, updated.team_id, updated.owner_person_id], ['Planner', 'plans', null, 'p1']);
        assert.deepEqual(await client.agents.update(agent.id, { description: 'plans', team_id: null, idempotency_key: 'client-update-1' }), updated);

        const instance = await client.agentInstances.register({
          agent_id: agent.id,
          environment_id: account.environmentId,
          agent_version: AGENT_VERSION,
          agent_schema_version: SCHEMA_VERSION,
        });
        const shown = await client.agents.show({ external_identifier: 'planner', include_counts: true });
        assert.equal(shown.status, 'active');
        assert.deepEqual(shown.instance_counts, {
          total: 1,
          pending: 1,
          active: 0,
          complete: 0,
          failed: 0,
          cancelled: 0,
          terminated: 0,
          finished: 0,
        });
        assert.equal((await client.agents.show({ agent_id: agent.id })).instance_counts, undefined);

        const listed = await client.agents.list({ owner_person_id: 'p1', sorting: '-name' });
        assert.deepEqual(
          listed.map((a) => a.id),
          [agent.id],
        );

        const retired = await client.agents.retire(agent.id);
        assert.equal(retired.status, 'retired');
        await assert.rejects(
          client.agentInstances.register({
            agent_id: agent.id,
            environment_id: account.environmentId,
            agent_version: AGENT_VERSION,
            agent_schema_version: SCHEMA_VERSION,
          }),
          (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409 && /is retired/.test(error.message),
        );
        await client.agentInstances.start(instance.id);
        assert.equal((await client.agents.reinstate(agent.id)).status, 'active');

        await assert.rejects(
          client.agents.delete(agent.id),
          (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409 && /retire it instead/.test(error.message),
        );
        const spare = await client.agents.create({ name: 'Spare', external_identifier: 'spare' });
        assert.equal((await client.agents.delete(spare.id, { idempotency_key: 'client-delete-1' })).id, spare.id);
        await assert.rejects(client.agents.get(spare.id), (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 404);
        assert.equal((await client.agents.create({ name: 'Spare again', external_identifier: 'spare' })).external_identifier, 'spare');
      });

      it(`lists instances newest first and the children of a span over the ${transport.name}`, async (t) => {
        const account = await newAccount(server);
        const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 0, ...transport.config });
        t.after(() => client.close());
        const made = [];
        for (let i = 0; i < 3; i++) {
          const instance = await client.agentInstances.register({ agent_version: AGENT_VERSION, agent_schema_version: SCHEMA_VERSION });
          await client.agentInstances.start(instance.id, { timestamp: `2024-05-0${i + 1}T00:00:00Z` });
          made.push(instance.id);
        }
        const listed = [];
        for await (const instance of client.agentInstances.list({ limit: 2, status: 'active' })) listed.push(instance);
        assert.deepEqual(
          listed.map((i) => i.id),
          [...made].reverse(),
        );
        assert.equal(listed[0]!.agent_name, 'Support agent');
        const root = await client.agentSpans.create({
          agent_instance_id: made[0]!,
          schema_name: 'agent:tool',
          status: 'active',
          payload: { name: 'root' },
        });
        const child = await client.agentSpans.create({
          agent_instance_id: made[0]!,
          schema_name: 'agent:tool',
          status: 'active',
          parent_span_id: root.id,
          payload: { name: 'lookup' },
        });
        const children = [];
        for await (const span of client.agentSpans.list({ agent_instance_id: made[0]!, parent_span_id: root.id })) children.push(span.id);
        assert.deepEqual(children, [child.id]);
        const found = await client.agentInstances.listPage({ q: 'lookup' });
        assert.deepEqual(
          found.instances.map((i) => i.id),
          [made[0]],
        );

        // Outlines: the same spans in the same order, page after page, without the payload keys.
        const whole = [];
        for await (const span of client.agentSpans.list({ agent_instance_id: made[0]!, limit: 1 })) whole.push(span);
        const outlines = [];
        for await (const outline of client.agentSpans.listOutlines({ agent_instance_id: made[0]!, limit: 1 })) outlines.push(outline);
        assert.deepEqual(
          outlines,
          whole.map(({ payload: _p, result_payload: _r, ...outline }) => outline),
        );
        assert.ok(outlines.every((outline) => !('payload' in outline) && !('result_payload' in outline)));
        const page = await client.agentSpans.listOutlinesPage({ agent_instance_id: made[0]!, parent_span_id: root.id });
        assert.deepEqual(
          page.spans.map((s) => s.id),
          [child.id],
        );
        assert.equal(page.nextCursor, null);
      });
    }
  });
}
