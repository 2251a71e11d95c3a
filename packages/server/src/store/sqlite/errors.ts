import { StoreUnavailableError } from '../errors.js';

const UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL']);

/** Maps the engine's transient failures to `StoreUnavailableError`; everything else passes through. */
export function asStoreError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE.has(code.split('_').slice(0, 2).join('_'))) {
    return new StoreUnavailableError(`the SQLite database is unavailable (${code})`, { cause: error });
  }
  return error;
}
