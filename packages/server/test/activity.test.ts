import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient, PrefactorNotFoundError, PrefactorValidationError } from '@agentspan/client';
import { buildApp, type Store } from '../src/index.js';
import { purgeFinishedBefore } from '../src/domain/retention/purge.js';
import { exportLines } from '../src/domain/transfer/export-rows.js';
import { importFile } from '../src/domain/transfer/import-rows.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import type { SpanRecord } from '../src/store/records.js';
import { ENGINES } from './engines.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { CUTOFF, oldInstance } from './old-instances.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';
import { describePostgres } from './postgres-database.js';
import { at } from './store-records.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-activity-'));
after(() => rm(scratch, { recursive: true, force: true }));

const SPAN_STATUSES = ['pending', 'active', 'complete', 'failed', 'cancelled'];
const RUN_STATUSES = [...SPAN_STATUSES, 'terminated'];
const HOUR = 3_600_000;

const activity = (server: Server, token: string, query: Record<string, string>) =>
  call(server, token, 'GET', `/api/v1/activity?${new URLSearchParams(query)}`);

interface Scope {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  agent_id?: string;
  environment_id?: string;
  agent_instance_id?: string;
}

type Counts = Record<string, number>;

/** What an answer must say, worked out from the stored rows themselves: spans (or runs) grouped by bucket and status. */
async function expected(store: Store, accountId: string, instanceIds: readonly string[], scope: Scope, subject: 'spans' | 'runs') {
  const statuses = subject === 'spans' ? SPAN_STATUSES : RUN_STATUSES;
  const step = scope.bucket === 'hour' ? HOUR : 24 * HOUR;
  const first = Math.floor(Date.parse(scope.from) / step) * step;
  const starts: number[] = [];
  for (let s = first; s < Date.parse(scope.to); s += step) starts.push(s);
  const zero = (): Counts => Object.fromEntries(statuses.map((status) => [status, 0]));
  const buckets = starts.map(zero);
  const totals = zero();
  const count = (time: string, status: string) => {
    const at = starts.findIndex((s) => Date.parse(time) >= s && Date.parse(time) < s + step);
    if (at < 0) return;
    buckets[at]![status]! += 1;
    totals[status]! += 1;
  };
  await store.read(async (tx) => {
    for (const id of instanceIds) {
      const instance = await tx.getInstance(accountId, id);
      if (!instance) continue;
      if (scope.agent_id !== undefined && instance.agent_id !== scope.agent_id) continue;
      if (scope.environment_id !== undefined && instance.environment_id !== scope.environment_id) continue;
      if (scope.agent_instance_id !== undefined && instance.id !== scope.agent_instance_id) continue;
      if (subject === 'runs') {
        count(instance.started_at ?? instance.inserted_at, instance.status);
        continue;
      }
      const spans: SpanRecord[] = await tx.listSpans({ account_id: accountId, agent_instance_id: id, limit: 100_000 });
      for (const span of spans) count(span.started_at, span.status);
    }
  });
  return { totals, buckets: starts.map((s, i) => ({ start: new Date(s).toISOString().replace('Z', '000Z'), counts: buckets[i]! })) };
}

/** The answer for `scope` equals the rows grouped, for spans and for runs. */
async function assertMatches(server: Server, token: string, instanceIds: readonly string[], accountId: string, scope: Scope) {
  for (const subject of ['spans', 'runs'] as const) {
    const query: Record<string, string> = { subject, from: scope.from, to: scope.to, bucket: scope.bucket };
    for (const field of ['agent_id', 'environment_id', 'agent_instance_id'] as const) if (scope[field]) query[field] = scope[field];
    const reply = await activity(server, token, query);
    assert.equal(reply.status, 200, reply.text);
    const want = await expected(server.store, accountId, instanceIds, scope, subject);
    assert.deepEqual(reply.body.details.totals, want.totals, `${subject} totals of ${JSON.stringify(query)}`);
    assert.deepEqual(reply.body.details.buckets, want.buckets, `${subject} buckets of ${JSON.stringify(query)}`);
  }
}

/** A pseudo-random sequence that is the same every run. */
function sequence(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
}

const DAY = '2024-05-01';
const spanTime = (hour: number, minute: number) => `${DAY}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000000Z`;

