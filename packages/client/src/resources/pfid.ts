import { GeneratePfidsResponse, MAX_PFID_COUNT } from '@agentspan/protocol';
import { PrefactorClientError } from '../errors/client-error.js';
import type { HttpCore } from '../http-core.js';
import { operation, type CallOptions } from '../operation.js';

export interface GeneratePfidsParams {
  /** How many PFIDs (1-1000). */
  count: number;
  /** The token's own account (Prefactor's CLI sends it with `--account_id`); any other is refused. */
  account_id?: string;
}

const GENERATE = operation('pfid.generate', 'POST', GeneratePfidsResponse, (b) => b.details.pfids);

/** `/api/v1/pfid`: Prefactor ids (PFIDs) made by the server, for ids a caller sends with its creates. */
export class Pfid {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/pfid/generate with `{"count": …}`: new PFIDs in the partition of the token's account. */
  async generate(params: GeneratePfidsParams, options?: CallOptions): Promise<string[]> {
    const count: unknown = params?.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_PFID_COUNT) {
      throw new PrefactorClientError(`pfid.generate: count must be an integer from 1 to ${MAX_PFID_COUNT}; got ${String(count)}`);
    }
    const body = params.account_id === undefined ? { count } : { count, account_id: params.account_id };
    return this.#core.call(GENERATE, '/api/v1/pfid/generate', body, options);
  }
}
