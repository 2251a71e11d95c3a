import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request: `forward` it and relay the answer; `lose-answer`:
 * forward it, let the server store it, then cut the connection instead of answering; `503`:
 * answer 503 without forwarding; `down`: cut the connection without forwarding.
 */
export type ProxyMode = 'forward' | 'lose-answer' | '503' | 'down';

export interface Proxy {
  url: string;
  /** How many requests met each mode. */
  counts: Record<ProxyMode, number>;
  close(): Promise<void>;
}

/** A proxy in front of `target` that treats request number n (from 0) as `modeFor(n)` says. */
export async function startProxy(target: string, modeFor: (n: number) => ProxyMode): Promise<Proxy> {
  const counts: Record<ProxyMode, number> = { forward: 0, 'lose-answer': 0, '503': 0, down: 0 };
  let n = 0;
  const server = createServer((req, res) => {
    const mode = modeFor(n++);
    counts[mode]++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(mode, req, res, Buffer.concat(chunks)));
  });
  const handle = (mode: ProxyMode, req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (mode === 'down') return void req.socket.destroy();
    if (mode === '503') {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      return void res.end('{"status":"error","code":"service_unavailable","message":"proxy says no"}');
    }
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => parts.push(chunk));
      answer.on('end', () => {
        if (mode === 'lose-answer') return void req.socket.destroy();
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(Buffer.concat(parts));
      });
    });
    upstream.on('error', () => req.socket.destroy());
    upstream.end(body);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
