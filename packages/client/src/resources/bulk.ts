import { BulkResponse, MAX_BULK_ITEMS, type BulkItem, type BulkOutput } from '@agentspan/protocol';
import { PrefactorClientError } from '../errors/client-error.js';
import type { HttpCore } from '../http-core.js';
import { checkBulkKeys } from '../idempotency.js';
import { operation, type CallOptions } from '../operation.js';

export interface BulkExecuteParams {
  /** Each item: `_type`, its own `idempotency_key` (8-64 characters), and the operation's params flat beside them. */
  items: BulkItem[];
}

const EXECUTE = operation('bulk.execute', 'POST', BulkResponse, (b) => b.outputs);

/** POST /api/v1/bulk: many operations in one request, run in order, stopping at the first error. */
export class Bulk {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** Outputs keyed by each item's idempotency key; items after a failed one are absent. */
  async execute(params: BulkExecuteParams, options?: CallOptions): Promise<Record<string, BulkOutput>> {
    const items: unknown = params?.items;
    if (!Array.isArray(items) || items.length === 0) {
      throw new PrefactorClientError('bulk.execute: items must be a non-empty array of bulk items');
    }
    if (items.length > MAX_BULK_ITEMS) {
      throw new PrefactorClientError(
        `bulk.execute: at most ${MAX_BULK_ITEMS} items per request; got ${items.length}, so split them into several calls`,
      );
    }
    items.forEach((item: { _type?: unknown } | null, index) => {
      if (typeof item !== 'object' || item === null || typeof item._type !== 'string' || item._type === '') {
        throw new PrefactorClientError(`bulk.execute: items[${index}] must be an object with a _type such as "agent_spans/create"`);
      }
    });
    checkBulkKeys(items);
    return this.#core.call(EXECUTE, '/api/v1/bulk', { items }, options);
  }
}
