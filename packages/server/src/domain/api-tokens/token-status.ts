import type { ApiTokenStatus } from '@agentspan/protocol';
import type { TokenRecord } from '../../store/records.js';

type StatusFields = Pick<TokenRecord, 'id' | 'status' | 'expires_at'>;

/** The status a token shows at `now`: a stored `active` or `suspended` past its expiry reads `expired`. */
export function effectiveStatus(token: Pick<TokenRecord, 'status' | 'expires_at'>, now: string): ApiTokenStatus {
  if (token.status === 'revoked') return 'revoked';
  return token.expires_at !== null && token.expires_at <= now ? 'expired' : token.status;
}

const NEW_TOKEN_HINT = 'create a new one (POST /api/v1/api_token with an account-scoped token, or `agentspan tokens create`)';

/**
 * Why a request with this token is refused at `now`, in words the caller can act on; undefined
 * when it may be used. Each reason reads differently from an unknown token's.
 */
export function tokenRefusal(token: StatusFields, now: string): string | undefined {
  switch (effectiveStatus(token, now)) {
    case 'active':
      return undefined;
    case 'expired':
      return `this token (${token.id}) expired at ${token.expires_at}; ${NEW_TOKEN_HINT}`;
    case 'suspended':
      return (
        `this token (${token.id}) is suspended; an account-scoped token can activate it again ` +
        `(POST /api/v1/api_token/${token.id}/activate, or \`agentspan tokens activate ${token.id}\`)`
      );
    case 'revoked':
      return `this token (${token.id}) was revoked and can never be used again; ${NEW_TOKEN_HINT}`;
  }
}
