import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Broadcast, Listeners } from '../store.js';

const RECONNECT_DELAYS_MS = [100, 500, 1000, 2000, 5000];

/** How long `sendConfirmed` waits for the listeners' receipts before it gives up on the missing ones. */
const CONFIRM_TIMEOUT_MS = 2000;

/** A message that asks every listener for a receipt, and the receipt. */
interface Ask {
  ask: string;
  m: string;
}
interface Receipt {
  receipt: string;
  by: string;
}
const ASK_PREFIX = '{"ask":';
const RECEIPT_PREFIX = '{"receipt":';

/**
 * Messages between the server processes of one store through LISTEN/NOTIFY, on a channel of the
 * store's schema. NOTIFY delivers in commit order, once, to every listening session; a listener
 * whose connection drops reports a gap and listens again.
 *
 * Each listening session names itself in its `application_name` (the channel's hash and a key of
 * its own), so a sender can find every listener in `pg_stat_activity` and wait for each one's
 * receipt: that is how a revoked token is refused at once by every process, not a moment later.
 */
export class PostgresBroadcast implements Broadcast {
  readonly #pool: pg.Pool;
  readonly #config: pg.ClientConfig;
  /** The channel's name; also what a transaction NOTIFYs on (`WriteTx.broadcastOnCommit`). */
  readonly channel: string;
  /** The `application_name` prefix of this channel's listening sessions. */
  readonly #listenerPrefix: string;

  constructor(pool: pg.Pool, config: pg.ClientConfig, schema: string | undefined) {
    this.#pool = pool;
    this.#config = { ...config, statement_timeout: undefined, query_timeout: undefined };
    const hash = createHash('sha256')
      .update(schema ?? '')
      .digest('hex')
      .slice(0, 24);
    this.channel = `agentspan_${hash}`;
    this.#listenerPrefix = `agentspan_listen_${hash}_`;
  }

  send(message: string): Promise<void> {
    // Best effort: a lost notice means a missed live update, or a cache that starts over only after its listener's gap.
    return this.#notify(this.#pool, message).catch(() => {});
  }

  async sendConfirmed(message: string): Promise<{ unconfirmed: number }> {
    const client = await this.#pool.connect();
    const nonce = randomBytes(9).toString('base64url');
    const awaited = new Set<string>();
    let allIn = () => {};
    const onNotice = (notice: pg.Notification) => {
      if (notice.channel !== this.channel || !notice.payload?.startsWith(RECEIPT_PREFIX)) return;
      const receipt = parseJson<Receipt>(notice.payload);
      if (receipt?.receipt !== nonce || !awaited.delete(receipt.by)) return;
      if (awaited.size === 0) allIn();
    };
    let broken: Error | undefined;
    client.on('notification', onNotice);
    try {
      // Listen first, then look for the listeners: no receipt can come before it can be heard.
      await client.query(`LISTEN ${this.channel}`);
      const listeners = await client.query<{ application_name: string }>(
        `SELECT DISTINCT application_name FROM pg_stat_activity
          WHERE datname = current_database() AND left(application_name, $1) = $2`,
        [this.#listenerPrefix.length, this.#listenerPrefix],
      );
      for (const row of listeners.rows) awaited.add(row.application_name.slice(this.#listenerPrefix.length));
      const receipts = new Promise<void>((resolve) => (allIn = resolve));
      await this.#notify(client, JSON.stringify({ ask: nonce, m: message } satisfies Ask));
      if (awaited.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([receipts, new Promise<void>((resolve) => (timer = setTimeout(resolve, CONFIRM_TIMEOUT_MS)))]);
        clearTimeout(timer);
      }
      return { unconfirmed: awaited.size };
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      client.off('notification', onNotice);
      if (!broken) await client.query(`UNLISTEN ${this.channel}`).catch((error: Error) => (broken = error));
      client.release(broken);
    }
  }

  async listen({ message: onMessage, lost, restored }: Listeners): Promise<() => Promise<void>> {
    let stopped = false;
    let client: pg.Client | undefined;
    let attempt = 0;
    const connect = async (): Promise<void> => {
      const key = randomBytes(9).toString('base64url');
      const next = new pg.Client({ ...this.#config, application_name: this.#listenerPrefix + key });
      next.on('notification', (notice) => {
        const payload = notice.payload;
        if (notice.channel !== this.channel || payload === undefined || payload.startsWith(RECEIPT_PREFIX)) return;
        if (!payload.startsWith(ASK_PREFIX)) return onMessage(payload);
        const ask = parseJson<Ask>(payload);
        if (typeof ask?.ask !== 'string' || typeof ask.m !== 'string') return;
        onMessage(ask.m);
        // The receipt goes out on the listening session itself: no wait for a pool connection.
        this.#notify(next, JSON.stringify({ receipt: ask.ask, by: key } satisfies Receipt)).catch(() => {});
      });
      next.on('error', () => {});
      next.on('end', () => {
        if (stopped || client !== next) return;
        client = undefined;
        lost();
        retry();
      });
      await next.connect();
      await next.query(`LISTEN ${this.channel}`);
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
      if (attempt > 0) restored?.();
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

  async #notify(on: pg.Pool | pg.ClientBase, message: string): Promise<void> {
    await on.query('SELECT pg_notify($1, $2)', [this.channel, message]);
  }
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
