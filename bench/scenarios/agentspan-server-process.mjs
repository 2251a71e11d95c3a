// Child process: the server under test, from the built package (`packages/server/dist`, what
// `npx agentspan serve` runs), on a fresh store, listening on loopback, without request logs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { serveParent } from '../lib/child-process.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = await import('@agentspan/server');
let app;
let store;
let dataDir;

async function openStore() {
  if (options.store === 'postgres') return server.openPostgresStore({ databaseUrl: options.databaseUrl });
  dataDir = mkdtempSync(join(tmpdir(), 'agentspan-bench-server-'));
  return server.openSqliteStore({ dataDir });
}

await serveParent({
  setup: async () => {
    store = await openStore();
    const account = await server.bootstrapAccount(store);
    app = await server.buildApp({ store, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { url: `http://127.0.0.1:${app.server.address().port}`, token: account.token, dataDir };
  },
  teardown: async () => {
    await app?.close();
    await store?.close?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  },
});
