import type { FastifyInstance } from 'fastify';
import { ApiError } from '../domain/errors.js';
import type { Store } from '../store/store.js';
import { RETRY_AFTER_SECONDS } from './error-answer.js';

/** Writes queued in the store past which new write requests are refused (see `guardCapacity`). */
export const DEFAULT_MAX_QUEUED_WRITES = 1000;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses write requests with 503 and Retry-After while the store is behind (more than
 * `maxQueuedWrites` units in SQLite's commit queue, or PostgreSQL checkouts and batched units
 * waiting), instead of queueing them without end. Nothing was done, so a retry is safe; reads go on.
 */
export function guardCapacity(scope: FastifyInstance, store: Store, maxQueuedWrites: number, onRefused: () => void): void {
  if (maxQueuedWrites <= 0) return;
  scope.addHook('onRequest', async (request, reply) => {
    if (READS.has(request.method)) return;
    const queued = store.load().queuedWrites;
    if (queued < maxQueuedWrites) return;
    onRefused();
    reply.header('retry-after', RETRY_AFTER_SECONDS);
    throw new ApiError(
      503,
      'service_unavailable',
      `the store is behind (${queued} writes queued; this server takes at most ${maxQueuedWrites}); retry after ${RETRY_AFTER_SECONDS} s`,
    );
  });
}
