import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { ApiError } from '../domain/errors.js';
import { otlpTypes } from './proto.js';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

/** A body that is not an OTLP export request at all: answered 400, nothing stored. */
export class MalformedExportError extends ApiError {
  constructor(message: string) {
    super(400, 'validation_error', message);
  }
}

/** A decompressed body larger than the limit: answered 413. */
export class ExportTooLargeError extends ApiError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

const gunzipAsync = promisify(gunzip);

/** The body as sent, unzipped when `Content-Encoding: gzip`; at most `limit` bytes either way. */
export async function decompressedBody(body: Buffer, contentEncoding: string | undefined, limit: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip') throw new MalformedExportError(`Content-Encoding ${encoding} is not supported; send gzip or no Content-Encoding`);
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ExportTooLargeError(`the unzipped request body is larger than this server's limit of ${limit} bytes; export fewer spans per request`);
    }
    throw new MalformedExportError(`the body is not valid gzip (${(error as Error).message}); send it gzipped whole, or drop Content-Encoding`);
  }
}

/**
 * The export request as a plain object: protobuf decoded by its official definition (ids as bytes,
 * 64-bit integers as decimal text, lowerCamelCase names), or JSON as sent (ids as hex text, 64-bit
 * integers as text or numbers, lowerCamelCase or snake_case names). `field` reads both namings.
 */
export function decodeExportRequest(body: Buffer, encoding: OtlpEncoding): Record<string, unknown> {
  if (encoding === 'protobuf') {
    try {
      const message = otlpTypes().request.decode(body);
      return otlpTypes().request.toObject(message, { longs: String });
    } catch (error) {
      throw new MalformedExportError(`the body is not a protobuf ExportTraceServiceRequest (${(error as Error).message})`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new MalformedExportError(`the body is not valid JSON (${(error as Error).message}); send an OTLP/JSON ExportTraceServiceRequest`);
  }
  if (!isObject(parsed)) throw new MalformedExportError('the body must be a JSON object (an OTLP/JSON ExportTraceServiceRequest)');
  return parsed;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

const snakeNames = new Map<string, string>();
const snakeCase = (name: string) => {
  let snake = snakeNames.get(name);
  if (snake === undefined) snakeNames.set(name, (snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
  return snake;
};

/** A field by its lowerCamelCase name, or by its snake_case name (both are valid OTLP/JSON). */
export function field(object: Record<string, unknown>, name: string): unknown {
  const value = object[name];
  return value === undefined ? object[snakeCase(name)] : value;
}
