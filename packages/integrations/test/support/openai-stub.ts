import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stub answers one request. */
export type StubAnswer =
  | { json: unknown; status?: number }
  | { sse: unknown[]; done?: boolean }
  /** Sends these events, then holds the connection open until the client goes away. */
  | { sseThenHold: unknown[] }
  /** Never answers: the request waits until the client aborts it. */
  | { hold: true };

export interface StubRequest {
  path: string;
  body: Record<string, unknown>;
}

export interface OpenAIStub {
  /** The base URL to give the client: `http://127.0.0.1:<port>/v1`. */
  baseURL: string;
  requests: StubRequest[];
  /** Answers for the next requests, in order. */
  answer(...answers: StubAnswer[]): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server answering POST /v1/chat/completions and /v1/responses as OpenAI does:
 * JSON bodies, or Server-Sent Events (`data: {…}` lines; `data: [DONE]` ends a chat stream).
 */
export async function startOpenAIStub(): Promise<OpenAIStub> {
  const queue: StubAnswer[] = [];
  const requests: StubRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const respond = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    requests.push({ path, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
    const next = queue.shift();
    if (!next || (path !== '/v1/chat/completions' && path !== '/v1/responses')) {
      res.writeHead(500, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: `the stub has no answer for ${req.method} ${path}`, type: 'stub' } }));
    }
    if ('hold' in next) return;
    if ('json' in next) {
      res.writeHead(next.status ?? 200, { 'content-type': 'application/json', 'x-request-id': 'req-stub' });
      return void res.end(JSON.stringify(next.json));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const items = 'sse' in next ? next.sse : next.sseThenHold;
    for (const item of items) {
      const type = (item as { type?: unknown }).type;
      const event = path === '/v1/responses' && typeof type === 'string' ? `event: ${type}\n` : '';
      res.write(`${event}data: ${JSON.stringify(item)}\n\n`);
    }
    if ('sseThenHold' in next) return;
    if (path === '/v1/chat/completions' && next.done !== false) res.write('data: [DONE]\n\n');
    res.end();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    answer: (...answers) => void queue.push(...answers),
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
