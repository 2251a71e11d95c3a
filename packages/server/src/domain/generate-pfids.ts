import type { GeneratedPfids, GeneratePfidsBody } from '@agentspan/protocol';
import type { Principal } from './caller.js';
import { fieldError } from './errors.js';
import { newPfid } from './ids.js';

/** POST /pfid/generate: `count` new PFIDs in the partition of the caller's account; any token may ask. */
export function generatePfids(principal: Principal, params: GeneratePfidsBody): GeneratedPfids {
  if (params.account_id !== undefined && params.account_id !== principal.accountId) {
    throw fieldError('account_id', `names another account than this token's (${principal.accountId}); omit it, or use a token of that account`);
  }
  return { pfids: Array.from({ length: params.count }, () => newPfid(principal.accountId)) };
}
