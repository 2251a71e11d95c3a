import type { FastifyRequest } from 'fastify';

// An API token (`as_` and 43 base64url characters), or a long enough piece of one.
const TOKEN_TEXT = /as_[A-Za-z0-9_-]{8,}/g;

/** `text` with anything that looks like an API token replaced, for text a caller chose that goes to the log. */
export const redactTokens = (text: string | undefined) => text?.replace(TOKEN_TEXT, 'as_[redacted]');

/**
 * Fastify's request serializer, with tokens cut out of the URL: a token pasted into a path or a
 * query string by mistake must not end up in the log (tokens are kept only as hashes).
 */
export const requestForLog = (request: FastifyRequest) => ({
  method: request.method,
  url: redactTokens(request.url),
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});
