import { hash } from 'node:crypto';
import { ApiError } from './errors.js';
import type { WriteTx } from '../store/store.js';
import type { Answer, OperationContext, WriteOperation } from './operation.js';

/** Kept at least this long; older entries are pruned. */
export const LEDGER_RETENTION_MS = 24 * 60 * 60 * 1000;

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

/** How a kept receipt starts; a kept answer is an envelope and starts with `{"status"`. */
const RECEIPT_START = '{"receipt":';

/**
 * The idempotency ledger: per account, operation and key, the first successful answer (or, for an
 * operation that can rebuild its answer, a receipt of what it wrote). A replay returns that answer;
 * the same key on a different request is refused. Only successes are recorded (a failed unit rolls
 * back, claim included), so a rejected request leaves its key usable.
 */
export const IdempotencyLedger = {
  /**
   * The unit of `operation` on `params`, run at most once per key. `prepare` runs now, so its 4xx
   * are thrown before anything is written.
   */
  guard<P>(
    operation: WriteOperation<P>,
    params: P,
    context: OperationContext,
    key: string | null | undefined,
  ): (tx: WriteTx) => Promise<LedgerAnswer> {
    const unit = operation.prepare(params, context);
    if (key == null) return async (tx) => ({ ...(await unit(tx)), replayed: false });
    const { caller } = context;
    const digest = fingerprint(params as Record<string, unknown>);
    return async (tx) => {
      const existing = await tx.claimIdempotency({
        account_id: caller.accountId,
        operation: operation.name,
        key,
        fingerprint: digest,
        inserted_at: caller.now,
      });
      if (existing) {
        if (existing.fingerprint !== digest) {
          throw new ApiError(
            409,
            'idempotency_key_reused',
            `idempotency key ${JSON.stringify(key)} was already used for a different ${operation.name} request; send a new key for a new request`,
          );
        }
        const kept = existing.response_json;
        if (operation.rebuild && kept.startsWith(RECEIPT_START)) {
          return { ...(await operation.rebuild(tx, kept, params, context)), replayed: true };
        }
        return { status: existing.response_status, json: kept, replayed: true };
      }
      const answer = await unit(tx);
      await tx.completeIdempotency(caller.accountId, operation.name, key, {
        status: answer.status,
        json: answer.receipt ?? answer.json,
      });
      const { status, json, change, otherChanges, alerts, countedRuns } = answer;
      return { status, json, change, otherChanges, alerts, countedRuns, replayed: false };
    };
  },
};
