import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/index.js';
import { startServer, type Server } from './harness.js';

/** A scratch directory for data directories, removed by `remove`. */
export async function scratchDirectory(prefix: string) {
  const root = await mkdtemp(join(tmpdir(), prefix));
  let made = 0;
  return { fresh: () => join(root, `data-${++made}`), remove: () => rm(root, { recursive: true, force: true }) };
}

/** An app on the SQLite store in `dataDir` (created if needed), as the harness serves one; `close` keeps the files. */
export const serveDataDir = (dataDir: string): Promise<Server> =>
  startServer({
    name: 'sqlite',
    async open() {
      const store = await openSqliteStore({ dataDir });
      return { store, cleanup: () => store.close() };
    },
  });
