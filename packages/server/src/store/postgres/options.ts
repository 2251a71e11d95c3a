import type { PoolConfig } from 'pg';

export interface PostgresTlsOptions {
  /** Refuse a server certificate that does not verify (default true). */
  rejectUnauthorized?: boolean;
  /** PEM text of the certificate authority to trust, for a private CA. */
  ca?: string | Buffer;
}

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://…`). */
  connectionString: string;
  /** Connections each process keeps open at most (default 10). */
  poolSize?: number;
  /** Longest a statement, a lock wait included, may run before it fails (default 10 000 ms). */
  statementTimeoutMs?: number;
  /** Longest to wait for a connection, new or from a busy pool, before failing (default 5 000 ms). */
  connectTimeoutMs?: number;
  /** TLS: true, or settings; leave unset when the URL says `sslmode=…`. */
  ssl?: boolean | PostgresTlsOptions;
  /** A schema of its own (created when missing); the connection's default search_path otherwise. */
  schema?: string;
}

export const POSTGRES_DEFAULTS = { poolSize: 10, statementTimeoutMs: 10_000, connectTimeoutMs: 5_000 } as const;

/** A client-side limit past the server-side one, for a network that stops answering altogether. */
const READ_TIMEOUT_MARGIN_MS = 2_000;
/** A process that stalls inside a transaction must not hold its row locks for long. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const URL_TLS_PARAMETERS = ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert'];

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`PostgreSQL ${name} must be a positive whole number, got ${String(value)}`);
  }
  return value;
}

function checkConnectionString(connectionString: unknown, ssl: PostgresStoreOptions['ssl']): void {
  if (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(connectionString)) {
    const scheme = typeof connectionString === 'string' ? connectionString.split(':')[0] : typeof connectionString;
    throw new Error(
      `the PostgreSQL database URL must start with postgres:// or postgresql:// (got "${scheme}:…"); for example postgres://user:password@localhost:5432/agentspan`,
    );
  }
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new Error(
      'the PostgreSQL database URL is not a valid URL; percent-encode special characters in the user name and password (e.g. @ as %40)',
    );
  }
  const inUrl = URL_TLS_PARAMETERS.filter((name) => url.searchParams.has(name));
  if (ssl !== undefined && inUrl.length > 0) {
    throw new Error(
      `TLS is set twice: the database URL has ${inUrl.join(', ')} and TLS is also asked for separately (the ssl option, --database-ssl); keep one of them`,
    );
  }
}

/** Checks what a user gives and turns it into the pool's settings; throws a message saying what to fix. */
export function poolConfig(options: PostgresStoreOptions): PoolConfig {
  checkConnectionString(options.connectionString, options.ssl);
  const max = positiveInteger('pool size', options.poolSize, POSTGRES_DEFAULTS.poolSize);
  const statementTimeout = positiveInteger('statement timeout (ms)', options.statementTimeoutMs, POSTGRES_DEFAULTS.statementTimeoutMs);
  const connectTimeout = positiveInteger('connect timeout (ms)', options.connectTimeoutMs, POSTGRES_DEFAULTS.connectTimeoutMs);
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(
      `PostgreSQL schema name ${JSON.stringify(options.schema)} is not allowed; use lower-case letters, digits and _ (starting with a letter or _), at most 63 characters`,
    );
  }
  return {
    connectionString: options.connectionString,
    max,
    connectionTimeoutMillis: connectTimeout,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + READ_TIMEOUT_MARGIN_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'agentspan',
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  };
}