for (const engine of ENGINES) {
  describe(`activity (${engine.name})`, () => {
    let server: Server;
    before(async () => {
      server = await startServer(engine);
    });
    after(() => server.close());

    /** An account with a second agent in a second environment. */
    async function twoAgents() {
      const account = await newAccount(server);
      const staging = await call(server, account.accountToken, 'POST', '/api/v1/environment', { details: { name: 'staging', purpose: 'staging' } });
      assert.equal(staging.status, 201, staging.text);
      const other = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'other agent' } });
      assert.equal(other.status, 201, other.text);
      return { account, stagingId: staging.body.details.id as string, otherAgentId: other.body.details.id as string };
    }

    async function openOther(account: Account, agentId: string, environmentId: string) {
      const registered = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
        agent_id: agentId,
        environment_id: environmentId,
        agent_version: {},
        agent_schema_version: {},
      });
      assert.equal(registered.status, 201, registered.text);
      const id = registered.body.details.id as string;
      assert.equal((await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${id}/start`, {})).status, 200);
      return id;
    }

    it('equals a GROUP BY over the spans after a random mix of creates, finishes and terminates through the API, bulk and OTLP', async () => {
      const { account, stagingId, otherAgentId } = await twoAgents();
      const random = sequence(11);
      const instances: string[] = [];
      const open: string[] = [];
      const activeSpans: string[] = [];
      const newRun = async () => {
        const id = random(2) === 0 ? await openInstance(server, account) : await openOther(account, otherAgentId, stagingId);
        instances.push(id);
        open.push(id);
      };
      await newRun();
      await newRun();
      let n = 0;
      for (let round = 0; round < 45; round++) {
        const choice = random(6);
        const instanceId = open[random(open.length)]!;
        const token = instanceId && (await server.store.read((tx) => tx.getInstance(account.accountId, instanceId)))!.agent_id === account.agentId;
        const tokenFor = token ? account.token : account.accountToken;
        if (choice <= 1) {
          const status = ['active', 'complete', 'pending'][random(3)]!;
          const created = await createSpan(
            server,
            { ...account, token: tokenFor },
            {
              agent_instance_id: instanceId,
              schema_name: 'agent:llm',
              status,
              payload: llmPayload(`q${n++}`),
              started_at: spanTime(random(24), random(60)),
            },
          );
          assert.equal(created.status, 201, created.text);
          if (status !== 'complete') activeSpans.push(created.body.details.id as string);
        } else if (choice === 2) {
          const reply = await call(server, tokenFor, 'POST', '/api/v1/bulk', {
            items: [0, 1, 2].map(() => ({
              _type: 'agent_spans/create',
              idempotency_key: `activity-bulk-${engine.name}-${n++}`,
              agent_instance_id: instanceId,
              schema_name: 'agent:llm',
              status: 'active',
              payload: llmPayload(),
              started_at: spanTime(random(24), random(60)),
            })),
          });
          assert.equal(reply.status, 200, reply.text);
          assert.doesNotMatch(reply.text, /"status":"error"/);
        } else if (choice === 3 && activeSpans.length > 0) {
          const spanId = activeSpans.splice(random(activeSpans.length), 1)[0]!;
          const finished = await call(server, account.accountToken, 'POST', `/api/v1/agent_spans/${spanId}/finish`, {
            status: ['complete', 'failed', 'cancelled'][random(3)],
          });
          // A span of a run terminated meanwhile is already closed.
          assert.ok(finished.status === 200 || finished.status === 409, finished.text);
        } else if (choice === 4 && open.length > 1) {
          open.splice(open.indexOf(instanceId), 1);
          const terminated = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: 'stop' });
          assert.equal(terminated.status, 200, terminated.text);
          await newRun();
        } else {
          const traceId = newTraceId();
          const root = newSpanId();
          const hour = random(48);
          const request = exportRequest([
            { traceId, spanId: root, name: 'run', start: hour * HOUR * 1000, end: hour * HOUR * 1000 + 5000 },
            { traceId, spanId: newSpanId(), parentSpanId: root, start: (hour + 1) * HOUR * 1000, end: (hour + 1) * HOUR * 1000 + 10 },
          ]);
          assert.equal((await postTraces(server, account.accountToken, request)).status, 200);
          instances.push(traceId);
        }
      }
      const day = { from: `${DAY}T00:00:00Z`, to: '2024-05-02T00:00:00Z', bucket: 'hour' as const };
      // OTLP spans start on 2023-11-14: day buckets from then to the API spans' day cover everything.
      const wide = { from: '2023-11-14T00:00:00Z', to: '2024-05-02T00:00:00Z', bucket: 'day' as const };
      const runs = { from: new Date(Date.now() - 2 * HOUR).toISOString(), to: new Date(Date.now() + HOUR).toISOString(), bucket: 'hour' as const };
      const { accountId } = account;
      for (const scope of [day, wide, runs]) await assertMatches(server, account.accountToken, instances, accountId, scope);
      await assertMatches(server, account.accountToken, instances, accountId, { ...day, agent_id: otherAgentId });
      await assertMatches(server, account.accountToken, instances, accountId, { ...wide, environment_id: account.environmentId });
      await assertMatches(server, account.accountToken, instances, accountId, { ...wide, agent_id: account.agentId, environment_id: stagingId });
      await assertMatches(server, account.accountToken, instances, accountId, { ...day, agent_instance_id: instances[0]! });
      await assertMatches(server, account.accountToken, instances, accountId, { ...runs, agent_instance_id: instances[1]! });

      // Grouped by agent: each agent's counts are what its filter answers, and they add up to the whole.
      const grouped = await activity(server, account.token, { ...day, group_by: 'agent_id' });
      assert.equal(grouped.status, 200, grouped.text);
      const groups = grouped.body.details.groups as Array<{ agent_id: string; totals: Counts; buckets: unknown[] }>;
      for (const group of groups) {
        const alone = await activity(server, account.token, { ...day, agent_id: group.agent_id });
        assert.deepEqual(group.totals, alone.body.details.totals);
        assert.deepEqual(group.buckets, alone.body.details.buckets);
      }
      for (const status of SPAN_STATUSES) {
        assert.equal(
          groups.reduce((sum, group) => sum + group.totals[status]!, 0),
          grouped.body.details.totals[status],
        );
      }
      assert.deepEqual(grouped.body.details.statuses, SPAN_STATUSES);

      // Carried through an export and an import into an empty store, read through a server on it.
      let text = '';
      for await (const chunk of exportLines(server.store, {})) text += chunk;
      const file = join(scratch, `activity-${engine.name}.ndjson`);
      await writeFile(file, text);
      const { store, cleanup } = await engine.open();
      const app = buildApp({ store });
      try {
        await importFile(store, file);
        await importFile(store, file);
        const imported: Server = { url: await app.listen({ port: 0, host: '127.0.0.1' }), store, app, close: async () => {} };
        for (const scope of [day, wide]) {
          const there = await activity(imported, account.accountToken, { ...scope });
          const here = await activity(server, account.accountToken, { ...scope });
          assert.equal(there.status, 200, there.text);
          assert.deepEqual(there.body.details, here.body.details);
          await assertMatches(imported, account.accountToken, instances, accountId, scope);
        }
      } finally {
        await app.close();
        await cleanup();
      }
    });

    it('loses what a retention purge deletes, and keeps what it keeps', async () => {
      const account = await newAccount(server);
      const gone = await oldInstance(server, account, 4);
      const kept = await oldInstance(server, account, 3, { open: true });
      const scope = { from: '2020-01-01T00:00:00Z', to: '2020-01-01T01:00:00Z', bucket: 'hour' } as const;
      const before = await activity(server, account.token, scope);
      assert.equal(before.body.details.totals.active, 7);
      await purgeFinishedBefore(server.store, CUTOFF, { stepSpans: 3 });
      const afterPurge = await activity(server, account.token, scope);
      assert.equal(afterPurge.body.details.totals.active, 3);
      await assertMatches(server, account.accountToken, [gone, kept], account.accountId, scope);
    });

    it('counts each span in the bucket of its start: hour and UTC day edges', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account);
      for (const started_at of [
        '2024-05-01T12:00:00.000000Z',
        '2024-05-01T12:59:59.999999Z',
        '2024-05-01T13:00:00.000000Z',
        '2024-05-01T23:59:59Z',
        '2024-05-02T00:00:00Z',
      ]) {
        const created = await createSpan(server, account, {
          agent_instance_id: id,
          schema_name: 'agent:llm',
          status: 'complete',
          payload: llmPayload(),
          started_at,
        });
        assert.equal(created.status, 201, created.text);
      }
      const hours = async (from: string, to: string) => {
        const reply = await activity(server, account.token, { from, to });
        assert.equal(reply.status, 200, reply.text);
        return reply.body.details as { from: string; buckets: Array<{ start: string; counts: Counts }> };
      };
      // `to` on an hour's start ends the range there; the first bucket starts at from's hour.
      const one = await hours('2024-05-01T12:30:00Z', '2024-05-01T13:00:00Z');
      assert.equal(one.from, '2024-05-01T12:00:00.000000Z');
      assert.deepEqual(
        one.buckets.map((b) => [b.start, b.counts.complete]),
        [['2024-05-01T12:00:00.000000Z', 2]],
      );
      const two = await hours('2024-05-01T12:30:00Z', '2024-05-01T13:00:00.000001Z');
      assert.deepEqual(
        two.buckets.map((b) => [b.start, b.counts.complete]),
        [
          ['2024-05-01T12:00:00.000000Z', 2],
          ['2024-05-01T13:00:00.000000Z', 1],
        ],
      );
      assert.deepEqual(Object.keys(two.buckets[0]!.counts), SPAN_STATUSES);
      // Days are UTC days, whatever offset the range is given in (04:00+05:00 is 23:00 UTC the day before).
      const days = await activity(server, account.token, { from: '2024-05-01T04:00:00+05:00', to: '2024-05-03T00:00:00Z', bucket: 'day' });
      assert.equal(days.status, 200, days.text);
      assert.deepEqual(
        days.body.details.buckets.map((b: { start: string; counts: Counts }) => [b.start, b.counts.complete]),
        [
          ['2024-04-30T00:00:00.000000Z', 0],
          ['2024-05-01T00:00:00.000000Z', 4],
          ['2024-05-02T00:00:00.000000Z', 1],
        ],
      );
    });

    it('defaults to the last 24 hours by hour, spans, and lets a deployment token read', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account);
      assert.equal(
        (await createSpan(server, account, { agent_instance_id: id, schema_name: 'agent:llm', status: 'active', payload: llmPayload() })).status,
        201,
      );
      const reply = await activity(server, account.token, {});
      assert.equal(reply.status, 200, reply.text);
      const details = reply.body.details;
      assert.equal(details.subject, 'spans');
      assert.equal(details.bucket, 'hour');
      assert.ok(details.buckets.length === 24 || details.buckets.length === 25, `${details.buckets.length} buckets`);
      assert.ok(Date.parse(details.to) - Date.parse(details.from) >= 24 * HOUR);
      assert.equal(details.totals.active, 1);
      assert.equal(details.buckets[details.buckets.length - 1].counts.active, 1);
      assert.equal(details.groups, undefined);
    });

    it('answers @agentspan/client activity.get as it answers the raw request, and its errors as typed ones', async (t) => {
      const account = await newAccount(server);
      const id = await openInstance(server, account);
      assert.equal(
        (
          await createSpan(server, account, {
            agent_instance_id: id,
            schema_name: 'agent:llm',
            status: 'failed',
            payload: llmPayload(),
            started_at: '2024-05-01T08:15:00Z',
          })
        ).status,
        201,
      );
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 0 });
      t.after(() => client.close());
      const scope = { from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z', bucket: 'day', group_by: 'agent_id' } as const;
      const answer = await client.activity.get({ ...scope, from: new Date(scope.from) });
      assert.deepEqual(answer, (await activity(server, account.token, scope)).body.details);
      assert.deepEqual(answer.groups, [{ agent_id: account.agentId, totals: answer.totals, buckets: answer.buckets }]);
      assert.equal(answer.totals.failed, 1);
      await assert.rejects(client.activity.get({ agent_instance_id: 'nope' }), PrefactorNotFoundError);
      await assert.rejects(
        client.activity.get({ from: scope.to, to: scope.from }),
        (error: unknown) => error instanceof PrefactorValidationError && 'from' in error.errors,
      );
    });

    it('refuses what it cannot read with 422 naming the field, and unknown ids with 404', async () => {
      const account = await newAccount(server);
      const refusals: Array<[Record<string, string>, string, RegExp]> = [
        [{ from: 'yesterday' }, 'from', /ISO-8601/],
        [{ to: '2024-13-01T00:00:00Z' }, 'to', /ISO-8601/],
        [{ from: '2024-05-02T00:00:00Z', to: '2024-05-01T00:00:00Z' }, 'from', /must be before to/],
        [{ from: '2024-05-01T00:00:00Z', to: '2024-05-01T00:00:00Z' }, 'from', /must be before to/],
        [{ from: '2024-01-01T00:00:00Z', to: '2024-05-01T00:00:00Z' }, 'from', /more than the 2000 .*bucket=day/],
        [{ from: '2000-01-01T00:00:00Z', to: '2024-05-01T00:00:00Z', bucket: 'day' }, 'from', /more than the 2000/],
        [{ bucket: 'week' }, 'bucket', /hour|day/],
        [{ subject: 'traces' }, 'subject', /spans|runs/],
        [{ group_by: 'environment_id' }, 'group_by', /agent_id/],
      ];
      for (const [query, field, message] of refusals) {
        const reply = await activity(server, account.token, query);
        assert.equal(reply.status, 422, `${JSON.stringify(query)}: ${reply.text}`);
        assert.equal(reply.body.code, 'validation_error');
        assert.ok(reply.body.errors?.[field], `${JSON.stringify(query)} names ${field}: ${reply.text}`);
        assert.match(reply.body.message, message);
      }
      for (const [field, what] of [
        ['agent_id', 'agent'],
        ['environment_id', 'environment'],
        ['agent_instance_id', 'agent instance'],
      ]) {
        const reply = await activity(server, account.token, { [field!]: 'no-such-id' });
        assert.equal(reply.status, 404, reply.text);
        assert.equal(reply.body.message, `${what} no-such-id was not found`);
      }
      // Another account's ids are as unknown as made-up ones.
      const other = await newAccount(server);
      assert.equal((await activity(server, account.token, { agent_id: other.agentId })).status, 404);
      assert.equal((await activity(server, undefined as unknown as string, {})).status, 401);
    });
  });
}

/** The migrations before the one that made span_activity. */
const migrationsBefore = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((m) => m.includes('CREATE TABLE span_activity')),
  );

const span = (id: string, status: string, startedAt: string) =>
  `('acc', '${id}', 'agent-1', 'i1', NULL, 'agent:llm', NULL, '${status}', '{}', NULL, NULL, '${startedAt}', NULL, '${startedAt}', '${startedAt}')`;

const OLD_ROWS = [
  `INSERT INTO spans (account_id, id, agent_id, agent_instance_id, parent_span_id, schema_name, schema_title, status, payload_json,
     result_payload_json, summary, started_at, finished_at, inserted_at, updated_at) VALUES
   ${[span('s1', 'complete', at(1)), span('s2', 'active', at(2)), span('s3', 'complete', '2024-05-01T13:10:00.000000Z')].join(', ')}`,
];

async function assertFilled(store: Store) {
  const rows = await store.read((tx) =>
    tx.activity({ account_id: 'acc', subject: 'spans', first_hour: '2024-05-01T00', end_hour: '2024-05-02T00', key_length: 13, by_agent: true }),
  );
  const live = rows.filter((row) => row.n !== 0).map((row) => [row.bucket, row.agent_id, row.status, row.n]);
  assert.deepEqual(
    live.sort((a, b) => String(a).localeCompare(String(b))),
    [
      ['2024-05-01T12', 'agent-1', 'active', 1],
      ['2024-05-01T12', 'agent-1', 'complete', 1],
      ['2024-05-01T13', 'agent-1', 'complete', 1],
    ],
  );
}

describe('span activity migration (sqlite)', () => {
  it('fills the hourly rollup from the spans stored before it', () =>
    withSqliteStoreFrom(migrationsBefore(SQLITE_MIGRATIONS), OLD_ROWS, assertFilled));
});

describePostgres('span activity migration (postgres)', (url) => {
  it('fills the hourly rollup from the spans stored before it', () =>
    withPostgresStoreFrom(url, migrationsBefore(POSTGRES_MIGRATIONS), OLD_ROWS, assertFilled));
});
