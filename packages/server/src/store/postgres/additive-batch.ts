import type { Pool } from 'pg';
import type { IdempotencyClaim, IdempotencyRecord, InstanceRecord, SpanRecord } from '../records.js';
import type { WriteTx } from '../store.js';
import { columnValues, ledgerKey, rowKey, TABLE_COLUMNS } from '../table-columns.js';
import { PostgresReadTx } from './read-tx.js';
import { literal, Sql } from './sql.js';
import { checkOut, runUnit } from './transactions.js';
import type { StoreProbe } from '../store-probe.js';
import { usageValues } from './usage-sql.js';
import { usageOfSpan, type PayloadObjects, type SpanUsage } from '../span-usage.js';
import { UsageWatch, type UsageWritten } from '../usage-watch.js';
import { insertSpansCounted } from './write-tx.js';

type Unit<T> = (tx: WriteTx) => Promise<T>;

/** Batches running at once, each on its own connection (more only add contention on two cores). */
const CONCURRENT_BATCHES = 2;
/** Units in one batch at most; more wait for the next. */
const MAX_UNITS = 256;
/** Instances a batch takes as known, from those the batch before it used. */
const MAX_KNOWN = 16;

/** Thrown into a unit the batch cannot keep (another unit of it has its key or span id): it runs again alone. */
class RunAlone extends Error {}

const row = (values: readonly unknown[]) => `(${values.map(literal).join(', ')})`;

interface Pending<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

interface ClaimRequest extends Pending<IdempotencyRecord | undefined> {
  claim: IdempotencyClaim;
  /** The claim's ledger key. */
  key: string;
  tx: AdditiveTx;
}

interface LockRequest extends Pending<InstanceRecord | undefined> {
  accountId: string;
  id: string;
}

/**
 * One transaction on one connection running many additive units at once (see `writeAdditive` in
 * the store contract), in one or two round trips whatever the number of units.
 *
 * The spans of one agent run arrive together, so a batch starts from the instances the batch
 * before it committed with ("known"). When it has some, it is optimistic: units get those rows
 * without asking, and their claims find no earlier answer without a lookup. Then the only message
 * is the one at the end: BEGIN; the known instances the units used, locked FOR SHARE and checked to
 * be as the units saw them (the statement fails otherwise); the spans and ledger rows of the units
 * that succeeded, one multi-row insert each; COMMIT. A key that was in fact answered before fails
 * the ledger insert, as a key or span id another transaction committed meanwhile does.
 *
 * Without known instances, or for an instance that is not known, a first message goes out with
 * BEGIN and the lookups of every key claimed and instance locked (FOR SHARE), each merged into one
 * statement.
 *
 * A claim never takes a row here; the ledger row is inserted whole with the span, so a failed unit
 * leaves nothing to undo. When the batch does not commit, every unit runs again alone, where the
 * ledger waits for the other claimer and replays its answer, the span id is refused, or the
 * instance is read as it now is; and the next batch starts without known instances. A unit that
 * fails after a claim taken without a lookup runs again alone as well: it may be a replay, whose
 * kept answer must not be judged again (a create checks its times against the clock).
 *
 * A batch of thirty creates costs one round trip and one commit instead of a hundred and twenty
 * round trips and thirty commits.
 */
class Batch {
  readonly sql: Sql;
  #claims: ClaimRequest[] = [];
  #locks: LockRequest[] = [];
  #scheduled = false;
  #lost: unknown;
  /** Keys claimed by a unit of this batch. */
  readonly #claimed = new Set<string>();
  /** Span ids taken by a unit of this batch. */
  readonly #spanIds = new Set<string>();
  /** Instances read under the batch's shared lock (or known, checked at commit): no additive unit changes them, no one else can. */
  readonly #instances = new Map<string, Promise<InstanceRecord | undefined>>();
  /** Keys of the instances units asked for. */
  readonly #asked = new Set<string>();
  /** Known instances, as the units see them, until the commit checks them. */
  readonly #known = new Map<string, InstanceRecord>();

  /** `known`: instance rows the previous batch committed with; the batch is optimistic when there are any. */
  constructor(sql: Sql, known: readonly InstanceRecord[]) {
    this.sql = sql;
    for (const instance of known) {
      const key = rowKey(instance.account_id, instance.id);
      this.#known.set(key, instance);
      this.#instances.set(key, Promise.resolve(instance));
    }
  }

