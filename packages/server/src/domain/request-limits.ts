import { ApiError } from './errors.js';

/** Bounds on what one request may carry, beyond the body size (each has a `serve` flag). */
export interface RequestLimits {
  /** Levels of objects and arrays in a JSON body, counted from the body itself. */
  jsonDepth: number;
  /** Keys of any one JSON object in a body. */
  jsonKeys: number;
  /** A span's `payload` and its `result_payload`, each as JSON text, in bytes. */
  spanPayloadBytes: number;
  /** A registered schema version document (`agent_schema_version`) as JSON text, in bytes. */
  schemaDocumentBytes: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  jsonDepth: 100,
  jsonKeys: 10_000,
  spanPayloadBytes: 1024 * 1024,
  schemaDocumentBytes: 256 * 1024,
};

/** The `agentspan serve` flag that sets each limit, named in the errors that enforce it. */
export const LIMIT_FLAGS: Record<keyof RequestLimits, string> = {
  jsonDepth: '--json-depth-limit',
  jsonKeys: '--json-keys-limit',
  spanPayloadBytes: '--span-payload-limit',
  schemaDocumentBytes: '--schema-document-limit',
};

// A string of at most limit/3 UTF-16 units cannot exceed the limit in UTF-8: no need to count.
const utf8Length = (text: string, limit: number) => (text.length * 3 <= limit ? text.length : Buffer.byteLength(text, 'utf8'));

/**
 * 413 naming `field` when `json` (its JSON text) is larger than `limit` bytes. `advice` says what to
 * send instead.
 */
export function assertJsonTextWithin(json: string, field: string, limit: number, flag: string, advice: string): void {
  const size = utf8Length(json, limit);
  if (size <= limit) return;
  const message = `is ${size} bytes as JSON; this server takes at most ${limit} (${flag}); ${advice}`;
  throw new ApiError(413, 'payload_too_large', `${field} ${message}`, { [field]: [message] });
}
