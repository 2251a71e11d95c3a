import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Store } from './store/store.js';
import type { RequestLimits } from './domain/request-limits.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The base URL clients use, e.g. http://127.0.0.1:7070 */
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the store. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  store: Store;
  host: string;
  port: number;
  logger?: FastifyBaseLogger | boolean | { level: string };
  bodyLimit?: number;
  /** Serve the web viewer at `/` (default true). */
  viewer?: boolean;
  otlpBodyLimit?: number;
  limits?: Partial<RequestLimits>;
}

/** Builds the app on `store` and listens. The store is closed by `stop()`. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = buildApp({
    store: options.store,
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit,
    otlpBodyLimit: options.otlpBodyLimit,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.viewer === undefined ? {} : { viewer: options.viewer }),
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await app.close();
      } finally {
        await options.store.close();
      }
    })());
  return { app, url: `http://${host}:${port}`, stop };
}

/** SIGTERM / SIGINT drain the server once; a second signal exits at once. */
export function stopOnSignals(server: RunningServer, log: (message: string) => void) {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) process.exit(1);
    draining = true;
    log(`${signal}: draining in-flight requests, then closing the store`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
