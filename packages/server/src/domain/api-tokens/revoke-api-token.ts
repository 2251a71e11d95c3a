import { defineOperation } from '../operation.js';
import type { ApiTokenActionParams } from './suspend-api-token.js';
import { assertTokenAdmin, takeOutOfUse } from './token-rules.js';

/**
 * POST /api_token/{id}/revoke: refused for good by every server process of the store once
 * answered; the row stays (listed as `revoked`) until deleted. Revoking a revoked token changes
 * nothing; the account's last usable account-scoped token is 409.
 */
export const revokeApiToken = defineOperation<ApiTokenActionParams>(
  'api_tokens/revoke',
  (params, { caller }) => {
    assertTokenAdmin(caller, 'revoking api tokens');
    return (tx) => takeOutOfUse(tx, caller, params.api_token_id, 'revoked');
  },
  { deletesTokens: true },
);
