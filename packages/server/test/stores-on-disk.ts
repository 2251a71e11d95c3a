import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, openSqliteStore } from '../src/index.js';
import type { Server } from './harness.js';

/** A scratch directory for data directories, removed by `remove`. */
export async function scratchDirectory(prefix: string) {
  const root = await mkdtemp(join(tmpdir(), prefix));
  let made = 0;
  return { fresh: () => join(root, `data-${++made}`), remove: () => rm(root, { recursive: true, force: true }) };
}

/** An app on the SQLite store in `dataDir` (created if needed), as the harness serves one; `close` keeps the files. */
export async function serveDataDir(dataDir: string): Promise<Server> {
  const store = await openSqliteStore({ dataDir });
  const app = buildApp({ store });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    store,
    app,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
