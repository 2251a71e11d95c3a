import type { FastifyInstance } from 'fastify';
import cors from '@fastify/cors';

/** Request headers a browser page may send: the ones the API and `@agentspan/client` use. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Prefactor-SDK', 'Last-Event-ID', 'X-Request-Id'];

/** Answer headers a page may read: the client's retry wait and replay mark, and the request id. */
export const CORS_EXPOSED_HEADERS = ['Retry-After', 'Idempotent-Replayed', 'X-Request-Id'];

const CORS_METHODS = ['GET', 'HEAD', 'POST', 'DELETE'];

/** How long a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Reads an origin as browsers send it (`https://app.example.com`, `http://localhost:5173`);
 * throws a message saying what to write instead.
 */
export function parseCorsOrigin(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== text.replace(/\/$/, '')) {
    throw new Error(
      `expected an origin: http:// or https://, a host and an optional port, no path (e.g. https://app.example.com or http://localhost:5173); got "${text}"`,
    );
  }
  return url.origin;
}

/**
 * Lets pages of `origins` call the API from a browser: preflights are answered, and answers carry
 * Access-Control-Allow-Origin for those origins only. Tokens travel in the Authorization header,
 * never as cookies, so no credentials mode is allowed.
 */
export function allowCrossOrigin(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  app.register(cors, {
    origin: [...origins],
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    credentials: false,
  });
}
