import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../domain/caller.js';
import type { Domain } from '../domain/domain.js';
import { ApiError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Every route in `scope` needs `Authorization: Bearer <token>`; the token's account confines what it sees. */
export function requireToken(scope: FastifyInstance, domain: Domain): void {
  scope.decorateRequest('principal', null as unknown as Principal);
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) {
      throw new ApiError(401, 'unauthorized', 'missing token: send Authorization: Bearer <token>');
    }
    const token = BEARER.exec(header)?.[1];
    if (!token) throw new ApiError(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"');
    const principal = await domain.tokens.principal(token);
    if (!principal) {
      throw new ApiError(401, 'unauthorized', 'unknown token; create one with `agentspan tokens create`');
    }
    request.principal = principal;
  });
}
