import { hash } from 'node:crypto';
import { ApiError } from './errors.js';
import type { Caller } from './caller.js';
import type { Answer, OperationName, WriteUnit } from './operation.js';

/** Kept at least this long; older entries are pruned. */
export const LEDGER_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface LedgerEntry {
  operation: OperationName;
  key: string;
  fingerprint: string;
}

export interface LedgerAnswer extends Answer {
  replayed: boolean;
}

/**
 * Digest of a request's params. `null` reads as absent and top-level key order does not matter, so
 * the official SDKs' shapes, our client and bulk items of one request all agree; the key itself is
 * not part of the request.
 */
export function fingerprint(params: Record<string, unknown>): string {
  // One text, hashed once: the same digest as hashing the parts one by one, without a native call per part.
  let text = '';
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value == null || name === 'idempotency_key' || name === '_type') continue;
    text += `${name}\u0000${JSON.stringify(value)}\u0000`;
  }
  return hash('sha256', text, 'base64url');
}

/**
 * The idempotency ledger: per account, operation and key, the first successful answer. A replay
 * returns it; the same key on a different request is refused. Only successes are recorded (a
 * failed unit rolls back, claim included), so a rejected request leaves its key usable.
 */
export const IdempotencyLedger = {
  entry(operation: OperationName, key: string | null | undefined, params: Record<string, unknown>): LedgerEntry | undefined {
    return key == null ? undefined : { operation, key, fingerprint: fingerprint(params) };
  },

  /** Wraps `unit` so that it runs at most once per ledger entry. */
  guard(unit: WriteUnit, caller: Caller, entry: LedgerEntry | undefined): (tx: Parameters<WriteUnit>[0]) => Promise<LedgerAnswer> {
    if (!entry) return async (tx) => ({ ...(await unit(tx)), replayed: false });
    return async (tx) => {
      const existing = await tx.claimIdempotency({
        account_id: caller.accountId,
        operation: entry.operation,
        key: entry.key,
        fingerprint: entry.fingerprint,
        inserted_at: caller.now,
      });
      if (existing) {
        if (existing.fingerprint !== entry.fingerprint) {
          throw new ApiError(
            409,
            'idempotency_key_reused',
            `idempotency key ${JSON.stringify(entry.key)} was already used for a different ${entry.operation} request; send a new key for a new request`,
          );
        }
        return { status: existing.response_status, json: existing.response_json, replayed: true };
      }
      const answer = await unit(tx);
      await tx.completeIdempotency(caller.accountId, entry.operation, entry.key, answer);
      return { ...answer, replayed: false };
    };
  },
};
