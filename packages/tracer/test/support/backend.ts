import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrefactorHttpClient, type AgentInstance, type AgentSpan } from '@agentspan/client';
import { buildApp, createAccount, createToken, openSqliteStore, type Store } from '@agentspan/server';

/** A real server on a loopback port over a SQLite file of its own, with one account. */
export interface Backend {
  url: string;
  /** Deployment-scoped: what an agent is given. */
  token: string;
  /** Account-scoped: what an operator uses to terminate. */
  accountToken: string;
  reader: PrefactorHttpClient;
  /** For what no route answers yet, such as the schema version documents registered. */
  store: Store;
  accountId: string;
  close(): Promise<void>;
}

export async function startBackend(): Promise<Backend> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agentspan-tracer-'));
  const store = await openSqliteStore({ dataDir });
  const app = buildApp({ store });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const account = await createAccount(store);
  const accountToken = await createToken(store, { scope: 'account', accountId: account.accountId });
  const reader = new PrefactorHttpClient({ apiUrl: url, apiToken: accountToken, maxRetries: 0 });
  return {
    url,
    token: account.token,
    accountToken,
    reader,
    store,
    accountId: account.accountId,
    async close() {
      await reader.close();
      await app.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function storedSpans(reader: PrefactorHttpClient, instanceId: string): Promise<AgentSpan[]> {
  const spans: AgentSpan[] = [];
  for await (const span of reader.agentSpans.list({ agent_instance_id: instanceId, limit: 1000 })) spans.push(span);
  return spans;
}

export const storedInstance = (reader: PrefactorHttpClient, instanceId: string): Promise<AgentInstance> => reader.agentInstances.get(instanceId);

/** A logger that keeps what the tracer warns about. */
export function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (message: string) => void warnings.push(message) } };
}

/** Options every test tracer shares: quick retries, no exit hooks in the test runner's process. */
export const TEST_OPTIONS = {
  agent: { name: 'test-agent', version: '1.0.0' },
  initialRetryDelay: 5,
  maxRetryDelay: 50,
  flushInterval: 20,
  exitHooks: false,
} as const;

/** The span types of the schema version an instance registered, as stored. */
export async function registeredSpanTypes(backend: Backend, instanceId: string): Promise<Array<Record<string, unknown>>> {
  return backend.store.read(async (tx) => {
    const instance = await tx.getInstance(backend.accountId, instanceId);
    if (!instance) throw new Error(`instance ${instanceId} is not stored`);
    const version = await tx.getSchemaVersion(backend.accountId, instance.schema_version_id);
    const document = JSON.parse(version!.document_json) as { span_type_schemas?: Array<Record<string, unknown>> };
    return document.span_type_schemas ?? [];
  });
}
