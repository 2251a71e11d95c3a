import type { FastifyRequest } from 'fastify';

/**
 * For routes whose body is optional: a request with no body at all is read as one without a body,
 * even when it says Content-Type: application/json (prefactor_http sends that header on every call,
 * with no body when it has no idempotency key). A body that is present is parsed as usual.
 */
export async function bodyOptional(request: FastifyRequest): Promise<void> {
  const { headers } = request;
  if (headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0')) {
    delete headers['content-type'];
  }
}
