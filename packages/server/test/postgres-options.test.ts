import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { openPostgresStore, StoreUnavailableError, type PostgresStoreOptions } from '../src/index.js';

const URL_OK = 'postgres://agentspan:secret@127.0.0.1:5432/agentspan';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('openPostgresStore options', () => {
  const refused = (options: Partial<PostgresStoreOptions>, message: RegExp) =>
    assert.rejects(openPostgresStore({ connectionString: URL_OK, ...options }), (error: Error) => {
      assert.match(error.message, message);
      return true;
    });

  it('says which URL schemes work, without echoing the password', async () => {
    await refused({ connectionString: 'mysql://root:hunter2@db/agentspan' }, /must start with postgres:\/\/ or postgresql:\/\/ \(got "mysql:…"\)/);
    await assert.rejects(openPostgresStore({ connectionString: 'mysql://root:hunter2@db/x' }), (error: Error) => !error.message.includes('hunter2'));
    await refused({ connectionString: 'postgres://user:p@ss@word@[bad/agentspan' }, /not a valid URL; percent-encode special characters/);
  });

  it('refuses TLS asked for both in the URL and separately', () =>
    refused({ connectionString: `${URL_OK}?sslmode=require`, ssl: true }, /TLS is set twice: the database URL has sslmode .*keep one of them/));

  it('refuses pool sizes and timeouts that are not positive whole numbers', async () => {
    await refused({ poolSize: 0 }, /pool size must be a positive whole number, got 0/);
    await refused({ poolSize: 2.5 }, /pool size must be a positive whole number, got 2.5/);
    await refused({ statementTimeoutMs: -1 }, /statement timeout \(ms\) must be a positive whole number, got -1/);
    await refused({ connectTimeoutMs: Number.NaN }, /connect timeout \(ms\) must be a positive whole number, got NaN/);
  });

  it('refuses schema names that would need quoting', async () => {
    await refused({ schema: 'Spans' }, /schema name "Spans" is not allowed; use lower-case letters, digits and _/);
    await refused({ schema: 'spans; DROP TABLE x' }, /is not allowed/);
    await refused({ schema: 'x'.repeat(64) }, /at most 63 characters/);
  });

  it('fails with StoreUnavailableError saying what to check when nothing answers at the address', async () => {
    const port = await closedPort();
    await assert.rejects(
      openPostgresStore({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectTimeoutMs: 2000 }),
      (error: unknown) => {
        assert.ok(error instanceof StoreUnavailableError, String(error));
        assert.match(error.message, /cannot open the PostgreSQL store: .*ECONNREFUSED.*; check the database URL and that the server is running/);
        return true;
      },
    );
  });
});
