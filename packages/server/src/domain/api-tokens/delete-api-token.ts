import { defineOperation } from '../operation.js';
import type { ApiTokenActionParams } from './suspend-api-token.js';
import { assertAnotherAdminRemains, assertTokenAdmin, lockedTokens, tokenDetails } from './token-rules.js';

/**
 * DELETE /api_token/{id}: the token is gone, refused as unknown by every server process of the
 * store once answered; answers it as it was. The account's last usable account-scoped token is 409.
 */
export const deleteApiToken = defineOperation<ApiTokenActionParams>(
  'api_tokens/delete',
  (params, { caller }) => {
    assertTokenAdmin(caller, 'deleting api tokens');
    return async (tx) => {
      const { token, all } = await lockedTokens(tx, caller, params.api_token_id);
      assertAnotherAdminRemains(all, token, caller.now, 'deleting');
      const details = await tokenDetails(tx, token, caller.now);
      await tx.deleteToken(token.id);
      return { status: 200, json: JSON.stringify({ status: 'success', details }) };
    };
  },
  { deletesTokens: true },
);
