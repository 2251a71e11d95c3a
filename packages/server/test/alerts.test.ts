import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorApiError, PrefactorHttpClient } from '@agentspan/client';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { purgeFinishedBefore } from '../src/domain/retention/purge.js';
import { exportLines } from '../src/domain/transfer/export-rows.js';
import { importFile } from '../src/domain/transfer/import-rows.js';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { assign, get, profile, register, SCHEMA, spanBody, type } from './risk-fixtures.js';
import { SseConnection } from './sse-client.js';

// Under the fixtures' profile a crm:read span scores 12: five reach high (60), nine critical (108).
// SCHEMA's crm:read also declares destroy_data allowed and health_and_medical included, which the
// profile does not include: two exceedances.

async function spans(server: Server, account: Account, instanceId: string, name: string, count: number) {
  for (let n = 0; n < count; n += 1) {
    const reply = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: spanBody(instanceId, name) });
    assert.equal(reply.status, 201, reply.text);
  }
}

let keys = 0;

async function bulkSpans(server: Server, account: Account, instanceId: string, name: string, count: number) {
  const reply = await call(server, account.token, 'POST', '/api/v1/bulk', {
    items: Array.from({ length: count }, (_, n) => ({
      _type: 'agent_spans/create',
      idempotency_key: `alert-span-${(keys += 1)}-${n}`,
      ...spanBody(instanceId, name),
    })),
  });
  assert.equal(reply.status, 200, reply.text);
}

/** The account's alerts of one type, oldest first. */
async function alertsOf(server: Server, account: Account, kind: string, query = '') {
  const reply = await get(server, account.accountToken, `/api/v1/alerts?sorting[field]=opened_at&sorting[direction]=asc${query}`);
  assert.equal(reply.status, 200, reply.text);
  return (reply.body.summaries as Array<Record<string, unknown>>).filter((alert) => alert.type === kind);
}

const count = async (server: Server, account: Account, query = '') => {
  const reply = await get(server, account.accountToken, `/api/v1/alerts/count${query}`);
  assert.equal(reply.status, 200, reply.text);
  return reply.body.count as number;
};

const exceedances = (alerts: Array<Record<string, unknown>>) =>
  alerts.map((alert) => `${alert.agent_schema_version_id as string} ${alert.span_type as string} ${JSON.stringify(alert.exceeds)}`).sort();

