import {
  BulkRequestsResponse,
  BulkResponse,
  MAX_BULK_ITEMS,
  type BulkItem,
  type BulkOutput,
  type BulkRequestAnswer,
  type BulkRequestItem,
} from '@agentspan/protocol';
import { PrefactorClientError } from '../errors/client-error.js';
import type { HttpCore } from '../http-core.js';
import { checkBulkKeys } from '../idempotency.js';
import { operation, type CallOptions } from '../operation.js';

export interface BulkExecuteParams {
  /** Each item: `_type`, its own `idempotency_key` (8-64 characters), and the operation's params flat beside them. */
  items: BulkItem[];
}

export interface BulkExecuteRequestsParams {
  /** Each item as Prefactor's CLI sends it: a single endpoint's `method`, `path` and `body` (its idempotency key where that endpoint takes it). */
  items: BulkRequestItem[];
}

const EXECUTE = operation('bulk.execute', 'POST', BulkResponse, (b) => b.outputs);
const EXECUTE_REQUESTS = operation('bulk.executeRequests', 'POST', BulkRequestsResponse, (b) => b.details.items);

/** An empty batch or one over the limit is refused before sending. */
function checkBatch(name: string, items: unknown): asserts items is Array<Record<string, unknown>> {
  if (!Array.isArray(items) || items.length === 0) {
    throw new PrefactorClientError(`${name}: items must be a non-empty array of bulk items`);
  }
  if (items.length > MAX_BULK_ITEMS) {
    throw new PrefactorClientError(`${name}: at most ${MAX_BULK_ITEMS} items per request; got ${items.length}, so split them into several calls`);
  }
}

/** POST /api/v1/bulk: many operations in one request, run in order, stopping at the first error. */
export class Bulk {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** Outputs keyed by each item's idempotency key; items after a failed one are absent. */
  async execute(params: BulkExecuteParams, options?: CallOptions): Promise<Record<string, BulkOutput>> {
    const items: unknown = params?.items;
    checkBatch('bulk.execute', items);
    items.forEach((item: { _type?: unknown } | null, index) => {
      if (typeof item !== 'object' || item === null || typeof item._type !== 'string' || item._type === '') {
        throw new PrefactorClientError(`bulk.execute: items[${index}] must be an object with a _type such as "agent_spans/create"`);
      }
    });
    checkBulkKeys(items);
    return this.#core.call(EXECUTE, '/api/v1/bulk', { items }, options);
  }

  /** `{method, path, body}` items, each answered as its single endpoint would, in order; a failing item does not stop the rest. */
  async executeRequests(params: BulkExecuteRequestsParams, options?: CallOptions): Promise<BulkRequestAnswer[]> {
    const items: unknown = params?.items;
    checkBatch('bulk.executeRequests', items);
    items.forEach((item: { method?: unknown; path?: unknown } | null, index) => {
      if (typeof item !== 'object' || item === null || typeof item.method !== 'string' || typeof item.path !== 'string') {
        throw new PrefactorClientError(`bulk.executeRequests: items[${index}] must be an object with a method and a path such as "/agent_spans"`);
      }
    });
    return this.#core.call(EXECUTE_REQUESTS, '/api/v1/bulk', { items }, options);
  }
}
