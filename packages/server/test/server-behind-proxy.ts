import { buildApp, openPostgresStore } from '../src/index.js';
import type { Server } from './harness.js';
import { dropSchema, freshSchema } from './postgres-database.js';
import { DatabaseProxy } from './postgres-proxy.js';

export interface ServerBehindProxy {
  proxy: DatabaseProxy;
  server: Server;
  /** Closes the server, the proxy and drops the schema. */
  close(): Promise<void>;
}

/** The app on a PostgreSQL store of a fresh schema reached through a `DatabaseProxy` the test can cut. */
export async function startServerBehindProxy(url: string): Promise<ServerBehindProxy> {
  const proxy = await DatabaseProxy.start(url);
  const schema = await freshSchema(url);
  const store = await openPostgresStore({ connectionString: proxy.urlFor(url), schema, poolSize: 2, connectTimeoutMs: 1000 });
  const app = buildApp({ store });
  const server: Server = {
    url: await app.listen({ port: 0, host: '127.0.0.1' }),
    store,
    app,
    async close() {
      await app.close();
      await store.close();
    },
  };
  return {
    proxy,
    server,
    async close() {
      await server.close();
      await proxy.close();
      await dropSchema(url, schema);
    },
  };
}
