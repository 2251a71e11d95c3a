// Child process: the server under test, from the built package (`packages/server/dist`, what
// `npx agentspan serve` runs), on a fresh store, listening on loopback, without request logs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { serveParent } from '../lib/child-process.mjs';
import { spanParams } from '../lib/span-body.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = await import('@agentspan/server');
let app;
let store;
let dataDir;

async function openStore() {
  if (options.store === 'postgres') return server.openPostgresStore({ connectionString: options.databaseUrl });
  dataDir = mkdtempSync(join(tmpdir(), 'agentspan-bench-server-'));
  return server.openSqliteStore({ dataDir });
}

const EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
const SPANS_PER_TRANSACTION = 1000;

/**
 * Stores `count` complete spans in an instance straight through the store's own `insertSpan`
 * (no HTTP), one millisecond apart: a fast way to give an instance 10⁵ spans to list.
 */
/** One complete `llm` span as the store takes it, for the seeds below. */
const seedSpan = ({ accountId, agentId, instanceId, i, at, payload, schemaName = 'llm' }) => ({
  id: `seed-${instanceId}-${i}`,
  account_id: accountId,
  agent_id: agentId,
  agent_instance_id: instanceId,
  parent_span_id: null,
  schema_name: schemaName,
  schema_title: null,
  status: 'complete',
  payload_json: payload,
  result_payload_json: null,
  summary: null,
  schema_validation: null,
  started_at: at,
  finished_at: at,
  inserted_at: at,
  updated_at: at,
});

async function seedThroughStore({ accountId, agentId, instanceId, count }) {
  const payload = JSON.stringify(spanParams(instanceId).payload);
  for (let done = 0; done < count;) {
    const n = Math.min(SPANS_PER_TRANSACTION, count - done);
    await store.write(async (tx) => {
      for (let i = done; i < done + n; i += 1) {
        const at = new Date(EPOCH + i).toISOString();
        await tx.insertSpan(seedSpan({ accountId, agentId, instanceId, i, at, payload }));
      }
    });
    done += n;
  }
}

/**
 * Stores `perInstance` complete spans in each of the instances `instanceIds` of one agent, written
 * straight through the store a thousand rows per statement; the instances take turns a millisecond
 * apart, so the agent's spans in (started_at, id) order interleave its instances as runs side by
 * side would.
 */
async function seedAgentSpans({ accountId, agentId, instanceIds, perInstance, schemaName = 'llm' }) {
  const payload = JSON.stringify(spanParams('agent').payload);
  const perTransaction = Math.max(1, Math.floor(SPANS_PER_TRANSACTION / instanceIds.length));
  for (let done = 0; done < perInstance;) {
    const n = Math.min(perTransaction, perInstance - done);
    const spans = [];
    for (let i = done; i < done + n; i += 1) {
      instanceIds.forEach((instanceId, k) => {
        const at = new Date(EPOCH + i * instanceIds.length + k).toISOString();
        spans.push(seedSpan({ accountId, agentId, instanceId, i, at, payload, schemaName }));
      });
    }
    await store.write((tx) => tx.insertSpansIfAbsent(spans));
    done += n;
  }
}

const INSTANCES_PER_TRANSACTION = 1000;

/**
 * A new account holding `count` finished instances, one second apart, written straight through
 * the store: a fast way to list an account of 10⁴ instances. Answers its token.
 */
async function seedInstances({ count }) {
  const account = await server.createAccount(store, { name: `seeded ${count}` });
  for (let done = 0; done < count;) {
    const n = Math.min(INSTANCES_PER_TRANSACTION, count - done);
    await store.write(async (tx) => {
      for (let i = done; i < done + n; i += 1) {
        const at = new Date(EPOCH + i * 1000).toISOString().replace('Z', '000Z');
        await tx.insertInstance({
          account_id: account.accountId,
          id: `seeded-${count}-${i}`,
          agent_id: account.agentId,
          agent_version_id: 'seeded-version',
          schema_version_id: 'seeded-schema',
          environment_id: account.environmentId,
          agent_deployment_id: account.deploymentId,
          status: 'complete',
          purpose: 'live',
          started_at: at,
          finished_at: at,
          termination_reason: null,
          terminated_by_token_id: null,
          quality_payloads_json: '{}',
          quality_summaries_json: '{}',
          inserted_at: at,
          updated_at: at,
        });
      }
    });
    done += n;
  }
  return { token: account.token };
}

const OLD = '2020-01-01T00:00:00.000000Z';

/**
 * A new account holding `instances` instances that finished in 2020 with `spansPerInstance` spans
 * each, written straight through the store: what a retention purge has to delete.
 */
