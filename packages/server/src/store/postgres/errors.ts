import pg from 'pg';
import { StoreConflictError, StoreUnavailableError, type StoreTable } from '../errors.js';

/** SQLSTATEs after which the whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * SQLSTATEs meaning the database cannot serve us right now: shutdown, restart, too many
 * connections, a statement past its timeout, a read-only standby after a failover, and the
 * retryable ones once retries are spent.
 */
const UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '57014', '53300', '25006', ...RETRYABLE]);

/** Socket errors of a database that is down or unreachable. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/** The driver's own errors for a lost or never-made connection carry no code, only these messages. */
const DRIVER_CONNECTION_FAILURE =
  /Connection terminated|timeout expired|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended|connection error/i;

const sqlState = (error: unknown) => (error instanceof pg.DatabaseError ? error.code : undefined);

export const isRetryable = (error: unknown) => RETRYABLE.has(sqlState(error) ?? '');

/** True when the error says the connection or the server is gone, not that the statement was wrong. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const state = sqlState(error);
  if (state !== undefined) {
    // Class 08 is "connection exception"; 08P01 is a protocol violation, which is a bug, not an outage.
    return UNAVAILABLE.has(state) || (state.startsWith('08') && state !== '08P01');
  }
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && NETWORK.has(code)) || DRIVER_CONNECTION_FAILURE.test(error.message);
}

/** Maps a driver error to the store's errors; everything else passes through unchanged. */
export function asStoreError(error: unknown, table?: StoreTable): unknown {
  if (error instanceof StoreUnavailableError || error instanceof StoreConflictError) return error;
  if (sqlState(error) === '23505' && table) return new StoreConflictError(table, { cause: error });
  if (isUnavailable(error)) {
    const detail = sqlState(error) ?? (error as { code?: string }).code;
    const message = (error as Error).message;
    return new StoreUnavailableError(`the PostgreSQL database is unavailable (${detail ? `${detail}: ` : ''}${message})`, { cause: error });
  }
  return error;
}
