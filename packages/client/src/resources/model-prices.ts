import { ModelPriceListResponse, ModelPriceRemovedResponse, ModelPriceResponse, type ModelPrice } from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

/** USD per million tokens; a rate left out is billed as the providers bill it (cache at the input rate, reasoning at the output rate). */
export interface SetModelPriceParams {
  input: number;
  output: number;
  cache_read?: number | null;
  cache_write?: number | null;
  reasoning?: number | null;
  idempotency_key?: string | null;
}

export interface ModelPriceActionParams {
  idempotency_key?: string | null;
}

/** What a price change answers: the entry now in effect (null when the model is unpriced), and that history is re-priced. */
export interface ModelPriceChange<P extends ModelPrice | null = ModelPrice> {
  details: P;
  reprices_history: true;
  message: string;
}

const LIST = operation('modelPrices.list', 'GET', ModelPriceListResponse, (b) => b.details);
const SET = operation('modelPrices.set', 'PUT', ModelPriceResponse, ({ details, reprices_history, message }) => ({
  details,
  reprices_history,
  message,
}));
const DELETE = operation('modelPrices.delete', 'DELETE', ModelPriceRemovedResponse, ({ details, reprices_history, message }) => ({
  details,
  reprices_history,
  message,
}));

const RATES = ['input', 'output', 'cache_read', 'cache_write', 'reasoning'] as const;

/** `/api/v1/model_prices`: the prices the server computes costs with, shipped and the account's own (account-scoped tokens). */
export class ModelPrices {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** GET /api/v1/model_prices: every entry, by model id, each with its `source` (`shipped` or `account`). */
  list(options?: CallOptions): Promise<ModelPrice[]> {
    return this.#core.call(LIST, '/api/v1/model_prices', undefined, options);
  }

  /** PUT /api/v1/model_prices/{model} with `{"details": {rates}, …}`: adds the model or overrides its shipped price. */
  set(model: string, params: SetModelPriceParams, options?: CallOptions): Promise<ModelPriceChange> {
    const details: Record<string, unknown> = {};
    for (const rate of RATES) if (params[rate] != null) details[rate] = params[rate];
    const idempotency_key = idempotencyKeyFor(SET.name, params.idempotency_key);
    return this.#core.call(SET, `/api/v1/model_prices/${pathSegment(SET.name, 'model', model)}`, { details, idempotency_key }, options);
  }

  /** DELETE /api/v1/model_prices/{model}: drops the account's price; the shipped one (or none) applies again. */
  delete(model: string, params: ModelPriceActionParams = {}, options?: CallOptions): Promise<ModelPriceChange<ModelPrice | null>> {
    const idempotency_key = idempotencyKeyFor(DELETE.name, params.idempotency_key);
    return this.#core.call(DELETE, `/api/v1/model_prices/${pathSegment(DELETE.name, 'model', model)}`, { idempotency_key }, options);
  }
}
