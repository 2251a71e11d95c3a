import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Broadcast } from '../store.js';

const RECONNECT_DELAYS_MS = [100, 500, 1000, 2000, 5000];

/**
 * Messages between the server processes of one store through LISTEN/NOTIFY, on a channel of the
 * store's schema. NOTIFY delivers in commit order, once, to every listening session; a listener
 * whose connection drops reports a gap and listens again.
 */
export class PostgresBroadcast implements Broadcast {
  readonly #pool: pg.Pool;
  readonly #config: pg.ClientConfig;
  readonly #channel: string;

  constructor(pool: pg.Pool, config: pg.ClientConfig, schema: string | undefined) {
    this.#pool = pool;
    this.#config = { ...config, statement_timeout: undefined, query_timeout: undefined };
    this.#channel = `agentspan_${createHash('sha256').update(schema ?? '').digest('hex').slice(0, 24)}`;
  }

  send(message: string): Promise<void> {
    // Best effort: a lost notice means a missed live update, or a cache that starts over only after its listener's gap.
    return this.#pool.query('SELECT pg_notify($1, $2)', [this.#channel, message]).then(
      () => {},
      () => {},
    );
  }

  async listen(onMessage: (message: string) => void, onGap: () => void): Promise<() => Promise<void>> {
    let stopped = false;
    let client: pg.Client | undefined;
    let attempt = 0;
    const connect = async (): Promise<void> => {
      const next = new pg.Client(this.#config);
      next.on('notification', (notice) => {
        if (notice.channel === this.#channel && notice.payload !== undefined) onMessage(notice.payload);
      });
      next.on('error', () => {});
      next.on('end', () => {
        if (stopped || client !== next) return;
        client = undefined;
        onGap();
        retry();
      });
      await next.connect();
      await next.query(`LISTEN ${this.#channel}`);
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
      attempt = 0;
    };
    const retry = () => {
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt++, RECONNECT_DELAYS_MS.length - 1)]!;
      setTimeout(() => {
        if (!stopped) connect().catch(retry);
      }, delay).unref();
    };
    await connect();
    return async () => {
      stopped = true;
      await client?.end().catch(() => {});
      client = undefined;
    };
  }
}
