import type { BulkBody } from '@agentspan/protocol';
import type { ReadTx, Store, WriteTx } from '../store/store.js';
import { forgetTokensOnCommit, TokenAuthenticator } from './access-tokens.js';
import { runBulk, type SequenceWriter } from './bulk.js';
import { oneShape, runBulkRequests } from './bulk-requests.js';
import type { Principal } from './caller.js';
import { IdempotencyLedger, LEDGER_RETENTION_MS, type LedgerAnswer } from './idempotency-ledger.js';
import { changeOfAnswer, emitsEvents } from './events/change-events.js';
import type { ChangedResource } from './events/changed-resource.js';
import { EventFeed } from './events/event-feed.js';
import type { OperationContext, OperationName, WriteOperation } from './operation.js';
import { SchemaCatalogs } from './schema-catalogs.js';
import { systemClock, timestampFromMs, type Clock } from './timestamps.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-limits.js';
import { ingestTraces, storeTrace, type IngestOutcome, type TraceWrites } from './traces/ingest-traces.js';
import type { ReadExport } from './traces/received-spans.js';
import { instanceJson, instanceResource } from './views/instance-view.js';
import { currentInstanceJson } from './instances/instance-access.js';
import { NO_FIGURES } from './instances/run-cost.js';
import { withUsage, type UsageWritten } from './usage-tap.js';
import { spanResource } from './views/span-view.js';
import { alertResource } from './views/alert-view.js';
import type { AlertChange } from './alerts/alert-rules.js';
import { RunAlerts } from './alerts/run-alerts.js';

/** Told of every committed write, for metrics. */
export interface WriteObserver {
  /** A write was answered from a commit, or replayed from the ledger. */
  written(operation: OperationName, answer: LedgerAnswer): void;
  /** An OTLP export stored this many new spans. */
  spansIngested(count: number): void;
  /** A committed write added these tokens to its runs' totals (writes are watched for them only while an observer is set). */
  usageWritten(accountId: string, usage: readonly UsageWritten[]): void;
}

/** A unit's usage, when it was watched. */
const usageOf = (result: object): readonly UsageWritten[] | undefined => (result as { usage?: UsageWritten[] }).usage;

/**
 * The domain layer's entry point: runs operations for a principal against one store. Every write of
 * agents, instances and spans (an API call, a bulk item, an OTLP export) goes through it, and it
 * alone announces what they changed.
 */
export class Domain {
  readonly #store: Store;
  readonly tokens: TokenAuthenticator;
  readonly events: EventFeed;
  observer: WriteObserver | undefined;
  readonly #catalogs = new SchemaCatalogs();
  readonly #clock: Clock;
  readonly limits: RequestLimits;
  readonly #runAlerts: RunAlerts;

  constructor(store: Store, { clock = systemClock, limits = DEFAULT_REQUEST_LIMITS }: { clock?: Clock; limits?: RequestLimits } = {}) {
    this.#store = store;
    this.limits = limits;
    this.tokens = new TokenAuthenticator(store);
    this.events = new EventFeed(store);
    this.#clock = clock;
    this.#runAlerts = new RunAlerts(store, clock);
  }

