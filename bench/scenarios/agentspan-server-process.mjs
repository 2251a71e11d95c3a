// Child process: the server under test, from the built package (`packages/server/dist`, what
// `npx agentspan serve` runs), on a fresh store, listening on loopback, without request logs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
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
async function seedThroughStore({ accountId, agentId, instanceId, count }) {
  const payload = JSON.stringify(spanParams(instanceId).payload);
  for (let done = 0; done < count; ) {
    const n = Math.min(SPANS_PER_TRANSACTION, count - done);
    await store.write(async (tx) => {
      for (let i = done; i < done + n; i += 1) {
        const at = new Date(EPOCH + i).toISOString();
        await tx.insertSpan({
          id: `seed-${instanceId}-${i}`,
          account_id: accountId,
          agent_id: agentId,
          agent_instance_id: instanceId,
          parent_span_id: null,
          schema_name: 'llm',
          schema_title: null,
          status: 'complete',
          payload_json: payload,
          result_payload_json: null,
          summary: null,
          started_at: at,
          finished_at: at,
          inserted_at: at,
          updated_at: at,
        });
      }
    });
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
  for (let done = 0; done < count; ) {
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

/** A new account with its deployment token, for a party that must not share the default account's events. */
async function newAccount() {
  const account = await server.createAccount(store, { name: 'bench' });
  return { token: account.token };
}

await serveParent({
  setup: async () => {
    store = await openStore();
    const account = await server.bootstrapAccount(store);
    app = await server.buildApp({ store, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { url: `http://127.0.0.1:${app.server.address().port}`, token: account.token, dataDir };
  },
  handlers: { seedThroughStore, seedInstances, newAccount },
  teardown: async () => {
    await app?.close();
    await store?.close?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  },
});
