import { hash, randomBytes } from 'node:crypto';
import type { Store, WriteTx } from '../store/store.js';
import type { TokenRecord, TokenScope, TokenStatus } from '../store/records.js';
import { tokenRefusal } from './api-tokens/token-status.js';
import type { Principal } from './caller.js';
import { sameDigest } from './secrets.js';
import { newId } from './ids.js';
import { systemClock, timestampFromMs } from './timestamps.js';

const TOKEN_PREFIX = 'as_';

/** 256 random bits: high-entropy enough that a plain sha256 is a safe way to store it. */
export const generateToken = () => TOKEN_PREFIX + randomBytes(32).toString('base64url');

export const hashToken = (token: string) => hash('sha256', token, 'hex');

const MAX_CACHED = 10_000;

/** A token's last use is written at most this often per process, so using it costs no write per request. */
export const LAST_USED_PRECISION_MS = 60_000;

/** The broadcast that tells every server process to look an account's tokens up again. */
const FORGET_PREFIX = '{"forget_tokens":';
const forgetMessage = (accountId: string) => `${FORGET_PREFIX}${JSON.stringify(accountId)}}`;

interface KnownToken {
  principal: Principal;
  id: string;
  tokenHash: string;
  /** Its `expires_at`: a cached token is refused from then on. */
  expiresAt: string | null;
  /** When this process last wrote (or read) the token's last use, in ms. */
  usedAtMs: number;
}

/** What a bearer token is: a principal, a known token refused with the reason, or (undefined) unknown. */
export type TokenCheck = { principal: Principal } | { refused: string } | undefined;

/**
 * Bearer token → principal. Known active tokens are cached (a suspended, revoked or expired one is
 * looked up every time, so an activate needs no forget); unknown ones are looked up every time
 * (another process, e.g. `tokens create`, may have just added one). Only hashes are kept and
 * compared (the cache is keyed by the token's sha256, and the stored hash found is checked
 * against it with `timingSafeEqual`), never the token text itself. A suspend, a revoke or a
 * delete of a token (from the API or the command line), or an agent delete (which deletes its
 * deployments' tokens), makes every process forget the account's cached tokens before it is
 * answered: this one directly, others through the store's broadcast (PostgreSQL, waiting for
 * each listener's receipt) or, on SQLite, because another process committed to the file
 * (`Store.othersCommitted`). While the broadcast's connection is lost,
 * nothing is cached.
 */
export class TokenAuthenticator {
  readonly #store: Store;
  /** By the token's sha256. */
  readonly #known = new Map<string, KnownToken>();
  #seenCommits: unknown;
  /** Set once the store was asked in this event-loop turn; cleared when the turn ends. */
  #askedThisTurn = false;
  #stopListening: (() => Promise<void>) | undefined;
  /** Set while the broadcast cannot be heard: a forget sent now would not reach this cache. */
  #deaf = false;
  /** Counts forgets, so that a lookup that raced one does not cache what it read before it. */
  #forgets = 0;

  constructor(store: Store) {
    this.#store = store;
    this.#seenCommits = store.othersCommitted?.();
  }

  /** The principal of a usable token; undefined for an unknown or refused one. */
  async principal(token: string): Promise<Principal | undefined> {
    const check = await this.check(token);
    return check && 'principal' in check ? check.principal : undefined;
  }

  async check(token: string): Promise<TokenCheck> {
    this.#revalidate();
    const tokenHash = hashToken(token);
    let known = this.#known.get(tokenHash);
    if (!known || !sameDigest(known.tokenHash, tokenHash)) {
      const forgets = this.#forgets;
      const row = await this.#store.read((tx) => tx.findTokenByHash(tokenHash));
      if (!row || !sameDigest(row.token_hash, tokenHash)) return undefined;
      const refused = tokenRefusal(row, systemClock.now());
      if (refused) return { refused };
      known = {
        principal: { tokenId: row.id, accountId: row.account_id, scope: row.scope, deploymentId: row.deployment_id },
        id: row.id,
        tokenHash,
        expiresAt: row.expires_at,
        usedAtMs: row.last_used_at ? Date.parse(row.last_used_at) : 0,
      };
      if (this.#known.size >= MAX_CACHED) this.#known.clear();
      if (!this.#deaf && forgets === this.#forgets) this.#known.set(tokenHash, known);
    } else if (known.expiresAt !== null) {
      const refused = tokenRefusal({ id: known.id, status: 'active', expires_at: known.expiresAt }, systemClock.now());
      if (refused) return { refused };
    }
    this.#noteUse(known);
    return { principal: known.principal };
  }

  /** Drops the account's cached tokens here and in every other server process of the store. */
  async forgetAccount(accountId: string): Promise<void> {
    this.#forgetLocally(accountId);
    await forgetEverywhere(this.#store, accountId);
  }

  /** Listens for other processes' forgets (where the store has a broadcast). */
  async start(): Promise<void> {
    this.#stopListening = await this.#store.broadcast?.listen({
      message: (message) => {
        if (!message.startsWith(FORGET_PREFIX)) return;
        const { forget_tokens: accountId } = JSON.parse(message) as { forget_tokens: string };
        this.#forgetLocally(accountId);
      },
      lost: () => {
        this.#deaf = true;
        this.#forgetAll();
      },
      restored: () => {
        this.#deaf = false;
        this.#forgetAll();
      },
    });
  }

  async close(): Promise<void> {
    await this.#stopListening?.();
  }

  #forgetAll() {
    this.#forgets++;
    this.#known.clear();
  }

