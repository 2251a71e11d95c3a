import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Domain } from '../domain/domain.js';
import { ApiError } from '../domain/errors.js';
import { requireToken, type TokenThrottle } from '../http/authentication.js';
import { errorAnswer, RETRY_AFTER_SECONDS, type DoorWording } from '../http/error-answer.js';
import { CONTENT_TYPES, exportResponseBody, statusBody } from '../otlp/export-response.js';
import { readExport } from '../otlp/read-spans.js';
import { decodeExportRequest, decompressedBody, type OtlpEncoding } from '../otlp/wire-object.js';
import { assertJsonShape } from '../domain/json-shape.js';
import { LIMIT_FLAGS, type RequestLimits } from '../domain/request-limits.js';

/** Default largest OTLP export body, before and after unzipping. */
export const DEFAULT_OTLP_BODY_LIMIT = 4 * 1024 * 1024;
/** Exports being stored at once by default; more are answered 429 (exporters retry after Retry-After). */
export const DEFAULT_OTLP_EXPORTS_IN_FLIGHT = 32;

function encodingOf(request: FastifyRequest): OtlpEncoding | undefined {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type === CONTENT_TYPES.protobuf) return 'protobuf';
  if (type === CONTENT_TYPES.json) return 'json';
  return undefined;
}

/** How OTLP words the refusals the API words for JSON bodies. */
const otlpWording = (bodyLimit: number): DoorWording => ({
  bodyLimit,
  smallerBody: 'export fewer spans per request',
  mediaType: new ApiError(415, 'validation_error', 'send Content-Type: application/x-protobuf or application/json (OTLP/HTTP)'),
  failed: 'trace export failed',
});

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
    const wording = otlpWording(bodyLimit);
    // The API's answer to the error, re-encoded as a `google.rpc.Status`.
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const encoding = encodingOf(request) ?? 'json';
      const { statusCode, message } = errorAnswer(error, request, reply, wording);
      return reply
        .code(statusCode)
        .type(CONTENT_TYPES[encoding])
        .send(statusBody(statusCode, message, encoding));
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
