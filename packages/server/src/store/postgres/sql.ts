import pg, { type Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import type { StoreTable } from '../errors.js';
import { asStoreError, isRetryable } from './errors.js';

/** A statement prepared once per connection under its name; `table` names the conflicts it may raise. */
export interface Statement {
  readonly name: string;
  readonly text: string;
  readonly table: StoreTable;
}

export const statement = (table: StoreTable, name: string, text: string): Statement => ({
  name: `agentspan_${name}`,
  text,
  table,
});

/**
 * A string literal as `pg.escapeLiteral` writes it (quotes doubled; with any backslash, an E''
 * literal with backslashes doubled), by native replaces instead of a loop over every character.
 */
function stringLiteral(value: string): string {
  const quoted = value.replaceAll("'", "''");
  return value.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/** A parameter written into the statement's text, as the server would read the bound value. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number' && Number.isFinite(value)) return `'${value}'`;
  throw new Error(`cannot write a ${typeof value} parameter into a statement`);
}

const inlined = (statement: Statement, values: unknown[]) => statement.text.replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1]));

/**
 * Runs statements on the pool (each on whichever connection is free) or on one transaction's
 * connection, mapping driver errors to store errors. It remembers a deadlock or serialization
 * failure even if the unit catches it, so the transaction is retried rather than committed.
 *
 * On a transaction's connection it saves round trips: BEGIN, and writes whose outcome nobody
 * waits for (`defer`), are held back and sent in one message with the next statement (the
 * server runs them in order and stops at the first error, which the next statement reports).
 *
 * A transaction's connection answers one query at a time; the units of a batch ask concurrently, so
 * their queries are sent in the order asked, each once the one before it has been answered.
 */
export class Sql {
  readonly #target: Pool | PoolClient;
  /** Settles when the latest query sent on a transaction's connection has been answered; unset on a pool. */
  #answered: Promise<unknown> | undefined;
  #retryable: unknown;
  /** Statements not sent yet, to run before the next one. */
  #held: string[] = [];
  /** Whether anything of this transaction reached the server. */
  #sent = false;

  constructor(target: Pool | PoolClient) {
    this.#target = target;
    if (!(target instanceof pg.Pool)) this.#answered = Promise.resolve();
  }

  /** The deadlock or serialization failure this transaction hit, if any. */
  get retryableFailure(): unknown {
    return this.#retryable;
  }

  /** Opens a transaction with the next statement. */
  begin(): void {
    this.#held.push('BEGIN');
  }

  /** Runs a write with the next statement; its error, if any, is that statement's. */
  defer(statement: Statement, values: unknown[]): void {
    this.#held.push(inlined(statement, values));
  }

  /** Ends the transaction; resolves to the tag the server answered (ROLLBACK for an aborted one). */
  async commit(): Promise<string> {
    if (!this.#sent && this.#held.length === 1) {
      this.#held = [];
      return 'COMMIT';
    }
    return (await this.command('COMMIT')).command;
  }

  /** Rolls back; nothing to do when the server never saw the transaction. */
  async rollback(): Promise<void> {
    const sent = this.#sent;
    this.#held = [];
    if (sent) await this.command('ROLLBACK');
  }

  async rows<R extends QueryResultRow>(statement: Statement, values: unknown[]): Promise<R[]> {
    return (await this.#run<R>(statement, values)).rows;
  }

  async first<R extends QueryResultRow>(statement: Statement, values: unknown[]): Promise<R | undefined> {
    return (await this.#run<R>(statement, values)).rows[0];
  }

  /** Runs a write; returns how many rows it touched. */
  async change(statement: Statement, values: unknown[]): Promise<number> {
    return (await this.#run(statement, values)).rowCount ?? 0;
  }

  /**
   * Statements written out in full (see `literal`), sent with any held ones in one message; answers
   * one result per statement given. The first error fails the call and skips the rest.
   */
  async script(texts: readonly string[]): Promise<QueryResult[]> {
    const held = this.#held.length;
    const result = (await this.#send([...this.#held.splice(0), ...texts].join(';\n'), undefined, true)) as unknown as QueryResult | QueryResult[];
    const all = Array.isArray(result) ? result : [result];
    return all.slice(held);
  }

  /** A statement without parameters (transaction control: COMMIT, SAVEPOINT …). */
  command(text: string): Promise<QueryResult> {
    return this.#send(text, undefined);
  }

  #run<R extends QueryResultRow>(statement: Statement, values: unknown[]): Promise<QueryResult<R>> {
    return this.#held.length === 0
      ? this.#send<R>({ name: statement.name, text: statement.text, values }, statement.table)
      : this.#send<R>(inlined(statement, values), statement.table);
  }

  async #send<R extends QueryResultRow>(query: string | pg.QueryConfig, table: StoreTable | undefined, all = false): Promise<QueryResult<R>> {
    if (this.#held.length > 0 && typeof query === 'string') {
      query = [...this.#held, query].join(';\n');
      this.#held = [];
    }
    this.#sent = true;
    try {
      // Several statements in one message answer one result each; the last is the caller's.
      const result = (await this.#query<R>(query)) as QueryResult<R> | QueryResult<R>[];
      if (all) return result as QueryResult<R>;
      return Array.isArray(result) ? result[result.length - 1]! : result;
    } catch (error) {
      if (isRetryable(error)) this.#retryable ??= error;
      throw asStoreError(error, table);
    }
  }

  #query<R extends QueryResultRow>(query: string | pg.QueryConfig): Promise<QueryResult<R>> {
    if (!this.#answered) return this.#target.query<R>(query);
    const send = () => this.#target.query<R>(query);
    const result = this.#answered.then(send, send);
    this.#answered = result.catch(() => undefined);
    return result;
  }
}
