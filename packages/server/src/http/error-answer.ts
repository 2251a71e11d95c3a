import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, validationError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';
import { StoreUnavailableError } from '../store/errors.js';

/** What a client waits before it sends a request refused for load or an outage again, in seconds. */
export const RETRY_AFTER_SECONDS = '1';

/** What differs between the server's doors (the API, OTLP) in how a refusal reads. */
export interface DoorWording {
  bodyLimit: number;
  /** What to do about a body over `bodyLimit`. */
  smallerBody: string;
  /** The refusal of a Content-Type the door does not parse. */
  mediaType: ApiError;
  /** The log message of an unexpected failure. */
  failed: string;
}

/** The API's wording: JSON bodies. */
export const apiWording = (bodyLimit: number): DoorWording => ({
  bodyLimit,
  smallerBody: 'send less per request (bulk items can be split)',
  mediaType: new ApiError(400, 'invalid_json', 'the request body must be JSON: send Content-Type: application/json'),
  failed: 'request failed',
});

/** A refusal the caller can act on, from whatever refused the request; undefined for a failure of the server. */
function refusalOf(error: FastifyError, door: DoorWording): ApiError | undefined {
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
      return door.mediaType;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(
        413,
        'payload_too_large',
        `the request body is larger than this server's limit of ${door.bodyLimit} bytes; ${door.smallerBody}`,
      );
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new ApiError(400, 'invalid_json', `the request body is not valid JSON (${error.message}); send one JSON object`);
  }
  if (error instanceof StoreUnavailableError) {
    return new ApiError(503, 'service_unavailable', 'the database is unavailable; retry shortly');
  }
  if (error.statusCode !== undefined && error.statusCode < 500) return new ApiError(error.statusCode, 'validation_error', error.message);
  return undefined;
}

/**
 * Any error a door meets, as the status, code and message it answers with (every door renders this
 * in its own encoding): a refusal as it reads, anything else a 500 naming the request (and logged).
 * A refusal for load or an outage tells the client when to retry, unless it already says.
 */
export function errorAnswer(error: FastifyError, request: FastifyRequest, reply: FastifyReply, door: DoorWording): ApiError {
  const refusal = refusalOf(error, door);
  if (!refusal) {
    request.log.error({ err: error }, door.failed);
    return new ApiError(500, 'internal_error', `internal server error (request ${request.id}); it has been logged`);
  }
  if (refusal.statusCode >= 500) request.log.warn({ err: error }, refusal.message);
  if ((refusal.statusCode === 429 || refusal.statusCode >= 500) && !reply.hasHeader('retry-after')) reply.header('retry-after', RETRY_AFTER_SECONDS);
  return refusal;
}
