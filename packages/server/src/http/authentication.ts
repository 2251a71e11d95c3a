import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../domain/caller.js';
import type { Domain } from '../domain/domain.js';
import { ApiError } from '../domain/errors.js';
import { bearerToken } from './bearer.js';
import { retryAfterSeconds, type TokenRateLimiter } from './rate-limit.js';

/** What a token may send: a rate limit (none by default). */
export interface TokenThrottle {
  rateLimiter?: TokenRateLimiter;
  onRateLimited?: () => void;
}
import { CSRF_HEADER, SESSION_COOKIE, csrfMatches } from './ui-session.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** Every route in `scope` needs `Authorization: Bearer <token>`; the token's account confines what it sees. */
export function requireToken(scope: FastifyInstance, domain: Domain, throttle: TokenThrottle = {}): void {
  scope.decorateRequest('principal', null as unknown as Principal);
  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const token = header ? bearerToken(header) : viewerSessionToken(request);
    if (!header && !token) {
      throw new ApiError(401, 'unauthorized', 'missing token: send Authorization: Bearer <token>');
    }
    if (!token) throw new ApiError(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"');
    const check = await domain.tokens.check(token);
    if (!check) throw new ApiError(401, 'unauthorized', 'unknown token; create one with `agentspan tokens create`');
    if ('refused' in check) throw new ApiError(401, 'unauthorized', check.refused);
    request.principal = check.principal;
    const waitMs = throttle.rateLimiter?.take(token) ?? 0;
    if (waitMs > 0) {
      throttle.onRateLimited?.();
      const seconds = retryAfterSeconds(waitMs);
      reply.header('retry-after', seconds);
      throw new ApiError(429, 'rate_limited', `this token sent more requests than this server allows (--rate-limit); retry after ${seconds} s`);
    }
  });
}

/**
 * The token of the viewer's session cookie, for a request without an Authorization header. A
 * cookie is sent by the browser whoever asks, so a request that changes something must also carry
 * the session's CSRF token (only a page of this origin can read it).
 */
function viewerSessionToken(request: FastifyRequest): string | undefined {
  const token = request.cookies?.[SESSION_COOKIE];
  if (!token) return undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD' && !csrfMatches(token, request.headers[CSRF_HEADER])) {
    throw new ApiError(403, 'forbidden', `a request from the viewer session that changes something needs its ${CSRF_HEADER} header`);
  }
  return token;
}
