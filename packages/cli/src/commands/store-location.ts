import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { openPostgresStore, openSqliteStore, SQLITE_FILE_NAME, type Store } from '@agentspan/server';

export const DEFAULT_DATA_DIR = '.agentspan';

export type StoreLocation = { engine: 'sqlite'; dataDir: string } | { engine: 'postgres'; databaseUrl: string };

/** The flags that say where the store is, shared by every command that opens one. */
export const withStoreLocationOptions = (command: Command) =>
  command
    .addOption(new Option('--data-dir <dir>', `SQLite data directory (default: ${DEFAULT_DATA_DIR})`))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL, postgres://… (default: $DATABASE_URL)').argParser(parseDatabaseUrl));

export interface StoreLocationFlags {
  dataDir?: string;
  databaseUrl?: string;
}

/**
 * `--database-url` (or DATABASE_URL when no --data-dir is given) picks PostgreSQL; otherwise SQLite
 * in `--data-dir`. `--database-url` is checked by its option parser, `parseDatabaseUrl`.
 */
export function resolveStoreLocation(flags: StoreLocationFlags, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  if (flags.dataDir !== undefined && flags.databaseUrl !== undefined) {
    throw new Error('give either --data-dir (SQLite) or --database-url (PostgreSQL), not both');
  }
  if (flags.databaseUrl !== undefined) return { engine: 'postgres', databaseUrl: flags.databaseUrl };
  if (flags.dataDir === undefined && env.DATABASE_URL) {
    try {
      return { engine: 'postgres', databaseUrl: parseDatabaseUrl(env.DATABASE_URL) };
    } catch (error) {
      throw new Error(`DATABASE_URL: ${(error as Error).message}`);
    }
  }
  return { engine: 'sqlite', dataDir: flags.dataDir ?? DEFAULT_DATA_DIR };
}

/** Option parser for --database-url. */
export function parseDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; use postgres://user:password@host:5432/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new InvalidArgumentError(`the database URL must start with postgres:// (got ${url.protocol}//)`);
  }
  return value;
}

export interface PostgresTuning {
  poolSize?: number;
  statementTimeoutMs?: number;
  ssl?: boolean;
}

/** The SQLite file of a data directory, after checking there is one (a command other than serve never creates a store). */
export function existingSqliteFile(dataDir: string): string {
  const file = join(dataDir, SQLITE_FILE_NAME);
  if (!existsSync(file)) {
    throw new Error(`no store in ${dataDir}; start the server once with \`agentspan serve --data-dir ${dataDir}\` to create it`);
  }
  return file;
}

/** Opens the store of a command that works on an existing one: SQLite only if its file is there. */
export function openExistingStoreAt(location: StoreLocation): Promise<Store> {
  if (location.engine === 'sqlite') existingSqliteFile(location.dataDir);
  return openStoreAt(location);
}

/** Opens (and migrates) the store the location names. */
export async function openStoreAt(location: StoreLocation, tuning: PostgresTuning = {}): Promise<Store> {
  if (location.engine === 'sqlite') return openSqliteStore({ dataDir: location.dataDir });
  return openPostgresStore({ connectionString: location.databaseUrl, ...tuning });
}

export const describeLocation = (location: StoreLocation) =>
  location.engine === 'sqlite' ? `SQLite in ${location.dataDir}` : `PostgreSQL at ${redactPassword(location.databaseUrl)}`;

function redactPassword(databaseUrl: string) {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}
