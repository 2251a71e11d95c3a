import { MAX_VALUE_CHARS } from './attribute-values.js';
import { otlpTypes } from './proto.js';
import type { SpanRejection } from '../domain/traces/received-spans.js';
import type { OtlpEncoding } from './wire-object.js';

export const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** Rejections named in a partial success's message; the count covers all of them. */
const NAMED_REJECTIONS = 5;

export interface ExportResult {
  rejected: SpanRejection[];
  truncated: number;
}

/** The partial success's message: why spans were rejected, and how many values were cut. */
function partialSuccessMessage({ rejected, truncated }: ExportResult): string {
  const parts: string[] = [];
  if (rejected.length > 0) {
    const named = rejected.slice(0, NAMED_REJECTIONS).map((r) => `${r.span}: ${r.reason}`);
    const more = rejected.length > NAMED_REJECTIONS ? `; and ${rejected.length - NAMED_REJECTIONS} more` : '';
    parts.push(`${rejected.length} span${rejected.length === 1 ? '' : 's'} rejected (${named.join('; ')}${more})`);
  }
  if (truncated > 0) {
    parts.push(
      `${truncated} value${truncated === 1 ? '' : 's'} longer than ${MAX_VALUE_CHARS} characters stored truncated (marked "…[truncated N characters]")`,
    );
  }
  return parts.join('. ');
}

/** `ExportTraceServiceResponse` in the request's encoding; `partial_success` only when something was rejected or cut. */
export function exportResponseBody(result: ExportResult, encoding: OtlpEncoding): Buffer | string {
  const message = partialSuccessMessage(result);
  if (encoding === 'json') {
    // 64-bit integers go out as decimal text, as OTLP/JSON writes them.
    return JSON.stringify(message ? { partialSuccess: { rejectedSpans: String(result.rejected.length), errorMessage: message } } : {});
  }
  const body = message ? { partialSuccess: { rejectedSpans: result.rejected.length, errorMessage: message } } : {};
  return Buffer.from(otlpTypes().response.encode(otlpTypes().response.fromObject(body)).finish());
}

/** gRPC codes of `google.rpc.Status`, by the HTTP status an export is refused with. */
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 429: 8, 503: 14 };
const GRPC_INTERNAL = 13;

/** A refused export's body: `google.rpc.Status` in the request's encoding. */
export function statusBody(httpStatus: number, message: string, encoding: OtlpEncoding): Buffer | string {
  const status = { code: GRPC_CODES[httpStatus] ?? GRPC_INTERNAL, message };
  if (encoding === 'json') return JSON.stringify(status);
  return Buffer.from(otlpTypes().status.encode(otlpTypes().status.fromObject(status)).finish());
}
