import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Domain } from '../domain/domain.js';
import { ApiError } from '../domain/errors.js';
import { requireToken, type TokenThrottle } from '../http/authentication.js';
import { CONTENT_TYPES, exportResponseBody, statusBody } from '../otlp/export-response.js';
import { readExport } from '../otlp/read-spans.js';
import { decodeExportRequest, decompressedBody, ExportTooLargeError, MalformedExportError, type OtlpEncoding } from '../otlp/wire-object.js';
import { StoreUnavailableError } from '../store/errors.js';
import { assertJsonShape } from '../domain/json-shape.js';
import { LIMIT_FLAGS, type RequestLimits } from '../domain/request-limits.js';

/** Default largest OTLP export body, before and after unzipping. */
export const DEFAULT_OTLP_BODY_LIMIT = 4 * 1024 * 1024;
/** Exports being stored at once by default; more are answered 429 (exporters retry after Retry-After). */
export const DEFAULT_OTLP_EXPORTS_IN_FLIGHT = 32;
const RETRY_AFTER_SECONDS = '1';

function encodingOf(request: FastifyRequest): OtlpEncoding | undefined {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type === CONTENT_TYPES.protobuf) return 'protobuf';
  if (type === CONTENT_TYPES.json) return 'json';
  return undefined;
}

/** HTTP status and message of a refused export, from whatever refused it. */
function refusal(error: FastifyError, bodyLimit: number): { status: number; message: string } | undefined {
  if (error instanceof ApiError) return { status: error.statusCode, message: error.message };
  if (error instanceof MalformedExportError) return { status: 400, message: error.message };
  if (error instanceof ExportTooLargeError) return { status: 413, message: error.message };
  if (error instanceof StoreUnavailableError) return { status: 503, message: 'the database is unavailable; retry shortly' };
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: `the request body is larger than this server's limit of ${bodyLimit} bytes; export fewer spans per request` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: 'send Content-Type: application/x-protobuf or application/json (OTLP/HTTP)' };
  }
  return undefined;
}

/**
 * POST /v1/traces: OTLP/HTTP trace export (protobuf or JSON, gzip or not), on the API's token. Every
 * answer, refusals included, is in the request's encoding: `ExportTraceServiceResponse` with the
 * spans that could not be stored in `partial_success`, or a `google.rpc.Status`.
 */
export function otlpTraceRoutes(
  app: FastifyInstance,
  domain: Domain,
  { bodyLimit, exportsInFlight, limits }: { bodyLimit: number; exportsInFlight: number; limits: RequestLimits },
  /** The rate limit and capacity guard the API's other writes have. */
  guards: { throttle: TokenThrottle; capacity(scope: FastifyInstance): void },
): void {
  let inFlight = 0;
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser([CONTENT_TYPES.protobuf, CONTENT_TYPES.json], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const encoding = encodingOf(request) ?? 'json';
      const known = refusal(error, bodyLimit);
      if (!known) request.log.error({ err: error }, 'trace export failed');
      const { status, message } = known ?? { status: 500, message: `internal server error (request ${request.id}); it has been logged` };
      if ((status === 429 || status === 503) && !reply.hasHeader('retry-after')) reply.header('retry-after', RETRY_AFTER_SECONDS);
      return reply
        .code(status)
        .type(CONTENT_TYPES[encoding])
        .send(statusBody(status, message, encoding));
    });
    guards.capacity(scope);
    requireToken(scope, domain, guards.throttle);
    scope.post('/v1/traces', { bodyLimit, schema: { hide: true } }, async (request, reply) => {
      const encoding = encodingOf(request)!;
      if (inFlight >= exportsInFlight) {
        throw new ApiError(
          429,
          'rate_limited',
          `this server is already storing as many exports as it takes at once (${exportsInFlight}); retry after ${RETRY_AFTER_SECONDS} s`,
        );
      }
      inFlight += 1;
      try {
        const body = await decompressedBody(request.body as Buffer, request.headers['content-encoding'], bodyLimit);
        const decoded = decodeExportRequest(body, encoding);
        assertJsonShape(decoded, limits, { depth: LIMIT_FLAGS.jsonDepth, keys: LIMIT_FLAGS.jsonKeys });
        const received = readExport(decoded);
        const outcome = await domain.ingest(request.principal, received);
        request.log.debug({ stored: outcome.stored, duplicates: outcome.duplicates, rejected: outcome.rejected.length }, 'trace export');
        const answer = exportResponseBody({ rejected: outcome.rejected, truncated: received.truncated }, encoding);
        return reply.code(200).type(CONTENT_TYPES[encoding]).send(answer);
      } finally {
        inFlight -= 1;
      }
    });
  });
}
