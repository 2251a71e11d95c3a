import type { ReadTx, Store, WriteTx } from '../store/store.js';
import { forgetTokensOnCommit, TokenAuthenticator } from './access-tokens.js';
import type { Principal } from './caller.js';
import { IdempotencyLedger, LEDGER_RETENTION_MS, type LedgerAnswer } from './idempotency-ledger.js';
import { changeOfAnswer, emitsEvents } from './events/change-events.js';
import { EventFeed } from './events/event-feed.js';
import type { OperationContext, OperationName, WriteOperation } from './operation.js';
import { SchemaCatalogs } from './schema-catalogs.js';
import { systemClock, timestampFromMs, type Clock } from './timestamps.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-limits.js';

/** Told of every committed write, for metrics. */
export interface WriteObserver {
  /** A write was answered from a commit, or replayed from the ledger. */
  written(operation: OperationName, answer: LedgerAnswer): void;
  /** An OTLP export stored this many new spans. */
  spansIngested(count: number): void;
}

/** The domain layer's entry point: runs operations for a principal against one store. */
export class Domain {
  readonly store: Store;
  readonly tokens: TokenAuthenticator;
  readonly events: EventFeed;
  observer: WriteObserver | undefined;
  readonly #catalogs = new SchemaCatalogs();
  readonly #clock: Clock;
  readonly limits: RequestLimits;

  constructor(store: Store, { clock = systemClock, limits = DEFAULT_REQUEST_LIMITS }: { clock?: Clock; limits?: RequestLimits } = {}) {
    this.store = store;
    this.limits = limits;
    this.tokens = new TokenAuthenticator(store);
    this.events = new EventFeed(store);
    this.#clock = clock;
  }

  context(principal: Principal): OperationContext {
    return { caller: { ...principal, now: this.#clock.now() }, catalogs: this.#catalogs, limits: this.limits };
  }

  /** One write in its own transaction, at most once per idempotency key. */
  async write<P extends object>(principal: Principal, operation: WriteOperation<P>, params: P, key?: string | null): Promise<LedgerAnswer> {
    const guarded = IdempotencyLedger.guard(operation, params, this.context(principal), key);
    const answer = await (operation.additive
      ? this.store.writeAdditive(guarded)
      : this.store.write(operation.deletesTokens ? forgettingTokens(guarded, principal.accountId) : guarded));
    if (operation.deletesTokens) await this.tokens.forgetAccount(principal.accountId);
    this.announce(operation.name, principal.accountId, answer);
    return answer;
  }

  /** Publishes the change a committed write made, for the events stream (a replay changed nothing). */
  announce(operation: OperationName, accountId: string, answer: LedgerAnswer): void {
    this.observer?.written(operation, answer);
    if (answer.replayed || !emitsEvents(operation) || !this.events.wanted(accountId)) return;
    const change = changeOfAnswer(operation, accountId, answer);
    if (change) this.events.publish(change);
  }

  read<T>(unit: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.store.read(unit);
  }

  /** Forgets ledger entries past their retention; returns how many. */
  pruneLedger(): Promise<number> {
    const cutoff = timestampFromMs(Date.now() - LEDGER_RETENTION_MS);
    return this.store.write((tx) => tx.pruneIdempotency(cutoff));
  }
}

/** `unit`, with the forget of the account's cached tokens sent as its transaction commits. */
const forgettingTokens =
  <T>(unit: (tx: WriteTx) => Promise<T>, accountId: string) =>
  async (tx: WriteTx): Promise<T> => {
    const result = await unit(tx);
    forgetTokensOnCommit(tx, accountId);
    return result;
  };
