import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './app.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The base URL clients use, e.g. http://127.0.0.1:7070 (https:// when started with `https`) */
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the store. */
  stop(): Promise<void>;
}

export interface StartServerOptions extends Omit<BuildAppOptions, 'logger'> {
  host: string;
  port: number;
  logger?: FastifyBaseLogger | boolean | { level: string };
}

/** Builds the app on `store` and listens. The store is closed by `stop()`. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { host: _host, port: _port, logger, ...appOptions } = options;
  const app = buildApp({ ...appOptions, logger: logger ?? false });
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
  return { app, url: `${options.https ? 'https' : 'http'}://${host}:${port}`, stop };
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
