import type { FastifyInstance } from 'fastify';
import { ApiError } from '../domain/errors.js';
import type { Store } from '../store/store.js';

/** How long `GET /readyz` waits for the store before calling it not ready. */
const READY_TIMEOUT_MS = 2000;

/**
 * `GET /healthz`: the process is up and answering. `GET /readyz`: the store answers a read too
 * (503 with Retry-After when it does not, e.g. PostgreSQL is down), for a load balancer to route
 * by. Neither needs a token, nor says anything about the data.
 */
export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([store.read((tx) => tx.firstAccount()), timeout]);
    } catch (error) {
      throw new ApiError(503, 'service_unavailable', `the store does not answer (${(error as Error).message}); retry shortly`);
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ready' };
  });
}
