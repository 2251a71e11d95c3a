import { hash, randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { TokenScope } from '../store/records.js';
import type { Principal } from './caller.js';
import { sameDigest } from './secrets.js';
import { newId } from './ids.js';
import { systemClock } from './timestamps.js';

const TOKEN_PREFIX = 'as_';

/** 256 random bits: high-entropy enough that a plain sha256 is a safe way to store it. */
export const generateToken = () => TOKEN_PREFIX + randomBytes(32).toString('base64url');

export const hashToken = (token: string) => hash('sha256', token, 'hex');

const MAX_CACHED = 10_000;

/**
 * Bearer token → principal. Tokens never change once issued, so known ones are cached; unknown
 * ones are looked up every time (another process, e.g. `tokens create`, may have just added one).
 * Only hashes are kept and compared (the cache is keyed by the token's sha256, and the stored hash
 * found is checked against it with `timingSafeEqual`), never the token text itself.
 * Deleting an agent deletes its deployments' tokens: this process forgets them at once; another
 * process finds the token's deployment gone on its next write with it (see `resolveDeployment`).
 */
export class TokenAuthenticator {
  readonly #store: Store;
  readonly #known = new Map<string, { principal: Principal; tokenHash: string }>();

  constructor(store: Store) {
    this.#store = store;
  }

  async principal(token: string): Promise<Principal | undefined> {
    const tokenHash = hashToken(token);
    const cached = this.#known.get(tokenHash);
    if (cached && sameDigest(cached.tokenHash, tokenHash)) return cached.principal;
    const row = await this.#store.read((tx) => tx.findTokenByHash(tokenHash));
    if (!row || !sameDigest(row.token_hash, tokenHash)) return undefined;
    const principal: Principal = { accountId: row.account_id, scope: row.scope, deploymentId: row.deployment_id };
    if (this.#known.size >= MAX_CACHED) this.#known.clear();
    this.#known.set(tokenHash, { principal, tokenHash });
    return principal;
  }

  /** Drops the account's cached tokens (after a write deleted some), so each is looked up again. */
  forgetAccount(accountId: string): void {
    for (const [tokenHash, { principal }] of this.#known) if (principal.accountId === accountId) this.#known.delete(tokenHash);
  }
}

export interface CreateTokenOptions {
  scope: TokenScope;
  /** Defaults to the store's first account. */
  accountId?: string;
  /** For deployment-scoped tokens; defaults to the account's first deployment. */
  deploymentId?: string;
}

/** Issues a token and returns its text, which is stored only as a hash and cannot be shown again. */
export async function createToken(store: Store, options: CreateTokenOptions): Promise<string> {
  const token = generateToken();
  await store.write(async (tx) => {
    const accountId = options.accountId ?? (await tx.firstAccount())?.id;
    if (!accountId) throw new Error('this store has no account yet; start the server once (agentspan serve) to create one');
    let deploymentId: string | null = null;
    if (options.scope === 'deployment') {
      const deployment = options.deploymentId
        ? await tx.getDeployment(accountId, options.deploymentId)
        : (await tx.listDeployments(accountId))[0];
      if (!deployment) {
        throw new Error(
          options.deploymentId
            ? `account ${accountId} has no deployment ${options.deploymentId}`
            : `account ${accountId} has no deployment yet; create an account-scoped token instead`,
        );
      }
      deploymentId = deployment.id;
    }
    await tx.insertToken({
      id: newId(),
      account_id: accountId,
      scope: options.scope,
      deployment_id: deploymentId,
      token_hash: hashToken(token),
      inserted_at: systemClock.now(),
    });
  });
  return token;
}