async function seedOldRuns({ instances, spansPerInstance }) {
  const account = await server.createAccount(store, { name: 'old runs' });
  const payload = JSON.stringify(spanParams('old').payload);
  const perTransaction = Math.max(1, Math.floor(SPANS_PER_TRANSACTION / spansPerInstance));
  for (let done = 0; done < instances;) {
    const n = Math.min(perTransaction, instances - done);
    await store.write(async (tx) => {
      for (let i = done; i < done + n; i += 1) {
        const id = `old-${i}`;
        await tx.insertInstance({
          account_id: account.accountId,
          id,
          agent_id: account.agentId,
          agent_version_id: 'seeded-version',
          schema_version_id: 'seeded-schema',
          environment_id: account.environmentId,
          agent_deployment_id: account.deploymentId,
          status: 'complete',
          purpose: 'live',
          started_at: OLD,
          finished_at: OLD,
          termination_reason: null,
          terminated_by_token_id: null,
          quality_payloads_json: '{}',
          quality_summaries_json: '{}',
          inserted_at: OLD,
          updated_at: OLD,
        });
        const spans = [];
        for (let s = 0; s < spansPerInstance; s += 1) {
          spans.push({
            id: `${id}-${s}`,
            account_id: account.accountId,
            agent_id: account.agentId,
            agent_instance_id: id,
            parent_span_id: null,
            schema_name: 'llm',
            schema_title: null,
            status: 'complete',
            payload_json: payload,
            result_payload_json: null,
            summary: 'old span',
            started_at: OLD,
            finished_at: OLD,
            inserted_at: OLD,
            updated_at: OLD,
          });
        }
        await tx.insertSpansIfAbsent(spans);
      }
    });
    done += n;
  }
  return { spans: instances * spansPerInstance };
}

const ACTIVITY_DAY = Date.parse('2026-01-02T00:00:00.000Z');
const ACTIVITY_STATUSES = ['complete', 'complete', 'complete', 'failed', 'active'];

/**
 * A new account holding `count` spans spread evenly over one day (2026-01-02, UTC) in `instances`
 * instances of its agent, written straight through the store: what GET /activity aggregates.
 * Answers its token and the day's bounds.
 */
async function seedActivity({ count, instances }) {
  const account = await server.createAccount(store, { name: `activity ${count}` });
  const day = new Date(ACTIVITY_DAY).toISOString().replace('Z', '000Z');
  const ids = Array.from({ length: instances }, (_, i) => `activity-${count}-${i}`);
  await store.write(async (tx) => {
    for (const id of ids) {
      await tx.insertInstance({
        account_id: account.accountId,
        id,
        agent_id: account.agentId,
        agent_version_id: 'seeded-version',
        schema_version_id: 'seeded-schema',
        environment_id: account.environmentId,
        agent_deployment_id: account.deploymentId,
        status: 'active',
        purpose: 'live',
        started_at: day,
        finished_at: null,
        termination_reason: null,
        terminated_by_token_id: null,
        quality_payloads_json: '{}',
        quality_summaries_json: '{}',
        inserted_at: day,
        updated_at: day,
      });
    }
  });
  const payload = JSON.stringify(spanParams('activity').payload);
  const spacing = (24 * 3600 * 1000) / count;
  for (let done = 0; done < count;) {
    const n = Math.min(SPANS_PER_TRANSACTION, count - done);
    const spans = [];
    for (let i = done; i < done + n; i += 1) {
      const at = new Date(ACTIVITY_DAY + Math.floor(i * spacing)).toISOString();
      const span = seedSpan({ accountId: account.accountId, agentId: account.agentId, instanceId: ids[i % instances], i, at, payload });
      spans.push({ ...span, status: ACTIVITY_STATUSES[i % ACTIVITY_STATUSES.length] });
    }
    await store.write((tx) => tx.insertSpansIfAbsent(spans));
    done += n;
  }
  return { token: account.token, from: new Date(ACTIVITY_DAY).toISOString(), to: new Date(ACTIVITY_DAY + 24 * 3600 * 1000).toISOString() };
}

const ANALYTICS_DAYS = 30;
const ANALYTICS_END = Date.parse('2026-02-01T00:00:00.000Z');
const ANALYTICS_MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-20241022', 'local-model'];
const ANALYTICS_TYPES = ['llm', 'llm', 'tool', 'agent'];
const ANALYTICS_STATUSES = ['complete', 'complete', 'complete', 'failed'];

/**
 * An account whose `count` spans are spread over 30 days in `instances` runs of two versions: model
 * calls of four models with usage in their results, tool and agent spans, some failed, each with a
 * duration, stored through the store's writes (so the analytics rollups are kept as the API keeps them).
 */
