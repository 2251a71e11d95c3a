import type { ApiTokenForCreate } from '@agentspan/protocol';
import type { DeploymentRecord, TokenRecord } from '../../store/records.js';
import type { WriteTx } from '../../store/store.js';
import { generateToken, hashToken } from '../access-tokens.js';
import { assertOwnAccountField } from '../accounts/account-rules.js';
import type { Caller } from '../caller.js';
import { ApiError, conflict, fieldError, validationError } from '../errors.js';
import { newId } from '../ids.js';
import { resolveDeployment } from '../instances/resolve-deployment.js';
import { defineOperation } from '../operation.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { apiTokenView } from '../views/api-token-view.js';
import { assertTokenAdmin } from './token-rules.js';

/**
 * POST /api_token: a new token of the caller's account, its secret in the answer's top-level
 * `token` and nowhere else: the store keeps its hash, and the idempotency ledger keeps only a
 * receipt naming the token. A replay of the key therefore cannot show the secret again and is
 * answered 409 naming the token (delete it and create another). An `agent_deployment` token's
 * deployment is made when the agent has none in that environment, as a registration makes it.
 */
export const createApiToken = defineOperation<ApiTokenForCreate>(
  'api_tokens/create',
  (params, { caller }) => {
    assertTokenAdmin(caller, 'creating api tokens');
    assertOwnAccountField(caller, 'details.account_id', params.account_id);
    const expiresAt = parseOptionalTimestamp(params.expires_at, 'details.expires_at') ?? null;
    if (expiresAt !== null && expiresAt <= caller.now) {
      throw fieldError('details.expires_at', `must lie in the future (it is ${caller.now} now); leave it out for a token that never expires`);
    }
    if (params.token_scope === 'agent_deployment') {
      for (const field of ['agent_id', 'environment_id'] as const) {
        if (params[field] == null)
          throw fieldError(`details.${field}`, 'is required with token_scope agent_deployment: the token reaches one agent in one environment');
      }
    } else {
      for (const field of ['agent_id', 'environment_id'] as const) {
        if (params[field] != null)
          throw fieldError(
            `details.${field}`,
            'must not be sent with token_scope account, which reaches every agent; send token_scope agent_deployment for one',
          );
      }
    }
    const secret = generateToken();
    return async (tx) => {
      const deployment = params.token_scope === 'agent_deployment' ? await tokenDeployment(tx, caller, params) : undefined;
      const token: TokenRecord = {
        id: newId(caller.accountId),
        account_id: caller.accountId,
        scope: deployment ? 'deployment' : 'account',
        deployment_id: deployment?.id ?? null,
        token_hash: hashToken(secret),
        inserted_at: caller.now,
        status: 'active',
        expires_at: expiresAt,
        created_by: caller.tokenId,
        updated_at: caller.now,
      };
      await tx.insertToken(token);
      const details = apiTokenView(token, deployment, caller.now);
      return {
        status: 201,
        json: JSON.stringify({ status: 'success', details, token: secret }),
        receipt: JSON.stringify({ receipt: { api_token_id: token.id } }),
      };
    };
  },
  {
    rebuild: async (_tx, receipt) => {
      const { api_token_id: id } = (JSON.parse(receipt) as { receipt: { api_token_id: string } }).receipt;
      throw conflict(
        `this idempotency key already created token ${id}, whose secret was shown once, in that answer, and is not kept; ` +
          `if that answer was lost, delete the token (DELETE /api/v1/api_token/${id}) and create another with a new key`,
      );
    },
  },
);

/** The agent's deployment in the environment, made when missing, as a registration resolves it; its field errors under `details.`. */
async function tokenDeployment(tx: WriteTx, caller: Caller, params: ApiTokenForCreate): Promise<DeploymentRecord> {
  try {
    return await resolveDeployment(tx, caller, { agent_id: params.agent_id ?? null, environment_id: params.environment_id ?? null });
  } catch (error) {
    if (error instanceof ApiError && error.statusCode === 422 && error.errors) {
      throw validationError(Object.fromEntries(Object.entries(error.errors).map(([field, messages]) => [`details.${field}`, messages])));
    }
    throw error;
  }
}