  context(principal: Principal): OperationContext {
    return { caller: { ...principal, now: this.#clock.now() }, catalogs: this.#catalogs, limits: this.limits };
  }

  /** One write in its own transaction, at most once per idempotency key. */
  async write<P extends object>(principal: Principal, operation: WriteOperation<P>, params: P, key?: string | null): Promise<LedgerAnswer> {
    const ledgered = IdempotencyLedger.guard(operation, params, this.context(principal), key);
    const guarded = this.observer ? withUsage(ledgered) : ledgered;
    const answer = await (operation.additive
      ? this.#store.writeAdditive(guarded)
      : this.#store.write(operation.deletesTokens ? forgettingTokens(guarded, principal.accountId) : guarded));
    if (operation.deletesTokens) await this.tokens.forgetAccount(principal.accountId);
    this.#announce(operation.name, principal.accountId, answer);
    if (!answer.replayed && answer.countedRuns) await this.#lookAtRuns(principal.accountId, answer.countedRuns);
    return answer;
  }

  /**
   * Bulk items in order, each in its own transaction and ledger entry, in either shape (see `runBulk`
   * and `runBulkRequests`); the bulk answer's JSON text.
   */
  async writeMany(principal: Principal, items: BulkBody['items']): Promise<string> {
    const shape = oneShape(items);
    const counted = new Set<string>();
    const writer: SequenceWriter = {
      writeSequence: (units) => this.#store.writeSequence(this.observer ? units.map(withUsage) : units),
      announce: (operation, answer) => {
        this.#announce(operation, principal.accountId, answer);
        if (!answer.replayed) for (const id of answer.countedRuns ?? []) counted.add(id);
      },
    };
    const context = this.context(principal);
    const json = await ('typed' in shape ? runBulk(shape.typed, context, writer) : runBulkRequests(shape.requests, context, writer));
    // Once for the whole request, however many of its spans each run got.
    await this.#lookAtRuns(principal.accountId, counted);
    return json;
  }

  /** An OTLP export's spans, each trace in a transaction of its own at a fresh clock reading (see `ingestTraces`). */
  ingest(principal: Principal, batch: ReadExport): Promise<IngestOutcome> {
    return ingestTraces(batch, this.limits.spanPayloadBytes, async (spans) => {
      const { caller } = this.context(principal);
      const unit = (tx: WriteTx) => storeTrace(tx, caller, spans);
      const writes = await this.#store.write(this.observer ? withUsage(unit) : unit);
      await this.#announceTrace(caller.accountId, writes);
      await this.#lookAtRuns(caller.accountId, writes.countedRuns);
      return writes.outcome;
    });
  }

  /**
   * After a commit that stored spans of these runs: opens or raises the alerts their risk now calls
   * for, and announces them. The write stands whatever happens here; a failure is reported and the
   * run is looked at again with its next spans.
   */
  async #lookAtRuns(accountId: string, runIds: Iterable<string>): Promise<void> {
    try {
      this.#announceAlerts(accountId, await this.#runAlerts.runsCounted(accountId, runIds));
    } catch (error) {
      process.emitWarning(`agentspan: looking at runs for alerts failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #announceAlerts(accountId: string, changes: readonly AlertChange[] | undefined): void {
    if (!changes || changes.length === 0 || !this.events.wanted(accountId)) return;
    for (const { kind, alert } of changes) this.events.publish({ kind, accountId, ...alertResource(alert) });
  }

  #reportUsage(accountId: string, result: object): void {
    const usage = usageOf(result);
    if (usage && usage.length > 0) this.observer?.usageWritten(accountId, usage);
  }

  /** Publishes the changes a committed write made, for the events stream (a replay changed nothing). */
  #announce(operation: OperationName, accountId: string, answer: LedgerAnswer): void {
    this.observer?.written(operation, answer);
    this.#reportUsage(accountId, answer);
    if (!answer.replayed) this.#announceAlerts(accountId, answer.alerts);
    if (answer.replayed || !emitsEvents(operation) || !this.events.wanted(accountId)) return;
    for (const other of answer.otherChanges ?? []) this.#publish(other.operation, accountId, other.change);
    this.#publish(operation, accountId, answer.change);
  }

  /**
   * Publishes a committed trace's changes as the operations they stand for do: the instance as
   * registered, each span created, the instance as its root span finished it (with its span counts then).
   */
  async #announceTrace(accountId: string, writes: TraceWrites): Promise<void> {
    const { registered, spans, finished } = writes;
    if (spans.length > 0) this.observer?.spansIngested(spans.length);
    this.#reportUsage(accountId, writes);
    if (!this.events.wanted(accountId)) return;
    // As registered: no spans yet, so no counts and no score (a run without spans is not assessed).
    if (registered)
      this.#publish('agent_instances/register', accountId, instanceResource(registered, instanceJson(registered, {}, null, NO_FIGURES(registered))));
    for (const span of spans) this.#publish('agent_spans/create', accountId, spanResource(span));
    if (finished) {
      const json = await this.read((tx) => currentInstanceJson(tx, finished));
      this.#publish('agent_instances/finish', accountId, instanceResource(finished, json));
    }
  }

  /** The one way a change reaches the events stream: as the event of the operation that made it. */
  #publish(operation: OperationName, accountId: string, change: ChangedResource | undefined): void {
    const event = changeOfAnswer(operation, accountId, change);
    if (event) this.events.publish(event);
  }

  read<T>(unit: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.#store.read(unit);
  }

  /** Forgets ledger entries past their retention; returns how many. */
  pruneLedger(): Promise<number> {
    const cutoff = timestampFromMs(Date.now() - LEDGER_RETENTION_MS);
    return this.#store.write((tx) => tx.pruneIdempotency(cutoff));
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
