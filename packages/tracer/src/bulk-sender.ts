import { backoffDelay, PrefactorAbortedError, PrefactorApiError, type Backoff, type BulkItem, type BulkOutput, type Sleep } from '@agentspan/client';
import { DeliveryQueue, type FinishFields, type QueuedItem } from './delivery-queue.js';
import { outcomeOf } from './item-outcome.js';
import type { TracerLogger } from './options.js';
import { RetryWait } from './retry-wait.js';
import { unref } from './unref.js';

/** Counters of what happened to the tracer's items. */
export interface DeliveryStats {
  /** Waiting to be stored, including those in flight. */
  queued: number;
  /** Stored (answered with success, or already done). */
  sent: number;
  /** Sends of an item after its first, counted per item. */
  retried: number;
  /** Not queued because the queue was full. */
  dropped: number;
  /** Refused by the server for good (4xx) and dropped. */
  rejected: number;
}

export type SendBatch = (items: BulkItem[], signal: AbortSignal) => Promise<Record<string, BulkOutput>>;

export interface BulkSenderOptions {
  batchSize: number;
  flushInterval: number;
  maxQueueSize: number;
  initialRetryDelay: number;
  maxRetryDelay: number;
  logger: TracerLogger;
  /** Called for every item the backend stored, with its output. */
  onStored(item: BulkItem, output: BulkOutput): void;
}

// Distinct refusal kinds logged; past this, refusals are only counted.
const MAX_LOGGED_REFUSALS = 100;

/**
 * Sends the queue through POST /bulk, one request at a time so that order holds: a batch at most
 * every `flushInterval`, at once when a batch is full or a flush waits. Items leave the queue only
 * when answered; what follows a failing item is sent again under the same keys.
 */
export class BulkSender {
  readonly #options: BulkSenderOptions;
  readonly #queue: DeliveryQueue;
  readonly #retryBackoff: Backoff;
  readonly #wait = new RetryWait();
  readonly #abort = new AbortController();
  readonly #refusalsLogged = new Set<string>();
  readonly #flushes: Array<{ seq: number; resolve: () => void }> = [];
  #send: SendBatch | undefined;
  #running: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #inFlight = 0;
  #batchLimit: number;
  #failures = 0;
  #warnedFull = false;
  #stopped = false;
  #stats = { sent: 0, retried: 0, dropped: 0, rejected: 0 };