async function seedAnalytics({ count, instances }) {
  const account = await server.createAccount(store, { name: `analytics ${count}` });
  const from = ANALYTICS_END - ANALYTICS_DAYS * 24 * 3600 * 1000;
  const start = new Date(from).toISOString().replace('Z', '000Z');
  const ids = Array.from({ length: instances }, (_, i) => `analytics-${count}-${i}`);
  await store.write(async (tx) => {
    for (const [i, id] of ids.entries()) {
      await tx.insertInstance({
        account_id: account.accountId,
        id,
        agent_id: account.agentId,
        agent_version_id: `seeded-version-${i % 2}`,
        schema_version_id: 'seeded-schema',
        environment_id: account.environmentId,
        agent_deployment_id: account.deploymentId,
        status: 'active',
        purpose: 'live',
        started_at: start,
        finished_at: null,
        termination_reason: null,
        terminated_by_token_id: null,
        quality_payloads_json: '{}',
        quality_summaries_json: '{}',
        inserted_at: start,
        updated_at: start,
      });
    }
  });
  const spacing = (ANALYTICS_DAYS * 24 * 3600 * 1000) / count;
  for (let done = 0; done < count;) {
    const n = Math.min(SPANS_PER_TRANSACTION, count - done);
    const spans = [];
    for (let i = done; i < done + n; i += 1) {
      const at = from + Math.floor(i * spacing);
      const type = ANALYTICS_TYPES[i % ANALYTICS_TYPES.length];
      const model = ANALYTICS_MODELS[(i >> 2) % ANALYTICS_MODELS.length];
      const result =
        type === 'llm'
          ? JSON.stringify({
              usage: { input_tokens: 200 + (i % 900), output_tokens: 20 + (i % 300), input_tokens_details: { cached_tokens: i % 100 } },
            })
          : null;
      const span = seedSpan({
        accountId: account.accountId,
        agentId: account.agentId,
        instanceId: ids[i % instances],
        i,
        at: new Date(at).toISOString().replace('Z', '000Z'),
        payload: type === 'llm' ? JSON.stringify({ model, prompt: 'hello' }) : '{"name":"search"}',
        schemaName: type,
      });
      const ms = 5 + ((i * 7919) % 20000);
      spans.push({
        ...span,
        status: ANALYTICS_STATUSES[(i >> 4) % ANALYTICS_STATUSES.length],
        result_payload_json: result,
        finished_at: new Date(at + ms).toISOString().replace('Z', '000Z'),
      });
    }
    await store.write((tx) => tx.insertSpansIfAbsent(spans));
    done += n;
  }
  return { token: account.token, from: new Date(from).toISOString(), to: new Date(ANALYTICS_END).toISOString() };
}

let purge;

/** Starts a retention purge of everything finished before 2021 in the background, as the sweeper runs it. */
async function startPurge() {
  if (purge) throw new Error('a purge is already running');
  const stop = new AbortController();
  const started = performance.now();
  const done = server.purgeFinishedBefore(store, '2021-01-01T00:00:00.000000Z', { signal: stop.signal });
  purge = { stop, started, done };
}

/** Stops it between two steps; answers what it deleted, and whether anything was left (it ran the whole time). */
async function stopPurge() {
  const { stop, started, done } = purge;
  purge = undefined;
  stop.abort();
  const report = await done;
  const left = await server.purgeableBefore(store, '2021-01-01T00:00:00.000000Z');
  return { ...report, ms: performance.now() - started, left: left.spans };
}

/** A new account with its deployment token, for a party that must not share the default account's events. */
async function newAccount() {
  const account = await server.createAccount(store, { name: 'bench' });
  return { token: account.token };
}

/** A new account with its deployment token and an account-scoped one (for its admin resources: risk profiles, agents). */
async function newAdminAccount() {
  const account = await server.createAccount(store, { name: 'bench' });
  const accountToken = await server.createToken(store, { scope: 'account', accountId: account.accountId });
  return { token: account.token, accountToken, accountId: account.accountId, agentId: account.agentId };
}

await serveParent({
  setup: async () => {
    store = await openStore();
    const account = await server.bootstrapAccount(store);
    app = await server.buildApp({ store, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { url: `http://127.0.0.1:${app.server.address().port}`, token: account.token, dataDir };
  },
  handlers: {
    seedThroughStore,
    seedAgentSpans,
    seedInstances,
    seedActivity,
    seedAnalytics,
    newAccount,
    newAdminAccount,
    seedOldRuns,
    startPurge,
    stopPurge,
  },
  teardown: async () => {
    await app?.close();
    await store?.close?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  },
});