for (const engine of ENGINES) {
  describe(`alerts (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('opens one alert when a run reaches high, raises it to critical, and one more for another run', async () => {
      const account = await newAccount(server);
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const first = await register(server, account);

      await spans(server, account, first, 'crm:read', 4);
      assert.deepEqual(await alertsOf(server, account, 'run_risk'), [], '48 is medium: no alert');

      await spans(server, account, first, 'crm:read', 1);
      const [opened, ...more] = await alertsOf(server, account, 'run_risk');
      assert.equal(more.length, 0);
      assert.ok(opened);
      assert.equal(opened.status, 'open');
      assert.equal(opened.agent_id, account.agentId);
      assert.equal(opened.agent_instance_id, first);
      const run = await call(server, account.token, 'GET', `/api/v1/agent_instance/${first}`);
      assert.equal(opened.agent_schema_version_id, run.body.details.agent_schema_version_id, 'the schema version the run was scored against');
      assert.ok(opened.agent_schema_version_id);
      assert.equal(opened.risk_profile_id, profileId);
      assert.equal(opened.risk_level, 'high');
      assert.equal(opened.risk_score, 60);
      assert.equal(opened.span_type, null);
      assert.equal(opened.exceeds, null);
      assert.match(opened.message as string, /reached high risk \(score 60\)/);
      assert.equal(opened.acknowledged_at, null);
      assert.deepEqual(Object.keys(opened).sort(), [
        'acknowledged_at',
        'acknowledged_by',
        'acknowledged_note',
        'agent_id',
        'agent_instance_id',
        'agent_schema_version_id',
        'environment_id',
        'exceeds',
        'id',
        'message',
        'opened_at',
        'risk_level',
        'risk_profile_id',
        'risk_score',
        'span_type',
        'status',
        'type',
        'updated_at',
      ]);

      await spans(server, account, first, 'crm:read', 1);
      assert.deepEqual(await alertsOf(server, account, 'run_risk'), [opened], 'still high: the alert is left as it was');

      await bulkSpans(server, account, first, 'crm:read', 3);
      const raised = await alertsOf(server, account, 'run_risk');
      assert.equal(raised.length, 1, 'climbing raises the same alert');
      assert.equal(raised[0]!.id, opened.id);
      assert.equal(raised[0]!.risk_level, 'critical');
      assert.equal(raised[0]!.risk_score, 108);
      assert.equal(raised[0]!.opened_at, opened.opened_at);

      const second = await register(server, account);
      await bulkSpans(server, account, second, 'crm:read', 5);
      const both = await alertsOf(server, account, 'run_risk');
      assert.deepEqual(
        both.map((alert) => [alert.agent_instance_id, alert.risk_level]),
        [
          [first, 'critical'],
          [second, 'high'],
        ],
      );
      const read = await get(server, account.accountToken, `/api/v1/alerts/${both[1]!.id as string}`);
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body, { status: 'success', details: both[1] });
    });

    it('opens no run alert without a profile nor for undeclared spans; an older run opens its alert with its next span', async () => {
      const account = await newAccount(server);
      const run = await register(server, account);
      await spans(server, account, run, 'crm:read', 6);
      assert.deepEqual(await alertsOf(server, account, 'run_risk'), [], 'no profile: not assessed');
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      assert.deepEqual(await alertsOf(server, account, 'run_risk'), [], 'assigning a profile rescores no run');
      const quiet = await register(server, account);
      await bulkSpans(server, account, quiet, 'llm:call', 10);
      assert.deepEqual(await alertsOf(server, account, 'run_risk'), [], 'spans whose type declares nothing score nothing');
      await spans(server, account, run, 'llm:call', 1);
      const [alert] = await alertsOf(server, account, 'run_risk');
      assert.equal(alert?.agent_instance_id, run, 'its next span, declared or not, has the run looked at: 72 is high');
      assert.equal(alert?.risk_score, 72);
    });

    it('opens an exceedance alert per span type × schema version × profile, once', async () => {
      const account = await newAccount(server);
      const first = await register(server, account);
      assert.deepEqual(await alertsOf(server, account, 'declared_risk_exceedance'), [], 'no profile: nothing was agreed');

      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const schemaVersionId = (await get(server, account.accountToken, `/api/v1/agent_instance/${first}`)).body.details
        .agent_schema_version_id as string;
      const assigned = await alertsOf(server, account, 'declared_risk_exceedance');
      assert.deepEqual(exceedances(assigned), [
        `${schemaVersionId} crm:read {"kind":"action","name":"destroy_data"}`,
        `${schemaVersionId} crm:read {"kind":"category","name":"health_and_medical"}`,
      ]);
      const one = assigned[0]!;
      assert.equal(one.agent_instance_id, null);
      assert.equal(one.risk_level, null);
      assert.equal(one.risk_score, null);
      assert.equal(one.risk_profile_id, profileId);
      assert.match(one.message as string, /crm:read/);

      await register(server, account);
      await assign(server, account, profileId);
      assert.equal((await alertsOf(server, account, 'declared_risk_exceedance')).length, 2, 're-registering the same schema adds nothing');

      // A new schema version (other content) is held against the profile as it is registered.
      const changed = {
        ...SCHEMA,
        span_type_schemas: [...SCHEMA.span_type_schemas, type('mail:send', { action_profile: { external_communication: 'allowed' } })],
      };
      await register(server, account, changed);
      const withNew = await alertsOf(server, account, 'declared_risk_exceedance');
      assert.equal(withNew.length, 5, 'the new version: crm:read twice again, and mail:send');
      assert.ok(
        withNew.some(
          (alert) => alert.span_type === 'mail:send' && JSON.stringify(alert.exceeds) === '{"kind":"action","name":"external_communication"}',
        ),
      );

      // The profile no longer includes contact_information: crm:read of both versions exceeds it now.
      const update = await call(server, account.accountToken, 'PUT', `/api/v1/risk_profile/${profileId}`, {
        details: { categories: { contact_information: { included: false } } },
      });
      assert.equal(update.status, 200, update.text);
      const after = await alertsOf(server, account, 'declared_risk_exceedance');
      assert.equal(after.filter((alert) => (alert.exceeds as { name: string }).name === 'contact_information').length, 2);
      assert.equal(after.length, 7);
    });

    it('acknowledges once (409 after), counts open alerts, and filters', async () => {
      const account = await newAccount(server);
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const run = await register(server, account);
      await bulkSpans(server, account, run, 'crm:read', 5);
      const all = await alertsOf(server, account, 'run_risk');
      assert.equal(all.length, 1);
      const alert = all[0]!;
      assert.equal(await count(server, account), 3, 'two exceedances and the run');

      const acked = await call(server, account.accountToken, 'POST', `/api/v1/alerts/${alert.id as string}/acknowledge`, { note: 'looked at it' });
      assert.equal(acked.status, 200, acked.text);
      assert.equal(acked.body.status, 'success');
      assert.equal(acked.body.details.status, 'acknowledged');
      assert.equal(acked.body.details.acknowledged_note, 'looked at it');
      assert.equal(typeof acked.body.details.acknowledged_by, 'string');
      assert.equal(acked.body.details.acknowledged_at, acked.body.details.updated_at);
      assert.equal(await count(server, account), 2);

      const again = await call(server, account.accountToken, 'POST', `/api/v1/alerts/${alert.id as string}/acknowledge`);
      assert.equal(again.status, 409, again.text);
      assert.match(again.body.message, /already acknowledged/);

      const replay = { note: 'replayed' };
      const keyed = await alertsOf(server, account, 'declared_risk_exceedance');
      const path = `/api/v1/alerts/${keyed[0]!.id as string}/acknowledge`;
      const firstTry = await call(server, account.accountToken, 'POST', path, replay, { 'idempotency-key': 'ack-1' });
      const secondTry = await call(server, account.accountToken, 'POST', path, replay, { 'idempotency-key': 'ack-1' });
      assert.equal(firstTry.status, 200, firstTry.text);
      assert.deepEqual([secondTry.status, secondTry.body], [200, firstTry.body], 'the same key answers the same');

      assert.deepEqual(
        (await alertsOf(server, account, 'run_risk', '&status=acknowledged')).map((a) => a.id),
        [alert.id],
      );
      assert.equal((await alertsOf(server, account, 'declared_risk_exceedance', '&status=open')).length, 1);
      assert.equal((await alertsOf(server, account, 'run_risk', `&agent_id=${account.agentId}`)).length, 1);
      assert.equal((await alertsOf(server, account, 'run_risk', '&agent_id=someone-else')).length, 0);
      const environmentId = alert.environment_id as string;
      assert.equal(typeof environmentId, 'string');
      const inEnvironment = await get(server, account.accountToken, `/api/v1/alerts?environment_id=${environmentId}`);
      assert.deepEqual(
        inEnvironment.body.summaries.map((a: { id: string }) => a.id),
        [alert.id],
        'exceedances belong to no environment',
      );
      assert.equal(await count(server, account, `?environment_id=${environmentId}`), 0);
      assert.equal(await count(server, account, `?agent_id=${account.agentId}`), 1);

      const page = await get(server, account.accountToken, '/api/v1/alerts?pagination[page_size]=2&sorting[field]=id&sorting[direction]=asc');
      assert.equal(page.body.summaries.length, 2);
      assert.equal(page.body.pagination.item_count, 3);
      assert.equal(page.body.pagination.next_page_offset, 2);

      const wrong = await get(server, account.accountToken, '/api/v1/alerts?status=closed');
      assert.equal(wrong.status, 422, wrong.text);
      assert.ok(
        Object.keys(wrong.body.errors ?? {}).some((field) => field.includes('status')),
        wrong.text,
      );

      const missing = await call(server, account.accountToken, 'POST', '/api/v1/alerts/nothing-here/acknowledge');
      assert.equal(missing.status, 404, missing.text);
      const other = await newAccount(server);
      assert.equal((await get(server, other.accountToken, `/api/v1/alerts/${alert.id as string}`)).status, 404, 'another account sees none');
      assert.equal(await count(server, other), 0);
    });

    it('refuses deployment-scoped tokens (403) and leaves the alert as it was', async () => {
      const account = await newAccount(server);
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      await register(server, account);
      const [held] = (await get(server, account.accountToken, '/api/v1/alerts')).body.summaries;
      for (const path of ['/api/v1/alerts', '/api/v1/alerts/count', `/api/v1/alerts/${held.id as string}`]) {
        const reply = await get(server, account.token, path);
        assert.equal(reply.status, 403, `${path}: ${reply.text}`);
      }
      const refused = await call(server, account.token, 'POST', `/api/v1/alerts/${held.id as string}/acknowledge`, { note: 'no' });
      assert.equal(refused.status, 403, refused.text);
      assert.equal((await get(server, account.accountToken, `/api/v1/alerts/${held.id as string}`)).body.details.status, 'open');
    });

    it('sends alert.opened and alert.acknowledged on the stream, to account-scoped tokens only', async () => {
      const account = await newAccount(server);
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const run = await register(server, account);
      const stream = await SseConnection.open(`${server.url}/api/v1/events`, account.accountToken);
      const deploymentStream = await SseConnection.open(`${server.url}/api/v1/events`, account.token);
      try {
        await bulkSpans(server, account, run, 'crm:read', 5);
        const events = await stream.next(6);
        const opened = events.filter((event) => event.event === 'alert.opened');
        assert.equal(opened.length, 1, JSON.stringify(events.map((e) => e.event)));
        const alert = JSON.parse(opened[0]!.data) as { id: string; agent_instance_id: string; risk_level: string };
        assert.equal(alert.agent_instance_id, run);
        assert.equal(alert.risk_level, 'high');

        const ack = await call(server, account.accountToken, 'POST', `/api/v1/alerts/${alert.id}/acknowledge`);
        assert.equal(ack.status, 200, ack.text);
        const [acknowledged] = await stream.next(1);
        assert.equal(acknowledged!.event, 'alert.acknowledged');
        assert.equal((JSON.parse(acknowledged!.data) as { status: string }).status, 'acknowledged');

        await deploymentStream.next(5);
        await spans(server, account, run, 'llm:call', 1);
        const [next] = await deploymentStream.next(1);
        assert.equal(next!.event, 'span.created', 'the deployment token saw the spans and nothing of the alerts');
        assert.ok(deploymentStream.events.every((event) => !event.event.startsWith('alert.')));
      } finally {
        stream.close();
        deploymentStream.close();
      }
    });

    it('removes a run alert with its run on purge, and exceedances with their agent', async () => {
      const account = await newAccount(server);
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const run = await register(server, account);
      await bulkSpans(server, account, run, 'crm:read', 5);
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_instance/${run}/finish`, { status: 'complete' });
      assert.equal(finished.status, 200, finished.text);
      assert.equal((await alertsOf(server, account, 'run_risk')).length, 1);
      await purgeFinishedBefore(server.store, '9999-01-01T00:00:00.000000Z');
      assert.deepEqual(await alertsOf(server, account, 'run_risk'), [], 'the run went, and its alert with it');
      assert.equal((await alertsOf(server, account, 'declared_risk_exceedance')).length, 2, 'the schema version stays, and its alerts');

      // An agent without runs is deleted with its schema versions and their alerts.
      const agent = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'idle', risk_profile_id: profileId } });
      assert.equal(agent.status, 201, agent.text);
      const agentId = agent.body.details.id as string;
      const version = await call(server, account.accountToken, 'POST', '/api/v1/agent_schema_version', {
        details: { agent_id: agentId, ...SCHEMA },
      });
      assert.equal(version.status, 201, version.text);
      assert.equal((await alertsOf(server, account, 'declared_risk_exceedance', `&agent_id=${agentId}`)).length, 2);
      const deleted = await call(server, account.accountToken, 'DELETE', `/api/v1/agent/${agentId}`);
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual(await alertsOf(server, account, 'declared_risk_exceedance', `&agent_id=${agentId}`), []);
    });

    it('carries alerts through export and import', async () => {
      const account = await newAccount(server);
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const run = await register(server, account);
      await bulkSpans(server, account, run, 'crm:read', 5);
      const [acked] = await alertsOf(server, account, 'run_risk');
      assert.equal(
        (await call(server, account.accountToken, 'POST', `/api/v1/alerts/${acked!.id as string}/acknowledge`, { note: 'ok' })).status,
        200,
      );
      const page = { account_id: account.accountId, sort: { field: 'id', direction: 'asc' }, offset: 0, limit: 100 } as const;
      const before = await server.store.read((tx) => tx.pageAlerts(page));
      assert.equal(before.total, 3);

      const scratch = await mkdtemp(join(tmpdir(), 'agentspan-alerts-'));
      const copy = await engine.open();
      try {
        let text = '';
        for await (const chunk of exportLines(server.store, { instanceId: run })) text += chunk;
        const file = join(scratch, 'export.ndjson');
        await writeFile(file, text);
        const report = await importFile(copy.store, file);
        assert.equal(report.inserted.alert, 3, JSON.stringify(report));
        const imported = await copy.store.read((tx) => tx.pageAlerts(page));
        assert.deepEqual(imported, before, 'every field as it was, the acknowledgement and the score included');
        assert.equal((await importFile(copy.store, file)).inserted.alert ?? 0, 0, 'an import run twice adds nothing');
      } finally {
        await copy.cleanup();
        await rm(scratch, { recursive: true, force: true });
      }
    });

    it('is read and acknowledged through @agentspan/client', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => client.close());
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const run = await register(server, account);
      await bulkSpans(server, account, run, 'crm:read', 5);

      assert.equal(await client.alerts.count(), 3);
      assert.equal(await client.alerts.count({ environment_id: 'elsewhere' }), 0);
      const [runAlert] = await client.alerts.list({ status: 'open', sorting: { field: 'opened_at', direction: 'desc' }, page_size: 1 });
      assert.equal(runAlert?.type, 'run_risk');
      assert.deepEqual(await client.alerts.get(runAlert.id), runAlert);
      const acknowledged = await client.alerts.acknowledge(runAlert.id, { note: 'seen' });
      assert.deepEqual([acknowledged.status, acknowledged.acknowledged_note], ['acknowledged', 'seen']);
      assert.deepEqual(
        (await client.alerts.list({ status: 'acknowledged' })).map((alert) => alert.id),
        [runAlert.id],
      );
      await assert.rejects(client.alerts.acknowledge(runAlert.id), (error) => error instanceof PrefactorApiError && error.statusCode === 409);
      assert.equal(await client.alerts.count({ agent_id: account.agentId }), 2);
    });
  });
}
