import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, validationError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';
import { StoreUnavailableError } from '../store/errors.js';

function asApiError(error: FastifyError, bodyLimit: number): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    const where = error.validationContext === 'body' ? 'request body' : error.validationContext === 'querystring' ? 'query string' : 'path';
    const errors = toFieldErrors(error.validation);
    const [field, messages] = Object.entries(errors)[0] ?? ['body', ['is invalid']];
    return validationError(errors, field === 'body' ? `the ${where} ${messages[0]}` : `${where}: ${field} ${messages[0]}`);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(400, 'invalid_json', 'the request body is not valid JSON; send one JSON object');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'invalid_json', 'the request body is empty but Content-Type says JSON; send a JSON object');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(400, 'invalid_json', 'the request body must be JSON: send Content-Type: application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(
        413,
        'payload_too_large',
        `the request body is larger than this server's limit of ${bodyLimit} bytes; send less per request (bulk items can be split)`,
      );
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new ApiError(400, 'invalid_json', `the request body is not valid JSON (${error.message}); send one JSON object`);
  }
  if (error instanceof StoreUnavailableError) {
    return new ApiError(503, 'service_unavailable', 'the database is unavailable; retry shortly');
  }
  return undefined;
}

/** The contract's error envelope, naming the request (as its log lines and `X-Request-Id` do). */
const envelope = (error: ApiError, request: FastifyRequest) => ({ ...error.toBody(), request_id: request.id });

/**
 * Errors Fastify meets before routing (a path that is not percent-encoded UTF-8), which the error
 * handler never sees: `frameworkErrors` of the Fastify options.
 */
export const frameworkErrors = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
  const answer =
    error.code === 'FST_ERR_BAD_URL'
      ? new ApiError(400, 'validation_error', 'the URL path is not valid percent-encoded UTF-8; encode each id with encodeURIComponent')
      : new ApiError(400, 'validation_error', `the request could not be routed (${error.message})`);
  reply.code(400).send(envelope(answer, request));
};

/** Shapes every error into the contract's envelope; 5xx bodies never carry internals. */
export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = asApiError(error, bodyLimit);
    if (known) {
      if (known.statusCode >= 500) {
        request.log.warn({ err: error }, known.message);
        if (!reply.hasHeader('retry-after')) reply.header('retry-after', '1');
      }
      return reply.code(known.statusCode).send(envelope(known, request));
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.code(error.statusCode).send(envelope(new ApiError(error.statusCode, 'validation_error', error.message), request));
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(500)
      .send(envelope(new ApiError(500, 'internal_error', `internal server error (request ${request.id}); it has been logged`), request));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(
        envelope(
          new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}; the API is described at GET /api/v1/openapi.json`),
          request,
        ),
      );
  });
}
