import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server saw: every request is kept, in order. */
export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  body: unknown;
}

export type Reply =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }
  /** Never answers (until the server closes). */
  | { hang: true }
  /** Sends the headers, then never finishes the body. */
  | { hangBody: true }
  /** Drops the connection without answering. */
  | { destroy: true };

/**
 * A real HTTP server on a loopback port: each request takes the next scripted reply and
 * is recorded. Requests beyond the script get a 418 so they fail loudly.
 */
export class ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #script: Reply[] = [];
  readonly #waiters: Array<() => void> = [];
  url = '';
  /** TCP connections accepted so far. */
  connections = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const parsed = new URL(req.url ?? '/', 'http://loopback');
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          pathname: parsed.pathname,
          query: parsed.searchParams,
          headers: req.headers,
          text,
          body: parseJson(text),
        });
        this.#answer(res, this.#script.shift());
        this.#waiters.splice(0).forEach((wake) => wake());
      });
    });
  }

  static async start(): Promise<ScriptedServer> {
    const server = new ScriptedServer();
    server.#server.on('connection', () => {
      server.connections += 1;
    });
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    const { port } = server.#server.address() as AddressInfo;
    server.url = `http://127.0.0.1:${port}`;
    return server;
  }

  /** Appends replies to the script, one per coming request. */
  reply(...replies: Reply[]): this {
    this.#script.push(...replies);
    return this;
  }

  /** Resolves once `count` requests in total have been recorded. */
  async received(count: number): Promise<void> {
    while (this.requests.length < count) await new Promise<void>((wake) => this.#waiters.push(wake));
  }

  get last(): RecordedRequest {
    const request = this.requests.at(-1);
    if (request === undefined) throw new Error('the server has received no request');
    return request;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(res: ServerResponse, reply: Reply | undefined): void {
    if (reply === undefined) {
      res.writeHead(418, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', code: 'unscripted', message: 'no reply scripted for this request' }));
      return;
    }
    if ('hang' in reply) return;
    if ('destroy' in reply) {
      res.socket?.destroy();
      return;
    }
    if ('hangBody' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
      return;
    }
    const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(body);
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