  #forgetLocally(accountId: string) {
    this.#forgets++;
    for (const [tokenHash, known] of this.#known) if (known.principal.accountId === accountId) this.#known.delete(tokenHash);
  }

  /**
   * Forgets every cached token when another process committed since the last look. Asked once per
   * event-loop turn, not per request: under load one turn parses many requests, and asking SQLite
   * costs more than the rest of a cached lookup. A revoke is seen by every request of the turns
   * after it committed.
   */
  #revalidate() {
    if (!this.#store.othersCommitted || this.#askedThisTurn) return;
    this.#askedThisTurn = true;
    setImmediate(() => (this.#askedThisTurn = false));
    const commits = this.#store.othersCommitted();
    if (commits !== this.#seenCommits) {
      this.#seenCommits = commits;
      this.#forgetAll();
    }
  }

  /** Records the use in the background, once per LAST_USED_PRECISION_MS; a failure only loses the stamp. */
  #noteUse(known: KnownToken) {
    const now = Date.now();
    if (now - known.usedAtMs < LAST_USED_PRECISION_MS) return;
    known.usedAtMs = now;
    this.#store.write((tx) => tx.touchToken(known.id, timestampFromMs(now))).catch(() => {});
  }
}

/**
 * Sets a token's status (the command line's `tokens suspend|activate|revoke`); a suspend or revoke
 * is refused by every server process of the store from the moment this resolves. A revoked token
 * stays revoked. Throws a message naming what to do when there is no such token.
 */
export async function setTokenStatus(store: Store, id: string, status: TokenStatus): Promise<TokenRecord> {
  const row = await store.write(async (tx) => {
    const token = (await tx.listTokens()).find((t) => t.id === id);
    if (!token) throw new Error(`there is no token ${id}; \`agentspan tokens list\` shows the ids`);
    if (token.status === 'revoked' && status !== 'revoked') throw new Error(`token ${id} was revoked, which is final; create a new one`);
    const changed = await tx.setTokenStatus(token.account_id, id, status, systemClock.now());
    if (status !== 'active') forgetTokensOnCommit(tx, token.account_id);
    return changed!;
  });
  if (status !== 'active') await forgetEverywhere(store, row.account_id);
  return row;
}

/** Revokes a token for good: from now on every server process of the store refuses it. */
export const revokeToken = (store: Store, id: string) => setTokenStatus(store, id, 'revoked');

/** Deletes a token: from now on every server process of the store refuses it as unknown. */
export async function deleteToken(store: Store, id: string): Promise<TokenRecord> {
  const row = await store.write(async (tx) => {
    const deleted = await tx.deleteToken(id);
    if (deleted) forgetTokensOnCommit(tx, deleted.account_id);
    return deleted;
  });
  if (!row) throw new Error(`there is no token ${id}; \`agentspan tokens list\` shows the ids`);
  await forgetEverywhere(store, row.account_id);
  return row;
}

/**
 * Has the transaction that deletes an account's tokens tell every server process to forget them
 * as it commits: a revoke cannot commit unheard, even if this process dies just after. Then
 * `forgetEverywhere` waits until each has.
 */
export function forgetTokensOnCommit(tx: WriteTx, accountId: string): void {
  tx.broadcastOnCommit(forgetMessage(accountId));
}

/**
 * Tells every server process of the store to forget the account's cached tokens, and waits until
 * each has. Best effort past that: a process that does not answer in time (hung, or its connection
 * just lost, when it caches nothing) is not waited for.
 */
export async function forgetEverywhere(store: Store, accountId: string): Promise<void> {
  await store.broadcast?.sendConfirmed(forgetMessage(accountId)).catch(() => {});
}

export interface CreateTokenOptions {
  scope: TokenScope;
  /** Defaults to the store's first account. */
  accountId?: string;
  /** For deployment-scoped tokens; defaults to the account's first deployment. */
  deploymentId?: string;
  /** Refused from this time on (canonical, see `timestamps.ts`); never when absent. */
  expiresAt?: string;
}

/** Issues a token and returns its text, which is stored only as a hash and cannot be shown again. */
export async function createToken(store: Store, options: CreateTokenOptions): Promise<string> {
  const token = generateToken();
  await store.write(async (tx) => {
    const accountId = options.accountId ?? (await tx.firstAccount())?.id;
    if (!accountId) throw new Error('this store has no account yet; start the server once (agentspan serve) to create one');
    let deploymentId: string | null = null;
    if (options.scope === 'deployment') {
      const deployment = options.deploymentId ? await tx.getDeployment(accountId, options.deploymentId) : (await tx.listDeployments(accountId))[0];
      if (!deployment) {
        throw new Error(
          options.deploymentId
            ? `account ${accountId} has no deployment ${options.deploymentId}`
            : `account ${accountId} has no deployment yet; create an account-scoped token instead`,
        );
      }
      deploymentId = deployment.id;
    }
    const now = systemClock.now();
    await tx.insertToken({
      id: newId(accountId),
      account_id: accountId,
      scope: options.scope,
      deployment_id: deploymentId,
      token_hash: hashToken(token),
      inserted_at: now,
      status: 'active',
      expires_at: options.expiresAt ?? null,
      created_by: null,
      updated_at: now,
    });
  });
  return token;
}