  get #optimistic(): boolean {
    return this.#known.size > 0;
  }

  get lost(): unknown {
    return this.#lost;
  }

  claim(claim: IdempotencyClaim, tx: AdditiveTx): Promise<IdempotencyRecord | undefined> {
    const key = ledgerKey(claim.account_id, claim.operation, claim.key);
    if (this.#claimed.has(key)) return Promise.reject(new RunAlone());
    this.#claimed.add(key);
    if (this.#optimistic) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the connection's failure, as it was caught
      if (this.#lost !== undefined) return Promise.reject(this.#lost);
      tx.claims.set(key, claim);
      tx.claimAssumed = true;
      return Promise.resolve(undefined);
    }
    return this.#enqueue((pending) => this.#claims.push({ ...pending, claim, key, tx }));
  }

  lockInstanceShared(accountId: string, id: string): Promise<InstanceRecord | undefined> {
    this.#asked.add(rowKey(accountId, id));
    return this.#lock(accountId, id);
  }

  /** Keeps the span for the commit; a second span of one id in the batch runs alone. */
  takeSpanId(accountId: string, id: string): void {
    const key = rowKey(accountId, id);
    if (this.#spanIds.has(key)) throw new RunAlone();
    this.#spanIds.add(key);
  }

  /** The instances units of this batch asked for and found, as committed: the next batch's known ones. */
  async usedInstances(): Promise<InstanceRecord[]> {
    const found = await Promise.all([...this.#asked].map((key) => this.#instances.get(key)!.catch(() => undefined)));
    return found.filter((instance) => instance !== undefined);
  }

  /**
   * Locks the known instances units used and fails unless each still has the status and
   * termination reason the units saw (all a span create reads of an instance that can change).
   */
  #checkKnown(): string | undefined {
    const used = [...this.#known].filter(([key]) => this.#asked.has(key)).map(([, instance]) => instance);
    if (used.length === 0) return undefined;
    const matches = used.map(
      (i) =>
        `(account_id = ${literal(i.account_id)} AND id = ${literal(i.id)} AND status = ${literal(i.status)}` +
        ` AND termination_reason IS NOT DISTINCT FROM ${literal(i.termination_reason)})`,
    );
    // The cast fails, and with it the transaction, when fewer rows match than the units used.
    return `SELECT CAST(CASE WHEN count(*) <> ${used.length} THEN 'a known instance has changed' END AS integer)
      FROM (SELECT 1 FROM agent_instances WHERE ${matches.join(' OR ')} FOR SHARE) AS locked`;
  }

  /** Inserts the spans and ledger rows of the units that succeeded, and commits. */
  async commit(units: readonly AdditiveTx[]): Promise<void> {
    const spanRows = units.flatMap((tx) => tx.spans);
    const spans = spanRows.map((span) => row(columnValues('spans', span)));
    const ledger = units.flatMap((tx) => tx.ledgerRows.map((entry) => row(columnValues('idempotency', entry))));
    const texts: string[] = [];
    const check = this.#checkKnown();
    if (check) texts.push(check);
    // No ON CONFLICT: a row taken by another transaction meanwhile fails the batch (see above).
    if (spans.length > 0) {
      const usages = units.flatMap((tx) => tx.usages);
      texts.push(insertSpansCounted(spans.join(', '), '', undefined, usageValues(spanRows, usages)));
    }
    if (ledger.length > 0) {
      texts.push(`INSERT INTO idempotency (${TABLE_COLUMNS.idempotency.join(', ')}) VALUES ${ledger.join(', ')}`);
    }
    texts.push('COMMIT');
    const results = await this.sql.script(texts);
    // COMMIT of a transaction that an earlier statement aborted answers ROLLBACK instead of failing.
    if (results[results.length - 1]!.command !== 'COMMIT') throw new Error('the batch transaction was rolled back');
  }

  #lock(accountId: string, id: string): Promise<InstanceRecord | undefined> {
    const key = rowKey(accountId, id);
    let locked = this.#instances.get(key);
    if (!locked) {
      locked = this.#enqueue((pending) => this.#locks.push({ ...pending, accountId, id }));
      this.#instances.set(key, locked);
    }
    return locked;
  }

  #enqueue<T>(push: (pending: Pending<T>) => void): Promise<T> {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the connection's failure, as it was caught
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    const promise = new Promise<T>((resolve, reject) => push({ resolve, reject }));
    if (!this.#scheduled) {
      this.#scheduled = true;
      // Units only wait for their tx: once the turn's microtasks have run, every unit still
      // running is waiting for one of the requests queued here.
      setImmediate(() => void this.#flush());
    }
    return promise;
  }

  async #flush() {
    this.#scheduled = false;
    const claims = this.#claims.splice(0);
    const locks = this.#locks.splice(0);
    const texts: string[] = [];
    // One lookup of the whole key per row (with an IN list the planner may scan all of an account's keys).
    if (claims.length > 0) {
      const keys = claims.map(({ claim: c }) => row([c.account_id, c.operation, c.key])).join(', ');
      texts.push(`SELECT i.* FROM (VALUES ${keys}) AS v (account_id, operation, key) CROSS JOIN LATERAL (
          SELECT * FROM idempotency AS l
          WHERE l.account_id = v.account_id AND l.operation = v.operation AND l.key = v.key) AS i`);
    }
    if (locks.length > 0) {
      const keys = locks.map((lock) => row([lock.accountId, lock.id])).join(', ');
      texts.push(`SELECT i.* FROM (VALUES ${keys}) AS v (account_id, id) CROSS JOIN LATERAL (
          SELECT * FROM agent_instances AS l WHERE l.account_id = v.account_id AND l.id = v.id FOR SHARE) AS i`);
    }
    if (texts.length === 0) return;
    let results;
    try {
      results = await this.sql.script(texts);
    } catch (error) {
      this.#lost ??= error;
      for (const request of [...claims, ...locks]) request.reject(error);
      return;
    }
    if (claims.length > 0) {
      const existing = new Map(results[0]!.rows.map((r: IdempotencyRecord) => [ledgerKey(r.account_id, r.operation, r.key), r]));
      for (const request of claims) {
        const found = existing.get(request.key);
        if (!found) request.tx.claims.set(request.key, request.claim);
        request.resolve(found);
      }
    }
    if (locks.length > 0) {
      const found = new Map(results[results.length - 1]!.rows.map((r: InstanceRecord) => [rowKey(r.account_id, r.id), r]));
      for (const lock of locks) lock.resolve(found.get(rowKey(lock.accountId, lock.id)));
    }
  }
}

/**
 * One additive unit's view of its batch: its spans and ledger rows wait for the batch's commit, so
 * `insertSpan` reports a taken id by failing the batch (the unit then runs alone and sees the
 * conflict). Anything but claims, shared instance locks, span inserts and reads is refused.
 */
class AdditiveTx extends PostgresReadTx implements WriteTx {
  readonly #batch: Batch;
  /** Claims of this unit not completed yet, by ledger key. */
  readonly claims = new Map<string, IdempotencyClaim>();
  readonly spans: SpanRecord[] = [];
  /** Each span's usage (`usageOfSpan`), worked out once, at its insert. */
  readonly usages: Array<SpanUsage | null> = [];
  readonly #usageWatch = new UsageWatch();
  readonly ledgerRows: IdempotencyRecord[] = [];
  /** Whether a claim of this unit was taken as new without a lookup (the batch is optimistic). */
  claimAssumed = false;

  constructor(batch: Batch) {
    super(batch.sql);
    this.#batch = batch;
  }

  claimIdempotency(claim: IdempotencyClaim) {
    return this.#batch.claim(claim, this);
  }
  broadcastOnCommit(): never {
    throw new Error('an additive unit shares its transaction with others; a write that broadcasts runs through Store.write');
  }
  async completeIdempotency(accountId: string, operation: string, key: string, response: { status: number; json: string }) {
    const id = ledgerKey(accountId, operation, key);
    const claim = this.claims.get(id);
    if (!claim) throw new Error(`idempotency key ${key} for ${operation} was not claimed in this unit`);
    this.claims.delete(id);
    this.ledgerRows.push({ ...claim, response_status: response.status, response_json: response.json });
  }
  lockInstanceShared(accountId: string, id: string) {
    return this.#batch.lockInstanceShared(accountId, id);
  }
  async insertSpan(row: SpanRecord, made?: PayloadObjects) {
    this.#batch.takeSpanId(row.account_id, row.id);
    const usage = usageOfSpan(row, made);
    this.spans.push(row);
    this.usages.push(usage);
    // Told at once: when the batch does not commit, its units run again alone, each watched anew.
    this.#usageWatch.inserted(row, usage);
  }
  watchUsage(sink: UsageWritten[] | null) {
    this.#usageWatch.watch(sink);
  }

  insertAccount = refuse('insertAccount');
  updateAccount = refuse('updateAccount');
  insertEnvironment = refuse('insertEnvironment');
  lockEnvironment = refuse('lockEnvironment');
  lockEnvironmentShared = refuse('lockEnvironmentShared');
  updateEnvironment = refuse('updateEnvironment');
  deleteEnvironment = refuse('deleteEnvironment');
  insertRiskProfile = refuse('insertRiskProfile');
  lockRiskProfile = refuse('lockRiskProfile');
  lockRiskProfileShared = refuse('lockRiskProfileShared');
  updateRiskProfile = refuse('updateRiskProfile');
  insertAlertIfAbsent = refuse('insertAlertIfAbsent');
  lockAlertByKey = refuse('lockAlertByKey');
  lockAlert = refuse('lockAlert');
  updateAlert = refuse('updateAlert');
  upsertModelPrice = refuse('upsertModelPrice');
  deleteModelPrice = refuse('deleteModelPrice');
  insertAgent = refuse('insertAgent');
  lockAgent = refuse('lockAgent');
  lockAgentShared = refuse('lockAgentShared');
  updateAgent = refuse('updateAgent');
  deleteAgent = refuse('deleteAgent');
  ensureDeployment = refuse('ensureDeployment');
  setDeploymentVersion = refuse('setDeploymentVersion');
  lockDeployment = refuse('lockDeployment');
  lockDeploymentShared = refuse('lockDeploymentShared');
  deleteDeployment = refuse('deleteDeployment');
  ensureAgentVersion = refuse('ensureAgentVersion');
  setAgentVersionSdk = refuse('setAgentVersionSdk');
  ensureSchemaVersion = refuse('ensureSchemaVersion');
  insertToken = refuse('insertToken');
  deleteToken = refuse('deleteToken');
  lockAccountTokens = refuse('lockAccountTokens');
  setTokenStatus = refuse('setTokenStatus');
  touchToken = refuse('touchToken');
  insertInstance = refuse('insertInstance');
  lockInstance = refuse('lockInstance');
  updateInstance = refuse('updateInstance');
  insertSpansIfAbsent = refuse('insertSpansIfAbsent');
  lockSpan = refuse('lockSpan');
  updateSpan = refuse('updateSpan');
  cancelOpenSpans = refuse('cancelOpenSpans');
  pruneIdempotency = refuse('pruneIdempotency');
  purgeFinished = refuse('purgeFinished');
  copyRowsIn = refuse('copyRowsIn');
}

function refuse(method: string) {
  return (): Promise<never> => Promise.reject(new Error(`${method} is not allowed in an additive unit; run the unit with write()`));
}

interface Queued {
  unit: Unit<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Runs the additive units of one batch and settles them. When the batch does not commit, no unit
 * has been settled yet, and every one runs again alone.
 */
async function runBatch(pool: Pool, probe: StoreProbe, queued: Queued[], known: AdditiveBatcher['known']): Promise<void> {
  let connection;
  try {
    connection = await checkOut(pool);
  } catch (error) {
    for (const entry of queued) entry.reject(error);
    return;
  }
  const batch = new Batch(new Sql(connection.client), known.instances);
  const txs = queued.map(() => new AdditiveTx(batch));
  batch.sql.begin();
  const outcomes = await Promise.allSettled(queued.map((entry, i) => entry.unit(txs[i]!)));
  let committed = false;
  if (batch.lost === undefined) {
    try {
      await probe.timeCommit(() => batch.commit(txs.filter((_, i) => outcomes[i]!.status === 'fulfilled')));
      committed = true;
    } catch {
      // Lost at COMMIT, or a row taken meanwhile: the units run again alone, below.
    }
  }
  if (committed) {
    connection.release(false);
    known.instances = (await batch.usedInstances()).slice(0, MAX_KNOWN);
  } else {
    known.instances = [];
    const rolledBack = await batch.sql.rollback().then(
      () => true,
      () => false,
    );
    connection.release(!rolledBack);
  }
  const alone: Queued[] = [];
  queued.forEach((entry, i) => {
    const outcome = outcomes[i]!;
    // A unit that failed on an assumed claim may be a replay: alone, its claim finds the answer kept.
    const unsure = outcome.status === 'rejected' && (outcome.reason instanceof RunAlone || txs[i]!.claimAssumed);
    if (!committed || unsure) alone.push(entry);
    else if (outcome.status === 'fulfilled') entry.resolve(outcome.value);
    else entry.reject(outcome.reason);
  });
  // After the commit: a unit that met its key or span id in the batch now finds it committed.
  await Promise.all(alone.map((entry) => runUnit(pool, entry.unit, probe).then(entry.resolve, entry.reject)));
}

/** Queues additive units and runs those of each event-loop turn as one batch, a few batches at once. */
export class AdditiveBatcher {
  readonly #pool: Pool;
  readonly #probe: StoreProbe;
  #queue: Queued[] = [];
  #scheduled = false;
  #running = 0;
  /** The instances the last committed batch used (see `Batch`). */
  readonly known: { instances: readonly InstanceRecord[] } = { instances: [] };

  constructor(pool: Pool, probe: StoreProbe) {
    this.#pool = pool;
    this.#probe = probe;
  }

  /** Units waiting for a batch. */
  get queued(): number {
    return this.#queue.length;
  }

  write<T>(unit: Unit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ unit, resolve: resolve, reject });
      this.#schedule();
    });
  }

  #schedule() {
    if (this.#scheduled || this.#running >= CONCURRENT_BATCHES || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#running >= CONCURRENT_BATCHES || this.#queue.length === 0) return;
      const queued = this.#queue.splice(0, MAX_UNITS);
      this.#running += 1;
      void runBatch(this.#pool, this.#probe, queued, this.known).finally(() => {
        this.#running -= 1;
        this.#schedule();
      });
      this.#schedule();
    });
  }
}
