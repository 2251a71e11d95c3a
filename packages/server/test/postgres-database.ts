import { describe, it } from 'node:test';
import pg from 'pg';

/** The PostgreSQL the suite runs against; unset means the PostgreSQL tests are skipped. */
export const TEST_DATABASE_URL = process.env.AGENTSPAN_TEST_DATABASE_URL || undefined;

export const POSTGRES_SKIP_REASON =
  'AGENTSPAN_TEST_DATABASE_URL is not set; set it to postgres://postgres@127.0.0.1:5432/postgres to run the behavioural suite on PostgreSQL';

/** A suite that needs PostgreSQL; without the URL it is one skipped test saying why. */
export function describePostgres(name: string, suite: (url: string) => void): void {
  if (TEST_DATABASE_URL) {
    const url = TEST_DATABASE_URL;
    describe(name, () => suite(url));
  } else {
    it(name, { skip: POSTGRES_SKIP_REASON }, () => {});
  }
}

const SCHEMA_PREFIX = 'agentspan_test_';
let opened = 0;
let sweep: Promise<void> | undefined;

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Drops test schemas whose process is gone (a run that was killed before its cleanup). */
async function sweepOrphans(url: string) {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '${SCHEMA_PREFIX}%'`);
    for (const { nspname } of rows) {
      const pid = Number(nspname.slice(SCHEMA_PREFIX.length).split('_')[0]);
      if (Number.isInteger(pid) && !processAlive(pid)) await client.query(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`);
    }
  });
}

/** A schema name no other test uses; the store creates it when it opens. */
export async function freshSchema(url: string): Promise<string> {
  sweep ??= sweepOrphans(url);
  await sweep;
  return `${SCHEMA_PREFIX}${process.pid}_${Date.now().toString(36)}_${opened++}`;
}

export function dropSchema(url: string, schema: string): Promise<void> {
  return withClient(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
}
