import { defineOperation } from '../operation.js';
import { assertTokenAdmin, takeOutOfUse } from './token-rules.js';

export interface ApiTokenActionParams {
  api_token_id: string;
}

/**
 * POST /api_token/{id}/suspend: refused by every server process of the store once answered
 * (`deletesTokens` forgets the account's cached tokens everywhere), until activated. Suspending a
 * suspended token changes nothing; a revoked one is 409, as is the account's last usable
 * account-scoped token.
 */
export const suspendApiToken = defineOperation<ApiTokenActionParams>(
  'api_tokens/suspend',
  (params, { caller }) => {
    assertTokenAdmin(caller, 'suspending api tokens');
    return (tx) => takeOutOfUse(tx, caller, params.api_token_id, 'suspended');
  },
  { deletesTokens: true },
);
