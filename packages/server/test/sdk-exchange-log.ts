import type { TestContext } from 'node:test';
import type { Server } from './harness.js';

interface Exchange {
  method: string;
  path: string;
  /** Our client names itself in X-Prefactor-SDK; @prefactor/core 0.2.9 sends no such header. */
  ourClient: boolean;
  status?: number;
}

/** Every request the server answers, with its status, seen on the listening socket. */
export class ExchangeLog {
  readonly exchanges: Exchange[] = [];
  private waiters: Array<{ line: string; resolve(): void }> = [];

  constructor(server: Server) {
    server.app.server.on('request', (request, response) => {
      const exchange: Exchange = { method: request.method ?? '', path: request.url ?? '', ourClient: 'x-prefactor-sdk' in request.headers };
      this.exchanges.push(exchange);
      response.on('finish', () => {
        exchange.status = response.statusCode;
        this.waiters = this.waiters.filter((w) => (this.seen(w.line) ? (w.resolve(), false) : true));
      });
    });
  }

  /** The SDK's calls as `status METHOD path`, in the order they arrived. */
  sdkCalls(): string[] {
    return this.exchanges.filter((e) => !e.ourClient).map((e) => `${e.status} ${e.method} ${e.path}`);
  }

  /** The call was answered, or another was refused (then the test fails on the calls, rather than waiting forever). */
  private seen(line: string): boolean {
    const calls = this.sdkCalls();
    return calls.includes(line) || calls.some((call) => !/^(20\d|undefined) /.test(call));
  }

  /** Resolves once the server has answered an SDK call `status METHOD path` (or refused any SDK call). */
  answered(line: string): Promise<void> {
    if (this.seen(line)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ line, resolve }));
  }

  instanceIds(): string[] {
    return this.exchanges.flatMap((e) => (!e.ourClient && /^\/api\/v1\/agent_instance\/([^/]+)\/start$/.exec(e.path)?.[1]) || []);
  }
}

/** What the SDK logs when a call fails: it never throws to the caller, so its log is the other witness. */
export function captureSdkLog(t: TestContext): string[] {
  const lines: string[] = [];
  for (const level of ['error', 'warn'] as const) {
    t.mock.method(console, level, (...args: unknown[]) => lines.push(`${level}: ${args.map(String).join(' ')}`));
  }
  return lines;
}
