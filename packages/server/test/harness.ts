import type { FastifyInstance } from 'fastify';
import { buildApp, createAccount, createToken, type BootstrapResult, type BuildAppOptions, type Store } from '../src/index.js';
import type { Engine } from './engines.js';

export interface Server {
  url: string;
  store: Store;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A fresh store of `engine` behind a listening app on a free loopback port; `serving` is what the
 * app is given of it (a test may watch the store's calls), while `store` stays the store itself.
 */
export async function startServer(
  engine: Engine,
  options: Omit<BuildAppOptions, 'store'> = {},
  serving: (store: Store) => Store = (store) => store,
): Promise<Server> {
  const { store, cleanup } = await engine.open();
  const app = buildApp({ store: serving(store), ...options });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  // Tests that write old ledger rows straight to the store must not race startup's prune of them.
  await app.startupLedgerPrune();
  return {
    url,
    store,
    app,
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

/** An account of its own (tests share a server, never an account): its deployment token and an account token. */
export interface Account extends BootstrapResult {
  accountToken: string;
}

export async function newAccount(server: Server): Promise<Account> {
  const account = await createAccount(server.store);
  const accountToken = await createToken(server.store, { scope: 'account', accountId: account.accountId });
  return { ...account, accountToken };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Tests read answers freely; the shapes are asserted field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One raw HTTP call: `body` is sent as is when a string, as JSON otherwise. */
export async function call(
  server: Server,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(server.url + path, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/**
 * Everything stored that a test can see for an account: its agents, the named instances, all
 * their spans and counts. Compared before and after a rejected request to show nothing changed.
 */
export async function snapshot(server: Server, accountId: string, instanceIds: string[] = []) {
  return server.store.read(async (tx) => {
    const agents = await tx.listAgents({ account_id: accountId, offset: 0, limit: 1000 });
    const instances = [];
    for (const id of instanceIds) {
      instances.push({
        instance: await tx.getInstance(accountId, id),
        counts: await tx.spanCounts(accountId, id),
        spans: await tx.listSpans({ account_id: accountId, agent_instance_id: id, limit: 100_000 }),
      });
    }
    return { agents, instances };
  });
}