  constructor(options: BulkSenderOptions) {
    this.#options = options;
    this.#queue = new DeliveryQueue(options.maxQueueSize);
    this.#batchLimit = options.batchSize;
    // Doubling with equal jitter, as the tracer documents: the client's backoff with these settings.
    this.#retryBackoff = {
      initialDelay: options.initialRetryDelay,
      maxDelay: options.maxRetryDelay,
      multiplier: 2,
      jitter: 'equal',
      random: Math.random,
    };
  }

  /** The wait between a request's retries, for the client: counted, and cut short by a flush. */
  readonly retrySleep: Sleep = (ms, signal) => {
    this.#stats.retried += this.#inFlight;
    return this.#wait.sleep(ms, signal);
  };

  attach(send: SendBatch): void {
    this.#send = send;
  }

  stats(): DeliveryStats {
    return { queued: this.#queue.size, ...this.#stats };
  }

  get pending(): number {
    return this.#queue.size;
  }

  /** False when the item was dropped because the queue is full (`reserved` items never are). */
  enqueue(item: BulkItem, createdSpanId?: string, reserved = false): boolean {
    if (this.#stopped || !this.#queue.push(item, createdSpanId, reserved)) {
      this.#drop();
      return false;
    }
    if (this.#queue.size >= this.#options.batchSize) this.#start();
    else if (this.#running === null && this.#timer === null) this.#armTimer();
    return true;
  }

  /** True when the finish went into the span's unsent create; otherwise enqueue it as its own item. */
  foldFinish(spanId: string, finish: FinishFields): boolean {
    return this.#queue.foldFinish(spanId, finish);
  }

  /** Resolves once everything queued before the call has been answered (or the sender stopped). */
  flush(): Promise<void> {
    const seq = this.#queue.lastSeq;
    if (seq === 0 || this.#stopped) return Promise.resolve();
    const flushed = new Promise<void>((resolve) => this.#flushes.push({ seq, resolve }));
    this.#wait.wake();
    this.#start();
    return flushed;
  }

  /** Stops sending: the request in flight is abandoned, and what is still queued stays unsent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimer();
    this.#abort.abort(new Error('the tracer was shut down'));
    this.#settleFlushes(true);
  }

  #drop(): void {
    this.#stats.dropped++;
    if (this.#warnedFull || this.#stopped) return;
    this.#warnedFull = true;
    this.#options.logger.warn(
      `agentspan tracer: the queue is full (maxQueueSize ${this.#options.maxQueueSize}) because the backend is unreachable or not keeping up; ` +
        'newer spans are dropped and counted in stats().dropped. Raise maxQueueSize, or check the backend.',
    );
  }

  #armTimer(): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#start(true);
    }, this.#options.flushInterval);
    unref(this.#timer);
  }

  #clearTimer(): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
  }

  #start(due = false): void {
    if (this.#running !== null || this.#stopped) return;
    this.#clearTimer();
    // A microtask later, so that a finish made in the same turn still folds into its create.
    this.#running = Promise.resolve()
      .then(() => this.#run(due))
      .catch((error: unknown) => {
        // Never an unhandled rejection in the agent's process: what is queued stays for the next run.
        this.#options.logger.warn(`agentspan tracer: sending failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`);
      })
      .finally(() => {
        this.#running = null;
        if (!this.#stopped && this.#queue.size > 0 && this.#timer === null) this.#armTimer();
      });
  }

  async #run(due: boolean): Promise<void> {
    while (!this.#stopped && this.#queue.size > 0) {
      const batchDue = due || this.#queue.size >= this.#options.batchSize || this.#flushes.length > 0;
      if (!batchDue) return;
      due = false;
      const batch = this.#queue.takeBatch(this.#batchLimit);
      for (const queued of batch) if (queued.sends > 1) this.#stats.retried++;
      const next = await this.#sendBatch(batch);
      this.#settleFlushes(false);
      // What a batch left behind was already due; after a transient failure it goes after a wait.
      due = next !== 'done';
      if (next === 'wait') await this.#backoff();
      else this.#failures = 0;
    }
    this.#settleFlushes(false);
  }

  /** `rest`: items after a refused one are to be sent again now; `wait`: after a backoff. */
  async #sendBatch(batch: QueuedItem[]): Promise<'done' | 'rest' | 'wait'> {
    this.#inFlight = batch.length;
    let outputs: Record<string, BulkOutput>;
    try {
      outputs = await this.#send!(
        batch.map((queued) => queued.item),
        this.#abort.signal,
      );
    } catch (error) {
      return this.#requestFailed(batch, error);
    } finally {
      this.#inFlight = 0;
    }
    this.#batchLimit = this.#options.batchSize;
    let answered = 0;
    for (const { item } of batch) {
      const output = outputs[item.idempotency_key];
      if (output === undefined) break;
      const outcome = outcomeOf(item, output);
      if (outcome === 'retry') break;
      answered++;
      if (outcome === 'stored') {
        this.#stats.sent++;
        this.#options.onStored(item, output);
      } else {
        this.#reject(item, String(output.code ?? 'unknown'), String(output.message ?? 'no message'));
      }
    }
    this.#queue.settle(answered);
    if (answered === batch.length) return 'done';
    // An item the server could not take for a transient reason stops the batch; a refusal does not.
    return outputs[batch[answered]!.item.idempotency_key] === undefined ? 'rest' : 'wait';
  }

  #requestFailed(batch: QueuedItem[], error: unknown): 'done' | 'rest' | 'wait' {
    if (error instanceof PrefactorAbortedError || this.#stopped) return 'done';
    if (error instanceof PrefactorApiError && error.statusCode === 413 && batch.length > 1) {
      this.#batchLimit = Math.ceil(batch.length / 2);
      return 'rest';
    }
    if (error instanceof PrefactorApiError && error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 429) {
      for (const { item } of batch) this.#reject(item, error.code, error.message);
      this.#queue.settle(batch.length);
      return 'done';
    }
    if (error instanceof TypeError && withholdUnserializable(batch)) return 'rest';
    return 'wait';
  }

  #reject(item: BulkItem, code: string, message: string): void {
    this.#stats.rejected++;
    const kind = `${item._type} ${code}`;
    if (this.#refusalsLogged.has(kind) || this.#refusalsLogged.size >= MAX_LOGGED_REFUSALS) return;
    this.#refusalsLogged.add(kind);
    this.#options.logger.warn(
      `agentspan tracer: the server refused ${item._type} (${code}): ${message}. The item was dropped and counted in ` +
        'stats().rejected; later refusals of this kind are counted, not logged.',
    );
  }

  async #backoff(): Promise<void> {
    try {
      await this.#wait.sleep(backoffDelay(this.#retryBackoff, this.#failures++), this.#abort.signal);
    } catch {
      // Aborted by stop(): the loop ends.
    }
  }

  #settleFlushes(all: boolean): void {
    const head = this.#queue.headSeq;
    for (let i = this.#flushes.length - 1; i >= 0; i--) {
      const flush = this.#flushes[i]!;
      if (all || flush.seq < head) {
        this.#flushes.splice(i, 1);
        flush.resolve();
      }
    }
  }
}

/** A value JSON cannot carry (a BigInt, a cycle) is replaced with a marker; true when one was. */
function withholdUnserializable(batch: QueuedItem[]): boolean {
  let found = false;
  for (const { item } of batch) {
    for (const field of ['payload', 'result_payload'] as const) {
      if (item[field] === undefined) continue;
      try {
        JSON.stringify(item[field]);
      } catch (error) {
        item[field] = { '[agentspan]': `value withheld: it cannot be sent as JSON (${(error as Error).message})` };
        found = true;
      }
    }
  }
  return found;
}
