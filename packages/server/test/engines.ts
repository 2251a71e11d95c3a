import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, openSqliteStore, type Store } from '../src/index.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from './postgres-database.js';

export interface Engine {
  name: string;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

const sqlite: Engine = {
  name: 'sqlite',
  async open() {
    const dataDir = await mkdtemp(join(tmpdir(), 'agentspan-test-'));
    const store = await openSqliteStore({ dataDir });
    return {
      store,
      async cleanup() {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** Every store the behavioural suite runs against. */
export const ENGINES: Engine[] = [sqlite];

// PostgreSQL engine: appended here, enabled by AGENTSPAN_TEST_DATABASE_URL.
const postgres = (url: string): Engine => ({
  name: 'postgres',
  async open() {
    const schema = await freshSchema(url);
    const store = await openPostgresStore({ connectionString: url, schema, poolSize: 4 });
    return {
      store,
      async cleanup() {
        await store.close();
        await dropSchema(url, schema);
      },
    };
  },
});
if (TEST_DATABASE_URL) ENGINES.push(postgres(TEST_DATABASE_URL));
