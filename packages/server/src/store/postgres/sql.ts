import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
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
 * Runs statements on the pool (each on whichever connection is free) or on one transaction's
 * connection, mapping driver errors to store errors. It remembers a deadlock or serialization
 * failure even if the unit catches it, so the transaction is retried rather than committed.
 */
export class Sql {
  readonly #target: Pool | PoolClient;
  #retryable: unknown;

  constructor(target: Pool | PoolClient) {
    this.#target = target;
  }

  /** The deadlock or serialization failure this transaction hit, if any. */
  get retryableFailure(): unknown {
    return this.#retryable;
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

  /** A statement without parameters (transaction control: BEGIN, COMMIT, SAVEPOINT …). */
  async command(text: string): Promise<QueryResult> {
    try {
      return await this.#target.query(text);
    } catch (error) {
      if (isRetryable(error)) this.#retryable ??= error;
      throw asStoreError(error);
    }
  }

  async #run<R extends QueryResultRow>(statement: Statement, values: unknown[]): Promise<QueryResult<R>> {
    try {
      return await this.#target.query<R>({ name: statement.name, text: statement.text, values });
    } catch (error) {
      if (isRetryable(error)) this.#retryable ??= error;
      throw asStoreError(error, statement.table);
    }
  }
}
